// Pure vCPU pinning planner: each vCPU of each VM gets a physical core of its own, a VM's cores come from one
// NUMA node (socket) whenever one has room, the host's reserved cores are never used.
// Host model: `cores` physical cores numbered 0…cores−1, socket s owning a contiguous block of cores/sockets
// (Linux's numbering on Perlmutter's 2 × 64-core EPYC; SMT siblings, numbered from `cores` up, stay idle so
// that no two vCPUs share a core). The reserve is taken from the lowest-numbered cores (the host's own work).

export interface PinningRequest {
  /** Physical cores of the host. */
  hostCores: number;
  /** Sockets (NUMA nodes) of the host. */
  sockets: number;
  /** Cores the host keeps for itself. */
  reserveCores: number;
  /** VMs to place on this host. */
  nodes: number;
  /** vCPUs per VM. */
  vcpus: number;
}

export interface NodePinning {
  /** Host core of each vCPU (index = vCPU number). */
  cpus: number[];
  /** The socket holding every vCPU (memory bound there); undefined when the VM had to span sockets. */
  numaNode: number | undefined;
}

export class PinningError extends Error {
  constructor(message: string) {
    super(`vCPU pinning: ${message}`);
    this.name = 'PinningError';
  }
}

export function planPinning(req: PinningRequest): NodePinning[] {
  const { hostCores, sockets, reserveCores, nodes, vcpus } = req;
  for (const [name, value, min] of [
    ['host cores', hostCores, 1],
    ['sockets', sockets, 1],
    ['reserve', reserveCores, 0],
    ['nodes', nodes, 0],
    ['vcpus', vcpus, 1],
  ] as const) {
    if (!Number.isInteger(value) || value < min)
      throw new PinningError(`${name} must be an integer ≥ ${min}, got ${value}`);
  }
  if (hostCores % sockets !== 0) {
    throw new PinningError(`${hostCores} host cores do not split evenly over ${sockets} sockets`);
  }
  const usable = hostCores - reserveCores;
  if (nodes * vcpus > usable) {
    throw new PinningError(
      `${nodes} × ${vcpus} = ${nodes * vcpus} vCPUs need as many cores, the host has ${hostCores} − ${reserveCores} reserved = ${usable}`,
    );
  }
  const perSocket = hostCores / sockets;
  const free: number[][] = Array.from({ length: sockets }, (_, s) =>
    Array.from({ length: perSocket }, (_, k) => s * perSocket + k).filter((core) => core >= reserveCores),
  );

  const plan: NodePinning[] = [];
  for (let n = 0; n < nodes; n++) {
    // The socket with the most free cores that holds the whole VM: spreads VMs over sockets (memory bandwidth)
    // and keeps each one local. Ties go to the lower socket, so plans are deterministic.
    let best = -1;
    for (let s = 0; s < sockets; s++) {
      const room = free[s]?.length ?? 0;
      if (room >= vcpus && (best < 0 || room > (free[best]?.length ?? 0))) best = s;
    }
    if (best >= 0) {
      const cpus = (free[best] ?? []).splice(0, vcpus);
      plan.push({ cpus, numaNode: best });
      continue;
    }
    // No socket has room: span sockets, fullest-free first, still one core per vCPU.
    const cpus: number[] = [];
    const order = [...free.keys()].sort((a, b) => (free[b]?.length ?? 0) - (free[a]?.length ?? 0) || a - b);
    for (const s of order) {
      const pool = free[s] ?? [];
      cpus.push(...pool.splice(0, vcpus - cpus.length));
      if (cpus.length === vcpus) break;
    }
    plan.push({ cpus: cpus.sort((a, b) => a - b), numaNode: undefined });
  }
  return plan;
}
