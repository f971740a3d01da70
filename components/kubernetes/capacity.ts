// What a Kubernetes node can advertise: the machine facts its install stage measures, the kubelet reservations
// that make its allocatable CPU and memory equal the profile's (or refuse a profile the machine cannot hold), and
// the kubelet's own cgroup. Pure.
import * as path from 'path';
import { MIN_MEMORY_FRACTION } from '../nodes/types';

/** What the install stage measured on a node (the kubelet's capacity comes from the same sources). */
export interface NodeFacts {
  /** CPUs the kernel reports (cAdvisor's count: /proc/cpuinfo, /sys/devices/system/cpu). */
  cpus: number;
  /** MemTotal of /proc/meminfo in bytes (cAdvisor's memory capacity). */
  memoryBytes: number;
  /**
   * The node's own cgroup, where the kubelet's cgroupRoot lies: on a node sharing the host (netns), the one its
   * SSH sessions run in; on a machine of its own, the root (`/`).
   */
  cgroup: string;
  cgroupVersion: 1 | 2;
}

/** systemReserved that leaves exactly the profile's CPUs and memory allocatable (no eviction reserve). */
export interface Reservation {
  cpuMillis: number;
  memoryBytes: number;
}

const MIB = 1024 * 1024;

/**
 * The kubelet's allocatable is capacity − kubeReserved − systemReserved − hard eviction thresholds. Capacity is
 * what the machine has (on a netns node: the whole host), so reserving the difference advertises the profile.
 * The kubelet cannot advertise more than the machine has: such a profile is refused, naming node and value —
 * except a node that is its own machine, short of memory by the kernel's share (down to the Node contract's
 * MIN_MEMORY_FRACTION of the profile): it advertises all it has. A node sharing the host (netns) must fit exactly.
 */
export function reservationFor(
  node: string,
  facts: NodeFacts,
  profile: { vcpus: number; memoryMiB: number },
  ownMachine = false,
): Reservation {
  if (profile.vcpus > facts.cpus)
    throw new Error(
      `kubernetes: node ${node}: the profile asks for ${profile.vcpus} CPUs but the machine has ${facts.cpus}; ` +
        'the kubelet cannot advertise more CPUs than exist — use a profile that fits the host (docs/kubernetes.md)',
    );
  const cpuMillis = (facts.cpus - profile.vcpus) * 1000;
  const memoryBytes = profile.memoryMiB * MIB;
  if (memoryBytes <= facts.memoryBytes) return { cpuMillis, memoryBytes: facts.memoryBytes - memoryBytes };
  if (ownMachine && facts.memoryBytes >= MIN_MEMORY_FRACTION * memoryBytes)
    return { cpuMillis, memoryBytes: 0 };
  throw new Error(
    `kubernetes: node ${node}: the profile asks for ${profile.memoryMiB} MiB of memory but the machine has ` +
      `${Math.floor(facts.memoryBytes / MIB)} MiB; use a profile that fits the host (docs/kubernetes.md)`,
  );
}

/** What a node advertises once `reservation` is set aside: its allocatable CPUs and memory. */
export function allocatable(
  facts: NodeFacts,
  reservation: Reservation,
): { cpus: number; memoryBytes: number } {
  return {
    cpus: facts.cpus - reservation.cpuMillis / 1000,
    memoryBytes: facts.memoryBytes - reservation.memoryBytes,
  };
}

/** The kubelet's cgroupRoot: a `kubernetes` cgroup inside the node's own (two kubelets never share /kubepods). */
export function kubeletCgroupRoot(facts: NodeFacts): string {
  return path.posix.join(facts.cgroup, 'kubernetes');
}
