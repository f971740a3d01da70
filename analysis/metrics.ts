// One run's metrics: the identity of the run plus every derived figure, computed from its RunResult by
// pure functions (metrics-*.ts). METRICS is the catalogue (unit, source, better direction) the CSV, the
// report and docs/analysis.md are made from.
import { emulatedNodeNames } from '../components/config/emulation';
import { jobTimes } from './job-times';
import { backfillMetrics } from './metrics-backfill';
import { capacityMetrics } from './metrics-capacity';
import { energyMetrics, type EnergySource, type PowerModel } from './metrics-energy';
import { jobMetrics, runWindow, type JobMetrics } from './metrics-jobs';
import { nodeMetrics, samplesByNode, type NodeAverages } from './metrics-nodes';
import { schedulerMetrics } from './metrics-scheduler';
import { taskMetrics } from './metrics-tasks';
import type { RunResult } from '../results/schema';
import { runKey } from '../results/vocabulary';

/** The values a metric can take by its definition: [lower, upper], upper null when unbounded. */
export type MetricRange = readonly [number, number | null];

/** Times, rates, counts, energy: never negative. */
const NON_NEGATIVE: MetricRange = [0, null];
/** Shares of the cluster's capacity. */
const SHARE: MetricRange = [0, 1];
/** Bounded slowdown is max(1, …). */
const AT_LEAST_ONE: MetricRange = [1, null];

export interface MetricInfo {
  unit: string;
  /** Which way is better (null: neither, a descriptive figure). */
  better: 'min' | 'max' | null;
  /**
   * Where every value lies. Intervals of the mean stay inside it (analysis/stats.ts). Measured busy fractions and
   * CPU efficiencies have no upper bound: an oversubscribed node, or a job using more CPUs than it was allocated
   * (no CPU binding), takes them past 1.
   */
  range: MetricRange;
  source: string;
  definition: string;
}

