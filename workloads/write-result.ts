// The writer a run's first and last stages run on the program's machine (`tsx workloads/write-result.ts
// check|write`): `check` prints `done` when RESULT_PATH already holds a valid RunResult (the run is then skipped,
// so a second `up` never repeats it) and `todo` otherwise — a file there that is not a valid RunResult is moved
// aside (kept, named in a warning) and the run done again; `write` reads the run's bundle on stdin, keeps it
// under raw/, assembles and validates the RunResult, writes it atomically and prints the run's summary as JSON.
// It runs as root: the results directory, and every directory above it, must be one only root can change (no
// symlink on the way, not group- or world-writable; results/trusted-dir.ts), and no file is read or written
// through a link.
import { lstatSync, readFileSync, renameSync } from 'fs';
import * as path from 'path';
import { readRunResult } from '../results/read';
import type { RunResult } from '../results/schema';
import { ensureTrustedDir, readFileNoFollow, writeFileTrusted } from '../results/trusted-dir';
import { summarise } from './summary';

/** What names the results directory in messages. */
const LABEL = 'schedbench:resultsDir';

type Existing = { kind: 'none' } | { kind: 'valid'; result: RunResult } | { kind: 'invalid'; reason: string };

/** Whether anything (a link included) is at `file`. */
function present(file: string): boolean {
  try {
    lstatSync(file);
    return true;
  } catch {
    return false;
  }
}

function existingResult(file: string): Existing {
  if (!present(file)) return { kind: 'none' };
  let value: unknown;
  try {
    value = JSON.parse(readFileNoFollow(file).toString('utf8'));
  } catch (err) {
    return {
      kind: 'invalid',
      reason: `not valid JSON (${err instanceof Error ? err.message : String(err)})`,
    };
  }
  const read = readRunResult(value);
  return read.ok ? { kind: 'valid', result: read.result } : { kind: 'invalid', reason: read.error };
}

/** Moves a file that is not a valid result out of the way, keeping it: `<name>.invalid-<epoch ms>`. */
function moveAside(file: string, reason: string): void {
  const aside = `${file}.invalid-${Date.now()}`;
  renameSync(file, aside);
  process.stderr.write(
    `write-result: WARNING ${file} is ${reason}; kept as ${aside}; the run is done again\n`,
  );
}

async function main(): Promise<void> {
  const mode = process.argv[2];
  const file = process.env.RESULT_PATH;
  if (file === undefined || file === '') throw new Error('write-result: RESULT_PATH is not set');
  if (mode !== 'check' && mode !== 'write')
    throw new Error(`write-result: mode must be check or write, got ${mode ?? '(none)'}`);
  // Nothing there: nothing to read or move (and `check` makes nothing). Otherwise, before anything is read,
  // moved or written, the directory the result goes to is checked (made when missing, for `write`).
  if (mode === 'check' && !present(file)) {
    process.stdout.write('todo');
    return;
  }
  ensureTrustedDir(path.dirname(path.resolve(file)), LABEL);
  const existing = existingResult(file);
  if (mode === 'check') {
    if (existing.kind === 'invalid') moveAside(file, existing.reason);
    process.stdout.write(existing.kind === 'valid' ? 'done' : 'todo');
    return;
  }
  if (existing.kind === 'valid') {
    process.stdout.write(`${JSON.stringify({ ...summarise(existing.result, file), skipped: true })}\n`);
    return;
  }
  if (existing.kind === 'invalid') moveAside(file, existing.reason);
  // Loaded only to write: `check` stays light (every run starts with it).
  const { assembleRunResult, RunBundle } = await import('./result');
  const input = readFileSync(0, 'utf8');
  // What was collected is kept even if assembling it fails below.
  writeFileTrusted(path.join(path.dirname(file), 'raw', path.basename(file)), input, LABEL);
  const result = assembleRunResult(RunBundle.parse(JSON.parse(input)));
  writeFileTrusted(file, `${JSON.stringify(result, null, 1)}\n`, LABEL);
  process.stdout.write(`${JSON.stringify(summarise(result, file))}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`write-result: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
