// Kubernetes as the rest of schedbench sees it: the module object the registry table holds. Pure: the component
// (cluster.ts, and with it Pulumi) is loaded only when `create` stands a cluster up (schedulers/load.ts).
import { loadComponent } from '../schedulers/load';
import type { SchedulerModule } from '../schedulers/module';
import { kubernetesAvailability, kubernetesCapacityProblem, kubernetesSite } from './availability';
import { KUBERNETES_EMULATION_MODE, kwokCapacityProblem } from './emulation';
import { kubernetesClusterOptions, kubernetesImageContent } from './image';
import { clusterLayout, kubernetesSocketPaths } from './layout';
import { kubernetesNormaliser } from './normalise';
import { KubernetesOptions } from './options';

export const kubernetes: SchedulerModule<'kubernetes', KubernetesOptions> = {
  name: 'kubernetes',
  label: 'Kubernetes',
  options: KubernetesOptions,
  availability: (site) => kubernetesAvailability(kubernetesSite(site)),
  capacityProblem: (site) =>
    kubernetesCapacityProblem(kubernetesSite(site)) ?? kwokCapacityProblem(site.emulation),
  socketPaths: (site) => kubernetesSocketPaths(clusterLayout(site.stateDir), site.nodes),
  imageContent: (site) => kubernetesImageContent(site.options),
  clusterOptions: (site) => kubernetesClusterOptions(site),
  emulationMode: KUBERNETES_EMULATION_MODE,
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