/** Every numeric per-run metric, in CSV column order. */
export const METRICS = {
  makespanSeconds: {
    unit: 's',
    better: 'min',
    range: NON_NEGATIVE,
    source: 'jobs',
    definition: 'last end − first submit, both of jobs that ran (started), however they ended',
  },
  throughputJobsPerHour: {
    unit: 'jobs/h',
    better: 'max',
    range: NON_NEGATIVE,
    source: 'jobs',
    definition: 'completed jobs / makespan × 3600',
  },
  waitMeanSeconds: {
    unit: 's',
    better: 'min',
    range: NON_NEGATIVE,
    source: 'jobs',
    definition: 'mean of start − submit over jobs that started',
  },
  waitP50Seconds: {
    unit: 's',
    better: 'min',
    range: NON_NEGATIVE,
    source: 'jobs',
    definition: 'median wait (linear interpolation, type 7)',
  },
  waitP95Seconds: {
    unit: 's',
    better: 'min',
    range: NON_NEGATIVE,
    source: 'jobs',
    definition: '95th percentile wait (type 7)',
  },
  waitMaxSeconds: {
    unit: 's',
    better: 'min',
    range: NON_NEGATIVE,
    source: 'jobs',
    definition: 'largest wait',
  },
  waitMeanSecondsWide: {
    unit: 's',
    better: 'min',
    range: NON_NEGATIVE,
    source: 'jobs',
    definition: 'mean wait over started jobs that asked for more than one node',
  },
  responseMeanSeconds: {
    unit: 's',
    better: 'min',
    range: NON_NEGATIVE,
    source: 'jobs',
    definition: 'mean of end − submit over completed jobs',
  },
  responseP95Seconds: {
    unit: 's',
    better: 'min',
    range: NON_NEGATIVE,
    source: 'jobs',
    definition: '95th percentile response over completed jobs',
  },
  boundedSlowdownMean: {
    unit: '1',
    better: 'min',
    range: AT_LEAST_ONE,
    source: 'jobs',
    definition: 'mean over completed jobs of max(1, (wait + run) / max(run, τ)), τ = 10 s (Feitelson)',
  },
  boundedSlowdownP95: {
    unit: '1',
    better: 'min',
    range: AT_LEAST_ONE,
    source: 'jobs',
    definition: '95th percentile bounded slowdown',
  },
  boundedSlowdownMeanNarrow: {
    unit: '1',
    better: 'min',
    range: AT_LEAST_ONE,
    source: 'jobs',
    definition: 'mean bounded slowdown over completed jobs that asked for one node',
  },
  boundedSlowdownMeanWide: {
    unit: '1',
    better: 'min',
    range: AT_LEAST_ONE,
    source: 'jobs',
    definition: 'mean bounded slowdown over completed jobs that asked for more than one node',
  },
  utilisationAllocated: {
    unit: '1',
    better: 'max',
    range: SHARE,
    source: 'jobs',
    definition: 'Σ CPUs held × time held inside the window / (cluster CPUs × makespan)',
  },
  utilisationMeasured: {
    unit: '1',
    better: 'max',
    range: NON_NEGATIVE,
    source: 'node samples',
    definition:
      "CPU-weighted mean of the nodes' sampled CPU busy fraction over the window (may exceed 1 when oversubscribed)",
  },
  idleWhilePendingShare: {
    unit: '1',
    better: 'min',
    range: SHARE,
    source: 'jobs',
    definition:
      'capacity share idle while a pending job would have fitted in the idle CPUs counted across nodes',
  },
  fragmentation: {
    unit: '1',
    better: 'min',
    range: SHARE,
    source: 'jobs',
    definition:
      'capacity share idle while a pending job fitted the idle CPUs in total but no pending job could be placed on the nodes',
  },
  gangSkewMeanSeconds: {
    unit: 's',
    better: 'min',
    range: NON_NEGATIVE,
    source: 'task records',
    definition:
      "mean over started multi-task jobs of last task start − first task start (the tasks' wrapper clocks)",
  },
  gangSkewMaxSeconds: {
    unit: 's',
    better: 'min',
    range: NON_NEGATIVE,
    source: 'task records',
    definition: 'largest gang skew of a multi-task job',
  },
  partialStartCpuSeconds: {
    unit: 'CPU·s',
    better: 'min',
    range: NON_NEGATIVE,
    source: 'task records',
    definition: 'Σ over started tasks of (job CPUs / tasks) × (last task start of its job − its start)',
  },
  cpuEfficiencyMean: {
    unit: '1',
    better: 'max',
    range: NON_NEGATIVE,
    source: 'jobs',
    definition: 'mean over completed jobs of TotalCPU / (elapsed × allocated CPUs)',
  },
  cpuEfficiencyOverall: {
    unit: '1',
    better: 'max',
    range: NON_NEGATIVE,
    source: 'jobs',
    definition: 'Σ TotalCPU / Σ (elapsed × allocated CPUs) over completed jobs',
  },
  schedulerLatencySeconds: {
    unit: 's',
    better: 'min',
    range: NON_NEGATIVE,
    source: 'jobs',
    definition: 'first job start − first submit of a job that ran',
  },
  backfilledJobs: {
    unit: 'jobs',
    better: null,
    range: NON_NEGATIVE,
    source: 'jobs',
    definition: 'jobs that started while a job submitted before them was still waiting',
  },
  backfillDelayedJobs: {
    unit: 'jobs',
    better: 'min',
    range: NON_NEGATIVE,
    source: 'jobs',
    definition: 'overtaken jobs that started after the jobs submitted and started before them had all ended',
  },
  backfillDelaySecondsMax: {
    unit: 's',
    better: 'min',
    range: NON_NEGATIVE,
    source: 'jobs',
    definition:
      'largest delay of an overtaken job: start − max(submit, last end of the jobs submitted and started before it)',
  },
  schedulerCycleMeanMicroseconds: {
    unit: 'µs',
    better: 'min',
    range: NON_NEGATIVE,
    source: 'scheduler stats',
    definition: 'scheduling cycle mean from the scheduler statistics (e.g. SLURM sdiag), latest sample',
  },
  schedulerCycleMaxMicroseconds: {
    unit: 'µs',
    better: 'min',
    range: NON_NEGATIVE,
    source: 'scheduler stats',
    definition: 'main scheduling cycle max, latest sample',
  },
  backfillCycleMeanMicroseconds: {
    unit: 'µs',
    better: 'min',
    range: NON_NEGATIVE,
    source: 'scheduler stats',
    definition: 'backfill cycle mean, latest sample',
  },
  submitRateJobsPerSecond: {
    unit: 'jobs/s',
    better: 'max',
    range: NON_NEGATIVE,
    source: 'submission',
    definition: 'jobs submitted / (last submit return − first submit call)',
  },
  startRateJobsPerSecond: {
    unit: 'jobs/s',
    better: 'max',
    range: NON_NEGATIVE,
    source: 'jobs',
    definition: '(started − 1) / (last start − first start)',
  },
  completionRateJobsPerSecond: {
    unit: 'jobs/s',
    better: 'max',
    range: NON_NEGATIVE,
    source: 'jobs',
    definition: '(completed − 1) / (last completion − first completion)',
  },
  pendingMaxJobs: {
    unit: 'jobs',
    better: null,
    range: NON_NEGATIVE,
    source: 'scheduler samples',
    definition: 'largest pending count sampled',
  },
  nodeCpuBusyMean: {
    unit: '1',
    better: null,
    range: NON_NEGATIVE,
    source: 'node samples',
    definition: "mean over nodes of each node's mean CPU busy fraction",
  },
  nodeMemoryUsedMeanMiB: {
    unit: 'MiB',
    better: null,
    range: NON_NEGATIVE,
    source: 'node samples',
    definition: 'mean over nodes of mean memory used',
  },
  nodeDiskReadBytesPerSecond: {
    unit: 'B/s',
    better: null,
    range: NON_NEGATIVE,
    source: 'node samples',
    definition: 'mean over nodes of (last − first) read bytes / time',
  },
  nodeDiskWriteBytesPerSecond: {
    unit: 'B/s',
    better: null,
    range: NON_NEGATIVE,
    source: 'node samples',
    definition: 'mean over nodes of written bytes rate',
  },
  nodeNetRxBytesPerSecond: {
    unit: 'B/s',
    better: null,
    range: NON_NEGATIVE,
    source: 'node samples',
    definition: 'mean over nodes of received bytes rate',
  },
  nodeNetTxBytesPerSecond: {
    unit: 'B/s',
    better: null,
    range: NON_NEGATIVE,
    source: 'node samples',
    definition: 'mean over nodes of sent bytes rate',
  },
  energyJoules: {
    unit: 'J',
    better: 'min',
    range: NON_NEGATIVE,
    source: 'node samples (pm_counters, RAPL, IPMI) or host.power model',
    definition:
      'Σ nodes mean measured power × makespan; the configured host.power model when not measured; else empty (see energySource)',
  },
  powerMeanWatts: {
    unit: 'W',
    better: 'min',
    range: NON_NEGATIVE,
    source: 'node samples (pm_counters, RAPL, IPMI) or host.power model',
    definition: 'Σ nodes (Δ energy / Δ time) over their samples, or the model; else empty',
  },
  offeredLoad: {
    unit: '1',
    better: null,
    range: NON_NEGATIVE,
    source: 'workload',
    definition:
      "Σ jobs' CPUs × expected run time / (profile CPUs × arrival span), from the workload before it ran (above 1: a queue must build up); empty when every job arrives at once",
  },
  jobsTotal: {
    unit: 'jobs',
    better: null,
    range: NON_NEGATIVE,
    source: 'jobs',
    definition: "job records (a replay's: the measured ones)",
  },
  jobsCompleted: {
    unit: 'jobs',
    better: 'max',
    range: NON_NEGATIVE,
    source: 'jobs',
    definition: 'state COMPLETED',
  },
  jobsFailed: {
    unit: 'jobs',
    better: 'min',
    range: NON_NEGATIVE,
    source: 'jobs',
    definition: 'FAILED, TIMEOUT, NODE_FAIL, OUT_OF_MEMORY, PREEMPTED, BOOT_FAIL, DEADLINE',
  },
  jobsCancelled: {
    unit: 'jobs',
    better: 'min',
    range: NON_NEGATIVE,
    source: 'jobs',
    definition: 'state CANCELLED',
  },
  jobsUnfinished: {
    unit: 'jobs',
    better: 'min',
    range: NON_NEGATIVE,
    source: 'jobs',
    definition: 'PENDING, RUNNING or UNKNOWN at collection',
  },
  jobsNeverStarted: {
    unit: 'jobs',
    better: 'min',
    range: NON_NEGATIVE,
    source: 'jobs',
    definition: 'jobs without a start time',
  },
  jobsOutsideWindow: {
    unit: 'jobs',
    better: null,
    range: NON_NEGATIVE,
    source: 'jobs',
    definition:
      "a replay's warm-up and cool-down jobs: they load the machine, but every other job figure leaves them out",
  },
  clockSkewJobs: {
    unit: 'jobs',
    better: null,
    range: NON_NEGATIVE,
    source: 'jobs',
    definition: 'jobs whose start < submit or end < start (clamped)',
  },
  clusterCpus: {
    unit: 'CPUs',
    better: null,
    range: NON_NEGATIVE,
    source: 'nodes',
    definition: 'Σ node CPUs',
  },
} as const satisfies Record<string, MetricInfo>;

