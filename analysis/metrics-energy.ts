// Energy of a run: measured where every node's sampler read a real source (HPE Cray pm_counters, RAPL, IPMI
// DCMI; see components/samplers/scripts/energy.sh), otherwise a power model *only* when the stack configured one
// for its host (`host.power`), otherwise not measured: null, never another machine's model.
//
// Measured: each node's mean power P_n = (last − first cumulative energyJoules) / time between them (for a netns
// node its attributed share of the host; see components/samplers/convert.ts); E = Σ_n P_n × makespan.
// Model: a host draws P(u) = idleWatts + (maxWatts − idleWatts)·u at CPU utilisation u; a node with c vCPUs on a
// host with H cores is charged c/H of it at its measured CPU busy (capped at 1; else the allocated utilisation):
// E = makespan · Σ_n (c_n/H) · (idleWatts + (maxWatts − idleWatts)·min(1, busy_n)). H unknown: the cluster is
// taken to be the whole host (H = Σ c_n).
import type { EnergySourceKind } from '../results/schema';

/** Linear power model of one host, from the stack's `host.power` (+ `host.cores`). */
export interface PowerModel {
  /** Whole-host draw when idle (W). */
  idleWatts: number;
  /** Whole-host draw at full CPU load (W). */
  maxWatts: number;
  /** Physical cores the host has (a node is charged vCPUs/cores of it); null: the cluster is the whole host. */
  cores: number | null;
  /** Where the figures come from, for the report. */
  source: string;
}

/** Where a run's energy figure came from: a measuring source, the configured model, or nothing. */
export type EnergySource = Exclude<EnergySourceKind, 'none'> | 'model' | 'none';

export const ENERGY_SOURCES: readonly EnergySource[] = ['pm_counters', 'rapl', 'ipmi', 'model', 'none'];

export interface EnergyMetrics {
  energyJoules: number | null;
  energySource: EnergySource;
  powerMeanWatts: number | null;
}

export interface NodeEnergyInput {
  cpus: number;
  /** Mean CPU busy fraction (null: unknown). */
  busy: number | null;
  /** Mean power its energy counter measured (null: not measured). */
  powerMeanWatts: number | null;
  /** Kind of its energy source. */
  energySource: EnergySourceKind;
}

const NOT_MEASURED: EnergyMetrics = { energyJoules: null, energySource: 'none', powerMeanWatts: null };

/**
 * The run's energy. Measured when every node measured with the same kind of source (a run half measured, or
 * measured by different kinds of meter, is not comparable as a whole); else the model when one is given; else
 * not measured.
 */
export function energyMetrics(
  nodes: readonly NodeEnergyInput[],
  makespanSeconds: number | null,
  utilisationAllocated: number | null,
  model: PowerModel | null,
): EnergyMetrics {
  if (makespanSeconds === null || nodes.length === 0) return NOT_MEASURED;
  const kinds = new Set(nodes.map((n) => n.energySource));
  const [kind] = kinds;
  if (
    kinds.size === 1 &&
    kind !== undefined &&
    kind !== 'none' &&
    nodes.every((n) => n.powerMeanWatts !== null)
  ) {
    const watts = nodes.reduce((a, n) => a + (n.powerMeanWatts ?? 0), 0);
    return { energyJoules: watts * makespanSeconds, energySource: kind, powerMeanWatts: watts };
  }
  if (model === null) return NOT_MEASURED;
  const hostCores = model.cores ?? nodes.reduce((a, n) => a + n.cpus, 0);
  let watts = 0;
  for (const n of nodes) {
    const busy = n.busy ?? utilisationAllocated;
    if (busy === null || hostCores <= 0) return NOT_MEASURED;
    watts +=
      (n.cpus / hostCores) * (model.idleWatts + (model.maxWatts - model.idleWatts) * Math.min(1, busy));
  }
  return { energyJoules: watts * makespanSeconds, energySource: 'model', powerMeanWatts: watts };
}

/** A label for an energy figure: the source's name, `model` saying it is an estimate, or that it was not measured. */
export function energySourceLabel(source: string): string {
  switch (source) {
    case 'pm_counters':
      return 'measured: HPE Cray pm_counters';
    case 'rapl':
      return 'measured: RAPL (powercap)';
    case 'ipmi':
      return 'measured: IPMI DCMI';
    case 'model':
      return 'ESTIMATE from the configured host power model';
    case 'mixed':
      return 'mixed sources';
    default:
      return 'not measured';
  }
}
