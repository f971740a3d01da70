// Pure plan of a libvirt cluster: which hypervisor each node goes to, its name, address, MAC, paths and pinning.
// Everything here is known at preview.
import type { Host, Profile } from '../../config/schema';
import type { LibvirtBackend } from './config';
import {
  bridgeName,
  domainName,
  gatewayAddress,
  macAddress,
  netmask,
  networkName,
  nodeAddress,
  nodeName,
  parseSubnet,
} from './naming';
import { NodePinning, planPinning } from './pinning';

export interface Hypervisor {
  /** Index in backend.uris (resource names use it). */
  index: number;
  /** The URI from config. */
  uri: string;
  /** URI virsh uses where the scripts run (on the hypervisor itself). */
  virshUri: string;
  /** `user@host` the scripts are run on over SSH; empty for this machine. */
  ssh: string;
}

export interface LibvirtNodePlan {
  index: number;
  name: string;
  domain: string;
  address: string;
  mac: string;
  hypervisor: Hypervisor;
  /** Directory of its overlay, seed and console log. */
  dir: string;
  vcpus: number;
  memoryMiB: number;
  pinning: NodePinning | undefined;
}

export interface LibvirtClusterPlan {
  cluster: string;
  hypervisors: Hypervisor[];
  /** Network definition (NAT mode) or the existing bridge (bridge mode). */
  network: { kind: 'network'; name: string; bridge: string } | { kind: 'bridge'; bridge: string };
  gateway: string;
  netmask: string;
  prefix: number;
  dns: string[];
  nodes: LibvirtNodePlan[];
  /** Host-wide records (ip_forward, daemons started, /dev/kvm) on each hypervisor. */
  hostStateDir: string;
}

export function parseHypervisorUri(uri: string, index: number): Hypervisor {
  const match = /^qemu\+ssh:\/\/([^/]+)\/(system|session)$/.exec(uri);
  if (match === null) return { index, uri, virshUri: uri, ssh: '' };
  return { index, uri, virshUri: `qemu:///${match[2] ?? 'system'}`, ssh: match[1] ?? '' };
}

export function planLibvirtCluster(
  cluster: string,
  profile: Profile,
  backend: LibvirtBackend,
  host: Host,
): LibvirtClusterPlan {
  const subnet = parseSubnet(backend.subnet);
  const hypervisors = backend.uris.map(parseHypervisorUri);
  const memoryMiB = Math.round(profile.memoryGiB * 1024);

  // Round-robin over hypervisors; each plans its own cores.
  const perHypervisor = hypervisors.map((hv) =>
    Array.from({ length: profile.nodes }, (_, i) => i).filter((i) => i % hypervisors.length === hv.index),
  );
  const pinnings = new Map<number, NodePinning>();
  if (backend.pinning) {
    if (host.cores === undefined) throw new Error('libvirt backend: pinning needs host.cores');
    for (const indices of perHypervisor) {
      const plan = planPinning({
        hostCores: host.cores,
        sockets: host.sockets,
        reserveCores: host.reserve.cores,
        nodes: indices.length,
        vcpus: profile.vcpus,
      });
      indices.forEach((nodeIndex, k) => {
        const p = plan[k];
        if (p !== undefined) pinnings.set(nodeIndex, p);
      });
    }
  }

  const nodes = Array.from({ length: profile.nodes }, (_, i): LibvirtNodePlan => {
    const name = nodeName(cluster, i);
    const hypervisor = hypervisors[i % hypervisors.length] ?? parseHypervisorUri('qemu:///system', 0);
    return {
      index: i,
      name,
      domain: domainName(name),
      address: nodeAddress(subnet, i, backend.firstHost),
      mac: macAddress(name),
      hypervisor,
      dir: `${backend.storageDir}/nodes/${cluster}/${name}`,
      vcpus: profile.vcpus,
      memoryMiB,
      pinning: pinnings.get(i),
    };
  });

  const net = backend.network;
  const gateway = net.mode === 'bridge' ? net.gateway : gatewayAddress(subnet);
  return {
    cluster,
    hypervisors,
    network:
      net.mode === 'bridge'
        ? { kind: 'bridge', bridge: net.bridge }
        : { kind: 'network', name: networkName(cluster), bridge: bridgeName(cluster) },
    gateway,
    netmask: netmask(subnet.prefix),
    prefix: subnet.prefix,
    dns: net.mode === 'bridge' ? (net.dns ?? [gateway]) : [gateway],
    nodes,
    hostStateDir: `${backend.storageDir}/host`,
  };
}
