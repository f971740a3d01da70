// Node sampler output → RunResult node samples: raw cumulative counters become per-interval CPU busy fractions
// and counters relative to the sampler's start. Pure; the scripts beside this file produce the input. (Each
// scheduler's own sampler is its own: see its folder.)
import { z } from 'zod';
import { NodeSample, SampleSources } from '../../results/schema';

/**
 * The energy reading of one sample (scripts/energy.sh), as the source gives it: pm_counters' node energy (J, 1 J
 * resolution) with the power-cap `generation`; RAPL's per-zone µJ counters with their wrap-around ranges; IPMI
 * DCMI's instantaneous power (W; null before the first reading).
 */
export const RawEnergy = z.discriminatedUnion('src', [
  z.strictObject({ src: z.literal('pm_counters'), j: z.number().nonnegative(), gen: z.number().nullable() }),
  z.strictObject({
    src: z.literal('rapl'),
    uj: z.array(z.number().nonnegative()).min(1),
    maxUj: z.array(z.number().positive()).min(1),
  }),
  z.strictObject({ src: z.literal('ipmi'), w: z.number().nonnegative().nullable() }),
]);
export type RawEnergy = z.infer<typeof RawEnergy>;

/** One line of node-sampler-start.sh: cumulative counters at epoch time `t` (s). */
export const RawNodeSample = z.strictObject({
  t: z.number().positive(),
  cpuNs: z.number().nonnegative(),
  memBytes: z.number(),
  diskReadBytes: z.number().nonnegative(),
  diskWriteBytes: z.number().nonnegative(),
  netRxBytes: z.number().nonnegative(),
  netTxBytes: z.number().nonnegative(),
  /** Energy reading, when the node has a source. */
  energy: RawEnergy.optional(),
  /** Busy CPU time of the whole host (ns), when energy is a whole-host reading to attribute to this node. */
  hostCpuNs: z.number().nonnegative().optional(),
});
export type RawNodeSample = z.infer<typeof RawNodeSample>;

/** What node-sampler-stop.sh prints. */
export const NodeSamplerOutput = z.union([
  z.strictObject({ skipped: z.literal(true) }),
  z.strictObject({
    // A sampler from before energy probing names no energy source: nothing measured it.
    sources: SampleSources.extend({ energy: SampleSources.shape.energy.default('none') }).nullable(),
    samples: z.string(),
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
 * Energy (J) the host used between two readings of the same source: pm_counters Δ joules (null when the counter
 * went back: a BMC restart); RAPL Σ zones Δ µJ / 10⁶, a zone whose counter went back having wrapped once (Δ +
 * max_energy_range_uj); IPMI the trapezoid (P₁ + P₂)/2 · Δt. Null when the two readings cannot be compared.
 */
export function hostEnergyJoules(prev: RawEnergy, cur: RawEnergy, dtSeconds: number): number | null {
  if (prev.src === 'pm_counters' && cur.src === 'pm_counters') {
    return cur.j >= prev.j ? cur.j - prev.j : null;
  }
  if (prev.src === 'rapl' && cur.src === 'rapl') {
    if (prev.uj.length !== cur.uj.length || cur.maxUj.length !== cur.uj.length) return null;
    let uj = 0;
    cur.uj.forEach((now, z) => {
      const before = prev.uj[z];
      uj += now >= before ? now - before : now - before + cur.maxUj[z];
    });
    return uj / 1e6;
  }
  if (prev.src === 'ipmi' && cur.src === 'ipmi') {
    if (prev.w === null || cur.w === null || dtSeconds < 0) return null;
    return ((prev.w + cur.w) / 2) * dtSeconds;
  }
  return null;
}

/**
 * The node's share of a whole-host reading over one interval: Δ node CPU time / Δ host busy CPU time, clamped to
 * [0, 1] (0 when the host was idle). 1 when the sample has no host CPU time: the node is the whole host.
 */
export function cpuShare(prev: RawNodeSample, cur: RawNodeSample): number {
  if (prev.hostCpuNs === undefined || cur.hostCpuNs === undefined) return 1;
  const host = cur.hostCpuNs - prev.hostCpuNs;
  if (host <= 0) return 0;
  return Math.min(1, Math.max(0, (cur.cpuNs - prev.cpuNs) / host));
}

/**
 * Cumulative energy (J) of the node at each raw sample, 0 at the first: Σ over intervals of host energy × the
 * node's CPU share. All null when any interval has no usable reading (a missing or reset counter): a figure with
 * a hole in it is not a measurement.
 */
export function nodeEnergySeries(raw: readonly RawNodeSample[]): (number | null)[] {
  const out: number[] = [];
  let total = 0;
  for (let i = 0; i < raw.length; i++) {
    const cur = raw[i];
    if (cur.energy === undefined) return raw.map(() => null);
    if (i > 0) {
      const prev = raw[i - 1];
      const e = prev.energy === undefined ? null : hostEnergyJoules(prev.energy, cur.energy, cur.t - prev.t);
      if (e === null) return raw.map(() => null);
      total += e * cpuShare(prev, cur);
    }
    out.push(total);
  }
  return out;
}

/** What a reader should know of a node's energy readings (a power cap changed, a counter reset). */
export function energyNotes(node: string, raw: readonly RawNodeSample[]): string[] {
  const notes: string[] = [];
  const gens = new Set(raw.flatMap((r) => (r.energy?.src === 'pm_counters' ? [r.energy.gen] : [])));
  if (gens.size > 1)
    notes.push(
      `node ${node}: the power cap changed during the run (pm_counters generation ${[...gens].join(' → ')})`,
    );
  if (raw.some((r) => r.energy !== undefined) && nodeEnergySeries(raw).some((e) => e === null))
    notes.push(`node ${node}: energy not measured (a reading was missing or its counter reset)`);
  return notes;
}

/**
 * Node samples from raw counters: the first raw sample is the baseline; each later one gives the CPU busy
 * share of the node's `vcpus` over the interval before it, memory in use, and counters (energy included) since the
 * baseline.
 */
export function toNodeSamples(node: string, vcpus: number, raw: readonly RawNodeSample[]): NodeSample[] {
  const first = raw[0];
  if (first === undefined) return [];
  const out: NodeSample[] = [];
  const energy = nodeEnergySeries(raw);
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
        energyJoules: energy[i] ?? null,
      }),
    );
  }
  return out;
}
