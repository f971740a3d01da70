// The RunResult contract: one JSON document per (stack, workload, repetition), written by the run loop in
// workloads/ and read by the analysis. Neutral: nothing here belongs to one scheduler. Defined once here; both
// sides parse with it, and results/read.ts still loads files of earlier versions.
import { z } from 'zod';
import { BACKEND_KINDS, RUN_ID_PATTERN, SCHEDULER_NAMES } from './vocabulary';

/** Bump when a field changes meaning or is removed; results/read.ts upgrades every earlier version. */
export const SCHEMA_VERSION = 2;

/** ISO-8601 UTC timestamp with a `Z` or an offset, e.g. 2026-11-26T08:00:00.123Z. */
export const IsoTime = z.iso.datetime({ offset: true });

/** Job states normalised across schedulers (SLURM's names, the most detailed of the three). */
export const JobState = z.enum([
  'COMPLETED',
  'FAILED',
  'CANCELLED',
  'TIMEOUT',
  'NODE_FAIL',
  'OUT_OF_MEMORY',
  'PREEMPTED',
  'BOOT_FAIL',
  'DEADLINE',
  'PENDING',
  'RUNNING',
  'UNKNOWN',
]);
export type JobState = z.infer<typeof JobState>;

/** Epoch seconds with a fraction (µs or better), and where each came from. */
export const PreciseTimes = z.strictObject({
  /** The harness, on the node it submits from, just before the submit call (µs). */
  submitEpochS: z.number().positive().nullable(),
  /** The job wrapper on the node, as the job's command started (wall clock, ns). */
  startEpochS: z.number().positive().nullable(),
  /** The job wrapper on the node, as the job's command ended (wall clock, ns). */
  endEpochS: z.number().positive().nullable(),
  /** end − start on the node's monotonic clock (s; /proc/uptime, 10 ms resolution). */
  runSeconds: z.number().nonnegative().nullable(),
  /** What recorded them, e.g. `harness:EPOCHREALTIME; wrapper:date+%s%N,/proc/uptime`. */
  source: z.string(),
});
export type PreciseTimes = z.infer<typeof PreciseTimes>;

/**
 * One task of a job (a rank of a multi-task job; the one task of a single-task job), as its wrapper recorded it on
 * the node it ran on: the node's name as the scheduler calls it, and the wrapper's wall-clock start and end.
 */
export const TaskRecord = z.strictObject({
  /** The task's rank in its job (SLURM_PROCID, FLUX_TASK_RANK, the Indexed Job's completion index). */
  rank: z.number().int().nonnegative(),
  /** The node it ran on; null when the wrapper could not tell. */
  node: z.string().nullable(),
  startEpochS: z.number().positive().nullable(),
  endEpochS: z.number().positive().nullable(),
  /** end − start on the node's monotonic clock (s). */
  runSeconds: z.number().nonnegative().nullable(),
});
export type TaskRecord = z.infer<typeof TaskRecord>;

/** A job of a replayed log (Standard Workload Format), as the log has it: the same job is compared across schedulers. */
export const LogJob = z.strictObject({
  job: z.number().int().positive(),
  submitSeconds: z.number().nonnegative(),
  runSeconds: z.number().nonnegative(),
  processors: z.number().int().positive(),
  /**
   * Where the job lies in the replay: the first `warmupJobs` by submit time are `warmup`, the last `cooldownJobs`
   * `cooldown`; they load the machine but their own figures are left out of the metrics (absent: measured).
   */
  phase: z.enum(['warmup', 'measured', 'cooldown']).optional(),
});
export type LogJob = z.infer<typeof LogJob>;

