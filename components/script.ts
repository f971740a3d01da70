// Shell scripts live beside their component and run as `bash -c '<script text>' <name>`: the text is fixed,
// every parameter travels in environment variables (or stdin for secrets), never spliced into the text.
import { readFileSync } from 'fs';
import * as path from 'path';
import { SSH_ENV_LIB } from './nodes/ssh-env';
import { REPO_ROOT } from './repo-root';

/** Single-quote a string for a POSIX shell. */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** `bash -c '<text>' <name>`: `$0` is `name`, so the script's messages say which script spoke. */
export function bashCommand(text: string, name: string): string {
  return `bash -c ${shellQuote(text)} ${name}`;
}

/**
 * The command that runs the script at `scriptPath` (absolute, or relative to the project root) with bash,
 * on this machine or over SSH. `$0` is the script's file name, so its error messages say which script failed.
 */
export function bashScript(scriptPath: string): string {
  const absolute = path.isAbsolute(scriptPath) ? scriptPath : path.join(REPO_ROOT, scriptPath);
  const text = readFileSync(absolute, 'utf8');
  return bashCommand(text, path.basename(absolute));
}

/** components/prelude.sh: the helpers every node script may use (log, bounded waits, pid files, skip). */
export const PRELUDE = path.join(REPO_ROOT, 'components', 'prelude.sh');

/**
 * components/stages.sh: the stage library every scheduler's node scripts share (arrivals, the bounded wait, the
 * sampler loop, package installs, locks), so that a scheduler folder's scripts keep only their own commands.
 */
export const STAGES = path.join(REPO_ROOT, 'components', 'stages.sh');

/**
 * `bash -c '<prelude + libs + dir/name>' name`: a node script with the shared prelude and its area's own
 * helpers (e.g. components/slurm/scripts/lib.sh) in front. Parameters still travel only in the environment.
 */
export function preludedScript(dir: string, name: string, libs: readonly string[] = []): string {
  const parts = [PRELUDE, ...libs, path.join(dir, name)].map((file) => readFileSync(file, 'utf8'));
  return bashCommand(parts.join('\n'), name);
}

/**
 * A node script run over SSH (by components/nodes/remote.ts's remoteCommand): preludedScript with ssh-env.sh
 * first, so its parameters, sent as SCHEDBENCH_<NAME>, have their own names again before anything reads them.
 */
export function remoteScript(dir: string, name: string, libs: readonly string[] = []): string {
  return preludedScript(dir, name, [SSH_ENV_LIB, ...libs]);
}

/**
 * A scheduler's node script, `dir/name`, run over SSH: remoteScript with the stage library (components/stages.sh)
 * and then the folder's own helpers (`dir/lib.sh`) in front.
 */
export function schedulerScript(dir: string, name: string): string {
  return remoteScript(dir, name, [STAGES, path.join(dir, 'lib.sh')]);
}
