// What the Kubernetes stages printed, parsed: what the stand-up stages report (the build's directories, a node's
// install report, the PKI), and of a run the Jobs and pods collect.sh projected, the scheduler sampler's pod
// listings, and the Prometheus text of the kube-scheduler's and apiserver's /metrics. Pure; zod at the edge.
import { z } from 'zod';
import { JobRecord, type JobState, type PreciseTimes, type SchedulerSample } from '../../results/schema';
import type { SubmitOutput } from '../schedulers/contract';
import { MachineFacts } from '../schedulers/stages';

/** Where the build put the binaries and image archives (build/all.sh). */
export const BuildOutput = z.strictObject({
  binDir: z.string().startsWith('/'),
  imagesDir: z.string().startsWith('/'),
});

const ImageInfo = z.object({ ref: z.string(), digest: z.string(), archive: z.string() });

/**
 * What install.sh reports of a node: what the kubelet will measure (its capacity), the machine facts every install
 * stage reports, and the versions of what it runs (the build's manifest, the CNI plugins, the imported images).
 */
export const KubernetesInstallInfo = MachineFacts.extend({
  facts: z.strictObject({
    cpus: z.number().int().positive(),
    memoryBytes: z.number().int().positive(),
    cgroup: z.string().startsWith('/'),
    cgroupVersion: z.union([z.literal(1), z.literal(2)]),
  }),
  cni: z.string(),
  versions: z.record(z.string(), z.string()),
  go: z.string(),
  images: z.object({ pause: ImageInfo, workload: ImageInfo.extend({ stressNg: z.string() }) }),
});
export type KubernetesInstallInfo = z.infer<typeof KubernetesInstallInfo>;

/**
 * What pki.sh prints (a secret): the admin kubeconfig, the cluster CA, each node's kubelet kubeconfig and each
 * kubelet's serving certificate and key (signed by the cluster CA).
 */
export const PkiOutput = z.strictObject({
  admin: z.string().min(1),
  ca: z.string().min(1),
  kubelets: z.record(z.string(), z.string().min(1)),
  serving: z.record(z.string(), z.strictObject({ cert: z.string().min(1), key: z.string().min(1) })),
});
export type PkiOutput = z.infer<typeof PkiOutput>;

const Time = z.string().nullable();

/** A Job as collect.sh projects it. */
export const KubeJob = z.strictObject({
  name: z.string().min(1),
  spec: z.string().nullable(),
  created: z.string(),
  cpu: z.string().nullable(),
  memory: z.string().nullable(),
  /** Pods it runs to completion (one per task; absent in collections from before multi-task Jobs: 1). */
  completions: z.number().int().positive().optional(),
  /** Its conditions whose status is True. */
  conditions: z.array(
    z.strictObject({
      type: z.string(),
      reason: z.string().nullable(),
      message: z.string().nullable(),
      time: Time,
    }),
  ),
});
export type KubeJob = z.infer<typeof KubeJob>;

const Terminated = z.looseObject({
  exitCode: z.number().int(),
  signal: z.number().int().optional(),
  reason: z.string().optional(),
  startedAt: z.string().nullable().optional(),
  finishedAt: z.string().nullable().optional(),
});

/** A pod as collect.sh projects it (`state` is its container's state, as the kubelet reports it). */
export const KubePod = z.strictObject({
  name: z.string().min(1),
  job: z.string().nullable(),
  /** Its completion index in an Indexed Job (the task's rank); null in a Job of one pod. */
  index: z.string().nullable().optional(),
  created: z.string(),
  node: z.string().nullable(),
  phase: z.string().nullable(),
  reason: z.string().nullable(),
  message: z.string().nullable(),
  scheduled: Time,
  state: z
    .looseObject({
      terminated: Terminated.optional(),
      running: z.looseObject({ startedAt: z.string().nullable().optional() }).optional(),
      waiting: z.looseObject({ reason: z.string().optional() }).optional(),
    })
    .nullable(),
});
export type KubePod = z.infer<typeof KubePod>;

export const KubeObjects = z.strictObject({ jobs: z.array(KubeJob), pods: z.array(KubePod) });
export type KubeObjects = z.infer<typeof KubeObjects>;

