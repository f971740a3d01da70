// The one table of schedulers: a module object per scheduler folder (components/<name>/index.ts), keyed by name.
// Everything outside the folders reads this table — the config schema takes each scheduler's options from it,
// admission and campaigns its availability, capacity and socket paths, the image builder its image content, the
// engine its provider plugins, the result writer its normaliser — and never names a scheduler. The compiler
// rejects a name of the vocabulary without an entry, and an entry without a piece. Pure: no Pulumi is loaded.
import * as path from 'path';
import type { BenchConfig } from '../config/schema';
import type { HostFacts } from '../nodes/host-facts';
import { plannedNodeNames } from '../nodes/names';
import { stackEmulation } from '../config/emulation';
import { SCHEDULER_NAMES, type SchedulerName } from '../../results/vocabulary';
import { flux } from '../flux';
import { kubernetes } from '../kubernetes';
import { slurm } from '../slurm';
import type { Availability, ImageContent, SchedulerCommand, SchedulerModule, SchedulerSite } from './module';
import type { LimitedPath } from './runtime-dir';

/** Every scheduler's module, by name. */
export const SCHEDULERS = { slurm, kubernetes, flux } satisfies {
  readonly [N in SchedulerName]: SchedulerModule<N>;
};

type Table = typeof SCHEDULERS;
/** A scheduler's own options, `schedbench:<name>`, as the validated config holds them. */
export type SchedulerOptionsOf<N extends SchedulerName> = BenchConfig[N];
/** Each scheduler's options schema, by name: the config schema's scheduler sections. */
export type SchedulerOptionSchemas = { readonly [N in SchedulerName]: Table[N]['options'] };
/** The table as generic code calls it: each entry a module of its own options. */
type Modules = { readonly [N in SchedulerName]: SchedulerModule<N, SchedulerOptionsOf<N>> };
const MODULES: Modules = SCHEDULERS;

export function schedulerModule<N extends SchedulerName>(name: N): Modules[N] {
  return MODULES[name];
}

/** Every scheduler's options schema, by name (the config schema spreads them). */
export function schedulerOptionSchemas(): SchedulerOptionSchemas {
  // Built from the table, so a new entry needs no line here; fromEntries forgets the keys, hence the type.
  return Object.fromEntries(SCHEDULER_NAMES.map((n) => [n, SCHEDULERS[n].options])) as SchedulerOptionSchemas;
}

/** Root of the scheduler's state on every node: `<backend stateDir>/<cluster>/<scheduler>` (netns), else /var/lib/schedbench/…. */
export function schedulerStateDir(
  config: Pick<BenchConfig, 'backend' | 'clusterName' | 'scheduler'>,
): string {
  const root = config.backend.type === 'netns' ? config.backend.stateDir : '/var/lib/schedbench';
  return path.posix.join(path.posix.resolve('/', root), config.clusterName, config.scheduler);
}

/** What the module of `name` is told of the stack `config` (its own options section, the nodes, the host). */
function siteOf<N extends SchedulerName>(
  name: N,
  config: BenchConfig,
  host: HostFacts,
): SchedulerSite<SchedulerOptionsOf<N>> {
  const profile = config.profiles[config.profile];
  if (profile === undefined) throw new Error(`schedbench:profile: no profile ${config.profile}`);
  const options: SchedulerOptionsOf<N> = config[name];
  return {
    options,
    backend: config.backend,
    profile: { ...profile, name: config.profile },
    cluster: config.clusterName,
    stateDir: schedulerStateDir({ ...config, scheduler: name }),
    nodes: plannedNodeNames(config, profile.nodes),
    host,
    emulation: stackEmulation(config),
  };
}

/** The configured scheduler's answer to `ask`, given its module and what it is told of the stack. */
function ask<R>(
  config: BenchConfig,
  host: HostFacts,
  question: <N extends SchedulerName>(module: Modules[N], site: SchedulerSite<SchedulerOptionsOf<N>>) => R,
): R {
  const name = config.scheduler;
  return question(MODULES[name], siteOf(name, config, host));
}

/** Whether this version can stand the stack's scheduler up here (installed, buildable); why not (a campaign skips it). */
export function schedulerAvailability(config: BenchConfig, host: HostFacts): Availability {
  return ask(config, host, (module, site) => {
    if (site.emulation !== null && module.emulationMode === null) {
      const others = SCHEDULER_NAMES.filter((n) => MODULES[n].emulationMode !== null);
      return {
        available: false,
        reason: `${module.label} has no emulated execution in this version (schedbench:emulation); ${others.join(', ')} ${others.length === 1 ? 'has' : 'have'}`,
      };
    }
    return module.availability(site);
  });
}

/** How the stack's scheduler emulates its nodes (recorded in every emulated result), or null. */
export function schedulerEmulationMode(name: SchedulerName): string | null {
  return MODULES[name].emulationMode;
}

/** What the stack's scheduler cannot honour in its profile where the nodes are (the stack is refused), or undefined. */
export function schedulerCapacityProblem(config: BenchConfig, host: HostFacts): string | undefined {
  return ask(config, host, (module, site) => module.capacityProblem(site));
}

/** The longest socket paths the stack's scheduler will make on its nodes, each with its limit. */
export function schedulerSocketPaths(config: BenchConfig, host: HostFacts): LimitedPath[] {
  return ask(config, host, (module, site) => module.socketPaths(site));
}

/** What a VM image built for the stack must carry for its scheduler. */
export function schedulerImageContent(config: BenchConfig, host: HostFacts): ImageContent {
  return ask(config, host, (module, site) => module.imageContent(site));
}

/** What an image built for scheduler `name` with `options` (its own section, unparsed) on `backend` carries. */
export function imageContentFor(
  name: SchedulerName,
  options: unknown,
  backend: SchedulerSite<unknown>['backend'],
): ImageContent {
  const module: SchedulerModule = MODULES[name];
  return module.imageContent({ options: module.options.parse(options ?? {}), backend });
}

/**
 * `use` with the stack's scheduler module and its options as the cluster gets them (the backend may change them:
 * binaries a built VM image carries). Generic, so the module and its options stay of one scheduler.
 */
export function schedulerClusterOptions<R>(
  config: BenchConfig,
  host: HostFacts,
  use: <N extends SchedulerName>(module: Modules[N], options: SchedulerOptionsOf<N>) => R,
): R {
  return ask(config, host, (module, site) => use(module, module.clusterOptions(site)));
}

/** Every scheduler's own `schedbench` subcommands. */
export function schedulerCommands(): SchedulerCommand[] {
  return SCHEDULER_NAMES.flatMap((name) => [...MODULES[name].commands]);
}

/** Names of every scheduler, in the vocabulary's order, with how reports name them. */
export function schedulerLabels(): { name: SchedulerName; label: string }[] {
  return SCHEDULER_NAMES.map((name) => ({ name, label: MODULES[name].label }));
}
