// The netns node backend: nodes are network namespaces on this host, each with its own hostname, cgroup
// (CPU quota = vCPUs, memory limit) and sshd, on a per-cluster bridge. Schedulers reach them over real SSH.
import * as pulumi from '@pulumi/pulumi';
import * as command from '@pulumi/command';
import { z } from 'zod';
import { ClusterKey, HostKey } from '../sshkey';
import { Node } from '../types';
import { bridgeEnvironment, nodeEnvironment, scriptCommand, validateEnvironment } from './env';
import { NetnsClusterPlan, NetnsPlanError, planCluster } from './plan';
import { remoteCommand } from '../remote';

export { defaultSubnet, nodeCgroupPath } from './plan';

export interface NetnsNodesArgs {
  /** Cluster name (a safe name, ≤ 20 chars): node names `<cluster>-n<i>`, paths and interfaces derive from it. */
  cluster: string;
  /** Number of nodes (1–64; the subnet must hold addresses .10 … .10+nodes−1). */
  nodes: number;
  /** vCPUs per node: the node cgroup's CPU quota (vcpus × 100 ms per 100 ms period). */
  vcpus: number;
  /** Memory per node (MiB): the node cgroup's memory limit. */
  memoryMiB: number;
  /** Root of per-cluster state, `<stateDir>/<cluster>/<node>/`. Default `/var/lib/schedbench`. */
  stateDir?: string;
  /** Cluster network, IPv4 CIDR /16–/28; host is .1, nodes .10, .11, … Default `defaultSubnet(cluster)`. */
  subnet?: string;
  /** The owning stack, carried by every ownership marker on the host. Default: the cluster name. */
  stack?: string;
}

const Resources = z.strictObject({
  nodes: z.number().int().min(1).max(64),
  vcpus: z.number().int().min(1).max(512),
  memoryMiB: z.number().int().min(16),
});

const HostCores = z.strictObject({ cores: z.number().int().positive() });

/** Parse host-cores.sh's stdout (one JSON document). */
export function parseHostCores(stdout: string): number {
  return HostCores.parse(JSON.parse(stdout)).cores;
}

/** The cluster's plan, or a ResourceError naming the config key at fault. */
function planOrThrow(args: NetnsNodesArgs, resource: pulumi.Resource): NetnsClusterPlan {
  try {
    return planCluster(args);
  } catch (error) {
    if (error instanceof NetnsPlanError)
      throw new pulumi.ResourceError(`netns nodes: ${error.message}`, resource);
    throw error;
  }
}

export class NetnsNodes extends pulumi.ComponentResource {
  /** The nodes, in order; names and addresses are known at preview. */
  readonly nodes: Node[];
  /** The cluster's SSH client private key; a Pulumi secret (also in every node's connection). */
  readonly privateKey: pulumi.Output<string>;
  /** The cluster's SSH public key (authorized on every node). */
  readonly publicKey: pulumi.Output<string>;
  /** CPUs of this host (`nproc`, measured at up): every node shares them. */
  readonly hostCores: pulumi.Output<number>;
  /** True when nodes × vCPUs exceeds hostCores: vCPUs are then cgroup quotas, not cores of their own. */
  readonly oversubscribed: pulumi.Output<boolean>;
  /** The cluster network actually used (network address/prefix). */
  readonly subnet: string;
  /** The host's address on the cluster network (bridge). */
  readonly hostAddress: string;
  /** The cluster bridge's interface name on the host. */
  readonly bridge: string;

  constructor(name: string, args: NetnsNodesArgs, opts?: pulumi.ComponentResourceOptions) {
    super('schedbench:nodes:Netns', name, {}, opts);

    const resources = Resources.safeParse({
      nodes: args.nodes,
      vcpus: args.vcpus,
      memoryMiB: args.memoryMiB,
    });
    if (!resources.success) {
      throw new pulumi.ResourceError(`netns nodes: ${z.prettifyError(resources.error)}`, this);
    }
    const plan = planOrThrow(args, this);
    this.subnet = plan.subnet;
    this.hostAddress = plan.hostAddress;
    this.bridge = plan.bridge;

    const hostCores = new command.local.Command(
      `${name}-host-cores`,
      { create: scriptCommand('host-cores') },
      { parent: this },
    );
    this.hostCores = hostCores.stdout.apply(parseHostCores);
    const demanded = args.nodes * args.vcpus;
    this.oversubscribed = this.hostCores.apply((cores) => demanded > cores);

    const key = new ClusterKey(`${name}-key`, { comment: `schedbench-${plan.cluster}` }, { parent: this });
    this.privateKey = key.privateKey;
    this.publicKey = key.publicKey;

    // Changing any parameter makes a new network/node: the old one is deleted first, as its names are reused.
    const replace: pulumi.CustomResourceOptions = {
      deleteBeforeReplace: true,
      replaceOnChanges: ['environment'],
    };

    const bridge = new command.local.Command(
      `${name}-bridge`,
      {
        create: scriptCommand('bridge-create'),
        delete: scriptCommand('bridge-delete'),
        environment: bridgeEnvironment(plan),
      },
      { parent: this, ...replace },
    );

    const created = plan.nodes.map((nodePlan) => {
      const hostKey = new HostKey(
        `${name}-n${nodePlan.index}-hostkey`,
        { comment: nodePlan.name },
        { parent: this },
      );
      const node = new command.local.Command(
        `${name}-n${nodePlan.index}`,
        {
          create: scriptCommand('node-create'),
          delete: scriptCommand('node-delete'),
          environment: {
            ...nodeEnvironment(plan, nodePlan, { vcpus: args.vcpus, memoryMiB: args.memoryMiB }),
            AUTHORIZED_KEY: key.publicKey,
          },
          stdin: hostKey.privateKey,
        },
        { parent: this, dependsOn: [bridge], ...replace },
      );
      return { nodePlan, hostKey, node };
    });

    // Each node is validated once every node is up: it must reach all the others by name.
    const allCreated = created.map((c) => c.node);
    this.nodes = created.map(({ nodePlan, hostKey }): Node => {
      const connection = {
        host: nodePlan.address,
        port: 22,
        user: 'root',
        privateKey: key.privateKey,
        hostKey: hostKey.publicKey,
        dialErrorLimit: 5,
        perDialTimeout: 10,
      };
      const validated = remoteCommand(
        `${name}-n${nodePlan.index}-validate`,
        {
          connection,
          create: scriptCommand('validate'),
          environment: validateEnvironment(plan, nodePlan),
        },
        { parent: this, dependsOn: allCreated },
      );
      return {
        name: nodePlan.name,
        address: nodePlan.address,
        connection,
        vcpus: args.vcpus,
        memoryMiB: args.memoryMiB,
        backend: 'netns',
        interface: nodePlan.vethNode,
        stateDir: nodePlan.stateDir,
        ready: validated,
      };
    });

    this.registerOutputs({
      nodes: this.nodes.map((n) => ({
        name: n.name,
        address: n.address,
        vcpus: n.vcpus,
        memoryMiB: n.memoryMiB,
      })),
      privateKey: this.privateKey,
      publicKey: this.publicKey,
      hostCores: this.hostCores,
      oversubscribed: this.oversubscribed,
      subnet: this.subnet,
    });
  }
}
