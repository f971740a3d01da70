// Pure: what one RunResult becomes in MLflow — params (flattened validated config + identity), tags (run key,
// ids, provenance, status), metrics (every figure `schedbench metrics` computes; node and scheduler samples as
// step series) — and the split of it into `runs/log-batch` calls within MLflow's limits.
import { METRIC_NAMES, type RunDetails } from '../../analysis/metrics';
import type { RunResult } from '../../results/schema';
import type { KeyValue, MetricPoint } from './mlflow';

/** MLflow's log-batch limits: per call at most 1000 metrics, 100 params, 100 tags, 1000 entries in all. */
export const LOG_BATCH_LIMITS = { metrics: 1000, params: 100, tags: 100, total: 1000 } as const;
export type BatchLimits = { metrics: number; params: number; tags: number; total: number };

/** Lengths every MLflow server accepts (older servers: param values 500, tag values 5000). */
export const PARAM_VALUE_MAX = 500;
export const TAG_VALUE_MAX = 5000;
const KEY_MAX = 250;

/** Tags schedbench sets; the run key finds a RunResult's MLflow run again. */
export const TAG = {
  runKey: 'schedbench.runKey',
  kind: 'schedbench.kind',
  runId: 'schedbench.runId',
  configHash: 'schedbench.configHash',
  stack: 'schedbench.stack',
  campaignId: 'schedbench.campaignId',
  status: 'schedbench.status',
  contentSha256: 'schedbench.contentSha256',
  parentRunId: 'mlflow.parentRunId',
} as const;

export interface LogBatch {
  metrics: MetricPoint[];
  params: KeyValue[];
  tags: KeyValue[];
}

/** MLflow allows letters, digits, `_ - . / ` and space in keys; anything else becomes `_`. */
export function safeKey(key: string): string {
  return key.replace(/[^A-Za-z0-9_\-./ ]/g, '_').slice(0, KEY_MAX);
}

function clip(value: string, max: number): string {
  return value.length <= max ? value : `${value.slice(0, max - 1)}…`;
}

/**
 * A nested config as `a.b.c` → string leaves. Arrays of plain values are one JSON leaf (`workloads`); arrays of
 * objects are indexed (`hosts[0].name`). Keys under `skip` (top level) are left out.
 */
export function flattenConfig(value: unknown, skip: readonly string[] = []): KeyValue[] {
  const out: KeyValue[] = [];
  const walk = (v: unknown, path: string) => {
    if (Array.isArray(v)) {
      if (v.every((x) => x === null || typeof x !== 'object'))
        out.push({ key: path, value: JSON.stringify(v) });
      else v.forEach((x, i) => walk(x, `${path}[${i}]`));
    } else if (v !== null && typeof v === 'object') {
      for (const [k, child] of Object.entries(v as Record<string, unknown>).sort(([a], [b]) =>
        a.localeCompare(b),
      )) {
        if (path === '' && skip.includes(k)) continue;
        walk(child, path === '' ? k : `${path}.${k}`);
      }
    } else if (v !== undefined) {
      out.push({ key: path, value: typeof v === 'string' ? v : JSON.stringify(v) });
    }
  };
  walk(value, '');
  return out;
}

export interface RunRecordInput {
  run: RunResult;
  details: RunDetails;
  /** The validated config of the run's stack (its snapshot), when known. */
  config?: Record<string, unknown>;
  campaignId?: string;
  /** SHA-256 of the RunResult file: a re-send of the same file is recognised. */
  contentSha256: string;
}

export interface RunRecord {
  runKey: string;
  runName: string;
  startTime: number;
  endTime: number;
  /** MLflow's run status from the RunResult's. */
  status: 'FINISHED' | 'FAILED';
  params: KeyValue[];
  tags: KeyValue[];
  metrics: MetricPoint[];
}

const ms = (iso: string) => Date.parse(iso);

function dedupe(items: KeyValue[], max: number): KeyValue[] {
  const byKey = new Map<string, string>();
  for (const { key, value } of items) byKey.set(safeKey(key), clip(value, max));
  return [...byKey].map(([key, value]) => ({ key, value }));
}

