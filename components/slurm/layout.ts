// Where a SLURM cluster keeps its files and which ports it listens on: one pure derivation from the cluster
// name and state directory, shared by the renderers, the scripts' environment and the tests.
import { createHash } from 'crypto';
import * as path from 'path';
import { runtimeDir, UNIX_SOCKET_MAX_BYTES, type LimitedPath } from '../schedulers/runtime-dir';

export interface SlurmPorts {
  slurmctld: number;
  slurmd: number;
  slurmdbd: number;
  mariadb: number;
}

/** Ports of a cluster: `basePort … basePort+3`; by default a block chosen from a hash of the cluster name. */
export function clusterPorts(cluster: string, basePort?: number): SlurmPorts {
  const base = basePort ?? 20000 + (createHash('sha256').update(cluster).digest().readUInt16BE(0) % 2500) * 4;
  return { slurmctld: base, slurmd: base + 1, slurmdbd: base + 2, mariadb: base + 3 };
}

/** Every path of a cluster, the same on every node (on netns nodes the filesystem is shared). */
export interface SlurmLayout {
  root: string;
  etcDir: string;
  slurmConf: string;
  slurmdbdConf: string;
  cgroupConf: string;
  mungeDir: string;
  mungeSocket: string;
  dbDir: string;
  dbdDir: string;
  ctldDir: string;
  /** Per-node directory pattern; `%n` is the node name (slurm.conf expands it for slurmd). */
  nodeDirPattern: string;
  /** The cluster's runtime directory (components/schedulers/runtime-dir.ts): short, for sockets. */
  runDir: string;
  /**
   * slurmd's spool (`SlurmdSpoolDir`) per node, `<runDir>/%n`: slurmstepd makes its sockets there, named
   * `<node>_<job>.<step>`, so it must be short whatever the cluster's name.
   */
  spoolDirPattern: string;
  jobsDir: string;
  /** The fixed job script every workload job runs. */
  jobScript: string;
  samplersDir: string;
}

export function clusterLayout(stateDir: string): SlurmLayout {
  const root = path.posix.normalize(stateDir);
  const etcDir = `${root}/etc`;
  const mungeDir = `${root}/munge`;
  const jobsDir = `${root}/jobs`;
  return {
    root,
    etcDir,
    slurmConf: `${etcDir}/slurm.conf`,
    slurmdbdConf: `${etcDir}/slurmdbd.conf`,
    cgroupConf: `${etcDir}/cgroup.conf`,
    mungeDir,
    mungeSocket: `${mungeDir}/munge.socket`,
    dbDir: `${root}/mariadb`,
    dbdDir: `${root}/slurmdbd`,
    ctldDir: `${root}/slurmctld`,
    nodeDirPattern: `${root}/nodes/%n`,
    runDir: runtimeDir(root),
    spoolDirPattern: `${runtimeDir(root)}/%n`,
    jobsDir,
    jobScript: `${jobsDir}/job.sh`,
    samplersDir: `${root}/samplers`,
  };
}

/** slurmd's spool directory of `node`. */
export function spoolDir(layout: SlurmLayout, node: string): string {
  return layout.spoolDirPattern.replace('%n', node);
}

/** SLURM job ids are 32-bit: the longest is 10 digits; special step ids (batch, extern) are too. */
const LONGEST_ID = '4294967295';

/** The longest socket paths the cluster makes on `nodes`: munged's, MariaDB's and each node's slurmstepd's. */
export function slurmSocketPaths(layout: SlurmLayout, nodes: readonly string[]): LimitedPath[] {
  return [
    { what: 'munged socket', path: layout.mungeSocket, limit: UNIX_SOCKET_MAX_BYTES },
    { what: 'MariaDB socket', path: `${layout.dbDir}/mariadb.sock`, limit: UNIX_SOCKET_MAX_BYTES },
    ...nodes.map((node) => ({
      what: `slurmstepd socket of node ${node}`,
      path: `${spoolDir(layout, node)}/${node}_${LONGEST_ID}.${LONGEST_ID}`,
      limit: UNIX_SOCKET_MAX_BYTES,
    })),
  ];
}