/** One job as the scheduler's own accounting reports it. */
export const JobRecord = z.strictObject({
  /** Scheduler job id (string: SLURM ids, pod names and Flux f58 ids differ). */
  id: z.string().min(1),
  name: z.string(),
  /** Index of the abstract job spec this job was rendered from (see workloads/). */
  specIndex: z.number().int().nonnegative().nullable(),
  state: JobState,
  /** The scheduler's own state string, unnormalised (e.g. `CANCELLED by 0`). */
  rawState: z.string(),
  /** Exit code of the job's command; null when it never ran. */
  exitCode: z.number().int().nullable(),
  /** Signal that ended the job, when one did. */
  signal: z.number().int().nullable(),
  submitTime: IsoTime,
  eligibleTime: IsoTime.nullable(),
  startTime: IsoTime.nullable(),
  endTime: IsoTime.nullable(),
  /** Wall-clock run time as accounted by the scheduler (s). */
  elapsedSeconds: z.number().nonnegative().nullable(),
  requestedCpus: z.number().int().positive(),
  requestedMemoryMiB: z.number().nonnegative(),
  allocatedCpus: z.number().int().nonnegative().nullable(),
  /** Node names the job ran on (empty when it never started). */
  nodes: z.array(z.string()),
  /** User + system CPU time of all the job's steps (s). */
  totalCpuSeconds: z.number().nonnegative().nullable(),
  /** Largest resident set of any task (MiB). */
  maxRssMiB: z.number().nonnegative().nullable(),
  /** Workload-level figures the job's tool reported (e.g. stress-ng bogo ops/s). */
  metrics: z.record(z.string(), z.number()),
  /**
   * Sub-second times beside the scheduler's own (SLURM's accounting and Kubernetes' object status keep whole
   * seconds): the harness's clock when it submitted the job, and the job wrapper's clock on the node when the
   * job's command started and ended. Null when not recorded (a job that never ran has no wrapper times).
   */
  precise: PreciseTimes.nullable(),
  /** Nodes and tasks the job asked for (absent in results written before multi-node jobs: 1 and 1). */
  requestedNodes: z.number().int().positive().optional(),
  requestedTasks: z.number().int().positive().optional(),
  /** Its priority class (absent: normal). */
  priority: z.enum(['low', 'normal', 'high']).optional(),
  /** Every task the wrappers recorded, by rank (absent in earlier results; empty when no task ran). */
  tasks: z.array(TaskRecord).optional(),
  /**
   * Gang skew (s): the last task's start − the first task's start, by the wrappers' wall clocks; null when fewer
   * than two tasks recorded a start.
   */
  gangSkewSeconds: z.number().nonnegative().nullable().optional(),
  /** A replayed log's job this one is (its number, submit time from the log's start, run time, processors). */
  logJob: LogJob.optional(),
});
export type JobRecord = z.infer<typeof JobRecord>;

/** Kinds of energy source, in the order the node sampler probes them; `none` when nothing measures energy. */
export const ENERGY_SOURCE_KINDS = ['pm_counters', 'rapl', 'ipmi', 'none'] as const;
export type EnergySourceKind = (typeof ENERGY_SOURCE_KINDS)[number];

/** The kind of an energy source string (`sources.energy`). */
export function energySourceKind(source: string): EnergySourceKind {
  const kind = source.split(':')[0];
  return ENERGY_SOURCE_KINDS.find((k) => k === kind) ?? 'none';
}

/** Where a node-level figure came from, so readers know what it means. */
export const SampleSources = z.strictObject({
  cpu: z.string(),
  memory: z.string(),
  disk: z.string(),
  network: z.string(),
  /**
   * `<kind>` or `<kind>: <detail>`, kind one of ENERGY_SOURCE_KINDS (e.g. `rapl: package-0,dram (whole host,
   * attributed by CPU share)`); `none` when the node exposes no energy source.
   */
  energy: z.string().regex(new RegExp(`^(${ENERGY_SOURCE_KINDS.join('|')})(: .*)?$`)),
});
export type SampleSources = z.infer<typeof SampleSources>;

/** One node sample. Counters are cumulative since the sampler started. */
export const NodeSample = z.strictObject({
  time: IsoTime,
  node: z.string(),
  /** Busy share of the node's own vCPUs over the interval before `time` (0..1; may exceed 1 when oversubscribed). */
  cpuBusy: z.number().nonnegative(),
  memoryUsedMiB: z.number().nonnegative(),
  diskReadBytes: z.number().nonnegative(),
  diskWriteBytes: z.number().nonnegative(),
  netRxBytes: z.number().nonnegative(),
  netTxBytes: z.number().nonnegative(),
  /**
   * Energy (J) the node used since the sampler's first sample, cumulative, from the source named in the node's
   * `sources.energy` (counter wrap-arounds undone). A whole-host reading is attributed to a node that is a share
   * of the host (a netns node's cgroup) by its share of the host's busy CPU time in each interval; see
   * components/samplers/convert.ts. Null when no source measures energy.
   */
  energyJoules: z.number().nonnegative().nullable(),
});
export type NodeSample = z.infer<typeof NodeSample>;

