// The SLURM stack in one call, for index.ts: the cluster on the nodes, then every runnable workload ×
// repetition as a strictly sequential chain of runs, and the outputs a user reads after `up`.
import * as pulumi from '@pulumi/pulumi';
import * as path from 'path';
import type { BenchConfig } from '../config/schema';
import { runnableWorkloads } from '../config/workloads';
import type { Node } from '../nodes/types';
import { expandWorkload } from '../../workloads/catalog';
import type { RunSummary } from '../../workloads/result';
import { WorkloadRun, type RunIdentity } from '../../workloads/run';
import { SlurmCluster } from './cluster';
import packageJson from '../../package.json';

export { SlurmCluster } from './cluster';
export { WorkloadRun } from '../../workloads/run';

const PROJECT_ROOT = path.join(__dirname, '..', '..');

export interface SlurmStack {
  cluster: SlurmCluster;
  runs: WorkloadRun[];
  /** Stack outputs: the cluster and, per `<workload>-r<N>`, status, jobs completed/failed, makespan, path. */
  outputs: pulumi.Output<{
    clusterName: string;
    slurmVersion: string;
    runs: Record<string, RunSummary>;
  }>;
}

/** The cluster's root on every node: `<backend stateDir>/<cluster>/slurm` (netns), else /var/lib/schedbench/…. */
export function slurmStateDir(cfg: BenchConfig): string {
  const root = cfg.backend.type === 'netns' ? cfg.backend.stateDir : '/var/lib/schedbench';
  return path.posix.join(path.posix.resolve('/', root), cfg.clusterName, 'slurm');
}

/** What the node backend knows that the results record. */
export interface BackendFacts {
  /** Hardware virtualisation of the nodes (libvirt: kvm or tcg); null or absent for netns and bare metal. */
  virtualization?: pulumi.Input<'kvm' | 'tcg' | null>;
  /** Whether the profile oversubscribes the host's cores (netns: measured on the host). */
  oversubscribed?: pulumi.Input<boolean>;
  /** SHA-256 of the VM base image, or null. */
  imageDigest?: pulumi.Input<string | null>;
}

export function schedulerCluster(
  cfg: BenchConfig,
  nodes: Node[],
  identity: RunIdentity,
  backend: BackendFacts = {},
  opts?: pulumi.ComponentResourceOptions,
): SlurmStack {
  const profile = cfg.profiles[cfg.profile];
  if (profile === undefined) throw new Error(`slurm: no profile ${cfg.profile}`);
  const named = { ...profile, name: cfg.profile };
  const cluster = new SlurmCluster(
    cfg.clusterName,
    { cluster: cfg.clusterName, nodes, profile: named, options: cfg.slurm, stateDir: slurmStateDir(cfg) },
    opts,
  );
  const resultsDir = path.isAbsolute(cfg.resultsDir)
    ? cfg.resultsDir
    : path.join(PROJECT_ROOT, cfg.resultsDir);
  const runs: WorkloadRun[] = [];
  const keys: string[] = [];
  let after: pulumi.Resource = cluster.validated;
  for (const workload of runnableWorkloads(cfg)) {
    const specs = expandWorkload(workload, profile);
    for (let repetition = 1; repetition <= cfg.repetitions; repetition++) {
      const run = new WorkloadRun(
        `${cfg.clusterName}-${workload.replace(/_/g, '-')}-r${repetition}`,
        {
          cluster,
          workload,
          repetition,
          specs,
          profile: named,
          identity,
          stack: cfg.stack,
          sampling: cfg.sampling,
          idleGapSeconds: cfg.idleGapSeconds,
          timeoutFactor: cfg.timeoutFactor,
          resultsDir,
          schedbenchVersion: packageJson.version,
          virtualization: backend.virtualization ?? null,
          oversubscribed: backend.oversubscribed,
          imageDigest: backend.imageDigest ?? null,
          // netns nodes report their own hostname; the machine is the configured host.
          hostName: cfg.backend.type === 'netns' ? cfg.host.name : undefined,
          after,
        },
        opts,
      );
      runs.push(run);
      keys.push(`${workload}-r${repetition}`);
      after = run.done;
    }
  }
  const outputs = pulumi
    .all([cluster.slurmVersion, pulumi.all(runs.map((r) => r.summary))])
    .apply(([slurmVersion, summaries]) => ({
      clusterName: cfg.clusterName,
      slurmVersion,
      runs: Object.fromEntries(
        keys.map((k, i) => [k, summaries[i]]).filter((e): e is [string, RunSummary] => e[1] !== undefined),
      ),
    }));
  return { cluster, runs, outputs };
}
