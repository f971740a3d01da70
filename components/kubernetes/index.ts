// Kubernetes as the rest of schedbench sees it: the module object the registry table holds. Pure: the component
// (cluster.ts, and with it Pulumi) is loaded only when `create` stands a cluster up (schedulers/load.ts).
import { loadComponent } from '../schedulers/load';
import type { SchedulerModule, SchedulerSite } from '../schedulers/module';
import { kubernetesAvailability, kubernetesCapacityProblem, type KubernetesSite } from './availability';
import { onPath } from '../nodes/host-facts';
import { KUBERNETES_IMAGE_DIR, kubernetesImageContent } from './image';
import { clusterLayout, kubernetesSocketPaths } from './layout';
import { kubernetesNormaliser } from './normalise';
import { KubernetesOptions } from './options';

/** What availability and capacity know of a stack: its backend, binaries, Go, and the host netns nodes share. */
function kubernetesSite(site: SchedulerSite<KubernetesOptions>): KubernetesSite {
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

/** A VM image schedbench builds carries the node bundle unless `binDir` names binaries the VMs already have. */
function bundleInImage(site: SchedulerSite<KubernetesOptions>): boolean {
  return (
    site.options.binDir === undefined &&
    site.backend.type === 'libvirt' &&
    site.backend.image.source === 'build'
  );
}

export const kubernetes: SchedulerModule<'kubernetes', KubernetesOptions> = {
  name: 'kubernetes',
  label: 'Kubernetes',
  options: KubernetesOptions,
  availability: (site) => kubernetesAvailability(kubernetesSite(site)),
  capacityProblem: (site) => kubernetesCapacityProblem(kubernetesSite(site)),
  socketPaths: (site) => kubernetesSocketPaths(clusterLayout(site.stateDir), site.nodes),
  imageContent: (site) =>
    site.options.binDir === undefined ? kubernetesImageContent() : { packages: [], overlays: [] },
  clusterOptions: (site) =>
    bundleInImage(site) ? { ...site.options, binDir: KUBERNETES_IMAGE_DIR } : site.options,
  // Its in-cluster objects (namespace, quota, RBAC) are @pulumi/kubernetes resources.
  providerPlugins: ['kubernetes'],
  // `schedbench k8s build`: the binaries and images ahead of `up`.
  commands: [{ name: 'k8s', load: async () => (await import('./cli')).registerKubernetes }],
  normaliser: kubernetesNormaliser,
  create: (name, args, opts) => {
    const { KubernetesCluster } = loadComponent<typeof import('./cluster')>('kubernetes');
    return new KubernetesCluster(name, args, opts);
  },
};