/** A CPU quantity (`2`, `500m`, `1.5`) in millicores. */
export function millicores(q: string): number {
  const m = /^(\d+(?:\.\d+)?)(m?)$/.exec(q.trim());
  if (m === null) throw new Error(`kubernetes: not a CPU quantity: ${q}`);
  return m[2] === 'm' ? Number(m[1]) : Math.round(Number(m[1]) * 1000);
}

const MEMORY_UNITS: Record<string, number> = {
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  Ti: 1024 ** 4,
};

/** A memory quantity (`64Mi`, `1Gi`, `1000000`, `1M`) in MiB. */
export function memoryMiB(q: string): number {
  const m = /^(\d+(?:\.\d+)?)(k|M|G|T|Ki|Mi|Gi|Ti)?$/.exec(q.trim());
  const unit = MEMORY_UNITS[m?.[2] ?? ''];
  if (m === null || unit === undefined) throw new Error(`kubernetes: not a memory quantity: ${q}`);
  return (Number(m[1]) * unit) / 1024 ** 2;
}

/** An RFC 3339 time of an object's status (whole seconds) as the RunResult's ISO time. */
function iso(t: string | null | undefined): string | null {
  if (t === null || t === undefined || t === '') return null;
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

const hasCondition = (job: KubeJob, type: string): KubeJob['conditions'][number] | undefined =>
  job.conditions.find((c) => c.type === type);

/**
 * Of a Job's pods, the one that explains its failure: out of memory, then the first whose command failed (the Job
 * controller ends the others after it), then a failed one, then any.
 */
function failedPod(pods: readonly KubePod[]): KubePod | undefined {
  const finished = (p: KubePod): number => Date.parse(p.state?.terminated?.finishedAt ?? '') || Infinity;
  const exited = pods
    .filter((p) => (p.state?.terminated?.exitCode ?? 0) !== 0)
    .sort((a, b) => finished(a) - finished(b));
  return (
    pods.find((p) => p.state?.terminated?.reason === 'OOMKilled') ??
    exited[0] ??
    pods.find((p) => p.phase === 'Failed') ??
    pods[0]
  );
}

/** A Job's state from its conditions and its pods' (the newest of each index: one per task). */
export function jobState(
  job: KubeJob,
  all: readonly KubePod[],
  cancelled: boolean,
  nodeLost = false,
  /** What the apiserver says of the lost node (its Ready condition's message), when it says. */
  lostReason?: string,
): { state: JobState; rawState: string } {
  const pod = failedPod(all);
  const terminated = pod?.state?.terminated;
  const failed = hasCondition(job, 'Failed');
  // containerd reports OOMKilled when the kernel killed any process of the container for memory, even if the
  // command then exited 0 and the Job completed: out of memory, as SLURM records an OOM kill in a step.
  if (terminated?.reason === 'OOMKilled' && !cancelled)
    return {
      state: 'OUT_OF_MEMORY',
      rawState: `${failed === undefined ? 'Complete' : `Failed (${failed.reason ?? 'no reason'})`}; container OOMKilled, exit ${terminated.exitCode}`,
    };
  if (hasCondition(job, 'Complete') !== undefined) return { state: 'COMPLETED', rawState: 'Complete' };
  if (failed !== undefined) {
    const raw = `Failed (${failed.reason ?? 'no reason'}${pod?.reason ? `; pod ${pod.reason}` : ''}${
      terminated?.reason ? `; container ${terminated.reason}` : ''
    })`;
    // The wait stage ended it at the run's bound: cancelled, as the other schedulers record it.
    if (cancelled) return { state: 'CANCELLED', rawState: `${raw}, ended at the run's timeout` };
    if (failed.reason === 'DeadlineExceeded' || all.some((p) => p.reason === 'DeadlineExceeded'))
      return { state: 'TIMEOUT', rawState: raw };
    if (all.every((p) => p.node === null)) return { state: 'CANCELLED', rawState: `${raw}, never scheduled` };
    return { state: 'FAILED', rawState: raw };
  }
  // Neither finished nor able to: a node's kubelet stopped reporting (the wait stage saw the node not Ready).
  if (nodeLost) {
    const on = all.filter((p) => p.node !== null && p.phase !== 'Succeeded');
    const where = on.length > 0 ? on : all;
    const why =
      lostReason === undefined || lostReason === ''
        ? 'whose kubelet stopped reporting (node not Ready)'
        : `node not Ready: ${lostReason}`;
    return {
      state: 'NODE_FAIL',
      rawState:
        where.length === 0
          ? `no pod on no node, ${why}`
          : `${where.map((p) => `${p.phase ?? 'no pod'} on ${p.node ?? 'no node'}`).join(', ')}, ${why}`,
    };
  }
  if (all.some((p) => p.state?.running !== undefined)) return { state: 'RUNNING', rawState: 'Running' };
  return { state: 'PENDING', rawState: all[0]?.phase ?? 'no pod' };
}

/** A Job's pods by job name: the newest of each completion index (a pod the controller replaced is not the task's). */
function podsByJob(pods: readonly KubePod[]): Map<string, KubePod[]> {
  const newest = new Map<string, KubePod>();
  for (const pod of pods) {
    if (pod.job === null) continue;
    const key = `${pod.job}\u0000${pod.index ?? ''}`;
    const seen = newest.get(key);
    if (seen === undefined || Date.parse(pod.created) >= Date.parse(seen.created)) newest.set(key, pod);
  }
  const out = new Map<string, KubePod[]>();
  for (const pod of newest.values()) {
    if (pod.job === null) continue;
    const list = out.get(pod.job) ?? [];
    list.push(pod);
    out.set(pod.job, list);
  }
  for (const list of out.values()) list.sort((a, b) => Number(a.index ?? 0) - Number(b.index ?? 0));
  return out;
}

/** When a pod's container started and ended (the kubelet's whole seconds); null when it never started. */
function containerTimes(pod: KubePod): { start: string | null; end: string | null } {
  const terminated = pod.state?.terminated;
  const start = iso(terminated?.startedAt ?? pod.state?.running?.startedAt);
  return { start, end: start === null ? null : iso(terminated?.finishedAt) };
}

const earliest = (times: readonly string[]): string | null =>
  times.length === 0 ? null : times.reduce((a, b) => (Date.parse(b) < Date.parse(a) ? b : a));
const latest = (times: readonly string[]): string | null =>
  times.length === 0 ? null : times.reduce((a, b) => (Date.parse(b) > Date.parse(a) ? b : a));

/**
 * The run's Job records, in submission order; submitted Jobs the apiserver has no record of are `missing`. A Job
 * of several pods (an Indexed Job: one pod per task) is one record: every node its pods ran on, the first
 * container's start and the last one's end (none while any that started has not ended), the exit code of the pod
 * that explains a failure, the CPUs and memory of all its pods.
 */
export function jobRecords(
  objects: KubeObjects,
  submitted: SubmitOutput['jobs'],
  ended: {
    /** Jobs the wait stage ended at the run's bound. */
    cancelled: ReadonlySet<string>;
    /** Nodes the wait stage saw lost (not Ready) with jobs of the run on them. */
    lostNodes?: ReadonlySet<string>;
    /** The Ready condition's message of each lost node, as the wait stage read it. */
    lostNodeReasons?: Readonly<Record<string, string>>;
  },
  metrics: Record<string, Record<string, number>> = {},
  precise: Record<string, PreciseTimes> = {},
): { jobs: JobRecord[]; missing: SubmitOutput['jobs'] } {
  const jobsByName = new Map(objects.jobs.map((j) => [j.name, j]));
  const byJob = podsByJob(objects.pods);
  const jobs: JobRecord[] = [];
  const missing: SubmitOutput['jobs'] = [];
  for (const sub of submitted) {
    const job = jobsByName.get(sub.id);
    if (job === undefined) {
      missing.push(sub);
      continue;
    }
    const pods = byJob.get(job.name) ?? [];
    const lostOn = pods.find((p) => p.node !== null && (ended.lostNodes?.has(p.node) ?? false))?.node ?? null;
    const { state, rawState } = jobState(
      job,
      pods,
      ended.cancelled.has(job.name),
      lostOn !== null,
      lostOn === null ? undefined : ended.lostNodeReasons?.[lostOn],
    );
    const times = pods.map(containerTimes);
    const starts = times.flatMap((t) => (t.start === null ? [] : [t.start]));
    const ends = times.flatMap((t) => (t.end === null ? [] : [t.end]));
    const start = earliest(starts);
    const end = ends.length === starts.length ? latest(ends) : null;
    const started = pods.filter((_, i) => times[i]?.start !== null);
    const nodes = [...new Set(started.flatMap((p) => (p.node === null ? [] : [p.node])))].sort();
    const terminated = failedPod(pods.filter((p) => p.state?.terminated !== undefined))?.state?.terminated;
    const podCount = job.completions ?? 1;
    const podCpus = Math.max(1, Math.ceil(millicores(job.cpu ?? '1') / 1000));
    jobs.push(
      JobRecord.parse({
        id: job.name,
        name: job.name,
        specIndex: sub.specIndex,
        state,
        rawState,
        exitCode: terminated === undefined ? null : terminated.exitCode,
        signal: terminated?.signal !== undefined && terminated.signal > 0 ? terminated.signal : null,
        submitTime: iso(job.created) ?? new Date(0).toISOString(),
        // When the Job controller made its (first) pod: from then on the scheduler may place it.
        eligibleTime: earliest(pods.flatMap((p) => iso(p.created) ?? [])),
        startTime: start,
        endTime: end,
        elapsedSeconds:
          start !== null && end !== null ? Math.max(0, (Date.parse(end) - Date.parse(start)) / 1000) : null,
        requestedCpus: podCpus * podCount,
        requestedMemoryMiB: job.memory === null ? 0 : memoryMiB(job.memory) * podCount,
        // Requests = limits (Guaranteed): what a pod was given is what it asked for, as a CFS quota; a Job holds
        // the CPUs of the pods that started.
        allocatedCpus: started.length > 0 ? podCpus * started.length : null,
        nodes,
        // The kubelet accounts CPU time and RSS per pod only while it runs (the summary API); not kept.
        totalCpuSeconds: null,
        maxRssMiB: null,
        metrics: metrics[job.name] ?? {},
        precise: precise[job.name] ?? null,
      }),
    );
  }
  return { jobs, missing };
}

/** One line of sampler-start.sh: the run's pods at epoch time `t` (s), `phase node cpu` per line. */
export const RawKubeSample = z.strictObject({ t: z.number().positive(), pods: z.string() });

/** Allocatable CPUs per node from `name cpu` lines. */
export function parseNodeCpus(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const [name, cpu] = line.trim().split(/\s+/);
    if (name && cpu) out.set(name, Math.round(millicores(cpu) / 1000));
  }
  return out;
}

