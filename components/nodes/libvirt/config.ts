// The `schedbench:backend` section when `type: libvirt`: VMs made from a base image through libvirt's own tools.
import { z } from 'zod';
import { ipv4Cidr, safePath } from '../../config/names';

/** libvirt connection URIs: local system/session, or qemu+ssh to spread nodes over several hypervisors. */
const LibvirtUri = z
  .string()
  .regex(/^qemu(\+ssh)?:\/\/[A-Za-z0-9_.@:-]*\/(system|session)$/, {
    message: 'must be a libvirt URI like qemu:///system or qemu+ssh://user@host/system',
  });

export const LibvirtBackend = z.strictObject({
  type: z.literal('libvirt'),
  /** Hypervisor URIs; nodes are spread over them round-robin. Default: this host's system libvirt. */
  uris: z.array(LibvirtUri).min(1).default(['qemu:///system']),
  /** The cluster network (NAT); node addresses are static, from .10 up. */
  subnet: ipv4Cidr('backend.subnet').default('192.168.150.0/24'),
  /** Directory for overlays, seeds and the base image. */
  storageDir: safePath('backend.storageDir').default('/var/lib/schedbench/libvirt'),
  /** Base image: built here from Debian's packages, or an existing cloud image (seeded by cloud-init). */
  image: z
    .discriminatedUnion('source', [
      z.strictObject({ source: z.literal('build') }),
      z.strictObject({ source: z.literal('file'), path: safePath('backend.image.path') }),
    ])
    .default({ source: 'build' }),
  /** CPU model given to guests. */
  cpuModel: z.enum(['host-passthrough', 'host-model', 'qemu64']).default('host-passthrough'),
  /** auto: KVM only where the CPU really has vmx/svm and /dev/kvm works, else TCG (software emulation). */
  accel: z.enum(['auto', 'kvm', 'tcg']).default('auto'),
  /** Pin each vCPU to its own physical core, NUMA-aware. */
  pinning: z.boolean().default(false),
  /** Back guest memory with hugepages. */
  hugepages: z.boolean().default(false),
  /** Bound on boot-to-SSH per VM (s). */
  bootTimeoutSeconds: z.number().int().min(10).max(3600).default(600),
});
export type LibvirtBackend = z.infer<typeof LibvirtBackend>;
