// The `host` profile: nodes sized from the machine they share (netns), so every scheduler can honour it here —
// two nodes, each with half the host's CPUs (at least one) and a quarter of its memory (the other half stays
// with the host: the schedulers' own daemons, page cache, the harness). The Kubernetes kubelet cannot advertise
// more CPUs than the machine has, which rules out the fixed `small` profile on small machines.
import type { HostFacts } from '../nodes/host-facts';
import type { Profile } from './schema';

export const HOST_PROFILE = 'host';
export const HOST_PROFILE_NODES = 2;

/**
 * Memory per node from the host's whole GiB (rounded down, so the profile — and the config hash — stays the same
 * from one boot to the next): whole GiB when a quarter of the host holds one, else quarters of a GiB.
 */
function perNodeGiB(hostGiB: number): number {
  const quarter = hostGiB / 4;
  return quarter >= 1 ? Math.floor(quarter) : Math.max(0.25, Math.floor(quarter * 4) / 4);
}

export function hostProfile(facts: HostFacts): Profile {
  const hostGiB = Math.floor(facts.memoryMiB / 1024);
  return {
    nodes: HOST_PROFILE_NODES,
    vcpus: Math.max(1, Math.floor(facts.cores / HOST_PROFILE_NODES)),
    memoryGiB: perNodeGiB(hostGiB),
    sizedFrom: { cores: facts.cores, memoryGiB: hostGiB },
  };
}
