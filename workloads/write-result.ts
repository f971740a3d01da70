// The writer a run's first and last stages run on the program's machine (`tsx workloads/write-result.ts
// check|write`): `check` prints `done` when RESULT_PATH already holds a valid RunResult (the run is then skipped,
// so a second `up` never repeats it) and `todo` otherwise — a file there that is not a valid RunResult is moved
// aside (kept, named in a warning) and the run done again; `write` reads the run's bundle on stdin, keeps it
// under raw/, assembles and validates the RunResult, writes it atomically and prints the run's summary as JSON.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'fs';
import * as path from 'path';
import { readRunResult } from '../results/read';
import type { RunResult } from '../results/schema';
import { summarise } from './summary';

type Existing = { kind: 'none' } | { kind: 'valid'; result: RunResult } | { kind: 'invalid'; reason: string };

function existingResult(file: string): Existing {
  if (!existsSync(file)) return { kind: 'none' };
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
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

function writeAtomically(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

async function main(): Promise<void> {
  const mode = process.argv[2];
  const file = process.env.RESULT_PATH;
  if (file === undefined || file === '') throw new Error('write-result: RESULT_PATH is not set');
  if (mode !== 'check' && mode !== 'write')
    throw new Error(`write-result: mode must be check or write, got ${mode ?? '(none)'}`);
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
  writeAtomically(path.join(path.dirname(file), 'raw', path.basename(file)), input);
  const result = assembleRunResult(RunBundle.parse(JSON.parse(input)));
  writeAtomically(file, `${JSON.stringify(result, null, 1)}\n`);
  process.stdout.write(`${JSON.stringify(summarise(result, file))}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`write-result: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
