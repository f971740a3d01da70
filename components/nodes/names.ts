// The node names a stack will have, known from its config alone (before anything is created): what the
// scheduler's paths are computed from when their length is checked. Each backend names its nodes here.
import type { BenchConfig } from '../config/schema';
import { nodeName as libvirtNodeName } from './libvirt/naming';
import { netnsNodeName } from './netns/plan';

export function plannedNodeNames(
  config: Pick<BenchConfig, 'backend' | 'clusterName'>,
  nodes: number,
): string[] {
  const backend = config.backend;
  switch (backend.type) {
    case 'netns':
      return Array.from({ length: nodes }, (_, k) => netnsNodeName(config.clusterName, k + 1));
    case 'libvirt':
      return Array.from({ length: nodes }, (_, k) => libvirtNodeName(config.clusterName, k));
    case 'hosts':
      return backend.hosts.slice(0, nodes).map((h) => h.name);
    default: {
      const unknown: never = backend;
      throw new Error(`unknown backend ${JSON.stringify(unknown)}`);
    }
  }
}
