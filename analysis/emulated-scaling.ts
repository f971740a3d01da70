// How each scheduler's cost grows with the cluster it decides for (docs/scale.md): from emulated runs only, one row
// per scheduler × workload × emulated size — jobs started per second, the p50 and p99 of submit-to-start latency,
// and the scheduler's own CPU time and memory over the run — averaged over the repetitions with status ok. Pure.
import { jobTimes } from './job-times';
import { quantile } from './stats';
import type { RunMetrics } from './metrics';
import type { RunResult } from '../results/schema';
import { isEmulated } from './scheduler-labels';

/** One run's scaling figures (null where the run does not say). */
export interface EmulatedScalingPoint {
  scheduler: string;
  workload: string;
  /** Emulated nodes the scheduler decided for. */
  nodes: number;
  /** Jobs submitted in the run (the queue it was given). */
  jobs: number;
  startRateJobsPerSecond: number | null;
  waitP50Seconds: number | null;
  waitP99Seconds: number | null;
  /** CPU seconds the scheduler's own process spent over the run (its statistics snapshots before and after). */
  schedulerCpuSeconds: number | null;
  /** Its largest resident memory in those snapshots. */
  schedulerRssMiB: number | null;
}

/** The same, the mean over a group's runs with status ok, and how many there were. */
export interface EmulatedScalingRow extends EmulatedScalingPoint {
  runs: number;
}

export const SCALING_FIGURES = [
  'startRateJobsPerSecond',
  'waitP50Seconds',
  'waitP99Seconds',
  'schedulerCpuSeconds',
  'schedulerRssMiB',
] as const;
export type ScalingFigure = (typeof SCALING_FIGURES)[number];

/** The submit-to-start latencies (s) of the run's jobs that started. */
function waits(run: RunResult): number[] {
  return run.jobs
    .map(jobTimes)
    .filter((j) => j.start !== null)
    .map((j) => (j.start as number) - j.submit)
    .sort((a, b) => a - b);
}

/** The scheduler's own cost over the run, from the `process.*` figures of its statistics snapshots. */
function schedulerCost(run: RunResult): { cpu: number | null; rss: number | null } {
  const cpu = run.schedulerStats
    .map((s) => s.extra['process.cpuSeconds'])
    .filter((v): v is number => v !== undefined);
  const rss = run.schedulerStats
    .map((s) => s.extra['process.rssMiB'])
    .filter((v): v is number => v !== undefined);
  return {
    cpu: cpu.length >= 2 ? Math.max(...cpu) - Math.min(...cpu) : null,
    rss: rss.length > 0 ? Math.max(...rss) : null,
  };
}

export function emulatedScalingPoint(run: RunResult, metrics: RunMetrics): EmulatedScalingPoint {
  const w = waits(run);
  const cost = schedulerCost(run);
  return {
    scheduler: metrics.scheduler,
    workload: run.workload.name,
    nodes: run.provenance.emulation?.nodes ?? run.profile.nodes,
    jobs: run.submission.count,
    startRateJobsPerSecond: metrics.startRateJobsPerSecond,
    waitP50Seconds: w.length > 0 ? quantile(w, 0.5) : null,
    waitP99Seconds: w.length > 0 ? quantile(w, 0.99) : null,
    schedulerCpuSeconds: cost.cpu,
    schedulerRssMiB: cost.rss,
  };
}

function mean(values: readonly (number | null)[]): number | null {
  const known = values.filter((v): v is number => v !== null);
  return known.length === 0 ? null : known.reduce((a, b) => a + b, 0) / known.length;
}

/**
 * The emulated runs with status ok, grouped by scheduler label, workload and size, in that order (sizes ascending);
 * `rows[i]` holds the metrics (and label) of `runs[i]`.
 */
export function emulatedScaling(
  runs: readonly RunResult[],
  rows: readonly RunMetrics[],
): EmulatedScalingRow[] {
  const groups = new Map<string, EmulatedScalingPoint[]>();
  runs.forEach((run, i) => {
    const metrics = rows[i];
    if (metrics === undefined || !isEmulated(run) || run.status !== 'ok') return;
    const point = emulatedScalingPoint(run, metrics);
    const key = JSON.stringify([point.scheduler, point.workload, point.nodes]);
    groups.set(key, [...(groups.get(key) ?? []), point]);
  });
  return [...groups.values()]
    .map((points): EmulatedScalingRow => {
      const [first] = points as [EmulatedScalingPoint, ...EmulatedScalingPoint[]];
      return {
        scheduler: first.scheduler,
        workload: first.workload,
        nodes: first.nodes,
        jobs: mean(points.map((p) => p.jobs)) ?? first.jobs,
        startRateJobsPerSecond: mean(points.map((p) => p.startRateJobsPerSecond)),
        waitP50Seconds: mean(points.map((p) => p.waitP50Seconds)),
        waitP99Seconds: mean(points.map((p) => p.waitP99Seconds)),
        schedulerCpuSeconds: mean(points.map((p) => p.schedulerCpuSeconds)),
        schedulerRssMiB: mean(points.map((p) => p.schedulerRssMiB)),
        runs: points.length,
      };
    })
    .sort(
      (a, b) =>
        a.scheduler.localeCompare(b.scheduler) || a.workload.localeCompare(b.workload) || a.nodes - b.nodes,
    );
}
