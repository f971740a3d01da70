// RunResult version 1, as written until schema version 2: SLURM-shaped scheduler statistics (sdiag's fields),
// no campaign id, no scheduler settings. Only results/read.ts uses it, to upgrade old files. The parts that
// version 2 left unchanged are shared; when a later version changes one of them, its v1 form is frozen here
// (node samples: v2 replaced powerWatts by cumulative energyJoules and added sources.energy).
import { z } from 'zod';
import { IsoTime, JobRecord, RunStatus, SchedulerSample } from './schema';

export const SCHEMA_VERSION_1 = 1;

/** v1 job records: no precise (sub-second) times. */
export const JobRecordV1 = JobRecord.omit({ precise: true });

/** v1 node sources: no energy source. */
export const SampleSourcesV1 = z.strictObject({
  cpu: z.string(),
  memory: z.string(),
  disk: z.string(),
  network: z.string(),
});

/** v1 node sample: instantaneous power (W) instead of cumulative energy. */
export const NodeSampleV1 = z.strictObject({
  time: IsoTime,
  node: z.string(),
  cpuBusy: z.number().nonnegative(),
  memoryUsedMiB: z.number().nonnegative(),
  diskReadBytes: z.number().nonnegative(),
  diskWriteBytes: z.number().nonnegative(),
  netRxBytes: z.number().nonnegative(),
  netTxBytes: z.number().nonnegative(),
  /** Measured power draw (W) where the node exposes it (RAPL); null otherwise. */
  powerWatts: z.number().nonnegative().nullable(),
});
export type NodeSampleV1 = z.infer<typeof NodeSampleV1>;

export const NodeInfoV1 = z.strictObject({
  name: z.string(),
  cpus: z.number().int().positive(),
  memoryMiB: z.number().positive(),
  sources: SampleSourcesV1,
});
export type NodeInfoV1 = z.infer<typeof NodeInfoV1>;

/** Scheduler cycle statistics, sampled sparingly (SLURM: sdiag). Times in microseconds. */
export const SchedulerStatsV1 = z.strictObject({
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
export type SchedulerStatsV1 = z.infer<typeof SchedulerStatsV1>;

export const RunResultV1 = z.strictObject({
  schemaVersion: z.literal(SCHEMA_VERSION_1),
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
  nodes: z.array(NodeInfoV1).min(1),
  jobs: z.array(JobRecordV1),
  samplingIntervalMs: z.number().int().positive(),
  nodeSamples: z.array(NodeSampleV1),
  schedulerSamples: z.array(SchedulerSample),
  schedulerStats: z.array(SchedulerStatsV1),
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
export type RunResultV1 = z.infer<typeof RunResultV1>;
