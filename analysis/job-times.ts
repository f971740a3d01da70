// Job records as numbers: epoch seconds of submit/eligible/start/end, the CPUs held, and the job's class
// (completed / failed / cancelled / unfinished). Clock skew (start before submit, end before start) is
// clamped here, once, and counted, so every metric sees the same consistent timeline.
import type { JobRecord, JobState } from './schema';

export type JobClass = 'completed' | 'failed' | 'cancelled' | 'unfinished';

/** COMPLETED succeeded; these ran and ended badly; CANCELLED was withdrawn; the rest had not ended. */
export function jobClass(state: JobState): JobClass {
  switch (state) {
    case 'COMPLETED':
      return 'completed';
    case 'FAILED':
    case 'TIMEOUT':
    case 'NODE_FAIL':
    case 'OUT_OF_MEMORY':
    case 'PREEMPTED':
    case 'BOOT_FAIL':
    case 'DEADLINE':
      return 'failed';
    case 'CANCELLED':
      return 'cancelled';
    case 'PENDING':
    case 'RUNNING':
    case 'UNKNOWN':
      return 'unfinished';
    default: {
      const never: never = state;
      return never;
    }
  }
}

export interface JobTimes {
  id: string;
  cls: JobClass;
  /** Epoch seconds. */
  submit: number;
  /** When it could first start (eligible, else submit); epoch seconds. */
  eligible: number;
  /** Null when the job never started. */
  start: number | null;
  /** Null when the job never ended (or never started: a job withdrawn while pending has no run). */
  end: number | null;
  /** When a job that never started left the queue (cancelled while pending); null otherwise. */
  leftQueue: number | null;
  /** Run time (s): end − start, else the scheduler's elapsed; null when it never ran. */
  runSeconds: number | null;
  /** CPUs held while running: allocated, else requested. */
  cpus: number;
  requestedCpus: number;
  nodes: readonly string[];
  totalCpuSeconds: number | null;
  /** True when a timestamp had to be clamped (start < submit or end < start). */
  skewed: boolean;
}

export const toSeconds = (iso: string): number => Date.parse(iso) / 1000;

export function jobTimes(job: JobRecord): JobTimes {
  const submit = toSeconds(job.submitTime);
  let skewed = false;
  const eligibleRaw = job.eligibleTime === null ? submit : toSeconds(job.eligibleTime);
  const eligible = Math.max(submit, eligibleRaw);
  let start = job.startTime === null ? null : toSeconds(job.startTime);
  if (start !== null && start < submit) {
    skewed = true;
    start = submit;
  }
  let end = job.endTime === null || start === null ? null : toSeconds(job.endTime);
  if (start !== null && end !== null && end < start) {
    skewed = true;
    end = start;
  }
  const runSeconds = start !== null && end !== null ? end - start : job.elapsedSeconds;
  return {
    id: job.id,
    cls: jobClass(job.state),
    submit,
    eligible,
    start,
    end,
    leftQueue: start === null && job.endTime !== null ? Math.max(submit, toSeconds(job.endTime)) : null,
    runSeconds: start === null ? null : runSeconds,
    cpus: job.allocatedCpus ?? job.requestedCpus,
    requestedCpus: job.requestedCpus,
    nodes: job.nodes,
    totalCpuSeconds: job.totalCpuSeconds,
    skewed,
  };
}
