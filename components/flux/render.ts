// Pure renderers of the Flux cluster: where it keeps its files, its broker port, the system instance's TOML
// (bootstrap over the node addresses, each node's cores as the profile gives them, Fluxion's policies) and the
// job plan submit.sh reads (the neutral one, components/jobs/plan.ts). Unit-tested by parsing the TOML back.
import { createHash } from 'crypto';
import * as path from 'path';
import type { FluxOptions } from './options';
import { UNIX_SOCKET_MAX_BYTES, type LimitedPath } from '../schedulers/runtime-dir';

/** Every path of a Flux cluster, the same on every node (netns nodes share one filesystem). */
export interface FluxLayout {
  root: string;
  /** The broker's `--config-path` directory (system.toml). */
  confDir: string;
  /** The CURVE certificate (mode 0600), written from stdin. */
  curveCert: string;
  jobsDir: string;
  /** The wrapper every workload job runs. */
  jobScript: string;
  samplersDir: string;
  /** Per node: `<root>/nodes/<node>` with run/ (rundir, local socket), state/ (statedir) and broker.log. */
  nodesDir: string;
}

export function fluxLayout(stateDir: string): FluxLayout {
  const root = path.posix.normalize(stateDir);
  return {
    root,
    confDir: `${root}/etc/flux`,
    curveCert: `${root}/etc/curve.cert`,
    jobsDir: `${root}/jobs`,
    jobScript: `${root}/jobs/job.sh`,
    samplersDir: `${root}/samplers`,
    nodesDir: `${root}/nodes`,
  };
}

/** The `local://` URI of a node's broker (rank 0's is how every command reaches the instance). */
export function localUri(layout: FluxLayout, node: string): string {
  return `local://${layout.nodesDir}/${node}/run/local`;
}

/** Each node's broker socket (its `local://` URI), the path with a length limit a Flux cluster makes. */
export function fluxSocketPaths(layout: FluxLayout, nodes: readonly string[]): LimitedPath[] {
  return nodes.map((node) => ({
    what: `Flux broker socket of node ${node}`,
    path: localUri(layout, node).slice('local://'.length),
    limit: UNIX_SOCKET_MAX_BYTES,
  }));
}

/** The brokers' overlay port: configured, or one derived from the cluster name so clusters do not collide. */
export function brokerPort(cluster: string, port?: number): number {
  return port ?? 30000 + (createHash('sha256').update(`flux:${cluster}`).digest().readUInt16BE(0) % 10000);
}

/** A node as the TOML needs it. */
export interface FluxNodeSpec {
  name: string;
  address: string;
  /** Cores Flux schedules on this node (the profile's vCPUs). */
  cores: number;
}

/** A TOML basic string (JSON's escaping is valid TOML for the characters we have). */
function str(value: string): string {
  return JSON.stringify(value);
}

/**
 * system.toml of the instance: rank = position in `nodes` (the first is rank 0); every broker binds and is
 * reached on its node's address; `[resource]` gives each node exactly `cores` cores and skips hwloc's check
 * (netns nodes see the whole host); Fluxion's policies from the options.
 */
export function renderSystemToml(args: {
  nodes: readonly FluxNodeSpec[];
  layout: FluxLayout;
  port: number;
  options: Pick<FluxOptions, 'queuePolicy' | 'matchPolicy'>;
}): string {
  const hosts = args.nodes.map(
    (n) =>
      `  { host = ${str(n.name)}, bind = ${str(`tcp://${n.address}:%p`)}, connect = ${str(`tcp://${n.address}:%p`)} },`,
  );
  // One [[resource.config]] per distinct core count keeps the file short and still exact per node.
  const byCores = new Map<number, string[]>();
  for (const n of args.nodes) byCores.set(n.cores, [...(byCores.get(n.cores) ?? []), n.name]);
  const resources = [...byCores].flatMap(([cores, names]) => [
    '[[resource.config]]',
    `hosts = ${str(names.join(','))}`,
    `cores = ${str(cores === 1 ? '0' : `0-${cores - 1}`)}`,
    '',
  ]);
  return [
    '# Rendered by schedbench (components/flux/render.ts): one broker per node, rank 0 on the first.',
    '[bootstrap]',
    `curve_cert = ${str(args.layout.curveCert)}`,
    `default_port = ${args.port}`,
    'hosts = [',
    ...hosts,
    ']',
    '',
    '[resource]',
    '# The profile gives each node its cores; hwloc sees the whole machine (netns nodes), so do not verify.',
    'noverify = true',
    '',
    ...resources,
    '[sched-fluxion-qmanager]',
    `queue-policy = ${str(args.options.queuePolicy)}`,
    '',
    '[sched-fluxion-resource]',
    `match-policy = ${str(args.options.matchPolicy)}`,
    '',
  ].join('\n');
}

/** EXPECTED_NODES of validate.sh: `name cores` per line, rank order. */
export function renderExpectedNodes(nodes: readonly FluxNodeSpec[]): string {
  return nodes.map((n) => `${n.name} ${n.cores}`).join('\n');
}
