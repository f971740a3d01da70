// Which SLURM nodes the cluster has and where each one's slurmd runs. Real: one SLURM node per stack node, its
// slurmd on it. Emulated (docs/scale.md): N SLURM nodes of the emulation's size in contiguous blocks over the stack
// nodes (the controller's last), each block's slurmds on its stack node with consecutive ports of their own
// (SLURM's multiple-slurmd). Pure.
import { emulatedNodeNames, spreadOver, type Emulation } from '../config/emulation';
import type { SlurmPorts } from './layout';
import type { SlurmNodeSpec } from './render';

/** What placement needs of a stack node. */
export interface SlurmHost {
  name: string;
  address: string;
  vcpus: number;
  memoryMiB: number;
}

/** A stack node and the SLURM nodes whose slurmd it runs. */
export interface SlurmdBlock<H extends SlurmHost = SlurmHost> {
  host: H;
  nodes: SlurmNodeSpec[];
}

/**
 * First port of the emulated slurmds of every stack node: 10000 below the cluster's slurmctld port, so the block of
 * each stack node (at most MAX_EMULATED_NODES of them) stays clear of the cluster's own four ports. Every stack node
 * has an address of its own, so the blocks of two stack nodes may use the same ports.
 */
export function emulatedPortBase(ports: SlurmPorts): number {
  return ports.slurmctld - 10000;
}

export function slurmdBlocks<H extends SlurmHost>(
  hosts: readonly H[],
  emulation: Emulation | null,
  ports: SlurmPorts,
): SlurmdBlock<H>[] {
  if (emulation === null)
    return hosts.map((host) => ({
      host,
      nodes: [{ name: host.name, address: host.address, vcpus: host.vcpus, memoryMiB: host.memoryMiB }],
    }));
  const base = emulatedPortBase(ports);
  // SLURM fills nodes in the order it declares them: the controller's machine takes the last block, so that jobs
  // are launched on the other machines first and the controller keeps its CPU for deciding.
  const [controller, ...others] = hosts;
  const order = controller === undefined ? [] : [...others, controller];
  const blocks = spreadOver(order, emulatedNodeNames(emulation.nodes)).map(({ host, names }) => ({
    host,
    nodes: names.map((name, i) => ({
      name,
      address: host.address,
      hostname: host.name,
      port: base + i,
      vcpus: emulation.vcpus,
      memoryMiB: emulation.memoryGiB * 1024,
    })),
  }));
  // In the order of `hosts`, as callers look them up.
  return hosts.map((host) => blocks.find((b) => b.host === host) ?? { host, nodes: [] });
}

/** Every SLURM node of the blocks in name order (`e2` before `e10`): the order slurm.conf declares, and SLURM fills, them. */
export function slurmNodesOf(blocks: readonly SlurmdBlock[]): SlurmNodeSpec[] {
  return blocks.flatMap((b) => b.nodes).sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
}
