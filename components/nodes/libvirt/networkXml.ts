// Pure renderer of a cluster's libvirt NAT network: its own bridge, the gateway on .1, no DHCP (nodes are static).
import { ownerMetadataXml } from './owner';
import { xmlEscape } from './xml';

export interface NetworkSpec {
  /** libvirt network name. */
  name: string;
  /** Bridge interface (≤ 15 characters). */
  bridge: string;
  /** Host's address on the network (gateway and DNS of the nodes). */
  gateway: string;
  /** Dotted netmask of the subnet. */
  netmask: string;
  /** The cluster's owner, `<cluster>@<stack>` (owner.ts), kept in the network's metadata. */
  owner?: string;
}

export function renderNetworkXml(spec: NetworkSpec): string {
  return [
    '<network>',
    `  <name>${xmlEscape(spec.name)}</name>`,
    ...(spec.owner === undefined ? [] : ownerMetadataXml(spec.owner)),
    "  <forward mode='nat'/>",
    `  <bridge name='${xmlEscape(spec.bridge)}' stp='on' delay='0'/>`,
    `  <ip address='${xmlEscape(spec.gateway)}' netmask='${xmlEscape(spec.netmask)}'/>`,
    '</network>',
    '',
  ].join('\n');
}
