// Sampler output → RunResult samples: raw cumulative counters become per-interval CPU busy fractions and
// counters relative to the sampler's start. Pure; the scripts beside this file produce the input.
import { z } from 'zod';
import { NodeSample, SampleSources, SchedulerSample } from '../../analysis/schema';
import { parseSinfo } from '../slurm/parse';

/** One line of node-sampler-start.sh: cumulative counters at epoch time `t` (s). */
export const RawNodeSample = z.strictObject({
  t: z.number().positive(),
  cpuNs: z.number().nonnegative(),
  memBytes: z.number(),
  diskReadBytes: z.number().nonnegative(),
  diskWriteBytes: z.number().nonnegative(),
  netRxBytes: z.number().nonnegative(),
  netTxBytes: z.number().nonnegative(),
});
export type RawNodeSample = z.infer<typeof RawNodeSample>;

/** What node-sampler-stop.sh prints. */
export const NodeSamplerOutput = z.union([
  z.strictObject({ skipped: z.literal(true) }),
  z.strictObject({ sources: SampleSources.nullable(), samples: z.string() }),
]);

/** One line of slurm-sampler-start.sh. */
export const RawSchedulerSample = z.strictObject({
  t: z.number().positive(),
  pending: z.number().int().nonnegative(),
  running: z.number().int().nonnegative(),
  nodes: z.string(),
});

/** What slurm-sampler-stop.sh prints. */
export const SchedulerSamplerOutput = z.union([
  z.strictObject({ skipped: z.literal(true) }),
  z.strictObject({
    samples: z.string(),
    sdiag: z.array(
      z.strictObject({ phase: z.enum(['before', 'during', 'after']), t: z.number(), text: z.string() }),
    ),
  }),
]);

export function epochToIso(t: number): string {
  return new Date(Math.round(t * 1000)).toISOString();
}

/** JSON lines through a zod schema; a truncated last line (sampler killed mid-write) is dropped. */
export function parseJsonLines<T>(text: string, schema: z.ZodType<T>): T[] {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const out: T[] = [];
  lines.forEach((line, i) => {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      if (i === lines.length - 1) return;
      throw err;
    }
    out.push(schema.parse(value));
  });
  return out;
}

/**
 * Node samples from raw counters: the first raw sample is the baseline; each later one gives the CPU busy
 * share of the node's `vcpus` over the interval before it, memory in use, and counters since the baseline.
 */
export function toNodeSamples(node: string, vcpus: number, raw: readonly RawNodeSample[]): NodeSample[] {
  const first = raw[0];
  if (first === undefined) return [];
  const out: NodeSample[] = [];
  for (let i = 1; i < raw.length; i++) {
    const prev = raw[i - 1];
    const cur = raw[i];
    if (prev === undefined || cur === undefined) continue;
    const dt = cur.t - prev.t;
    if (dt <= 0) continue;
    out.push(
      NodeSample.parse({
        time: epochToIso(cur.t),
        node,
        cpuBusy: Math.max(0, (cur.cpuNs - prev.cpuNs) / 1e9 / (dt * vcpus)),
        memoryUsedMiB: Math.max(0, cur.memBytes / (1024 * 1024)),
        diskReadBytes: Math.max(0, cur.diskReadBytes - first.diskReadBytes),
        diskWriteBytes: Math.max(0, cur.diskWriteBytes - first.diskWriteBytes),
        netRxBytes: Math.max(0, cur.netRxBytes - first.netRxBytes),
        netTxBytes: Math.max(0, cur.netTxBytes - first.netTxBytes),
        powerWatts: null,
      }),
    );
  }
  return out;
}

export function toSchedulerSamples(raw: readonly z.infer<typeof RawSchedulerSample>[]): SchedulerSample[] {
  return raw.map((r) =>
    SchedulerSample.parse({
      time: epochToIso(r.t),
      pending: r.pending,
      running: r.running,
      nodes: parseSinfo(r.nodes),
    }),
  );
}
