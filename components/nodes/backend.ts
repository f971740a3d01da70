// Picks the node backend the config names and returns the same shape for every one of them.
import * as pulumi from '@pulumi/pulumi';
import type { BenchConfig } from '../config/schema';
import { NetnsNodes } from './netns/netns';
import type { Node } from './types';

export interface ClusterNodes {
  /** The nodes, in order; the first hosts the scheduler's controller. */
  nodes: Node[];
  /** The cluster's SSH private key (secret). */
  privateKey: pulumi.Output<string>;
  /** True when the profile asks for more vCPUs than the host has cores. */
  oversubscribed: pulumi.Output<boolean>;
  /** Hardware virtualisation of VM nodes (`tcg`: software emulation, figures not representative), or null. */
  virtualization: pulumi.Output<'kvm' | 'tcg' | null>;
}

export function clusterNodes(config: BenchConfig): ClusterNodes {
  const profile = config.profiles[config.profile];
  if (profile === undefined) throw new pulumi.RunError(`no profile ${config.profile}`);
  const backend = config.backend;
  const name = `${config.clusterName}-nodes`;
  switch (backend.type) {
    case 'netns': {
      const netns = new NetnsNodes(name, {
        cluster: config.clusterName,
        nodes: profile.nodes,
        vcpus: profile.vcpus,
        memoryMiB: Math.round(profile.memoryGiB * 1024),
        stateDir: backend.stateDir,
        subnet: backend.subnet,
      });
      return {
        nodes: netns.nodes,
        privateKey: netns.privateKey,
        oversubscribed: netns.oversubscribed,
        virtualization: pulumi.output(null),
      };
    }
    case 'libvirt':
    case 'hosts':
      throw new pulumi.RunError(`backend ${backend.type}: not wired yet`);
    default: {
      const unknown: never = backend;
      throw new Error(`unknown backend ${JSON.stringify(unknown)}`);
    }
  }
}
