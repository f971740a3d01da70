// Which of the configured workloads this stack runs: those mapped to its profile, or not mapped at all.
import type { WorkloadName } from '../../workloads/names';
import { BenchConfig } from './schema';

export function runnableWorkloads(
  config: Pick<BenchConfig, 'workloads' | 'workloadProfiles' | 'profile'>,
): WorkloadName[] {
  return config.workloads.filter((w) => {
    const mapped = config.workloadProfiles[w];
    return mapped === undefined || mapped === config.profile;
  });
}
