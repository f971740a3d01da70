// Energy of a run: measured where every node reports power (RAPL), otherwise an estimate from a linear
// power model of the host — always labelled as such (energySource = 'estimate').
//
// Model: a host draws P(u) = idleWatts + (maxWatts − idleWatts)·u at CPU utilisation u. A node with c
// vCPUs on a host with H cores is charged its share: E_node = makespan · (c/H) · (idleWatts +
// (maxWatts − idleWatts)·min(1, busy)), busy = the node's measured CPU busy (else the allocated
// utilisation). E = Σ nodes. When H is unknown the cluster is taken to be the whole host (H = Σ c).
// Measured: E = Σ nodes mean(powerWatts) · makespan.

/** Linear power model of one host. */
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

/**
 * Default: a Perlmutter CPU node, 2 × AMD EPYC 7763 (64 cores each, 280 W TDP each) and 512 GiB DDR4.
 * maxWatts = 2 × 280 W (CPU TDP) + 150 W (memory, board, NIC, fans) = 710 W;
 * idleWatts = 2 × 100 W (socket idle incl. the I/O die) + 100 W (rest of the node) = 300 W.
 * Rough figures from the vendor TDP and typical idle of Milan servers — an estimate, not a measurement.
 */
export const PERLMUTTER_CPU_NODE: PowerModel = {
  idleWatts: 300,
  maxWatts: 710,
  cores: 128,
  source: 'Perlmutter CPU node default: 2 × AMD EPYC 7763 (TDP 280 W each), idle 300 W, max 710 W, 128 cores',
};

export type EnergySource = 'measured' | 'estimate' | 'none';

export interface EnergyMetrics {
  energyJoules: number | null;
  energySource: EnergySource;
  powerMeanWatts: number | null;
}

export interface NodeEnergyInput {
  cpus: number;
  /** Mean CPU busy fraction (null: unknown). */
  busy: number | null;
  /** Mean measured power (null: not measured). */
  powerMeanWatts: number | null;
}

export function energyMetrics(
  nodes: readonly NodeEnergyInput[],
  makespanSeconds: number | null,
  utilisationAllocated: number | null,
  model: PowerModel,
): EnergyMetrics {
  if (makespanSeconds === null || nodes.length === 0) {
    return { energyJoules: null, energySource: 'none', powerMeanWatts: null };
  }
  if (nodes.every((n) => n.powerMeanWatts !== null)) {
    const watts = nodes.reduce((a, n) => a + (n.powerMeanWatts as number), 0);
    return { energyJoules: watts * makespanSeconds, energySource: 'measured', powerMeanWatts: watts };
  }
  const hostCores = model.cores ?? nodes.reduce((a, n) => a + n.cpus, 0);
  let watts = 0;
  for (const n of nodes) {
    const busy = n.busy ?? utilisationAllocated;
    if (busy === null || hostCores <= 0)
      return { energyJoules: null, energySource: 'none', powerMeanWatts: null };
    watts +=
      (n.cpus / hostCores) * (model.idleWatts + (model.maxWatts - model.idleWatts) * Math.min(1, busy));
  }
  return { energyJoules: watts * makespanSeconds, energySource: 'estimate', powerMeanWatts: watts };
}
