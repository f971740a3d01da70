// The scheduler contract: what every scheduler component (SLURM, Kubernetes, Flux) gives the one run loop in
// workloads/. A scheduler stands itself up on Node[] in named stages and then hands out, per workload run, the
// commands that sample it, submit a list of JobSpecs, wait for them and collect them; a pure normaliser turns
// what those commands printed into neutral job records and scheduler samples. Nothing outside a scheduler's
// folder knows its commands, files or output formats.
import type * as pulumi from '@pulumi/pulumi';
import { z } from 'zod';
import type { Emulation } from '../config/emulation';
import type { Profile } from '../config/schema';
import type { Node } from '../nodes/types';
import type { JobSpec } from '../jobs/spec';
import {
  IsoTime,
  type JobRecord,
  type PreciseTimes,
  type SchedulerSample,
  type SchedulerStats,
  type TaskRecord,
} from '../../results/schema';
import {
  gangSkewSeconds as gangSkew,
  jobTimesOfTasks,
  preciseTimes,
  splitTaskKey,
  taskRecord,
} from '../jobs/times';
import { stressNgMetrics } from '../jobs/stress-ng';
import type { SchedulerName } from '../../results/vocabulary';

/** One command of a run stage: fixed text, parameters in `environment`, run over SSH on `node`. */
export interface StageCommand {
  node: Node;
  /** Command text (a script of the scheduler's folder); never carries a config value. */
  create: string;
  /** Run when the resource is deleted, e.g. to stop a sampler a crash left running. */
  delete?: string;
  environment: Record<string, pulumi.Input<string>>;
}

/** What the run loop tells a scheduler about one run. */
export interface RunParams {
  /** `<runId>.<stack>.<workload>-r<N>`: unique per run; safe in file and job names. */
  slug: pulumi.Input<string>;
  specs: JobSpec[];
  /** Multiplier on a job's expected duration that bounds it (the scheduler's time limit). */
  timeoutFactor: number;
  /** Bound of the wait stage (s). */
  timeoutSeconds: number;
  /** Idle time before the first submission (s). */
  idleGapSeconds: number;
  /** Scheduler sample interval (ms) and the sparser statistics interval (s). */
  sampling: { intervalMs: number; statsIntervalSeconds: number };
  /** `done` when the run already has a valid result: every stage then prints `{"skipped":true}` and returns. */
  skip: pulumi.Input<string>;
}

/** The stage commands of one run. Every script prints one JSON document on stdout. */
/**
 * What a scheduler sampler's start prints: its pid and, when it started one now, `startedAt` (epoch seconds by
 * its node's clock): the run loop passes it to a submit stage on the same node as IDLE_FROM.
 */
export const SamplerStarted = z.looseObject({ pid: z.number().optional(), startedAt: z.number().optional() });

export interface RunStages {
  /** Starts the scheduler sampler in the background; prints `{"pid":…,"startedAt":…}`. */
  samplerStart: StageCommand;
  /** Stops it and prints what it sampled (the normaliser reads it). */
  samplerStop: StageCommand;
  /** Idle gap, then every job following the specs' arrival offsets; prints a SubmitOutput. */
  submit: StageCommand;
  /** Until no job of the run is queued or running, bounded; prints a WaitOutput. */
  wait: StageCommand;
  /** The scheduler's own accounting of the submitted jobs (`JOB_IDS` is added by the run loop). */
  collect: StageCommand;
  /**
   * Where, on the node a job runs on, its wrapper writes `<jobid>.times` and `<jobid>.yaml` (and the scheduler
   * the job's output). The run loop makes it on every node before the submit stage, and reads it back from the
   * nodes that do not share the collect node's filesystem (VMs, hosts); collect reads the collect node's own.
   */
  jobFilesDir: pulumi.Input<string>;
}

/** What the run loop read back from one node's jobFilesDir: file texts by job id. */
export const NodeJobFiles = z.strictObject({
  metrics: z.record(z.string(), z.string()),
  times: z.record(z.string(), z.string()),
});
export type NodeJobFiles = z.infer<typeof NodeJobFiles>;

/** What every submit stage prints: the submission window and one entry per job. */
export const SubmitOutput = z.strictObject({
  startedAt: IsoTime,
  endedAt: IsoTime,
  jobs: z.array(
    z.strictObject({
      id: z.string().min(1),
      specIndex: z.number().int().nonnegative(),
      name: z.string(),
      /** The harness's clock just before this job's submit call (epoch s, µs). */
      submittedAt: z.number().positive().optional(),
    }),
  ),
});
export type SubmitOutput = z.infer<typeof SubmitOutput>;

/** What every wait stage prints. */
export const WaitOutput = z.strictObject({
  timedOut: z.boolean(),
  waitedSeconds: z.number().nonnegative(),
  cancelled: z.array(z.string()).optional(),
  /** Set when the scheduler stopped answering during the wait (its last error): the run is recorded as failed. */
  schedulerLost: z.string().optional(),
  /**
   * Nodes the scheduler saw fail during the wait (their jobs could never finish, so the wait ended without them):
   * those jobs are recorded NODE_FAIL and the run degraded.
   */
  lostNodes: z.array(z.string()).optional(),
  /** What the scheduler said of each lost node, when it says (Kubernetes: the Ready condition's message). */
  lostNodeReasons: z.record(z.string(), z.string()).optional(),
});
export type WaitOutput = z.infer<typeof WaitOutput>;

