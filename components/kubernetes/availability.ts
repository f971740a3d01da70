// Whether this version can stand Kubernetes up on a stack's nodes, and why not. The binaries and image archives
// are built on the machine that runs the program (components/kubernetes/build): netns nodes share its filesystem;
// existing hosts and libvirt VMs need them where `kubernetes.binDir` says (this version does not bake them into
// the VM image: docs/kubernetes.md).

export interface KubernetesSite {
  backend: 'netns' | 'libvirt' | 'hosts';
  /** `kubernetes.binDir`, when the stack names one. */
  binDir?: string;
}

export type KubernetesAvailability = { available: true } | { available: false; reason: string };

export function kubernetesAvailability(site?: KubernetesSite): KubernetesAvailability {
  if (site === undefined || site.backend === 'netns' || site.binDir !== undefined) return { available: true };
  return {
    available: false,
    reason:
      site.backend === 'hosts'
        ? 'Kubernetes on existing hosts needs schedbench:kubernetes.binDir: where every host has the binaries and image archives (npx schedbench k8s build makes them)'
        : 'Kubernetes on libvirt VMs needs its binaries and images on every VM at schedbench:kubernetes.binDir: this version does not bake them into the VM image (docs/kubernetes.md)',
  };
}
