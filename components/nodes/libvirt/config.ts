// The `schedbench:backend` section when `type: libvirt`: VMs made from a base image through libvirt's own tools.
import { z } from 'zod';
import { ipv4Cidr, safePath } from '../../config/names';
import { DebianMirrorUrl } from '../../image/apt-sources';
import { debianMirror } from '../../image/host-mirror';

/** libvirt connection URIs: local system/session, or qemu+ssh to spread nodes over several hypervisors. */
const LibvirtUri = z.string().regex(/^qemu(\+ssh)?:\/\/[A-Za-z0-9_.@:-]*\/(system|session)$/, {
  message: 'must be a libvirt URI like qemu:///system or qemu+ssh://user@host/system',
});

const Ipv4 = z.string().regex(/^((25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(25[0-5]|2[0-4]\d|1?\d?\d)$/, {
  message: 'must be an IPv4 address',
});

const DebianPackage = z
  .string()
  .regex(/^[a-z0-9][a-z0-9+.-]+$/, { message: 'must be a Debian package name' });

export const DEFAULT_SUITE = 'bookworm';

export const ImageSource = z.discriminatedUnion('source', [
  z.strictObject({
    source: z.literal('build'),
    /** Debian suite of the image. */
    suite: z.enum(['bookworm']).default(DEFAULT_SUITE),
    /** Debian mirror the packages come from. Default: the host's apt sources (imageMirror). */
    mirror: DebianMirrorUrl.optional(),
    /** Packages beyond the base set (kernel, openssh, stress-ng, …) and what the stack's scheduler module adds. */
    extraPackages: z.array(DebianPackage).default([]),
  }),
  z.strictObject({
    source: z.literal('file'),
    /** An existing cloud image (qcow2 or raw) with cloud-init; booted by its own bootloader. */
    path: safePath('backend.image.path'),
  }),
]);
export type ImageSource = z.infer<typeof ImageSource>;

/** The config key of a built image's mirror, as messages name it. */
export const MIRROR_KEY = 'schedbench:backend.image.mirror';

/**
 * The Debian mirror a built image's packages come from: `backend.image.mirror`, else the host's apt sources (the
 * first deb entry for the suite with main). Throws, naming `setting`, when neither gives one: before anything is built.
 */
export function imageMirror(image: { suite: string; mirror?: string }, setting: string = MIRROR_KEY): string {
  return debianMirror({ override: image.mirror, suite: image.suite, setting });
}

export const NetworkMode = z.discriminatedUnion('mode', [
  /** A libvirt NAT network of the cluster's own (one per hypervisor: nodes on different hosts do not meet). */
  z.strictObject({ mode: z.literal('nat') }),
  /**
   * An existing host bridge on a network all hypervisors and this machine share (several `qemu+ssh` hosts).
   * Node addresses still come from `subnet`; nothing is created or deleted on the bridge.
   */
  z.strictObject({
    mode: z.literal('bridge'),
    bridge: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,15}$/, { message: 'must be a Linux interface name (≤ 15 characters)' }),
    /** Default gateway of the nodes. */
    gateway: Ipv4,
    /** DNS servers of the nodes (default: the gateway). */
    dns: z.array(Ipv4).optional(),
  }),
]);
export type NetworkMode = z.infer<typeof NetworkMode>;

export const LibvirtBackend = z.strictObject({
  type: z.literal('libvirt'),
  /** Hypervisor URIs; nodes are spread over them round-robin. Default: this host's system libvirt. */
  uris: z.array(LibvirtUri).min(1).default(['qemu:///system']),
  /** The cluster network; node addresses are static, from `.firstHost` up. */
  subnet: ipv4Cidr('backend.subnet').default('192.168.150.0/24'),
  /** Offset of the first node's address in the subnet. */
  firstHost: z.number().int().min(2).max(250).default(10),
  /** NAT network of the cluster's own (default), or an existing bridge. */
  network: NetworkMode.default({ mode: 'nat' }),
  /** Directory for overlays, seeds and built base images (the same path on every hypervisor). */
  storageDir: safePath('backend.storageDir').default('/var/lib/schedbench/libvirt'),
  /** Base image: built here from Debian's packages, or an existing cloud image (seeded by cloud-init). */
  image: ImageSource.default({
    source: 'build',
    suite: DEFAULT_SUITE,
    extraPackages: [],
  }),
  /** Size of each node's disk (GiB; a thin qcow2 overlay, the guest grows its filesystem at first boot). */
  diskGiB: z.number().int().min(2).max(4096).default(20),
  /** CPU model given to guests under KVM (TCG always emulates qemu64). */
  cpuModel: z.enum(['host-passthrough', 'host-model', 'qemu64']).default('host-passthrough'),
  /** auto: KVM only where the CPU really has vmx/svm and libvirt offers kvm, else TCG (software emulation). */
  accel: z.enum(['auto', 'kvm', 'tcg']).default('auto'),
  /** Pin each vCPU to its own physical core, NUMA-aware (needs host.cores and host.sockets). */
  pinning: z.boolean().default(false),
  /** Back guest memory with hugepages (the host must have enough reserved). */
  hugepages: z.boolean().default(false),
  /** Bound on boot-to-SSH per VM (s). */
  bootTimeoutSeconds: z.number().int().min(10).max(3600).default(600),
});
export type LibvirtBackend = z.infer<typeof LibvirtBackend>;
