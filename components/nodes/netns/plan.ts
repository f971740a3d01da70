// Pure naming and addressing of a netns cluster: every name, address, path and interface derives from the
// cluster name (and the subnet), so two clusters on one host never collide and preview knows them all.
import { createHash } from 'crypto';
import * as path from 'path';
import { SAFE_NAME, SAFE_PATH, IPV4_CIDR, stackNameProblem } from '../../config/names';

export const DEFAULT_STATE_DIR = '/var/lib/schedbench';
/** Default subnets are /24s carved out of this /16 by a hash of the cluster name. */
export const DEFAULT_SUBNET_POOL = '10.213.0.0/16';
/** The host's address on every cluster network is the subnet's first address. */
const HOST_OFFSET = 1;
/** Node i (from 1) gets the subnet's address FIRST_NODE_OFFSET + i − 1. */
const FIRST_NODE_OFFSET = 10;
/** Linux limits interface names to 15 characters (IFNAMSIZ − 1). */
const MAX_IFNAME = 15;

export interface NetnsNodePlan {
  /** 1-based position in the cluster. */
  index: number;
  /** `<cluster>-n<i>`: hostname, and the name in every node's /etc/hosts. */
  name: string;
  /** IPv4 address on the cluster network. */
  address: string;
  /** Network namespace name (`/run/netns/<netns>`). */
  netns: string;
  /** Host end of the node's veth pair (a port of the cluster bridge). */
  vethHost: string;
  /** Node end of the veth pair, inside the namespace (unique on the host, see docs/backends.md). */
  vethNode: string;
  /** `<stateDir>/<cluster>/<node>`: all of the node's files. */
  stateDir: string;
  /** The node's cgroup, relative to each controller's root (v1) or the unified root (v2). */
  cgroup: string;
}

export interface NetnsClusterPlan {
  cluster: string;
  /** The stack that owns the cluster: ownership markers (bridge and veth aliases, directory markers) carry it. */
  stack: string;
  /** Network address / prefix, e.g. 10.213.7.0/24. */
  subnet: string;
  prefix: number;
  /** The host's address on the bridge. */
  hostAddress: string;
  bridge: string;
  /** `<stateDir>` (the root shared by clusters). */
  stateRoot: string;
  /** `<stateDir>/<cluster>`: per-cluster files. */
  clusterDir: string;
  /** The hosts file bind-mounted over every node's /etc/hosts. */
  hostsFile: string;
  /** The cluster's cgroup parent, relative to the cgroup roots. */
  cgroup: string;
  nodes: NetnsNodePlan[];
}

export interface NetnsPlanArgs {
  cluster: string;
  /** Owning stack (default: the cluster name); `[A-Za-z0-9_.-]`, no `..`. */
  stack?: string;
  nodes: number;
  stateDir?: string;
  subnet?: string;
}

/** Why a plan cannot be made; `key` is the config key to fix. */
export class NetnsPlanError extends Error {
  constructor(
    readonly key: string,
    message: string,
  ) {
    super(`${key}: ${message}`);
  }
}

/** Node `index` (from 1) of a netns cluster: `<cluster>-n<index>`, its hostname. */
export function netnsNodeName(cluster: string, index: number): string {
  return `${cluster}-n${index}`;
}

/** Six hex digits of SHA-256 of the cluster name: the stem of its interface names. */
export function clusterTag(cluster: string): string {
  return createHash('sha256').update(cluster).digest('hex').slice(0, 6);
}

function ipToInt(ip: string): number {
  return ip.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
}