/** One sample's pod listing → pending and running counts and per-node allocation; null when unanswered. */
export function podSample(
  pods: string,
  nodeCpus: ReadonlyMap<string, number>,
): Omit<SchedulerSample, 'time'> | null {
  if (pods.trim() === 'unanswered') return null;
  let pending = 0;
  let running = 0;
  const allocatedMilli = new Map<string, number>([...nodeCpus.keys()].map((n) => [n, 0]));
  for (const line of pods.split('\n')) {
    const parts = line.trim().split(/\s+/);
    const phase = parts[0] ?? '';
    if (phase === '') continue;
    // jsonpath prints an absent nodeName as nothing: a pending pod has two fields.
    const node = parts.length >= 3 ? parts[1] : undefined;
    const cpu = parts.length >= 3 ? parts[2] : parts[1];
    const active = phase === 'Running' || phase === 'Pending';
    if (phase === 'Pending' && node === undefined) pending += 1;
    else if (active) running += 1;
    if (active && node !== undefined)
      allocatedMilli.set(node, (allocatedMilli.get(node) ?? 0) + (cpu ? millicores(cpu) : 0));
  }
  const nodes = [...allocatedMilli].map(([node, milli]) => {
    const total = nodeCpus.get(node) ?? 0;
    const allocatedCpus = Math.round(milli / 1000);
    return {
      node,
      state: allocatedCpus === 0 ? 'idle' : allocatedCpus >= total ? 'allocated' : 'mixed',
      allocatedCpus,
      idleCpus: Math.max(0, total - allocatedCpus),
    };
  });
  return { pending, running, nodes };
}