/** Versions and machine facts of a stood-up scheduler, for the RunResult's provenance. */
export const SchedulerProvenance = z.strictObject({
  version: z.string(),
  packages: z.record(z.string(), z.string()),
  os: z.string(),
  kernel: z.string(),
  host: z.string(),
  /** CPUs of the machine the first node runs on. */
  hostCpus: z.number().int().positive(),
  /** Settings that change the scheduler's behaviour (e.g. tuning), recorded with every result. */
  settings: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
});
export type SchedulerProvenance = z.infer<typeof SchedulerProvenance>;

/** The contract's Pulumi side: a stood-up, validated scheduler. */
export interface SchedulerCluster {
  readonly scheduler: SchedulerName;
  /** Every node; the first runs the scheduler's controller (and receives submissions). */
  readonly nodes: Node[];
  /** Root of the scheduler's files on every node; its delete removes it (the run loop's samplers write there). */
  readonly stateDir: string;
  /** The validation stage: workload runs depend on it. */
  readonly validated: pulumi.Resource;
  readonly provenance: pulumi.Output<SchedulerProvenance>;
  /** The commands of one run's stages. */
  runStages(run: RunParams): RunStages;
}

/** What the creator of a scheduler component gets. */
export interface SchedulerArgs {
  /** Cluster name: every name, path and port of the scheduler derives from it. */
  cluster: string;
  nodes: Node[];
  profile: Profile & { name: string };
  /** Root of this cluster's state on the nodes (absolute, unique per cluster). */
  stateDir: string;
  /** Emulated execution: the scheduler decides for `emulation.nodes` nodes spread over `nodes`; null: real. */
  emulation: Emulation | null;
}

/** Everything a run's stages printed, as the writer receives it. */
export interface StageOutputs {
  submit: SubmitOutput;
  wait: WaitOutput;
  collect: string;
  samplerStop: string;
  /** Job files read back from the other nodes (none where the nodes share the collect node's filesystem). */
  nodeJobFiles: NodeJobFiles[];
}

/** The collect stage's job files with the other nodes' added (a job id the collect node has keeps its own). */
export function mergeJobFiles(own: NodeJobFiles, others: readonly NodeJobFiles[]): NodeJobFiles {
  const merged: NodeJobFiles = { metrics: {}, times: {} };
  for (const files of [...others, own]) {
    Object.assign(merged.metrics, files.metrics);
    Object.assign(merged.times, files.times);
  }
  return merged;
}

/**
 * What the job wrapper's files of a run say, by job: stress-ng's figures, the precise times of every submitted
 * job that has any (wrapper times and the harness's submit time), and its tasks (each task's node and times; a job
 * of one task has one). The collect stage's files are merged with the other nodes' first; `key` maps a job id, of a
 * file or a submission, to the form the records use. A job of several tasks has its times from its tasks': the
 * first start and the last end.
 */
export function jobFileFigures(
  own: NodeJobFiles,
  outputs: Pick<StageOutputs, 'nodeJobFiles' | 'submit'>,
  key: (id: string) => string = (id) => id,
): {
  metrics: Record<string, Record<string, number>>;
  precise: Record<string, PreciseTimes>;
  tasks: Record<string, TaskRecord[]>;
} {
  const files = mergeJobFiles(own, outputs.nodeJobFiles);
  const metrics: Record<string, Record<string, number>> = {};
  for (const [id, yaml] of Object.entries(files.metrics)) {
    if (splitTaskKey(id).rank === null) metrics[key(id)] = stressNgMetrics(yaml);
  }
  const single = new Map<string, string>();
  const tasks: Record<string, TaskRecord[]> = {};
  for (const [fileKey, text] of Object.entries(files.times)) {
    const { id, rank } = splitTaskKey(fileKey);
    if (rank === null) {
      single.set(key(id), text);
      tasks[key(id)] = [taskRecord(0, text)];
    } else (tasks[key(id)] ??= []).push(taskRecord(rank, text));
  }
  for (const list of Object.values(tasks)) list.sort((a, b) => a.rank - b.rank);
  const precise: Record<string, PreciseTimes> = {};
  for (const job of outputs.submit.jobs) {
    const k = key(job.id);
    const text = single.get(k);
    const own = tasks[k];
    const p =
      text === undefined && own !== undefined
        ? jobTimesOfTasks(own, job.submittedAt)
        : preciseTimes(text, job.submittedAt);
    if (p !== null) precise[k] = p;
  }
  return { metrics, precise, tasks };
}

/** A job record with the tasks its wrappers recorded (by the record's id) and their gang skew. */
export function withTasks(job: JobRecord, tasks: Record<string, TaskRecord[]>): JobRecord {
  const own = tasks[job.id] ?? [];
  return { ...job, tasks: own, gangSkewSeconds: gangSkew(own) };
}

/** A run's scheduler-side record, normalised. */
export interface NormalisedRun {
  /** One record per job the scheduler accounted for. */
  jobs: JobRecord[];
  /** Submitted jobs the scheduler has no record of. */
  missing: string[];
  schedulerSamples: SchedulerSample[];
  schedulerStats: SchedulerStats[];
  notes: string[];
}

/** The contract's pure side, loaded by the writer without Pulumi. */
export interface SchedulerNormaliser {
  normalise(outputs: StageOutputs): NormalisedRun;
}
