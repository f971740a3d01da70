// Scheduler-side figures: cycle times from the scheduler statistics (the contract's neutral core) and the submit rate
// of the submission phase.
import { toSeconds } from './job-times';
import type { RunResult, SchedulerStats } from '../results/schema';
import { maxOf } from './stats';

export interface SchedulerMetrics {
  schedulerCycleMeanMicroseconds: number | null;
  schedulerCycleMaxMicroseconds: number | null;
  backfillCycleMeanMicroseconds: number | null;
  submitRateJobsPerSecond: number | null;
  pendingMaxJobs: number | null;
}

/** The latest statistics sample that has the field (the figures are cumulative since the run's first sample). */
function latest(stats: readonly SchedulerStats[], pick: (s: SchedulerStats) => number | null): number | null {
  const ordered = [...stats].sort((a, b) => toSeconds(a.time) - toSeconds(b.time));
  for (let i = ordered.length - 1; i >= 0; i--) {
    const v = pick(ordered[i]);
    if (v !== null) return v;
  }
  return null;
}

export function schedulerMetrics(run: RunResult): SchedulerMetrics {
  const submitSpan = toSeconds(run.submission.endedAt) - toSeconds(run.submission.startedAt);
  return {
    schedulerCycleMeanMicroseconds: latest(run.schedulerStats, (s) => s.cycleMeanUs),
    schedulerCycleMaxMicroseconds: latest(run.schedulerStats, (s) => s.cycleMaxUs),
    backfillCycleMeanMicroseconds: latest(run.schedulerStats, (s) => s.backfillCycleMeanUs),
    submitRateJobsPerSecond: submitSpan > 0 ? run.submission.count / submitSpan : null,
    pendingMaxJobs: maxOf(run.schedulerSamples.map((s) => s.pending)),
  };
}