/** One sample of Prometheus' text exposition format. */
export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Prometheus text (`name{label="v",…} value [timestamp]` lines; comments skipped) → samples. */
export function parsePrometheusText(text: string): PromSample[] {
  const out: PromSample[] = [];
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z_:][A-Za-z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line.trim());
    if (m === null || m[1] === undefined || m[3] === undefined) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([A-Za-z_][A-Za-z0-9_]*)="((?:[^"\\]|\\.)*)"/g))
      if (l[1] !== undefined) labels[l[1]] = (l[2] ?? '').replace(/\\(.)/g, '$1');
    out.push({ name: m[1], labels, value: promNumber(m[3]) });
  }
  return out;
}

function promNumber(v: string): number {
  if (v === '+Inf' || v === 'Inf') return Infinity;
  if (v === '-Inf') return -Infinity;
  return Number(v);
}

/** A histogram summed over every label but `le`: cumulative bucket counts by bound, sum and count. */
export interface Histogram {
  buckets: Map<number, number>;
  sum: number;
  count: number;
}

export function histogram(samples: readonly PromSample[], name: string): Histogram {
  const buckets = new Map<number, number>();
  let sum = 0;
  let count = 0;
  for (const s of samples) {
    if (s.name === `${name}_bucket` && s.labels.le !== undefined) {
      const le = promNumber(s.labels.le);
      buckets.set(le, (buckets.get(le) ?? 0) + s.value);
    } else if (s.name === `${name}_sum`) sum += s.value;
    else if (s.name === `${name}_count`) count += s.value;
  }
  return { buckets, sum, count };
}

