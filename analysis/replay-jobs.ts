// The same log jobs under each scheduler (issue 26): for every profile × workload whose runs replayed a log, each log
// job's wait and bounded slowdown under each scheduler (the mean over its repetitions with status ok), and for each
// pair of schedulers a paired comparison over the measured jobs both ran: how many waited less under which, the
// median of the per-job differences and a Wilcoxon signed-rank test. Pure.
import wilcoxon from '@stdlib/stats-wilcoxon';
import { jobTimes, type JobTimes } from './job-times';
import { START_TOLERANCE_SECONDS } from './metrics-backfill';
import { hasStarted, isCompleted, slowdownOf, waitOf } from './metrics-jobs';
import type { RunMetrics } from './metrics';
import { mean, quantile } from './stats';
import type { LogJob, RunResult } from '../results/schema';

/** One scheduler's figures of one log job: means over the repetitions in which the job started / completed. */
export interface JobUnder {
  waitSeconds: number | null;
  boundedSlowdown: number | null;
  /** Repetitions in which it started. */
  runs: number;
}

export interface ReplayJob {
  logJob: number;
  phase: NonNullable<LogJob['phase']>;
  processors: number;
  logSubmitSeconds: number;
  logRunSeconds: number;
  /** By scheduler label. */
  under: Record<string, JobUnder>;
}

/** A against B over the measured jobs both started; differences are A − B. */
export interface ReplayPair {
  a: string;
  b: string;
  jobs: number;
  /** Jobs that waited more than START_TOLERANCE_SECONDS less under A than under B, and under B than under A. */
  aWaitedLess: number;
  bWaitedLess: number;
  waitMeanA: number | null;
  waitMeanB: number | null;
  waitDifferenceMedian: number | null;
  /** Wilcoxon signed-rank, two-sided (null: every difference is zero, or no job). */
  waitP: number | null;
  slowdownJobs: number;
  slowdownMeanA: number | null;
  slowdownMeanB: number | null;
  slowdownDifferenceMedian: number | null;
  slowdownP: number | null;
}

export interface ReplayComparison {
  profile: string;
  workload: string;
  /** Scheduler labels in the analysis's order. */
  schedulers: string[];
  /** Every log job of the replay, in submit order. */
  jobs: ReplayJob[];
  pairs: ReplayPair[];
}

interface Observation {
  job: LogJob;
  times: JobTimes;
}

/** The replayed jobs of one run with their times (jobs that are no log's are left out). */
function observations(run: RunResult): Observation[] {
  return run.jobs.flatMap((j) => (j.logJob === undefined ? [] : [{ job: j.logJob, times: jobTimes(j) }]));
}

/** The two-sided p of the signed-rank test of the differences; null when there is nothing to test. */
function signedRankP(differences: readonly number[]): number | null {
  if (differences.length === 0 || differences.every((d) => d === 0)) return null;
  return wilcoxon(Float64Array.from(differences)).pValue;
}

function pairOf(jobs: readonly ReplayJob[], a: string, b: string): ReplayPair {
  const measured = jobs.filter((j) => j.phase === 'measured');
  const waits = measured.flatMap((j) => {
    const x = j.under[a]?.waitSeconds ?? null;
    const y = j.under[b]?.waitSeconds ?? null;
    return x === null || y === null ? [] : [[x, y] as const];
  });
  const slowdowns = measured.flatMap((j) => {
    const x = j.under[a]?.boundedSlowdown ?? null;
    const y = j.under[b]?.boundedSlowdown ?? null;
    return x === null || y === null ? [] : [[x, y] as const];
  });
  const waitDiffs = waits.map(([x, y]) => x - y);
  const slowDiffs = slowdowns.map(([x, y]) => x - y);
  return {
    a,
    b,
    jobs: waits.length,
    aWaitedLess: waitDiffs.filter((d) => d < -START_TOLERANCE_SECONDS).length,
    bWaitedLess: waitDiffs.filter((d) => d > START_TOLERANCE_SECONDS).length,
    waitMeanA: mean(waits.map(([x]) => x)),
    waitMeanB: mean(waits.map(([, y]) => y)),
    waitDifferenceMedian: quantile(waitDiffs, 0.5),
    waitP: signedRankP(waitDiffs),
    slowdownJobs: slowdowns.length,
    slowdownMeanA: mean(slowdowns.map(([x]) => x)),
    slowdownMeanB: mean(slowdowns.map(([, y]) => y)),
    slowdownDifferenceMedian: quantile(slowDiffs, 0.5),
    slowdownP: signedRankP(slowDiffs),
  };
}

/** One cell's jobs: every log job any run of it replayed, with each scheduler's means. */
function cellJobs(runs: readonly { label: string; run: RunResult }[]): ReplayJob[] {
  const byJob = new Map<number, { job: LogJob; under: Map<string, JobTimes[]> }>();
  for (const { label, run } of runs) {
    for (const { job, times } of observations(run)) {
      const entry = byJob.get(job.job) ?? { job, under: new Map<string, JobTimes[]>() };
      entry.under.set(label, [...(entry.under.get(label) ?? []), times]);
      byJob.set(job.job, entry);
    }
  }
  return [...byJob.values()]
    .sort((x, y) => x.job.submitSeconds - y.job.submitSeconds || x.job.job - y.job.job)
    .map(({ job, under }) => ({
      logJob: job.job,
      phase: job.phase ?? 'measured',
      processors: job.processors,
      logSubmitSeconds: job.submitSeconds,
      logRunSeconds: job.runSeconds,
      under: Object.fromEntries(
        [...under].map(([label, times]) => [
          label,
          {
            waitSeconds: mean(times.filter(hasStarted).map(waitOf)),
            boundedSlowdown: mean(times.filter(isCompleted).map(slowdownOf)),
            runs: times.filter(hasStarted).length,
          },
        ]),
      ),
    }));
}

/**
 * Per profile × workload that replayed a log, in the analysis's order: the jobs and every pair of schedulers.
 * `rows[i]` are the metrics (and the scheduler label) of `runs[i]`; runs whose status is not ok are left out, as in
 * the summary.
 */
export function replayComparisons(
  rows: readonly RunMetrics[],
  runs: readonly RunResult[],
): ReplayComparison[] {
  const cells = new Map<
    string,
    { profile: string; workload: string; runs: { label: string; run: RunResult }[] }
  >();
  rows.forEach((r, i) => {
    const run = runs[i];
    if (run === undefined || r.status !== 'ok' || !run.jobs.some((j) => j.logJob !== undefined)) return;
    const key = `${r.profile}\u0000${r.workload}`;
    const cell = cells.get(key) ?? { profile: r.profile, workload: r.workload, runs: [] };
    cell.runs.push({ label: r.scheduler, run });
    cells.set(key, cell);
  });
  return [...cells.values()].map((cell) => {
    const schedulers = [...new Set(cell.runs.map((r) => r.label))];
    const jobs = cellJobs(cell.runs);
    const pairs = schedulers.flatMap((a, i) => schedulers.slice(i + 1).map((b) => pairOf(jobs, a, b)));
    return { profile: cell.profile, workload: cell.workload, schedulers, jobs, pairs };
  });
}
