// Pure rendering of one node's libvirt definition and cloud-init seed from the cluster plan, the image and the
// accelerator chosen at `up` (so the result is an Output, computed in `apply` without side effects).
import { createHash } from 'crypto';
import type { ImageInfo } from '../../image/info';
import { renderSeed, Seed } from './cloudInit';
import type { LibvirtBackend } from './config';
import { Accel, renderDomainXml } from './domainXml';
import type { LibvirtClusterPlan, LibvirtNodePlan } from './plan';

/** The node's SSH host key pair, made by the program (HostKey) so every connection can pin the public half. */
export interface HostKeyPair {
  privateKey: string;
  publicKey: string;
}

export interface RenderedNode {
  domainXml: string;
  seed: Seed;
  instanceId: string;
}

export function renderNode(
  plan: LibvirtClusterPlan,
  node: LibvirtNodePlan,
  backend: Pick<LibvirtBackend, 'cpuModel' | 'hugepages'>,
  image: Pick<ImageInfo, 'kernel' | 'initrd' | 'cmdline'>,
  accel: Accel,
  publicKey: string,
  hostKey: HostKeyPair,
  /** `<cluster>@<stack>`, kept in the domain's metadata (owner.ts). */
  owner?: string,
): RenderedNode {
  const seedSpec = {
    hostname: node.name,
    publicKey,
    hostPublicKey: hostKey.publicKey,
    hosts: plan.nodes.map((n) => ({ name: n.name, address: n.address })),
    address: node.address,
    prefix: plan.prefix,
    gateway: plan.gateway,
    dns: plan.dns,
    mac: node.mac,
  };
  // A new instance id whenever the seed's content changes, so the guest applies it again.
  const instanceId = `${node.domain}-${createHash('sha256').update(JSON.stringify(seedSpec)).digest('hex').slice(0, 12)}`;
  // The host private key is in the seed but not in the hash: the instance id is not secret.
  const seed = renderSeed({ ...seedSpec, hostPrivateKey: hostKey.privateKey, instanceId });
  const domainXml = renderDomainXml({
    name: node.domain,
    accel,
    vcpus: node.vcpus,
    memoryMiB: node.memoryMiB,
    cpuModel: backend.cpuModel,
    pinning: node.pinning?.cpus,
    numaNode: node.pinning?.numaNode,
    hugepages: backend.hugepages,
    boot:
      image.kernel === ''
        ? { kind: 'disk' }
        : { kind: 'kernel', kernel: image.kernel, initrd: image.initrd, cmdline: image.cmdline },
    disk: `${node.dir}/disk.qcow2`,
    seed: `${node.dir}/seed.iso`,
    consoleLog: `${node.dir}/console.log`,
    network:
      plan.network.kind === 'network'
        ? { kind: 'network', name: plan.network.name }
        : { kind: 'bridge', bridge: plan.network.bridge },
    mac: node.mac,
    owner,
  });
  return { domainXml, seed, instanceId };
}