/** `later − earlier`, bucket by bucket: what happened between two snapshots. */
export function histogramDelta(later: Histogram, earlier: Histogram): Histogram {
  const buckets = new Map<number, number>();
  for (const [le, n] of later.buckets) buckets.set(le, Math.max(0, n - (earlier.buckets.get(le) ?? 0)));
  return {
    buckets,
    sum: Math.max(0, later.sum - earlier.sum),
    count: Math.max(0, later.count - earlier.count),
  };
}

/** Mean of a histogram (its unit), null when empty. */
export const histogramMean = (h: Histogram): number | null => (h.count > 0 ? h.sum / h.count : null);

/**
 * The q-quantile of a histogram by linear interpolation inside the bucket that holds it (as Prometheus'
 * histogram_quantile does); the largest finite bound when it falls in the +Inf bucket; null when empty.
 */
export function histogramQuantile(h: Histogram, q: number): number | null {
  const bounds = [...h.buckets.keys()].sort((a, b) => a - b);
  const total = h.buckets.get(Infinity) ?? h.count;
  if (total <= 0 || bounds.length === 0) return null;
  const rank = q * total;
  let prevBound = 0;
  let prevCount = 0;
  for (const le of bounds) {
    const n = h.buckets.get(le) ?? 0;
    if (n >= rank) {
      if (le === Infinity) return prevBound;
      const inBucket = n - prevCount;
      return inBucket <= 0 ? le : prevBound + ((le - prevBound) * (rank - prevCount)) / inBucket;
    }
    prevBound = le;
    prevCount = n;
  }
  return prevBound;
}

/** Sum of the samples named `name` whose labels match `where`. */
export function promSum(
  samples: readonly PromSample[],
  name: string,
  where: Record<string, string> = {},
): number {
  return samples
    .filter((s) => s.name === name && Object.entries(where).every(([k, v]) => s.labels[k] === v))
    .reduce((acc, s) => acc + s.value, 0);
}

/** Values of label `label` among the samples named `name`. */
export function promLabelValues(samples: readonly PromSample[], name: string, label: string): string[] {
  return [...new Set(samples.filter((s) => s.name === name).flatMap((s) => s.labels[label] ?? []))].sort();
}
