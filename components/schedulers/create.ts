// Stands the stack's scheduler up: its module's component (loaded now, with Pulumi), given the nodes, the profile,
// its state directory and its options as the backend changes them. The one Pulumi-side use of the table.
import * as pulumi from '@pulumi/pulumi';
import { stackEmulation } from '../config/emulation';
import type { BenchConfig } from '../config/schema';
import { thisHost, type HostFacts } from '../nodes/host-facts';
import type { Node } from '../nodes/types';
import type { SchedulerCluster } from './contract';
import { schedulerAvailability, schedulerClusterOptions, schedulerStateDir } from './registry';

/** Refuse, before anything is created, a scheduler this version cannot stand up here. */
export function assertSchedulerAvailable(config: BenchConfig, host: HostFacts = thisHost()): void {
  const availability = schedulerAvailability(config, host);
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
  const host = thisHost();
  assertSchedulerAvailable(config, host);
  const profile = config.profiles[config.profile];
  if (profile === undefined) throw new pulumi.RunError(`schedbench:profile: no profile ${config.profile}`);
  return schedulerClusterOptions(config, host, (module, options) =>
    module.create(
      config.clusterName,
      {
        cluster: config.clusterName,
        nodes,
        profile: { ...profile, name: config.profile },
        stateDir: schedulerStateDir(config),
        options,
        emulation: stackEmulation(config),
      },
      opts,
    ),
  );
}
