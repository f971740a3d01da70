// A campaign: one stack file stood up as the matrix our users plan with — every scheduler of `schedulerOrder`
// × every profile that `workloadProfiles` asks for, each step its own stack running the workloads meant for
// its profile (unmapped workloads run with the stack file's own profile), torn down before the next when
// `autoTeardown` is on. One campaign id ties every step's results together. Pure planning here.
import { createHash } from 'crypto';
import type { WorkloadName } from '../../workloads/names';
import { formatRunId, utcStamp, type SchedulerName } from '../../results/vocabulary';
import { fluxSite, kubernetesSite, schedulerAvailability } from '../schedulers/registry';
import type { BenchConfig } from './schema';

export interface CampaignStep {
  scheduler: SchedulerName;
  profile: string;
  workloads: WorkloadName[];
  /** Stack name of this step: `<stack>-<scheduler>-<profile>`. */
  stack: string;
  /** The stack file's config with this step's scheduler, profile, workloads, cluster name and campaign id. */
  config: Record<string, unknown>;
  /** False when this version cannot stand the scheduler up; `reason` says why. */
  available: boolean;
  reason: string;
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

/** A cluster name within the 20-character limit, unique per step: shortened with a hash suffix when needed. */
function stepClusterName(base: string, scheduler: string, profile: string): string {
  const full = `${base}-${scheduler}-${profile}`;
  if (full.length <= 20) return full;
  const hash = createHash('sha256').update(full).digest('hex').slice(0, 6);
  return `${full.slice(0, 13).replace(/-+$/, '')}-${hash}`;
}

/** `<UTC stamp>_<first 12 hex of the stack file's config hash>`: names the campaign in every result. */
export function campaignIdFor(configHash: string, at: Date): string {
  return formatRunId(utcStamp(at), configHash);
}

export function planCampaign(
  config: BenchConfig,
  raw: Record<string, unknown>,
  campaignId: string,
): CampaignStep[] {
  const matrix = profileMatrix(config);
  return config.schedulerOrder.flatMap((scheduler) =>
    matrix.map(({ profile, workloads }) => {
      const availability = schedulerAvailability(scheduler, fluxSite(config), kubernetesSite(config));
      return {
        scheduler,
        profile,
        workloads,
        stack: `${config.stack}-${scheduler}-${profile}`,
        config: {
          ...raw,
          'schedbench:scheduler': scheduler,
          'schedbench:profile': profile,
          'schedbench:workloads': workloads,
          'schedbench:clusterName': stepClusterName(config.clusterName, scheduler, profile),
          'schedbench:campaignId': campaignId,
        },
        available: availability.available,
        reason: availability.available ? '' : availability.reason,
        teardown: config.autoTeardown,
      };
    }),
  );
}