/** Scheduler view of one node at a sample. */
export const SchedulerNodeState = z.strictObject({
  node: z.string(),
  state: z.string(),
  allocatedCpus: z.number().int().nonnegative(),
  idleCpus: z.number().int().nonnegative(),
});

/** One scheduler sample (queue and allocation at the interval). */
export const SchedulerSample = z.strictObject({
  time: IsoTime,
  pending: z.number().int().nonnegative(),
  running: z.number().int().nonnegative(),
  nodes: z.array(SchedulerNodeState),
});
export type SchedulerSample = z.infer<typeof SchedulerSample>;

/**
 * Scheduler statistics, sampled sparingly (before, during and after a run). The neutral core is what every
 * scheduler with a scheduling loop can say; `extra` holds the scheduler's own figures under its own names
 * (SLURM: sdiag's RPC counts, Kubernetes: apiserver latencies, Flux: Fluxion match times). Times in µs;
 * counters cumulative since the run's first sample.
 */
export const SchedulerStats = z.strictObject({
  time: IsoTime,
  /** Why it was taken: before the run, during it, after it. */
  phase: z.enum(['before', 'during', 'after']),
  /** Scheduling cycles (passes over the queue) so far; null when the scheduler does not count them. */
  cycles: z.number().int().nonnegative().nullable(),
  cycleLastUs: z.number().nonnegative().nullable(),
  cycleMaxUs: z.number().nonnegative().nullable(),
  cycleMeanUs: z.number().nonnegative().nullable(),
  /** Mean number of jobs considered per cycle. */
  cycleMeanDepth: z.number().nonnegative().nullable(),
  /** Backfill passes, where the scheduler has a separate backfill loop. */
  backfillCycles: z.number().int().nonnegative().nullable(),
  backfillCycleMaxUs: z.number().nonnegative().nullable(),
  backfillCycleMeanUs: z.number().nonnegative().nullable(),
  /** The scheduler's own figures, named `<source>.<figure>` (e.g. `rpc.REQUEST_SUBMIT_BATCH_JOB.count`). */
  extra: z.record(z.string(), z.number()),
});
export type SchedulerStats = z.infer<typeof SchedulerStats>;

export const NodeInfo = z.strictObject({
  name: z.string(),
  cpus: z.number().int().positive(),
  memoryMiB: z.number().positive(),
  /** Where each node-level figure came from (e.g. `cgroup-v1:cpuacct`, `/proc/stat`). */
  sources: SampleSources,
});
export type NodeInfo = z.infer<typeof NodeInfo>;

export const RunStatus = z.enum(['ok', 'degraded', 'failed', 'timeout']);
export type RunStatus = z.infer<typeof RunStatus>;

export const EXECUTIONS = ['real', 'emulated'] as const;
export type Execution = (typeof EXECUTIONS)[number];

/** What a RunResult records of an emulated run. */
export const Emulation = z.strictObject({
  /** Emulated nodes the scheduler decided for. */
  nodes: z.number().int().positive(),
  /** The profile that sized each of them, and its size. */
  profile: z.string(),
  vcpus: z.number().int().positive(),
  memoryGiB: z.number().positive(),
  /** Real nodes they ran on. */
  realNodes: z.number().int().positive(),
  /** How the scheduler emulated them (its module's words). */
  mode: z.string(),
});
export type Emulation = z.infer<typeof Emulation>;

