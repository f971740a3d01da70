// SLURM as the rest of schedbench sees it: the module object the registry table holds. Pure: the component
// (cluster.ts, and with it Pulumi) is loaded only when `create` stands a cluster up (schedulers/load.ts).
import { loadComponent } from '../schedulers/load';
import type { SchedulerModule } from '../schedulers/module';
import { slurmAvailability, slurmCapacityProblem } from './availability';
import { slurmImageContent } from './image';
import { clusterLayout, slurmSocketPaths } from './layout';
import { slurmNormaliser } from './normalise';
import { SlurmOptions } from './options';

export const slurm: SchedulerModule<'slurm', SlurmOptions> = {
  name: 'slurm',
  label: 'SLURM',
  options: SlurmOptions,
  availability: () => slurmAvailability(),
  capacityProblem: () => slurmCapacityProblem(),
  socketPaths: (site) => slurmSocketPaths(clusterLayout(site.stateDir), site.nodes),
  imageContent: () => slurmImageContent(),
  clusterOptions: (site) => site.options,
  providerPlugins: [],
  commands: [],
  normaliser: slurmNormaliser,
  create: (name, args, opts) => {
    const { SlurmCluster } = loadComponent<typeof import('./cluster')>('slurm');
    return new SlurmCluster(name, args, opts);
  },
};
