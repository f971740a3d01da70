// Picks the node backend the config names and returns the same shape for every one of them.
import * as pulumi from '@pulumi/pulumi';
import type { BenchConfig } from '../config/schema';
import { HostsNodes } from './hosts/HostsNodes';
import { LibvirtNodes } from './libvirt/LibvirtNodes';
import { NetnsNodes } from './netns/netns';
import { schedulerImageContent } from '../schedulers/registry';
import { thisHost } from './host-facts';
import { ClusterKey } from './sshkey';
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
  /** SHA-256 of the VM base image, or null. */
  imageDigest: pulumi.Output<string | null>;
  /** Warnings for the stack outputs (e.g. software emulation). */
  warnings: pulumi.Output<string[]>;
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
        stack: config.stack,
      });
      return {
        nodes: netns.nodes,
        privateKey: netns.privateKey,
        oversubscribed: netns.oversubscribed,
        virtualization: pulumi.output(null),
        imageDigest: pulumi.output(null),
        warnings: netns.oversubscribed.apply((over) =>
          over
            ? ['nodes share this host: the profile asks for more vCPUs than it has cores (oversubscribed)']
            : [],
        ),
      };
    }
    case 'libvirt': {
      const key = new ClusterKey(`${name}-key`, { comment: `schedbench-${config.clusterName}` });
      const vms = new LibvirtNodes(name, {
        clusterName: config.clusterName,
        stack: config.stack,
        profile,
        backend,
        host: config.host,
        publicKey: key.publicKey,
        privateKey: key.privateKey,
        ...(backend.image.source === 'build'
          ? { imageContent: schedulerImageContent(config, thisHost()) }
          : {}),
      });
      return {
        nodes: vms.nodes,
        privateKey: key.privateKey,
        oversubscribed: pulumi.output(false),
        virtualization: vms.accel,
        imageDigest: vms.imageSha256,
        warnings: vms.warnings,
      };
    }
    case 'hosts': {
      const hosts = new HostsNodes(name, { clusterName: config.clusterName, profile, backend });
      return {
        nodes: hosts.nodes,
        privateKey: hosts.privateKey,
        oversubscribed: pulumi.output(false),
        virtualization: pulumi.output(null),
        imageDigest: pulumi.output(null),
        warnings: pulumi.output([]),
      };
    }
    default: {
      const unknown: never = backend;
      throw new Error(`unknown backend ${JSON.stringify(unknown)}`);
    }
  }
}
