// Flux as the rest of schedbench sees it: the module object the registry table holds. Pure: the component
// (cluster.ts, and with it Pulumi) is loaded only when `create` stands a cluster up (schedulers/load.ts).
import { loadComponent } from '../schedulers/load';
import type { SchedulerModule } from '../schedulers/module';
import { fluxAvailability } from './availability';
import { fluxImageContent } from './image';
import { fluxLayout, fluxSocketPaths } from './layout';
import { fluxNormaliser } from './normalise';
import { FluxOptions } from './options';

export const flux: SchedulerModule<'flux', FluxOptions> = {
  name: 'flux',
  label: 'Flux',
  options: FluxOptions,
  availability: (site) =>
    fluxAvailability({
      prefix: site.options.prefix,
      local: site.backend.type === 'netns',
      ...(site.backend.type === 'libvirt' && site.options.tarball !== undefined
        ? { tarball: site.options.tarball, imageBuilt: site.backend.image.source === 'build' }
        : {}),
    }),
  // Each node's vCPUs are declared as its cores in the instance's TOML, whatever the machine has: any profile fits.
  capacityProblem: () => undefined,
  socketPaths: (site) => fluxSocketPaths(fluxLayout(site.stateDir), site.nodes),
  imageContent: (site) => fluxImageContent(site.options.tarball),
  clusterOptions: (site) => site.options,
  emulationMode: null,
  providerPlugins: [],
  commands: [],
  normaliser: fluxNormaliser,
  create: (name, args, opts) => {
    const { FluxCluster } = loadComponent<typeof import('./cluster')>('flux');
    return new FluxCluster(name, args, opts);
  },
};
