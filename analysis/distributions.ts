// The distributions of wait and bounded slowdown per scheduler, for the report's CDFs: every measured job of every
// repetition with status ok, pooled, per profile × workload (a replay's warm-up and cool-down jobs left out, as in
// the metrics). Pure.
import { jobTimes } from './job-times';
import { hasStarted, isCompleted, slowdownOf, waitOf } from './metrics-jobs';
import type { RunMetrics } from './metrics';
import type { RunResult } from '../results/schema';

export interface Samples {
  /** Sorted ascending. */
  waits: number[];
  /** Sorted ascending. */
  slowdowns: number[];
}

export interface CellDistributions {
  profile: string;
  workload: string;
  /** By scheduler label, in the order the rows name them. */
  bySchedulers: Map<string, Samples>;
  /** Whether the cell's runs replayed a log. */
  replay: boolean;
}

const ascending = (xs: number[]): number[] => xs.sort((a, b) => a - b);

/** Per profile × workload, in the rows' order: each scheduler's pooled, sorted waits and bounded slowdowns. */
export function jobDistributions(
  rows: readonly RunMetrics[],
  runs: readonly RunResult[],
): CellDistributions[] {
  const cells = new Map<string, CellDistributions>();
  rows.forEach((r, i) => {
    const run = runs[i];
    if (run === undefined || r.status !== 'ok') return;
    const key = `${r.profile}\u0000${r.workload}`;
    const cell = cells.get(key) ?? {
      profile: r.profile,
      workload: r.workload,
      bySchedulers: new Map<string, Samples>(),
      replay: false,
    };
    const jobs = run.jobs.map(jobTimes).filter((j) => j.measured);
    const samples = cell.bySchedulers.get(r.scheduler) ?? { waits: [], slowdowns: [] };
    samples.waits.push(...jobs.filter(hasStarted).map(waitOf));
    samples.slowdowns.push(...jobs.filter(isCompleted).map(slowdownOf));
    cell.bySchedulers.set(r.scheduler, samples);
    cell.replay ||= run.workload.replay !== undefined;
    cells.set(key, cell);
  });
  for (const cell of cells.values())
    for (const s of cell.bySchedulers.values()) {
      ascending(s.waits);
      ascending(s.slowdowns);
    }
  return [...cells.values()];
}

/**
 * The empirical CDF of sorted values as points (x, share of values ≤ x): every value, or `limit` of them evenly
 * spaced by rank (the last always kept) when there are more.
 */
export function ecdfPoints(sorted: readonly number[], limit = 400): { x: number; p: number }[] {
  const n = sorted.length;
  if (n === 0) return [];
  const step = Math.max(1, n / limit);
  const points: { x: number; p: number }[] = [];
  for (let r = step - 1; r < n - 1; r += step) {
    const i = Math.floor(r);
    points.push({ x: sorted[i] as number, p: (i + 1) / n });
  }
  points.push({ x: sorted[n - 1] as number, p: 1 });
  return points;
}
