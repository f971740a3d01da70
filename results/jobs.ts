// One definition of how a job ended, used by the stack outputs, the run status, the metrics and the report:
// completed; failed (it ran and ended badly: its own error, a time limit, its node, preemption); cancelled
// (withdrawn); unfinished (not ended when it was collected).
import type { JobState, RunStatus } from './schema';

export type JobOutcome = 'completed' | 'failed' | 'cancelled' | 'unfinished';

const OUTCOME: Record<JobState, JobOutcome> = {
  COMPLETED: 'completed',
  FAILED: 'failed',
  OUT_OF_MEMORY: 'failed',
  NODE_FAIL: 'failed',
  BOOT_FAIL: 'failed',
  TIMEOUT: 'failed',
  DEADLINE: 'failed',
  PREEMPTED: 'failed',
  CANCELLED: 'cancelled',
  PENDING: 'unfinished',
  RUNNING: 'unfinished',
  UNKNOWN: 'unfinished',
};

export function jobOutcome(state: JobState): JobOutcome {
  return OUTCOME[state];
}

/** Jobs of each outcome. `notCompleted` = failed + cancelled + unfinished (what "jobs failed" counts). */
export function outcomeCounts(jobs: readonly { state: JobState }[]): Record<JobOutcome, number> & {
  notCompleted: number;
} {
  const counts = { completed: 0, failed: 0, cancelled: 0, unfinished: 0 };
  for (const j of jobs) counts[jobOutcome(j.state)]++;
  return { ...counts, notCompleted: jobs.length - counts.completed };
}

/**
 * A run's status: failed when the scheduler stopped answering, timeout when the run hit its bound, degraded when a node failed under it, failed when any job
 * did not complete or has no record, ok otherwise.
 */
export function runStatus(
  jobs: readonly { state: JobState }[],
  timedOut: boolean,
  missing: number,
  schedulerLost = false,
): RunStatus {
  if (schedulerLost) return 'failed';
  if (timedOut) return 'timeout';
  if (jobs.some((j) => j.state === 'NODE_FAIL')) return 'degraded';
  if (missing > 0 || jobs.some((j) => j.state !== 'COMPLETED')) return 'failed';
  return 'ok';
}
