// The RunResult contract: one JSON document per (stack, workload, repetition), written by the
// workload runner and read by the analysis. Defined once here; both sides parse with it.
import { z } from 'zod';

/** Bump when a field changes meaning or is removed; readers reject other versions. */
export const SCHEMA_VERSION = 1;

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
});
export type JobRecord = z.infer<typeof JobRecord>;

/** Where a node-level figure came from, so readers know what it means. */
export const SampleSources = z.strictObject({
  cpu: z.string(),
  memory: z.string(),
  disk: z.string(),
  network: z.string(),
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
  /** Measured power draw (W) where the node exposes it (RAPL); null otherwise. */
  powerWatts: z.number().nonnegative().nullable(),
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

/** Scheduler cycle statistics, sampled sparingly (SLURM: sdiag). Times in microseconds. */
export const SchedulerStats = z.strictObject({
  time: IsoTime,
  /** Why it was taken: before the run, during it, after it. */
  phase: z.enum(['before', 'during', 'after']),
  mainCycleLastUs: z.number().nonnegative().nullable(),
  mainCycleMaxUs: z.number().nonnegative().nullable(),
  mainCycleMeanUs: z.number().nonnegative().nullable(),
  mainCycleMeanDepth: z.number().nonnegative().nullable(),
  mainCycles: z.number().int().nonnegative().nullable(),
  backfillCycleLastUs: z.number().nonnegative().nullable(),
  backfillCycleMaxUs: z.number().nonnegative().nullable(),
  backfillCycleMeanUs: z.number().nonnegative().nullable(),
  backfillCycleMeanDepth: z.number().nonnegative().nullable(),
  backfillCycles: z.number().int().nonnegative().nullable(),
  /** RPC counts and mean times by message type. */
  rpcs: z.array(
    z.strictObject({
      type: z.string(),
      count: z.number().int().nonnegative(),
      meanUs: z.number().nonnegative(),
    }),
  ),
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

export const RunResult = z.strictObject({
  schemaVersion: z.literal(SCHEMA_VERSION),
  runId: z.string().regex(/^\d{8}T\d{6}Z_[0-9a-f]{12}$/),
  configHash: z.string().regex(/^[0-9a-f]{64}$/),
  stack: z.string().min(1),
  scheduler: z.strictObject({ name: z.enum(['slurm', 'kubernetes', 'flux']), version: z.string() }),
  profile: z.strictObject({
    name: z.string(),
    nodes: z.number().int().positive(),
    vcpus: z.number().int().positive(),
    memoryGiB: z.number().positive(),
  }),
  workload: z.strictObject({ name: z.string(), specCount: z.number().int().nonnegative() }),
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
    backend: z.enum(['netns', 'libvirt', 'hosts']),
    /** True when the profile asks for more vCPUs than the host has cores (figures are then not per-core). */
    oversubscribed: z.boolean(),
    /** Hardware virtualisation used by VMs: kvm, tcg (software emulation: figures not representative) or null. */
    virtualization: z.enum(['kvm', 'tcg']).nullable(),
    imageDigest: z.string().nullable(),
    packages: z.record(z.string(), z.string()),
    schedbenchVersion: z.string(),
  }),
});
export type RunResult = z.infer<typeof RunResult>;
