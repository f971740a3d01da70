// Where a Flux cluster keeps its files, its brokers' local sockets and its overlay port: one pure derivation from
// the cluster name and state directory, shared by the renderers, the scripts' environment and the admission check.
import { createHash } from 'crypto';
import * as path from 'path';
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
