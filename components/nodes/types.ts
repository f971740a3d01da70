// The Node contract every backend yields and every scheduler consumes: schedulers talk to nodes only over SSH.
import * as pulumi from '@pulumi/pulumi';

/** How to reach a node over SSH (the shape `command.remote.Command` takes as `connection`). */
export interface SshConnection {
  /** Address the program's machine reaches the node at. */
  host: pulumi.Input<string>;
  /** SSH port. */
  port: pulumi.Input<number>;
  /** Login user (root, or one with passwordless sudo). */
  user: pulumi.Input<string>;
  /** Private key (PEM/OpenSSH); always a Pulumi secret. */
  privateKey: pulumi.Input<string>;
  /**
   * The node's SSH host public key (`ssh-ed25519 AAAA…`), pinned: `@pulumi/command` and the local runner refuse
   * a server that presents any other. Every backend knows it (netns and VMs: made by the program; hosts: config).
   */
  hostKey: pulumi.Input<string>;
  /** Connection attempts before giving up (the node may still be booting). */
  dialErrorLimit?: pulumi.Input<number>;
  /** Seconds per connection attempt. */
  perDialTimeout?: pulumi.Input<number>;
}

export type { BackendKind } from '../../results/vocabulary';
import type { BackendKind } from '../../results/vocabulary';

/**
 * A node that is a machine of its own (a VM sized by the profile, an existing host) reports less memory than it
 * was given — its kernel keeps a share — but at least this fraction of it: the libvirt backend refuses a VM below
 * it at boot, and schedulers accept such a node's memory down to it.
 */
export const MIN_MEMORY_FRACTION = 0.85;

export interface Node {
  /** Hostname of the node (the name the scheduler knows it by). Known at preview. */
  name: string;
  /** Address other nodes reach it at on the cluster network. Known at preview. */
  address: string;
  connection: SshConnection;
  /** vCPUs the profile gives this node. */
  vcpus: number;
  /** Memory the profile gives this node (MiB). */
  memoryMiB: number;
  /** Which backend made it: samplers and schedulers adapt where nodes share the host (netns). */
  backend: BackendKind;
  /** Network interface of the node on the cluster network (samplers read its counters). */
  interface: string;
  /** Per-node directory for daemon state; on netns nodes it is unique per cluster and node on the shared filesystem. */
  stateDir: string;
  /** The resource that proved the node answers over SSH; depend on it before using the node. */
  ready: pulumi.Resource;
}
