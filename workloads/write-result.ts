// The writer a run's last stage runs on the program's machine (`tsx workloads/write-result.ts check|write`):
// `check` prints `done` when RESULT_PATH already holds a valid RunResult (the run is then skipped, so a second
// `up` never duplicates it) and `todo` otherwise; `write` reads the run's bundle on stdin, keeps it under
// raw/, assembles and validates the RunResult, writes it atomically and prints the run's summary as JSON.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'fs';
import * as path from 'path';
import { RunResult } from '../analysis/schema';
import { assembleRunResult, RunBundle, summarise } from './result';

function existingResult(file: string): RunResult | undefined {
  if (!existsSync(file)) return undefined;
  const parsed = RunResult.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  return parsed.success ? parsed.data : undefined;
}

function writeAtomically(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

function main(): void {
  const mode = process.argv[2];
  const file = process.env.RESULT_PATH;
  if (file === undefined || file === '') throw new Error('write-result: RESULT_PATH is not set');
  const existing = existingResult(file);
  if (mode === 'check') {
    process.stdout.write(existing === undefined ? 'todo' : 'done');
    return;
  }
  if (mode !== 'write') throw new Error(`write-result: mode must be check or write, got ${mode ?? '(none)'}`);
  if (existing !== undefined) {
    process.stdout.write(`${JSON.stringify({ ...summarise(existing, file), skipped: true })}\n`);
    return;
  }
  const input = readFileSync(0, 'utf8');
  // What was collected is kept even if assembling it fails below.
  writeAtomically(path.join(path.dirname(file), 'raw', path.basename(file)), input);
  const result = assembleRunResult(RunBundle.parse(JSON.parse(input)));
  writeAtomically(file, `${JSON.stringify(result, null, 1)}\n`);
  process.stdout.write(`${JSON.stringify(summarise(result, file))}\n`);
}

main();
