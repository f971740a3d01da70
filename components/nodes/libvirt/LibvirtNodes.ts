// schedbench:nodes:Libvirt — the cluster's nodes as libvirt/QEMU VMs made from a base image, driven through
// libvirt's own tools (virsh, qemu-img, cloud-localds) by @pulumi/command: the libvirt daemons (started where
// nothing runs them), a NAT network of the cluster's own, per node a qcow2 overlay + cloud-init seed + domain,
// a bounded wait for SSH, the seed's removal (it holds the node's SSH host private key) and a check of what the
// node reports. KVM only where it really works, else TCG with a warning in the outputs and the provenance. Every
// domain and network carries its owner (`<cluster>@<stack>`, owner.ts) in its metadata, every node directory a
// marker with it: the scripts change or remove nothing of another owner.
import { createHash } from 'crypto';
import * as path from 'path';
import * as command from '@pulumi/command';
import * as pulumi from '@pulumi/pulumi';
import { z } from 'zod';
import type { Host, Profile } from '../../config/schema';
import { BaseImage } from '../../image/BaseImage';
import type { ImageOverlay } from '../../image/inputs';
import { bashScript, preludedScript } from '../../script';
import { REPORT_SCRIPT } from '../hosts/report';
import { sshEnvironment } from '../ssh-env';
import { HostKey } from '../sshkey';
import { MIN_MEMORY_FRACTION, type Node } from '../types';
import { imageMirror, type LibvirtBackend } from './config';
import type { Accel } from './domainXml';
import { renderNetworkXml } from './networkXml';
import { libvirtOwner } from './owner';
import { LibvirtClusterPlan, planLibvirtCluster } from './plan';
import { renderNode } from './render';
import { remoteCommand } from '../remote';

const SCRIPTS = path.join(__dirname, 'scripts');

/** The rules for the directories the backend (and the image build) writes in: storageDir, the image cache. */
export const STORAGE_LIB = path.join(SCRIPTS, 'storage.sh');

/**
 * A host script as its Command resource runs it: the prelude, storage.sh (trusted directories) and the backend's
 * lib.sh (host lock, the run on a remote hypervisor, owners) in front.
 */
export function hostScript(name: string): string {
  return preludedScript(SCRIPTS, name, [STORAGE_LIB, path.join(SCRIPTS, 'lib.sh')]);
}

export interface LibvirtNodesArgs {
  /** Cluster name: hostnames (`<cluster>-n<i>`), domains, the network and the bridge derive from it. */
  clusterName: string;
  /** Node count, vCPUs and memory (GiB) per node. */
  profile: Profile;
  /** The `backend` config section (type libvirt), defaults applied. */
  backend: LibvirtBackend;
  /** The host: cores, sockets and reserve (pinning). */
  host: Host;
  /** The cluster's SSH public key, authorized for root on every node. */
  publicKey: pulumi.Input<string>;
  /** The cluster's SSH private key (kept secret): the readiness checks and every Node's connection use it. */
  privateKey: pulumi.Input<string>;
  /** The stack, recorded with the cluster name as the owner of every domain, network and node directory; default
   * the Pulumi stack. */
  stack?: string;
  /** A base image made elsewhere; default: one from backend.image, as a child of this component. */
  image?: BaseImage;
  /** What the scheduler adds to a built image (components/schedulers/registry.ts); default nothing. */
  imageContent?: {
    packages: readonly string[];
    overlays: readonly ImageOverlay[];
    disabledUnits?: readonly string[];
  };
}

const AccelReport = z.object({ accel: z.enum(['kvm', 'tcg']), reason: z.string() });
type AccelReport = z.infer<typeof AccelReport>;

export interface LibvirtProvenance {
  backend: 'libvirt';
  /** tcg when any hypervisor runs its guests in software emulation. */
  accel: Accel;
  hypervisors: { uri: string; accel: Accel; reason: string }[];
  imageSha256: string;
  imageSource: 'build' | 'file';
  warnings: string[];
}

const SSH_USER = 'root';

function parseAccel(stdout: string): AccelReport {
  const parsed = AccelReport.safeParse(JSON.parse(stdout.trim()));
  if (!parsed.success) throw new Error(`accel.sh: unexpected output ${stdout.slice(0, 200)}`);
  return parsed.data;
}

export class LibvirtNodes extends pulumi.ComponentResource {
  /** The nodes, in order; names and addresses known at preview. */
  readonly nodes: Node[];
  /** The pure plan (names, addresses, hypervisors, pinning). */
  readonly plan: LibvirtClusterPlan;
  /** kvm, or tcg when any hypervisor runs its guests in software emulation. */
  readonly accel: pulumi.Output<Accel>;
  /** Human-readable warnings (TCG: figures not representative). */
  readonly warnings: pulumi.Output<string[]>;
  /** SHA-256 of the base image. */
  readonly imageSha256: pulumi.Output<string>;
  /** What the results' provenance records about the nodes. */
  readonly provenance: pulumi.Output<LibvirtProvenance>;

