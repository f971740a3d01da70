// Whether this version can stand Kubernetes up on a stack's nodes, and why not. The binaries and image archives
// are built on the machine that runs the program (components/kubernetes/build): netns nodes share its filesystem,
// libvirt VMs of a built image carry them (the node bundle, components/kubernetes/image.ts); existing hosts, and
// VMs of an image given as a file, need them where `kubernetes.binDir` says.

export interface KubernetesSite {
  backend: 'netns' | 'libvirt' | 'hosts';
  /** `kubernetes.binDir`, when the stack names one. */
  binDir?: string;
  /** libvirt: the VM image is built by schedbench (`backend.image.source: build`), so it can carry the binaries. */
  imageBuilt?: boolean;
}

export type KubernetesAvailability = { available: true } | { available: false; reason: string };

export function kubernetesAvailability(site?: KubernetesSite): KubernetesAvailability {
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