export type MetricName = keyof typeof METRICS;
export const METRIC_NAMES = Object.keys(METRICS) as MetricName[];

/** What names a run in tables and charts. */
export interface RunLabels {
  /** Unique per run file: `<runId>/<stack>/<workload>-r<repetition>` (results/vocabulary.ts runKey). */
  key: string;
  runId: string;
  stack: string;
  scheduler: string;
  schedulerVersion: string;
  profile: string;
  profileVcpus: number;
  workload: string;
  repetition: number;
  status: RunResult['status'];
  configHash: string;
  energySource: EnergySource;
}

export type RunMetrics = RunLabels & Record<MetricName, number | null>;

/** Per-node averages, kept out of the flat table (used by the report). */
export interface RunDetails {
  metrics: RunMetrics;
  perNode: NodeAverages[];
}

export interface MetricOptions {
  /** Linear host power model (the stack's `host.power`), used only where energy is not measured; default none. */
  power?: PowerModel;
}

/**
 * The nodes the scheduler placed jobs on: the run's own, or — emulated — the emulated nodes (names and sizes as the
 * emulation made them), so utilisation and fragmentation are of the cluster the scheduler saw.
 */
function schedulingNodes(run: RunResult): { name: string; cpus: number }[] {
  const emulation = run.provenance.emulation;
  if (emulation === null || emulation === undefined) return run.nodes;
  return emulatedNodeNames(emulation.nodes).map((name) => ({ name, cpus: emulation.vcpus }));
}