  constructor(name: string, args: LibvirtNodesArgs, opts?: pulumi.ComponentResourceOptions) {
    super('schedbench:nodes:Libvirt', name, {}, opts);
    const { backend } = args;
    let plan: LibvirtClusterPlan;
    let mirror = '';
    try {
      plan = planLibvirtCluster(args.clusterName, args.profile, backend, args.host);
      // The Debian mirror of a built image: the stack's, else the host's apt sources; with neither, fail here.
      if (args.image === undefined && backend.image.source === 'build') mirror = imageMirror(backend.image);
    } catch (err) {
      throw new pulumi.ResourceError(err instanceof Error ? err.message : String(err), this);
    }
    this.plan = plan;
    const owner = libvirtOwner(args.clusterName, args.stack ?? pulumi.getStack());

    const image =
      args.image ??
      new BaseImage(
        `${name}-image`,
        backend.image.source === 'build'
          ? {
              source: 'build',
              cacheDir: `${backend.storageDir}/images`,
              suite: backend.image.suite,
              mirror,
              extraPackages: [...backend.image.extraPackages, ...(args.imageContent?.packages ?? [])],
              overlays: args.imageContent?.overlays ?? [],
              disabledUnits: args.imageContent?.disabledUnits ?? [],
            }
          : { source: 'file', path: backend.image.path },
        { parent: this },
      );
    const privateKey = pulumi.secret(args.privateKey);

    // Per hypervisor: daemons (this machine only), the accelerator, the network.
    const accels: pulumi.Output<AccelReport & { uri: string }>[] = [];
    const networks = new Map<number, pulumi.Resource[]>();
    for (const hv of plan.hypervisors) {
      const hostEnv = { HOST_STATE: plan.hostStateDir, VIRSH_URI: hv.virshUri };
      const base: pulumi.Resource[] = [];
      if (hv.ssh === '' && hv.virshUri === 'qemu:///system') {
        base.push(
          new command.local.Command(
            `${name}-hv${hv.index}-daemons`,
            {
              create: hostScript('daemons.sh'),
              delete: hostScript('daemons-stop.sh'),
              environment: hostEnv,
            },
            { parent: this },
          ),
        );
      }
      const accel = new command.local.Command(
        `${name}-hv${hv.index}-accel`,
        {
          create: bashScript('components/nodes/libvirt/scripts/accel.sh'),
          environment: { VIRSH_URI: hv.uri, ACCEL: backend.accel },
        },
        { parent: this, dependsOn: base },
      );
      accels.push(accel.stdout.apply((stdout) => ({ ...parseAccel(stdout), uri: hv.uri })));
      if (plan.network.kind === 'network') {
        const network = new command.local.Command(
          `${name}-hv${hv.index}-network`,
          {
            create: hostScript('network.sh'),
            delete: hostScript('network-delete.sh'),
            environment: {
              ...hostEnv,
              HV_SSH: hv.ssh,
              NETWORK_NAME: plan.network.name,
              NETWORK_XML: renderNetworkXml({
                name: plan.network.name,
                bridge: plan.network.bridge,
                gateway: plan.gateway,
                netmask: plan.netmask,
                owner,
              }),
              OWNER: owner,
            },
          },
          { parent: this, dependsOn: base },
        );
        networks.set(hv.index, [...base, network]);
      } else {
        networks.set(hv.index, base);
      }
    }
    const accelByUri = pulumi.all(accels);

    this.nodes = plan.nodes.map((node): Node => {
      const accel =
        accels[node.hypervisor.index] ??
        pulumi.output({ accel: 'tcg' as const, reason: 'unknown', uri: node.hypervisor.uri });
      const hostKey = new HostKey(`${name}-${node.name}-hostkey`, { comment: node.name }, { parent: this });
      const hostKeyPair = pulumi.all([hostKey.privateKey, hostKey.publicKey]);
      // Secret as a whole: the seed carries the node's host private key.
      const environment = pulumi
        .all([image.info, accel, args.publicKey, hostKeyPair])
        .apply(([info, acc, publicKey, [hostPrivate, hostPublic]]) => {
          const r = renderNode(
            plan,
            node,
            backend,
            info,
            acc.accel,
            publicKey,
            { privateKey: hostPrivate, publicKey: hostPublic },
            owner,
          );
          return {
            VIRSH_URI: node.hypervisor.virshUri,
            HV_SSH: node.hypervisor.ssh,
            DOMAIN: node.domain,
            DOMAIN_XML: r.domainXml,
            NODE_DIR: node.dir,
            BASE_DISK: info.disk,
            DISK_GIB: String(backend.diskGiB),
            USER_DATA: r.seed.userData,
            META_DATA: r.seed.metaData,
            NETWORK_CONFIG: r.seed.networkConfig,
            OWNER: owner,
          };
        });
      // Which VM the steps after it serve (not secret): a new VM (a changed definition or seed) waits for SSH and
      // has its seed removed again.
      const generation = pulumi
        .all([image.info, accel, args.publicKey, hostKey.publicKey])
        .apply(([info, acc, publicKey, hostPublic]) => {
          const r = renderNode(
            plan,
            node,
            backend,
            info,
            acc.accel,
            publicKey,
            { privateKey: '', publicKey: hostPublic },
            owner,
          );
          const identity = [
            r.domainXml,
            r.instanceId,
            info.disk,
            backend.diskGiB,
            node.dir,
            node.hypervisor.uri,
          ];
          return createHash('sha256').update(JSON.stringify(identity)).digest('hex').slice(0, 16);
        });
      const vm = new command.local.Command(
        `${name}-${node.name}-vm`,
        {
          create: hostScript('node.sh'),
          delete: hostScript('node-delete.sh'),
          environment,
        },
        {
          parent: this,
          dependsOn: [...(networks.get(node.hypervisor.index) ?? []), image],
          // node.sh keeps an existing domain as it is: a changed definition means a new VM, the old one gone first.
          replaceOnChanges: ['environment'],
          deleteBeforeReplace: true,
        },
      );
      const ssh = new command.local.Command(
        `${name}-${node.name}-ssh`,
        {
          create: bashScript('components/nodes/libvirt/scripts/wait-ssh.sh'),
          environment: {
            ADDRESS: node.address,
            SSH_USER,
            TIMEOUT_SECONDS: String(backend.bootTimeoutSeconds),
            CONSOLE_LOG: node.hypervisor.ssh === '' ? `${node.dir}/console.log` : '',
            HOST_KEY: hostKey.publicKey,
            VM_GENERATION: generation,
          },
          stdin: privateKey,
        },
        { parent: this, dependsOn: [vm] },
      );
      // The node accepted SSH with its pinned host key: the guest has applied its seed, which holds that key's
      // private half. The seed goes (from the definition and the disk) while the VM runs on.
      const seedGone = new command.local.Command(
        `${name}-${node.name}-seed-remove`,
        {
          create: hostScript('seed-remove.sh'),
          environment: {
            VIRSH_URI: node.hypervisor.virshUri,
            HV_SSH: node.hypervisor.ssh,
            DOMAIN: node.domain,
            NODE_DIR: node.dir,
            OWNER: owner,
            VM_GENERATION: generation,
          },
        },
        { parent: this, dependsOn: [ssh] },
      );
      const connection = {
        host: node.address,
        port: 22,
        user: SSH_USER,
        privateKey,
        hostKey: hostKey.publicKey,
        dialErrorLimit: 10,
        perDialTimeout: 15,
      };
      const ready = remoteCommand(
        `${name}-${node.name}-ready`,
        {
          connection,
          create: REPORT_SCRIPT,
          environment: sshEnvironment({
            SCHEDBENCH_ENV_PROBE: '1',
            EXPECT_HOSTNAME: node.name,
            EXPECT_VCPUS: String(node.vcpus),
            EXPECT_MIN_MEMORY_MIB: String(Math.floor(node.memoryMiB * MIN_MEMORY_FRACTION)),
          }),
        },
        { parent: this, dependsOn: [ssh, seedGone] },
      );
      return {
        name: node.name,
        address: node.address,
        connection,
        vcpus: node.vcpus,
        memoryMiB: node.memoryMiB,
        backend: 'libvirt',
        interface: 'eth0',
        stateDir: `/var/lib/schedbench/${args.clusterName}/${node.name}`,
        ready,
      };
    });

    this.accel = accelByUri.apply((list) => (list.some((a) => a.accel === 'tcg') ? 'tcg' : 'kvm'));
    this.warnings = accelByUri.apply((list) =>
      list.filter((a) => a.accel === 'tcg').map((a) => `${a.uri}: ${a.reason}`),
    );
    this.imageSha256 = image.sha256;
    this.provenance = pulumi
      .all([accelByUri, image.sha256, this.accel, this.warnings])
      .apply(([list, sha, accel, warnings]) => ({
        backend: 'libvirt' as const,
        accel,
        hypervisors: list.map((a) => ({ uri: a.uri, accel: a.accel, reason: a.reason })),
        imageSha256: sha,
        imageSource: backend.image.source,
        warnings,
      }));
    this.registerOutputs({
      nodes: this.nodes.map((n) => ({
        name: n.name,
        address: n.address,
        vcpus: n.vcpus,
        memoryMiB: n.memoryMiB,
      })),
      accel: this.accel,
      warnings: this.warnings,
      imageSha256: this.imageSha256,
      provenance: this.provenance,
    });
  }
}