export const RunResult = z.strictObject({
  schemaVersion: z.literal(SCHEMA_VERSION),
  runId: z.string().regex(RUN_ID_PATTERN),
  /** The campaign this run belongs to (`schedbench campaign`), or null for a single stack. */
  campaignId: z.string().nullable(),
  configHash: z.string().regex(/^[0-9a-f]{64}$/),
  stack: z.string().min(1),
  scheduler: z.strictObject({
    name: z.enum(SCHEDULER_NAMES),
    version: z.string(),
    /** Settings that change the scheduler's behaviour (e.g. SLURM's tuning), as the stack configured them. */
    settings: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  }),
  profile: z.strictObject({
    name: z.string(),
    nodes: z.number().int().positive(),
    vcpus: z.number().int().positive(),
    memoryGiB: z.number().positive(),
  }),
  workload: z.strictObject({
    name: z.string(),
    specCount: z.number().int().nonnegative(),
    /** The seed every random arrival of the run came from (absent in earlier results, and when nothing is random). */
    seed: z.number().int().nonnegative().optional(),
    /**
     * The offered load of the workload on the profile: Σ jobs' CPUs × expected seconds / (cluster CPUs × the
     * arrival span), or null when every job arrives at once (absent in earlier results).
     */
    offeredLoad: z.number().nonnegative().nullable().optional(),
    /** The workload's job groups as run: name, jobs, nodes, tasks per node, CPUs per task, expected seconds. */
    groups: z
      .array(
        z.strictObject({
          name: z.string(),
          count: z.number().int().positive(),
          nodes: z.number().int().positive(),
          tasksPerNode: z.number().int().positive(),
          cpusPerTask: z.number().int().positive(),
          expectedSeconds: z.number().positive(),
        }),
      )
      .optional(),
    /** A replayed log (absent otherwise): its file name, time scale, machine size and jobs dropped as too wide. */
    replay: z
      .strictObject({
        file: z.string(),
        scale: z.number().positive(),
        machineProcessors: z.number().int().positive(),
        droppedWider: z.number().int().nonnegative(),
        /** SHA-256 of the log's bytes (absent in earlier results). */
        sha256: z.string().optional(),
        /** Jobs at the start and at the end left out of the metrics (absent in earlier results: none). */
        warmupJobs: z.number().int().nonnegative().optional(),
        cooldownJobs: z.number().int().nonnegative().optional(),
      })
      .optional(),
  }),
  repetition: z.number().int().positive(),
  startedAt: IsoTime,
  endedAt: IsoTime,
  /** ok: every job completed; degraded: a node failed; failed: jobs failed; timeout: the run's bound was hit. */
  status: RunStatus,
  /** Human-readable notes on anything unusual (a node lost, jobs cancelled at timeout, …). */
  notes: z.array(z.string()),
  /** The submission phase, for submit-rate figures: first submit call to last submit return. */
  submission: z.strictObject({ startedAt: IsoTime, endedAt: IsoTime, count: z.number().int().nonnegative() }),
  nodes: z.array(NodeInfo).min(1),
  jobs: z.array(JobRecord),
  samplingIntervalMs: z.number().int().positive(),
  nodeSamples: z.array(NodeSample),
  schedulerSamples: z.array(SchedulerSample),
  schedulerStats: z.array(SchedulerStats),
  provenance: z.strictObject({
    host: z.string(),
    os: z.string(),
    kernel: z.string(),
    backend: z.enum(BACKEND_KINDS),
    /** True when the profile asks for more vCPUs than the host has cores (figures are then not per-core). */
    oversubscribed: z.boolean(),
    /** Hardware virtualisation used by VMs: kvm, tcg (software emulation: figures not representative) or null. */
    virtualization: z.enum(['kvm', 'tcg']).nullable(),
    imageDigest: z.string().nullable(),
    packages: z.record(z.string(), z.string()),
    schedbenchVersion: z.string(),
    /**
     * The machine the profile was sized from (the `host` profile: its CPUs and whole GiB of memory), or null for a
     * profile of fixed size. Absent in results written before it existed.
     */
    profileSizedFrom: z
      .strictObject({ cores: z.number().int().positive(), memoryGiB: z.number().int().nonnegative() })
      .nullable()
      .optional(),
    /**
     * `emulated`: the scheduler decided for emulated nodes and the jobs' work was not done (docs/scale.md); `real`
     * otherwise. Absent in results written before it existed: real.
     */
    execution: z.enum(EXECUTIONS).optional(),
    /** The emulation of an emulated run: its size, the profile of each node, how the scheduler emulated them. */
    emulation: Emulation.nullable().optional(),
  }),
});
export type RunResult = z.infer<typeof RunResult>;
