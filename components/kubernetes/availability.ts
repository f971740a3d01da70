// Whether this version can stand Kubernetes up on a stack's nodes, and why not. The binaries and image archives
// are built on the machine that runs the program (components/kubernetes/build): netns nodes share its filesystem,
// libvirt VMs of a built image carry them (the node bundle, components/kubernetes/image.ts); existing hosts, and
// VMs of an image given as a file, need them where `kubernetes.binDir` says.
import type { Availability, SchedulerSite } from '../schedulers/module';
import { onPath } from '../nodes/host-facts';
import type { KubernetesOptions } from './options';

export interface KubernetesSite {
  backend: 'netns' | 'libvirt' | 'hosts';
  /** `kubernetes.binDir`, when the stack names one. */
  binDir?: string;
  /** libvirt: the VM image is built by schedbench (`backend.image.source: build`), so it can carry the binaries. */
  imageBuilt?: boolean;
  /**
   * netns: the profile's vCPUs per node and the CPUs of the host the nodes share. The kubelet advertises at most
   * the machine's CPUs, so a node cannot have more.
   */
  sharedHost?: { profile: string; vcpus: number; hostCpus: number };
  /** Whether Go is on this machine's PATH (the binaries are built from Go modules when no binDir is given). */
  goInstalled?: boolean;
}

/** What availability and capacity know of a stack: its backend, binaries, Go, and the host netns nodes share. */
export function kubernetesSite(site: SchedulerSite<KubernetesOptions>): KubernetesSite {
  return {
    backend: site.backend.type,
    goInstalled: onPath('go'),
    ...(site.backend.type === 'netns'
      ? { sharedHost: { profile: site.profile.name, vcpus: site.profile.vcpus, hostCpus: site.host.cores } }
      : {}),
    ...(site.options.binDir === undefined ? {} : { binDir: site.options.binDir }),
    ...(site.backend.type === 'libvirt' ? { imageBuilt: site.backend.image.source === 'build' } : {}),
  };
}

/**
 * Why the stack's profile cannot be honoured by Kubernetes where its nodes are, or undefined when it can: on netns
 * nodes every kubelet sees the whole host and cannot advertise more CPUs than it has.
 */
export function kubernetesCapacityProblem(site: KubernetesSite): string | undefined {
  const shared = site.sharedHost;
  if (shared === undefined || shared.vcpus <= shared.hostCpus) return undefined;
  return (
    `profile ${shared.profile} asks for ${shared.vcpus} vCPUs per node, but a kubelet on a netns node advertises at ` +
    `most this host's ${shared.hostCpus} CPUs: use a profile of at most ${shared.hostCpus} vCPUs per node ` +
    '(e.g. `schedbench:profile: host`, sized from this machine; docs/kubernetes.md)'
  );
}

export function kubernetesAvailability(site?: KubernetesSite): Availability {
  if (site?.binDir === undefined && site?.goInstalled === false && site.backend !== 'hosts')
    return {
      available: false,
      reason:
        'Kubernetes is built here from Go modules and `go` is not on PATH: install Go (the version components/kubernetes/build/kubernetes/go.mod names), or set schedbench:kubernetes.binDir to a build',
    };
  if (site === undefined || site.backend === 'netns' || site.binDir !== undefined) return { available: true };
  if (site.backend === 'libvirt' && site.imageBuilt === true) return { available: true };
  return {
    available: false,
    reason:
      site.backend === 'hosts'
        ? 'Kubernetes on existing hosts needs schedbench:kubernetes.binDir: where every host has the binaries and image archives (npx schedbench k8s build makes them)'
        : 'Kubernetes on libvirt VMs of an image given as a file (backend.image.source: file) needs its binaries and images on every VM at schedbench:kubernetes.binDir; a built image (source: build) carries them (docs/kubernetes.md)',
  };
}
