// The Kubernetes member of the contract's pure side: what collect.sh (Jobs and pods, stress-ng YAML, wrapper
// times) and the scheduler sampler (pod listings, /metrics snapshots) printed → neutral job records, scheduler
// samples and statistics.
import { z } from 'zod';
import { SchedulerSample, SchedulerStats } from '../../results/schema';
import { epochToIso, parseJsonLines } from '../samplers/convert';
import {
  jobFileFigures,
  withTasks,
  type NormalisedRun,
  type SchedulerNormaliser,
  type StageOutputs,
} from '../schedulers/contract';
import {
  histogram,
  histogramDelta,
  histogramMean,
  histogramQuantile,
  jobRecords,
  KubeObjects,
  parseNodeCpus,
  parsePrometheusText,
  podSample,
  promLabelValues,
  promSum,
  RawKubeSample,
  type PromSample,
} from './parse';

/** What collect.sh prints. */
export const CollectOutput = z.strictObject({
  objects: KubeObjects,
  metrics: z.record(z.string(), z.string()),
  /** The job wrapper's start/end lines per Job name (scripts/job.sh). */
  times: z.record(z.string(), z.string()),
});

const StatsSnapshot = z.strictObject({
  phase: z.enum(['before', 'during', 'after']),
  t: z.number(),
  /** The kube-scheduler's /metrics, the families lib.sh's metrics_snapshot keeps. */
  scheduler: z.string(),
  /** The apiserver's request latency sums and counts. */
  apiserver: z.string(),
  /** Every kubelet's pod start-up histograms, one after another (absent from samplers of earlier versions). */
  kubelets: z.string().default(''),
});
type StatsSnapshot = z.infer<typeof StatsSnapshot>;

/** What sampler-stop.sh prints. */
export const SamplerOutput = z.union([
  z.strictObject({ skipped: z.literal(true) }),
  z.strictObject({ samples: z.string(), nodes: z.string(), stats: z.array(StatsSnapshot) }),
]);

const ATTEMPTS = 'scheduler_schedule_attempts_total';
const ATTEMPT_DURATION = 'scheduler_scheduling_attempt_duration_seconds';
const SLI_DURATION = 'scheduler_pod_scheduling_sli_duration_seconds';
const PENDING = 'scheduler_pending_pods';
const APISERVER = 'apiserver_request_duration_seconds';
/** The kubelet's pod start-up: seen by the kubelet → running, and the SLI (created → running, no image pulls). */
const POD_START = 'kubelet_pod_start_duration_seconds';
const POD_START_SLI = 'kubelet_pod_start_sli_duration_seconds';

/** The kube-scheduler process's CPU time and resident memory (client_golang's process collector). */
const PROCESS_CPU = 'process_cpu_seconds_total';
const PROCESS_RSS = 'process_resident_memory_bytes';

const LONG_RUNNING = new Set(['WATCH', 'CONNECT']);

const us = (seconds: number | null): number | null => (seconds === null ? null : seconds * 1e6);

/**
 * One snapshot as neutral statistics, counters and histograms taken since the run's first snapshot: scheduling
 * attempts (= cycles: the kube-scheduler schedules one pod per cycle) by result, the attempt duration's mean and
 * p95, the pod scheduling SLI duration (queue to bound, the figure Kubernetes' SLO speaks of), pending pods by
 * queue, and the apiserver's request count and mean latency.
 */
