// Picks the scheduler component the config names. Every scheduler takes the same Node[] and returns the
// cluster, its workload runs and its outputs.
import * as pulumi from '@pulumi/pulumi';
import type { BenchConfig } from './config/schema';
import type { ClusterNodes } from './nodes/backend';
import { schedulerCluster, SlurmStack } from './slurm';
import type { RunIdentity } from '../workloads/run';

/** Refuse, before anything is created, a scheduler this version cannot stand up. */
export function assertSchedulerAvailable(config: BenchConfig): void {
  switch (config.scheduler) {
    case 'slurm':
      return;
    case 'kubernetes':
    case 'flux':
      throw new pulumi.RunError(
        `schedbench:scheduler = "${config.scheduler}": not available in this version; only "slurm" can be stood up. ` +
          'The Kubernetes (k3s) and Flux components are planned; nothing was created.',
      );
    default: {
      const unknown: never = config.scheduler;
      throw new Error(`unknown scheduler ${String(unknown)}`);
    }
  }
}

/** The scheduler on the nodes, then (unless `stopAfter: scheduler`) every workload run. */
export function benchmark(config: BenchConfig, cluster: ClusterNodes, identity: RunIdentity): SlurmStack {
  assertSchedulerAvailable(config);
  // `stopAfter: scheduler`: the validated cluster and no workload run.
  const effective = config.stopAfter === 'scheduler' ? { ...config, workloads: [] } : config;
  return schedulerCluster(effective, cluster.nodes, identity, {
    virtualization: cluster.virtualization,
    oversubscribed: cluster.oversubscribed,
    imageDigest: cluster.imageDigest,
  });
}
