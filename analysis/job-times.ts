// Job records as numbers: epoch seconds of submit/eligible/start/end, the CPUs held, the job's shape (nodes and
// tasks asked for, its tasks' starts) and its class (completed / failed / cancelled / unfinished). Clock skew (start
// before submit, end before start) is clamped here, once, and counted, so every metric sees the same timeline.
import { jobOutcome, type JobOutcome } from '../results/jobs';
import type { JobRecord, TaskRecord } from '../results/schema';
import { maxOf, minOf } from './stats';

export type JobClass = JobOutcome;

/** How a job ended (results/jobs.ts holds the one definition). */
export const jobClass = jobOutcome;

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
  /** Total CPUs asked for, over all the job's nodes. */
  requestedCpus: number;
  /** Every node it ran on. */
  nodes: readonly string[];
  /** Nodes asked for (absent in results written before multi-node jobs: 1). */
  requestedNodes: number;
  /** Its tasks: the tasks asked for (absent: 1), or the task records when there are more of them. */
  tasks: number;
  /** The wrappers' start of every task that recorded one (epoch s); null when none did or the job never started. */
  taskStarts: readonly number[] | null;
  /** Last task start − first task start (s): the record's figure, else from taskStarts; null when unknown. */
  gangSkewSeconds: number | null;
  totalCpuSeconds: number | null;
  /**
   * What the job held, task by task, when every one of its several tasks recorded its node, start and end (the
   * wrappers' clocks): each task its share of the job's CPUs on its node from its start to its end. Null: the job
   * held its CPUs on its nodes from its start to its end as one (a job of one task, or tasks without records). Pods
   * of one Kubernetes Job start and end on their own, so a Job that ran its pods one after the other held half its
   * CPUs at a time, not all of them throughout.
   */
  pieces: readonly Piece[] | null;
  /** True when a timestamp had to be clamped (start < submit or end < start). */
  skewed: boolean;
  /**
   * False for a replay's warm-up and cool-down jobs: they load the machine (what they hold counts in utilisation)
   * but their own figures are left out of the job metrics.
   */
  measured: boolean;
}

/** One task's holding: `cpus` on `node` from `start` to `end` (epoch s). */
export interface Piece {
  node: string;
  cpus: number;
  start: number;
  end: number;
}

/** The job's tasks as pieces, when it has several and each recorded its node, start and end; else null. */
function piecesOf(job: JobRecord, cpus: number, started: boolean): Piece[] | null {
  const tasks = job.tasks ?? [];
  if (!started || tasks.length < 2) return null;
  const pieces: Piece[] = [];
  for (const t of tasks) {
    if (t.node === null || t.startEpochS === null || t.endEpochS === null) return null;
    pieces.push({
      node: t.node,
      cpus: cpus / tasks.length,
      start: t.startEpochS,
      end: Math.max(t.startEpochS, t.endEpochS),
    });
  }
  return pieces;
}

export const toSeconds = (iso: string): number => Date.parse(iso) / 1000;

/**
 * A job's times in epoch seconds. Where the job has precise times (the harness's submit clock, the job
 * wrapper's start and end on the node: sub-second) they are used; otherwise the scheduler's own (SLURM's
 * accounting: whole seconds). Eligibility is always the scheduler's, never earlier than the submit.
 */
export function jobTimes(job: JobRecord): JobTimes {
  const p = job.precise;
  const submit = p?.submitEpochS ?? toSeconds(job.submitTime);
  let skewed = false;
  const eligibleRaw = job.eligibleTime === null ? submit : toSeconds(job.eligibleTime);
  const eligible = Math.max(submit, eligibleRaw);
  const scheduledStart = job.startTime === null ? null : toSeconds(job.startTime);
  // A job the scheduler never started has no run, whatever a wrapper wrote.
  let start = scheduledStart === null ? null : (p?.startEpochS ?? scheduledStart);
  if (start !== null && start < submit) {
    skewed = true;
    start = submit;
  }
  let end = job.endTime === null || start === null ? null : (p?.endEpochS ?? toSeconds(job.endTime));
  if (start !== null && end !== null && end < start) {
    skewed = true;
    end = start;
  }
  const runSeconds = p?.runSeconds ?? (start !== null && end !== null ? end - start : job.elapsedSeconds);
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
    requestedNodes: job.requestedNodes ?? 1,
    tasks: Math.max(job.requestedTasks ?? 1, job.tasks?.length ?? 0),
    taskStarts: start === null ? null : recordedStarts(job.tasks),
    gangSkewSeconds: start === null ? null : (job.gangSkewSeconds ?? spread(recordedStarts(job.tasks))),
    totalCpuSeconds: job.totalCpuSeconds,
    pieces: piecesOf(job, job.allocatedCpus ?? job.requestedCpus, start !== null),
    skewed,
    measured: (job.logJob?.phase ?? 'measured') === 'measured',
  };
}

/** The task starts the wrappers recorded; null when there are none. */
function recordedStarts(tasks: readonly TaskRecord[] | undefined): number[] | null {
  const starts = (tasks ?? []).flatMap((t) => (t.startEpochS === null ? [] : [t.startEpochS]));
  return starts.length > 0 ? starts : null;
}

/** Last − first of two or more times; null for fewer. */
function spread(times: readonly number[] | null): number | null {
  if (times === null || times.length < 2) return null;
  return (maxOf(times) as number) - (minOf(times) as number);
}