export function kubernetesStats(snapshot: StatsSnapshot, first: StatsSnapshot): SchedulerStats {
  const now = parsePrometheusText(snapshot.scheduler);
  const base = parsePrometheusText(first.scheduler);
  const api = parsePrometheusText(snapshot.apiserver);
  const apiBase = parsePrometheusText(first.apiserver);
  const since = (
    s: PromSample[],
    b: PromSample[],
    name: string,
    where: Record<string, string> = {},
  ): number => Math.max(0, promSum(s, name, where) - promSum(b, name, where));
  const attempt = histogramDelta(histogram(now, ATTEMPT_DURATION), histogram(base, ATTEMPT_DURATION));
  const sli = histogramDelta(histogram(now, SLI_DURATION), histogram(base, SLI_DURATION));
  const extra: Record<string, number> = {};
  const put = (key: string, value: number | null): void => {
    if (value !== null && Number.isFinite(value)) extra[key] = value;
  };
  for (const result of promLabelValues(now, ATTEMPTS, 'result'))
    put(`scheduler.attempts.${result}`, since(now, base, ATTEMPTS, { result }));
  for (const queue of promLabelValues(now, PENDING, 'queue'))
    put(`scheduler.pending.${queue}`, promSum(now, PENDING, { queue }));
  put('scheduler.attempt_duration.p95_us', us(histogramQuantile(attempt, 0.95)));
  put('scheduler.sli_duration.mean_us', us(histogramMean(sli)));
  put('scheduler.sli_duration.p95_us', us(histogramQuantile(sli, 0.95)));
  // Long-running requests (WATCH, CONNECT) last as long as their clients keep them: left out, as Kubernetes' own
  // API latency SLO leaves them out.
  const shortVerbs = promLabelValues(api, `${APISERVER}_count`, 'verb').filter((v) => !LONG_RUNNING.has(v));
  const apiTotal = (suffix: string): number =>
    shortVerbs.reduce((acc, verb) => acc + since(api, apiBase, `${APISERVER}_${suffix}`, { verb }), 0);
  // Pod start-up over every node: each kubelet's histogram has the same buckets, so they add up.
  const kubelets = parsePrometheusText(snapshot.kubelets);
  const kubeletsBase = parsePrometheusText(first.kubelets);
  for (const [name, key] of [
    [POD_START, 'kubelet.pod_start'],
    [POD_START_SLI, 'kubelet.pod_start_sli'],
  ] as const) {
    const h = histogramDelta(histogram(kubelets, name), histogram(kubeletsBase, name));
    if (h.count === 0) continue;
    put(`${key}.observations`, h.count);
    put(`${key}.p50_us`, us(histogramQuantile(h, 0.5)));
    put(`${key}.p99_us`, us(histogramQuantile(h, 0.99)));
  }
  // The kube-scheduler process's own cost since it started (as SLURM's slurmctld figures).
  const has = (name: string): boolean => now.some((p) => p.name === name);
  if (has(PROCESS_CPU)) put('process.cpuSeconds', promSum(now, PROCESS_CPU));
  if (has(PROCESS_RSS)) put('process.rssMiB', promSum(now, PROCESS_RSS) / (1024 * 1024));
  const apiCount = apiTotal('count');
  put('apiserver.requests', apiCount);
  put('apiserver.request_duration.mean_us', apiCount > 0 ? us(apiTotal('sum') / apiCount) : null);
  const hasScheduler = now.length > 0;
  return SchedulerStats.parse({
    time: epochToIso(snapshot.t),
    phase: snapshot.phase,
    cycles: hasScheduler ? Math.round(since(now, base, ATTEMPTS)) : null,
    cycleLastUs: null,
    cycleMaxUs: null,
    cycleMeanUs: us(histogramMean(attempt)),
    // One pod per scheduling cycle.
    cycleMeanDepth: null,
    backfillCycles: null,
    backfillCycleMaxUs: null,
    backfillCycleMeanUs: null,
    extra,
  });
}

export const kubernetesNormaliser: SchedulerNormaliser = {
  normalise(outputs: StageOutputs): NormalisedRun {
    const collect = CollectOutput.parse(JSON.parse(outputs.collect));
    const { metrics, precise, tasks } = jobFileFigures(collect, outputs);
    const ended = {
      cancelled: new Set(outputs.wait.cancelled ?? []),
      lostNodes: new Set(outputs.wait.lostNodes ?? []),
      lostNodeReasons: outputs.wait.lostNodeReasons ?? {},
    };
    const { jobs: records, missing } = jobRecords(
      collect.objects,
      outputs.submit.jobs,
      ended,
      metrics,
      precise,
    );
    const jobs = records.map((j) => withTasks(j, tasks));
    const notes: string[] = [];
    const unstarted = jobs.filter((j) => j.state !== 'COMPLETED' && j.startTime === null).length;
    if (unstarted > 0) notes.push(`${unstarted} Job(s) never started their container`);
    const sampler = SamplerOutput.parse(JSON.parse(outputs.samplerStop));
    const run = { jobs, missing: missing.map((j) => j.id), notes };
    if ('skipped' in sampler) return { ...run, schedulerSamples: [], schedulerStats: [] };
    const nodeCpus = parseNodeCpus(sampler.nodes);
    const schedulerSamples = parseJsonLines(sampler.samples, RawKubeSample).flatMap((r) => {
      const s = podSample(r.pods, nodeCpus);
      return s === null ? [] : [SchedulerSample.parse({ time: epochToIso(r.t), ...s })];
    });
    const snapshots = [...sampler.stats].sort((a, b) => a.t - b.t);
    const first = snapshots[0];
    const schedulerStats = first === undefined ? [] : snapshots.map((s) => kubernetesStats(s, first));
    return { ...run, schedulerSamples, schedulerStats };
  },
};