/** The params, tags and metrics of one RunResult's MLflow run. */
export function runRecord(input: RunRecordInput): RunRecord {
  const { run, details } = input;
  // The analysis' own key of the run (`schedbench metrics` prints it as `key`).
  const key = details.metrics.key;
  const endTime = ms(run.endedAt);
  const params = dedupe(
    [
      ...(input.config === undefined
        ? []
        : flattenConfig(input.config, ['tracking']).map((p) => ({ key: `config.${p.key}`, value: p.value }))),
      { key: 'scheduler', value: run.scheduler.name },
      { key: 'schedulerVersion', value: run.scheduler.version },
      { key: 'profile', value: run.profile.name },
      { key: 'profile.nodes', value: String(run.profile.nodes) },
      { key: 'profile.vcpus', value: String(run.profile.vcpus) },
      { key: 'profile.memoryGiB', value: String(run.profile.memoryGiB) },
      { key: 'workload', value: run.workload.name },
      { key: 'workload.specCount', value: String(run.workload.specCount) },
      { key: 'repetition', value: String(run.repetition) },
      { key: 'stack', value: run.stack },
      { key: 'samplingIntervalMs', value: String(run.samplingIntervalMs) },
    ],
    PARAM_VALUE_MAX,
  );
  const p = run.provenance;
  const tags = dedupe(
    [
      { key: TAG.runKey, value: key },
      { key: TAG.kind, value: 'run' },
      { key: TAG.runId, value: run.runId },
      { key: TAG.configHash, value: run.configHash },
      { key: TAG.stack, value: run.stack },
      ...(input.campaignId !== undefined ? [{ key: TAG.campaignId, value: input.campaignId }] : []),
      { key: TAG.status, value: run.status },
      { key: 'schedbench.energySource', value: details.metrics.energySource },
      { key: 'schedbench.notes', value: run.notes.join('\n') },
      { key: 'provenance.host', value: p.host },
      { key: 'provenance.os', value: p.os },
      { key: 'provenance.kernel', value: p.kernel },
      { key: 'provenance.backend', value: p.backend },
      { key: 'provenance.oversubscribed', value: String(p.oversubscribed) },
      { key: 'provenance.virtualization', value: p.virtualization ?? 'none' },
      { key: 'provenance.imageDigest', value: p.imageDigest ?? 'none' },
      { key: 'provenance.schedbenchVersion', value: p.schedbenchVersion },
      ...Object.entries(p.packages).map(([name, version]) => ({
        key: `provenance.packages.${name}`,
        value: version,
      })),
      { key: 'mlflow.source.name', value: 'schedbench' },
    ],
    TAG_VALUE_MAX,
  );
  return {
    runKey: key,
    runName: `${run.stack}/${run.workload.name}/r${run.repetition}`,
    startTime: ms(run.startedAt),
    endTime,
    status: run.status === 'failed' || run.status === 'timeout' ? 'FAILED' : 'FINISHED',
    params,
    tags,
    metrics: [...summaryMetrics(details, endTime), ...seriesMetrics(run)],
  };
}

/** Every numeric figure of `schedbench metrics` (step 0, at the run's end); nulls are left out. */
export function summaryMetrics(details: RunDetails, timestamp: number): MetricPoint[] {
  const out: MetricPoint[] = [];
  const push = (key: string, value: unknown) => {
    if (typeof value === 'number' && Number.isFinite(value))
      out.push({ key: safeKey(key), value, timestamp, step: 0 });
  };
  for (const name of METRIC_NAMES) push(name, details.metrics[name]);
  for (const node of details.perNode) {
    for (const [key, value] of Object.entries(node))
      if (key !== 'node') push(`perNode.${node.node}.${key}`, value);
  }
  return out;
}

/** Node samples (per node) and scheduler samples as step series: step = sample index, timestamp = sample time. */
export function seriesMetrics(run: RunResult): MetricPoint[] {
  const out: MetricPoint[] = [];
  const steps = new Map<string, number>();
  for (const s of run.nodeSamples) {
    const step = steps.get(s.node) ?? 0;
    steps.set(s.node, step + 1);
    const timestamp = ms(s.time);
    // Every numeric field of the sample (cpuBusy, memoryUsedMiB, disk and network counters, power or energy).
    const fields = Object.entries(s).filter(([k]) => k !== 'time' && k !== 'node');
    for (const [field, value] of fields) {
      if (typeof value === 'number' && Number.isFinite(value))
        out.push({ key: safeKey(`node.${s.node}.${field}`), value, timestamp, step });
    }
  }
  run.schedulerSamples.forEach((s, step) => {
    const timestamp = ms(s.time);
    out.push({ key: 'scheduler.pending', value: s.pending, timestamp, step });
    out.push({ key: 'scheduler.running', value: s.running, timestamp, step });
  });
  return out;
}

/** Splits params, tags and metrics into log-batch calls that each respect `limits`, params and tags first. */
export function toBatches(
  items: { metrics: readonly MetricPoint[]; params: readonly KeyValue[]; tags: readonly KeyValue[] },
  limits: BatchLimits = LOG_BATCH_LIMITS,
): LogBatch[] {
  const batches: LogBatch[] = [];
  let m = 0;
  let p = 0;
  let t = 0;
  while (m < items.metrics.length || p < items.params.length || t < items.tags.length) {
    const params = items.params.slice(p, p + Math.min(limits.params, limits.total));
    p += params.length;
    const tags = items.tags.slice(t, t + Math.min(limits.tags, limits.total - params.length));
    t += tags.length;
    const room = Math.min(limits.metrics, limits.total - params.length - tags.length);
    const metrics = items.metrics.slice(m, m + room);
    m += metrics.length;
    batches.push({ metrics, params, tags });
  }
  return batches;
}
