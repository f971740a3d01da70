// A campaign: one stack file stood up as the matrix our users plan with — every scheduler of `schedulerOrder`
// × every profile that `workloadProfiles` asks for, each step its own stack running the workloads meant for
// its profile (unmapped workloads run with the stack file's own profile), torn down before the next when
// `autoTeardown` is on (the default). One campaign id ties every step's results together. Pure planning here:
// which steps run, which are skipped (a scheduler not installed) and which are refused (asking what this host or
// the scheduler cannot honour — the whole campaign then stops before anything is created).
import { createHash } from 'crypto';
import type { WorkloadName } from '../../workloads/names';
import { formatRunId, utcStamp, type SchedulerName } from '../../results/vocabulary';
import { thisHost, type HostFacts } from '../nodes/host-facts';
import { schedulerAvailability } from '../schedulers/registry';
import { capacityErrors } from './admission';
import { MAX_STACK_NAME } from './names';
import { emulationSizes } from './emulation';
import { loadConfig, type ConfigError } from './parse';
import type { BenchConfig } from './schema';

export interface CampaignStep {
  scheduler: SchedulerName;
  profile: string;
  /** A scale sweep's step: the emulated nodes of this step (docs/scale.md); null when it runs for real. */
  emulatedNodes: number | null;
  workloads: WorkloadName[];
  /** Stack name of this step: `<stack>-<scheduler>-<profile>`, shortened with a hash suffix when too long. */
  stack: string;
  /** The stack file's config with this step's scheduler, profile, workloads, cluster name and campaign id. */
  config: Record<string, unknown>;
  /** False when this version cannot stand the scheduler up here (not installed): the step is skipped. */
  available: boolean;
  /** Why it is skipped (empty when available). */
  reason: string;
  /** What this host or the scheduler cannot honour in this step: the campaign is refused when any step has one. */
  refusals: ConfigError[];
  teardown: boolean;
}

/** Profiles in the order first needed, each with the workloads that run on it. */
export function profileMatrix(config: BenchConfig): { profile: string; workloads: WorkloadName[] }[] {
  const byProfile = new Map<string, WorkloadName[]>();
  for (const workload of config.workloads) {
    const profile = config.workloadProfiles[workload] ?? config.profile;
    byProfile.set(profile, [...(byProfile.get(profile) ?? []), workload]);
  }
  return [...byProfile].map(([profile, workloads]) => ({ profile, workloads }));
}

/** `full` when it fits `max` characters, else its first characters and six hex of its hash (deterministic). */
function shortened(full: string, max: number): string {
  if (full.length <= max) return full;
  const hash = createHash('sha256').update(full).digest('hex').slice(0, 6);
  return `${full.slice(0, max - 7).replace(/[-_.]+$/, '')}-${hash}`;
}

/** A cluster name within the 20-character limit, unique per step. */
function stepClusterName(base: string, scheduler: string, profile: string): string {
  return shortened(`${base}-${scheduler}-${profile}`, 20);
}

/** A stack name every step can have, whatever the length of the stack file's own. */
function stepStackName(stack: string, scheduler: string, profile: string): string {
  return shortened(`${stack}-${scheduler}-${profile}`, MAX_STACK_NAME);
}

/** `<UTC stamp>_<first 12 hex of the stack file's config hash>`: names the campaign in every result. */
export function campaignIdFor(configHash: string, at: Date): string {
  return formatRunId(utcStamp(at), configHash);
}

export function planCampaign(
  config: BenchConfig,
  raw: Record<string, unknown>,
  campaignId: string,
  /** The machine netns nodes share (capacity checks of each step). */
  host: HostFacts = thisHost(),
): CampaignStep[] {
  const matrix = profileMatrix(config);
  // A scale sweep (schedbench:emulation.nodes a list) is one step per size, smallest first, under each scheduler.
  const sizes: (number | null)[] =
    config.emulation === undefined ? [null] : [...emulationSizes(config.emulation)].sort((a, b) => a - b);
  const steps = matrix.flatMap((m) => sizes.map((size) => ({ ...m, size })));
  return config.schedulerOrder.flatMap((scheduler) =>
    steps.map(({ profile, workloads, size }) => {
      const shape = size === null ? profile : `${profile}-n${size}`;
      const stack = stepStackName(config.stack, scheduler, shape);
      const stepConfig: Record<string, unknown> = {
        ...raw,
        ...(size === null || config.emulation === undefined
          ? {}
          : { 'schedbench:emulation': { ...config.emulation, nodes: size } }),
        'schedbench:scheduler': scheduler,
        'schedbench:profile': profile,
        // The profiles as resolved once (the `host` profile included): every step gets identical nodes.
        'schedbench:profiles': config.profiles,
        'schedbench:workloads': workloads,
        'schedbench:clusterName': stepClusterName(config.clusterName, scheduler, shape),
        'schedbench:campaignId': campaignId,
      };
      const step = loadConfig(stepConfig, stack);
      const availability = schedulerAvailability(step, host);
      return {
        scheduler,
        profile,
        emulatedNodes: size,
        workloads,
        stack,
        config: stepConfig,
        available: availability.available,
        reason: availability.available ? '' : availability.reason,
        refusals: availability.available ? capacityErrors(step, host) : [],
        teardown: config.autoTeardown,
      };
    }),
  );
}