function intToIp(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

/** A /24 inside 10.213.0.0/16 chosen by a hash of the cluster name: deterministic, rarely shared by two names. */
export function defaultSubnet(cluster: string): string {
  const octet = createHash('sha256').update(`schedbench-subnet:${cluster}`).digest()[0];
  return `10.213.${octet}.0/24`;
}

/**
 * A netns node's cgroup, relative to each v1 controller's root (`/sys/fs/cgroup/<controller>/…`) or to the v2
 * unified root: samplers read the node's CPU and memory figures there.
 */
export function nodeCgroupPath(cluster: string, node: string): string {
  return `schedbench/${cluster}/${node}`;
}

/** Parse a CIDR into its network address (host bits cleared) and prefix. */
export function parseSubnet(cidr: string): { network: number; prefix: number; size: number } {
  if (!IPV4_CIDR.test(cidr)) {
    throw new NetnsPlanError(
      'schedbench:backend.subnet',
      `${cidr} is not an IPv4 network like 10.213.7.0/24 (/16–/28)`,
    );
  }
  const [ip, prefixText] = cidr.split('/');
  const prefix = Number(prefixText);
  const size = 2 ** (32 - prefix);
  const network = Math.floor(ipToInt(ip) / size) * size;
  return { network, prefix, size };
}

/** Every name, address and path of a netns cluster; throws NetnsPlanError naming the config key at fault. */
export function planCluster(args: NetnsPlanArgs): NetnsClusterPlan {
  const { cluster } = args;
  if (!SAFE_NAME.test(cluster)) {
    throw new NetnsPlanError(
      'schedbench:clusterName',
      `${JSON.stringify(cluster)} is not a safe name (a-z, 0-9, '-')`,
    );
  }
  const stack = args.stack ?? cluster;
  const stackProblem = stackNameProblem(stack);
  if (stackProblem !== undefined) throw new NetnsPlanError('stack', stackProblem);
  const stateRoot = args.stateDir ?? DEFAULT_STATE_DIR;
  if (!SAFE_PATH.test(stateRoot) || !path.isAbsolute(stateRoot) || path.resolve(stateRoot) === '/') {
    throw new NetnsPlanError(
      'schedbench:backend.stateDir',
      `${JSON.stringify(stateRoot)} must be an absolute plain path other than /`,
    );
  }
  const subnetText = args.subnet ?? defaultSubnet(cluster);
  const { network, prefix, size } = parseSubnet(subnetText);
  const lastUsable = size - 2; // offset of the last address before broadcast
  const lastNodeOffset = FIRST_NODE_OFFSET + args.nodes - 1;
  if (!Number.isInteger(args.nodes) || args.nodes < 1) {
    throw new NetnsPlanError('schedbench:profiles.nodes', `must be a positive integer, got ${args.nodes}`);
  }
  if (lastNodeOffset > lastUsable) {
    throw new NetnsPlanError(
      'schedbench:backend.subnet',
      `${subnetText} holds nodes at .${FIRST_NODE_OFFSET}–.${lastUsable}, ${args.nodes} nodes need up to offset ${lastNodeOffset}; use a larger network`,
    );
  }
  const tag = clusterTag(cluster);
  const clusterDir = path.posix.join(stateRoot, cluster);
  const nodes = Array.from({ length: args.nodes }, (_, k): NetnsNodePlan => {
    const index = k + 1;
    const name = netnsNodeName(cluster, index);
    return {
      index,
      name,
      address: intToIp(network + FIRST_NODE_OFFSET + k),
      netns: `schedbench-${name}`,
      vethHost: `sb${tag}h${index}`,
      vethNode: `sb${tag}n${index}`,
      stateDir: path.posix.join(clusterDir, name),
      cgroup: nodeCgroupPath(cluster, name),
    };
  });
  const plan: NetnsClusterPlan = {
    cluster,
    stack,
    subnet: `${intToIp(network)}/${prefix}`,
    prefix,
    hostAddress: intToIp(network + HOST_OFFSET),
    bridge: `sb${tag}br`,
    stateRoot,
    clusterDir,
    hostsFile: path.posix.join(clusterDir, 'hosts'),
    cgroup: `schedbench/${cluster}`,
    nodes,
  };
  for (const ifname of [plan.bridge, ...nodes.flatMap((n) => [n.vethHost, n.vethNode])]) {
    if (ifname.length > MAX_IFNAME)
      throw new Error(`netns plan: interface name ${ifname} exceeds ${MAX_IFNAME} characters`);
  }
  return plan;
}

/** The hosts file every node sees as /etc/hosts: loopback plus every node of the cluster. */
export function renderHostsFile(plan: NetnsClusterPlan): string {
  const lines = [
    '# schedbench netns cluster ' + plan.cluster + ' (bind-mounted over /etc/hosts inside its nodes)',
    '127.0.0.1\tlocalhost',
    '::1\tlocalhost ip6-localhost ip6-loopback',
    ...plan.nodes.map((n) => `${n.address}\t${n.name}`),
  ];
  return lines.join('\n') + '\n';
}