export function runDetails(run: RunResult, options: MetricOptions = {}): RunDetails {
  const all = run.jobs.map(jobTimes);
  // A replay's warm-up and cool-down jobs load the machine but are not measured: the job figures and the window
  // are the measured jobs'; what every job held within that window counts in utilisation and fragmentation.
  const jobs = all.filter((j) => j.measured);
  const window = runWindow(jobs);
  const jm: JobMetrics = jobMetrics(jobs);
  const cap = capacityMetrics(all, schedulingNodes(run), window);
  const byNode = samplesByNode(run.nodes, run.nodeSamples, window, run.samplingIntervalMs / 1000);
  const nm = nodeMetrics(byNode, run.nodes);
  const energy = energyMetrics(
    nm.perNode.map((n) => ({
      cpus: n.cpus,
      busy: n.cpuBusyMean,
      powerMeanWatts: n.powerMeanWatts,
      energySource: n.energySource,
    })),
    jm.makespanSeconds,
    cap.utilisationAllocated,
    options.power ?? null,
  );
  const sm = schedulerMetrics(run);
  const { perNode, ...nodeFigures } = nm;
  const metrics: RunMetrics = {
    key: runKey({
      runId: run.runId,
      stack: run.stack,
      workload: run.workload.name,
      repetition: run.repetition,
    }),
    runId: run.runId,
    stack: run.stack,
    scheduler: run.scheduler.name,
    schedulerVersion: run.scheduler.version,
    profile: run.profile.name,
    profileVcpus: run.profile.nodes * run.profile.vcpus,
    workload: run.workload.name,
    repetition: run.repetition,
    status: run.status,
    configHash: run.configHash,
    energySource: energy.energySource,
    ...jm,
    ...cap,
    ...taskMetrics(jobs),
    ...backfillMetrics(jobs),
    ...nodeFigures,
    ...sm,
    energyJoules: energy.energyJoules,
    powerMeanWatts: energy.powerMeanWatts,
    offeredLoad: run.workload.offeredLoad ?? null,
    jobsOutsideWindow: all.length - jobs.length,
  };
  return { metrics, perNode };
}

export function runMetrics(run: RunResult, options: MetricOptions = {}): RunMetrics {
  return runDetails(run, options).metrics;
}
