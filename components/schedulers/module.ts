// What a scheduler is to the rest of schedbench: one module object per scheduler folder (`components/<name>/index.ts`),
// held by the one table in registry.ts. Everything outside the folders — the config schema, admission, campaigns,
// the image CLI, the engine's plugin list, the result writer, the benches — reads the table and never names a
// scheduler. The object is pure: loading it loads no Pulumi code (`create` loads the folder's component when a
// stack is stood up), so `validate`, campaign plans and the result writer start at once.
import type * as pulumi from '@pulumi/pulumi';
import type { Command } from 'commander';
import type { z } from 'zod';
import type { Emulation } from '../config/emulation';
import type { Profile } from '../config/profile';
import type { BackendConfig } from '../nodes/backend-config';
import type { ImageOverlay } from '../image/inputs';
import type { HostFacts } from '../nodes/host-facts';
import type { Node } from '../nodes/types';
import type { SchedulerName } from '../../results/vocabulary';
import type { SchedulerCluster, SchedulerNormaliser } from './contract';
import type { LimitedPath } from './runtime-dir';

/**
 * The environment variable the engine sets to the version of provider plugin `name` it was built with, so that the
 * program's Provider asks for that one (the engine built from Go modules has other versions than the npm SDKs).
 */
export function pluginVersionVariable(name: string): string {
  return `SCHEDBENCH_${name.toUpperCase()}_PLUGIN_VERSION`;
}

export type Availability = { available: true } | { available: false; reason: string };

/** What a built VM image needs for a scheduler: Debian packages, and tarballs unpacked at `/`. */
export interface ImageContent {
  packages: string[];
  overlays: ImageOverlay[];
  /** systemd units its packages enable that its component starts itself: disabled at boot. */
  disabledUnits?: string[];
}

/** What a scheduler module is told of the stack it would be stood up in (known before anything is created). */
export interface SchedulerSite<Options> {
  /** Its own config section, `schedbench:<name>`, validated, defaults applied. */
  options: Options;
  backend: BackendConfig;
  profile: Profile & { name: string };
  cluster: string;
  /** Root of the scheduler's files on every node (`schedulerStateDir`). */
  stateDir: string;
  /** The nodes' names, as the backend will name them. */
  nodes: string[];
  /** The machine netns nodes share (this one). */
  host: HostFacts;
  /** Emulated execution (`schedbench:emulation`), or null when the stack runs for real. */
  emulation: Emulation | null;
}

/** What the module's `create` gets: the contract's arguments and its own options. */
export interface SchedulerCreateArgs<Options> {
  cluster: string;
  nodes: Node[];
  profile: Profile & { name: string };
  stateDir: string;
  options: Options;
  emulation: Emulation | null;
}

/** A `schedbench` subcommand of the scheduler's own (e.g. `k8s build`); its module is loaded when it runs. */
export interface SchedulerCommand {
  name: string;
  load: () => Promise<(program: Command) => void>;
}

export interface SchedulerModule<Name extends SchedulerName = SchedulerName, Options = unknown> {
  name: Name;
  /** How reports and messages name it (`SLURM`). */
  label: string;
  /** The zod schema of `schedbench:<name>`, with its defaults (the config schema takes it from here). */
  options: z.ZodType<Options>;
  /** Whether this version can stand it up for the stack (installed, buildable), and why not: a campaign skips it. */
  availability(site: SchedulerSite<Options>): Availability;
  /** What it cannot honour in the stack's profile where the nodes are (undefined: it can): the stack is refused. */
  capacityProblem(site: SchedulerSite<Options>): string | undefined;
  /** The longest Unix socket paths it makes on the stack's nodes, each with its limit (checked before `up`). */
  socketPaths(site: SchedulerSite<Options>): LimitedPath[];
  /** What a VM image schedbench builds must carry for it (its options and the backend are all it looks at). */
  imageContent(site: Pick<SchedulerSite<Options>, 'options' | 'backend'>): ImageContent;
  /** Options as the cluster gets them where the backend changes them (e.g. binaries a built image carries). */
  clusterOptions(site: SchedulerSite<Options>): Options;
  /**
   * How it emulates many nodes on few (`schedbench:emulation`, docs/scale.md), in a few words recorded with every
   * emulated result; null when this version has no emulated execution for it (an emulated stack is then refused).
   */
  emulationMode: string | null;
  /** Pulumi resource providers its in-cluster objects need besides @pulumi/command (the engine builds them). */
  providerPlugins: readonly string[];
  /** `schedbench` subcommands of its own. */
  commands: readonly SchedulerCommand[];
  /** Stage outputs → neutral job records and samples (pure: the result writer loads it without Pulumi). */
  normaliser: SchedulerNormaliser;
  /** Stands it up: the folder's ComponentResource (`schedbench:<name>:Cluster`), loaded only now. */
  create(
    name: string,
    args: SchedulerCreateArgs<Options>,
    opts?: pulumi.ComponentResourceOptions,
  ): SchedulerCluster;
}
