// Names and addresses of a libvirt cluster, derived from the cluster name and the subnet: pure, known at preview.
import { createHash } from 'crypto';

/** Linux limits interface names to 15 characters (IFNAMSIZ − 1). */
export const MAX_IFNAME = 15;

function shortHash(text: string, hexDigits: number): string {
  return createHash('sha256').update(text).digest('hex').slice(0, hexDigits);
}

/** The libvirt network of a cluster (libvirt names have no length limit that matters here). */
export function networkName(cluster: string): string {
  return `schedbench-${cluster}`;
}

/**
 * The bridge of a cluster's network: `sbv` + up to 6 characters of the name + `-` + 4 hex of the name's hash,
 * so two clusters with a common prefix still get distinct bridges, and it stays within 15 characters.
 */
export function bridgeName(cluster: string): string {
  return `sbv${cluster.replace(/-/g, '').slice(0, 6)}-${shortHash(cluster, 4)}`;
}

/** Node hostnames `<cluster>-n1`, `<cluster>-n2`, … (the netns backend's convention: unique per cluster). */
export function nodeName(cluster: string, index: number): string {
  return `${cluster}-n${index + 1}`;
}

/** The libvirt domain of a node. */
export function domainName(node: string): string {
  return `schedbench-${node}`;
}

/** A locally administered MAC in QEMU's 52:54:00 range, stable for (cluster, node). */
export function macAddress(node: string): string {
  const h = shortHash(node, 6);
  return `52:54:00:${h.slice(0, 2)}:${h.slice(2, 4)}:${h.slice(4, 6)}`;
}

export interface Subnet {
  /** Network address as a 32-bit number. */
  base: number;
  prefix: number;
}

export function parseSubnet(cidr: string): Subnet {
  const [addr, prefixText] = cidr.split('/');
  const octets = (addr ?? '').split('.').map((o) => Number(o));
  const prefix = Number(prefixText);
  if (
    octets.length !== 4 ||
    octets.some((o) => !Number.isInteger(o) || o < 0 || o > 255) ||
    !(prefix >= 8 && prefix <= 30)
  ) {
    throw new Error(`not an IPv4 network: ${cidr}`);
  }
  const value = octets.reduce((acc, o) => acc * 256 + o, 0);
  const size = 2 ** (32 - prefix);
  return { base: value - (value % size), prefix };
}

export function formatIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

export function netmask(prefix: number): string {
  return formatIpv4(2 ** 32 - 2 ** (32 - prefix));
}

/** The gateway (the host's side of the NAT network): the first address. */
export function gatewayAddress(subnet: Subnet): string {
  return formatIpv4(subnet.base + 1);
}

/** Static node addresses from `.firstHost` up; throws when the subnet is too small for the nodes. */
export function nodeAddress(subnet: Subnet, index: number, firstHost = 10): string {
  const offset = firstHost + index;
  const size = 2 ** (32 - subnet.prefix);
  if (offset >= size - 1) {
    throw new Error(
      `subnet ${formatIpv4(subnet.base)}/${subnet.prefix} has no room for node ${index + 1} at offset ${offset}`,
    );
  }
  return formatIpv4(subnet.base + offset);
}
