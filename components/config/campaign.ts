// A campaign: the same stack file stood up once per scheduler, in `schedulerOrder`, each as its own stack
// (`<stack>-<scheduler>`), torn down after its results when `autoTeardown` is on. Pure planning here.
import { SCHEDULERS } from './schema';
import type { BenchConfig } from './schema';

export interface CampaignStep {
  scheduler: (typeof SCHEDULERS)[number];
  /** Stack name of this step. */
  stack: string;
  /** The stack file's config with this step's scheduler. */
  config: Record<string, unknown>;
  /** False when this version cannot stand the scheduler up; `reason` says why. */
  available: boolean;
  reason: string;
  teardown: boolean;
}

/** Schedulers this version can stand up. */
export const AVAILABLE_SCHEDULERS: readonly string[] = ['slurm'];

export function planCampaign(config: BenchConfig, raw: Record<string, unknown>): CampaignStep[] {
  return config.schedulerOrder.map((scheduler) => {
    const available = AVAILABLE_SCHEDULERS.includes(scheduler);
    return {
      scheduler,
      stack: `${config.stack}-${scheduler}`,
      config: {
        ...raw,
        'schedbench:scheduler': scheduler,
        'schedbench:clusterName': `${config.clusterName}-${scheduler}`.slice(0, 20).replace(/-+$/, ''),
      },
      available,
      reason: available
        ? ''
        : `${scheduler} cannot be stood up by this version (only ${AVAILABLE_SCHEDULERS.join(', ')})`,
      teardown: config.autoTeardown,
    };
  });
}
