// SLURM as the rest of schedbench sees it: the module object the registry table holds. Pure: the component
// (cluster.ts, and with it Pulumi) is loaded only when `create` stands a cluster up (schedulers/load.ts).
import { emulatedNodeNames } from '../config/emulation';
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
  capacityProblem: (site) => slurmCapacityProblem(site),
  socketPaths: (site) =>
    slurmSocketPaths(
      clusterLayout(site.stateDir),
      // Emulated names all have the length of the last one.
      site.emulation === null ? site.nodes : emulatedNodeNames(site.emulation.nodes).slice(-1),
    ),
  imageContent: () => slurmImageContent(),
  clusterOptions: (site) => site.options,
  emulationMode:
    'multiple-slurmd: one slurmd per emulated node, several on each real node; jobs sleep their expected time',
  providerPlugins: [],
  commands: [],
  normaliser: slurmNormaliser,
  create: (name, args, opts) => {
    const { SlurmCluster } = loadComponent<typeof import('./cluster')>('slurm');
    return new SlurmCluster(name, args, opts);
  },
};
