// The one place that names every scheduler component: which cluster class stands each one up. What is known of a
// scheduler without standing it up (availability, capacity, paths, image content) is in capabilities.ts.
// Adding a scheduler = a folder behind the contract (contract.ts) + one case here, in capabilities.ts and in
// normalisers.ts.
import * as pulumi from '@pulumi/pulumi';
import type { BenchConfig } from '../config/schema';
import type { Node } from '../nodes/types';
import type { SchedulerCluster } from './contract';
import { SlurmCluster } from '../slurm/cluster';
import { KubernetesCluster } from '../kubernetes/cluster';
import { FluxCluster } from '../flux/cluster';
import {
  fluxSite,
  kubernetesOptions,
  kubernetesSite,
  schedulerAvailability,
  schedulerStateDir,
} from './capabilities';

/** Refuse, before anything is created, a scheduler this version cannot stand up. */
export function assertSchedulerAvailable(
  config: Pick<BenchConfig, 'scheduler' | 'flux' | 'kubernetes' | 'backend'>,
): void {
  const availability = schedulerAvailability(config.scheduler, fluxSite(config), kubernetesSite(config));
  if (!availability.available)
    throw new pulumi.RunError(
      `schedbench:scheduler = "${config.scheduler}": ${availability.reason}; nothing was created.`,
    );
}

/** The configured scheduler, stood up and validated on `nodes`. */
export function createScheduler(
  config: BenchConfig,
  nodes: Node[],
  opts?: pulumi.ComponentResourceOptions,
): SchedulerCluster {
  assertSchedulerAvailable(config);
  const profile = config.profiles[config.profile];
  if (profile === undefined) throw new pulumi.RunError(`schedbench:profile: no profile ${config.profile}`);
  const common = {
    cluster: config.clusterName,
    nodes,
    profile: { ...profile, name: config.profile },
    stateDir: schedulerStateDir(config),
  };
  switch (config.scheduler) {
    case 'slurm':
      return new SlurmCluster(config.clusterName, { ...common, options: config.slurm }, opts);
    case 'kubernetes':
      return new KubernetesCluster(
        config.clusterName,
        { ...common, options: kubernetesOptions(config) },
        opts,
      );
    case 'flux':
      return new FluxCluster(config.clusterName, { ...common, options: config.flux }, opts);
    default: {
      const unknown: never = config.scheduler;
      throw new Error(`unknown scheduler ${String(unknown)}`);
    }
  }
}
