// The fault matrix across schedulers: each end-to-end suite records its rows here (one JSON line each, in a file of
// this jest run's), and the e2e project's global teardown prints them as one table — SLURM, Kubernetes, Flux.
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync } from 'fs';
import * as path from 'path';
import { z } from 'zod';

const REPO = path.join(__dirname, '..', '..');

export const FaultRow = z.strictObject({
  scheduler: z.string(),
  fault: z.string(),
  expected: z.string(),
  observed: z.string(),
});
export type FaultRow = z.infer<typeof FaultRow>;

/** The rows' file of one jest run (SCHEDBENCH_RUN_ID, set by test/global-setup.js), or of this process alone. */
export function faultMatrixFile(runId = process.env.SCHEDBENCH_RUN_ID ?? `pid${process.pid}`): string {
  return path.join(REPO, 'test-artifacts', `fault-matrix-${runId}.jsonl`);
}

export function recordFault(row: FaultRow): void {
  const file = faultMatrixFile();
  mkdirSync(path.dirname(file), { recursive: true });
  appendFileSync(file, `${JSON.stringify(FaultRow.parse(row))}\n`);
}

/** The table of rows, scheduler by scheduler in the order SLURM, Kubernetes, Flux, then any other. */
export function faultMatrixTable(rows: readonly FaultRow[]): string {
  const order = ['slurm', 'kubernetes', 'flux'];
  const rank = (s: string) => (order.includes(s) ? order.indexOf(s) : order.length);
  const sorted = rows
    .map((r, i) => ({ r, i }))
    .sort((a, b) => rank(a.r.scheduler) - rank(b.r.scheduler) || a.i - b.i)
    .map(({ r }) => [r.scheduler, r.fault, r.expected, r.observed]);
  const header = ['scheduler', 'fault', 'expected', 'observed'];
  const widths = header.map((h, i) => Math.max(h.length, ...sorted.map((c) => (c[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...sorted.map(line)].join('\n');
}

/** Prints this run's matrix, if any suite recorded a row, and removes its file. */
export function printFaultMatrix(runId?: string): void {
  const file = faultMatrixFile(runId);
  if (!existsSync(file)) return;
  const rows = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => FaultRow.parse(JSON.parse(l)));
  rmSync(file, { force: true });
  process.stdout.write(
    `\nFault matrix (netns nodes, local runner; docs/security.md):\n${faultMatrixTable(rows)}\n`,
  );
}
