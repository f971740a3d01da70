// Restart a daemon a fault test killed, as an operator would: the same command line and environment, in the
// namespaces of a sibling process of the same node (mount, UTS, network, IPC), detached, its output appended to its
// log, its pid in its pid file (so the stop scripts find it).
import { spawn } from 'child_process';
import { openSync, readFileSync, writeFileSync } from 'fs';

export interface Daemon {
  argv: string[];
  env: Record<string, string>;
  pidFile: string;
  logFile: string;
}

/** What a live daemon runs (its pid from `pidFile`): to be called before it is killed. */
export function captureDaemon(pidFile: string, logFile: string): Daemon & { pid: number } {
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  const nulSplit = (file: string) =>
    readFileSync(`/proc/${pid}/${file}`)
      .toString('utf8')
      .split('\0')
      .filter((s) => s !== '');
  const env = Object.fromEntries(
    nulSplit('environ').map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
  );
  return { pid, argv: nulSplit('cmdline'), env, pidFile, logFile };
}

/** Starts `daemon` again in the namespaces of `sibling` (a live process of the same node); returns its pid. */
export function restartDaemon(daemon: Daemon, sibling: number): number {
  const log = openSync(daemon.logFile, 'a');
  const child = spawn(
    'nsenter',
    ['--target', String(sibling), '--mount', '--uts', '--net', '--ipc', '--', ...daemon.argv],
    { detached: true, stdio: ['ignore', log, log], env: daemon.env },
  );
  child.unref();
  const pid = child.pid ?? 0;
  if (pid <= 0) throw new Error(`could not start ${daemon.argv[0] ?? '?'} again`);
  writeFileSync(daemon.pidFile, `${pid}\n`);
  return pid;
}
