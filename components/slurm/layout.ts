// Where a SLURM cluster keeps its files and which ports it listens on: one pure derivation from the cluster
// name and state directory, shared by the renderers, the scripts' environment and the tests.
import { createHash } from 'crypto';
import * as path from 'path';

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
    jobsDir,
    jobScript: `${jobsDir}/job.sh`,
    samplersDir: `${root}/samplers`,
  };
}
