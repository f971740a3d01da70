// Node-level metrics from the node samples: measured CPU busy (cluster utilisation as the nodes saw it)
// and per-node averages of CPU, memory, disk, network and power. Counters (energy included) are cumulative, so
// rates are (last − first) / (time between them) per node.
import { energySourceKind, type EnergySourceKind, type NodeInfo, type NodeSample } from '../results/schema';
import { toSeconds } from './job-times';
import type { RunWindow } from './metrics-jobs';
import { mean } from './stats';

export interface NodeAverages {
  node: string;
  cpus: number;
  samples: number;
  cpuBusyMean: number | null;
  memoryUsedMeanMiB: number | null;
  diskReadBytesPerSecond: number | null;
  diskWriteBytesPerSecond: number | null;
  netRxBytesPerSecond: number | null;
  netTxBytesPerSecond: number | null;
  /**
   * Mean power (W) the node's energy counter measured over its samples: (last − first energyJoules) / time
   * between them; null when energy was not measured (or fewer than two samples).
   */
  powerMeanWatts: number | null;
  /** Kind of the node's energy source (`sources.energy`). */
  energySource: EnergySourceKind;
}

export interface NodeMetrics {
  /** CPU-weighted mean of the nodes' busy fraction over the run window. */
  utilisationMeasured: number | null;
  nodeCpuBusyMean: number | null;
  nodeMemoryUsedMeanMiB: number | null;
  nodeDiskReadBytesPerSecond: number | null;
  nodeDiskWriteBytesPerSecond: number | null;
  nodeNetRxBytesPerSecond: number | null;
  nodeNetTxBytesPerSecond: number | null;
  perNode: NodeAverages[];
}

function counterRate(samples: readonly NodeSample[], pick: (s: NodeSample) => number): number | null {
  const first = samples[0];
  const last = samples[samples.length - 1];
  if (first === undefined || last === undefined) return null;
  const dt = toSeconds(last.time) - toSeconds(first.time);
  return dt > 0 ? Math.max(0, pick(last) - pick(first)) / dt : null;
}

/**
 * Samples of each node inside the window (node clocks may be skewed by a second or two, so the window
 * is widened by one sampling interval); a node with none inside keeps all its samples.
 */
export function samplesByNode(
  nodes: readonly NodeInfo[],
  samples: readonly NodeSample[],
  window: RunWindow | null,
  intervalSeconds: number,
): Map<string, NodeSample[]> {
  const out = new Map<string, NodeSample[]>(nodes.map((n) => [n.name, []]));
  for (const s of samples) out.get(s.node)?.push(s);
  for (const [name, all] of out) {
    all.sort((a, b) => toSeconds(a.time) - toSeconds(b.time));
    if (window === null) continue;
    const inside = all.filter((s) => {
      const t = toSeconds(s.time);
      return t > window.start - intervalSeconds && t <= window.end + intervalSeconds;
    });
    if (inside.length > 0) out.set(name, inside);
  }
  return out;
}

export function nodeMetrics(byNode: Map<string, NodeSample[]>, nodes: readonly NodeInfo[]): NodeMetrics {
  const perNode: NodeAverages[] = nodes.map((n) => {
    const s = byNode.get(n.name) ?? [];
    return {
      node: n.name,
      cpus: n.cpus,
      samples: s.length,
      cpuBusyMean: mean(s.map((x) => x.cpuBusy)),
      memoryUsedMeanMiB: mean(s.map((x) => x.memoryUsedMiB)),
      diskReadBytesPerSecond: counterRate(s, (x) => x.diskReadBytes),
      diskWriteBytesPerSecond: counterRate(s, (x) => x.diskWriteBytes),
      netRxBytesPerSecond: counterRate(s, (x) => x.netRxBytes),
      netTxBytesPerSecond: counterRate(s, (x) => x.netTxBytes),
      powerMeanWatts: s.every((x) => x.energyJoules !== null)
        ? counterRate(s, (x) => x.energyJoules ?? 0)
        : null,
      energySource: energySourceKind(n.sources.energy),
    };
  });
  const avg = (pick: (a: NodeAverages) => number | null) => {
    const xs = perNode.map(pick);
    return xs.every((x) => x !== null) ? mean(xs) : null;
  };
  const busy = perNode.filter((n) => n.cpuBusyMean !== null);
  const cpus = busy.reduce((a, n) => a + n.cpus, 0);
  return {
    utilisationMeasured:
      busy.length === perNode.length && cpus > 0
        ? busy.reduce((a, n) => a + (n.cpuBusyMean as number) * n.cpus, 0) / cpus
        : null,
    nodeCpuBusyMean: avg((a) => a.cpuBusyMean),
    nodeMemoryUsedMeanMiB: avg((a) => a.memoryUsedMeanMiB),
    nodeDiskReadBytesPerSecond: avg((a) => a.diskReadBytesPerSecond),
    nodeDiskWriteBytesPerSecond: avg((a) => a.diskWriteBytesPerSecond),
    nodeNetRxBytesPerSecond: avg((a) => a.netRxBytesPerSecond),
    nodeNetTxBytesPerSecond: avg((a) => a.netTxBytesPerSecond),
    perNode,
  };
}
