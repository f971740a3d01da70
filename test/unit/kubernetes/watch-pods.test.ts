// The Kubernetes scheduler sampler reads one pod watch (lib.sh's watch_pods). An apiserver ends every watch after
// a while (its --min-request-timeout, randomised); the sampler must then list and watch again, and stop its
// kubectl when it is told to stop. A stand-in `kubectl` on PATH plays the apiserver's part: the first call's watch
// ends at once, the second stays open. The real watch against a real cluster is in the Kubernetes e2e (its runs'
// samples); ending a real watch on demand is what this test adds.
import { spawn } from 'child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { PRELUDE } from '../../../components/script';
import { KUBERNETES_SCRIPTS_DIR } from '../../../components/kubernetes/script';
import { running } from '../../helpers/proc';

const STAND_IN = `#!/bin/bash
set -euo pipefail
n=$(( $(cat "$CALLS" 2>/dev/null || echo 0) + 1 ))
echo "$n" >"$CALLS"
printf '%s\\n' "$*" >>"$ARGS"
printf 'pod-%d|Running|n%d|1\\n' "$n" "$n"
if (( n >= 2 )); then echo "$$" >"$OPEN"; exec sleep 600; fi
`;

/** Resolves when check() holds, polling every 20 ms; rejects after `ms`. */
async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('watch_pods', () => {
  let dir: string;
  // What the test started, stopped whatever the outcome.
  const started: number[] = [];
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'watch-pods-'));
    writeFileSync(path.join(dir, 'kubectl'), STAND_IN);
    chmodSync(path.join(dir, 'kubectl'), 0o755);
  });
  afterEach(() => {
    for (const pid of started.splice(0)) if (running(pid)) process.kill(pid, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('watches again when the apiserver ends the watch, and stops its kubectl on SIGTERM', async () => {
    const files = { CALLS: 'calls', ARGS: 'args', OPEN: 'open' };
    const env = {
      PATH: `${dir}:${process.env.PATH ?? ''}`,
      KUBECONFIG: '/var/lib/schedbench/c1/kubernetes/etc/runner.conf',
      NAMESPACE: 'schedbench',
      RUN_LABEL: 'run-7',
      ...Object.fromEntries(Object.entries(files).map(([k, f]) => [k, path.join(dir, f)])),
    };
    const script = [
      readFileSync(PRELUDE, 'utf8'),
      readFileSync(path.join(KUBERNETES_SCRIPTS_DIR, 'lib.sh'), 'utf8'),
      'watch_pods',
    ].join('\n');
    const child = spawn('bash', ['-c', script], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    if (child.pid !== undefined) started.push(child.pid);
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

    const open = path.join(dir, files.OPEN);
    await until(
      () => existsSync(open) && readFileSync(open, 'utf8').trim() !== '',
      10_000,
      'the second watch',
    );
    const watcher = Number(readFileSync(open, 'utf8'));
    started.push(watcher);
    expect(running(watcher)).toBe(true);

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    await until(() => !running(watcher), 5_000, 'the open watch to end');

    // Both watches' lines reached stdout, in order: nothing of the first is lost with its end.
    expect(out.trim().split('\n')).toEqual(['pod-1|Running|n1|1', 'pod-2|Running|n2|1']);
    const calls = readFileSync(path.join(dir, files.ARGS), 'utf8').trim().split('\n');
    expect(calls).toHaveLength(2);
    for (const call of calls) {
      expect(call).toContain(
        `--kubeconfig ${env.KUBECONFIG} get pods -n schedbench -l schedbench.io/run=run-7 --watch`,
      );
    }
  });
});
