// One-line description of a resolved stack, for `schedbench validate` and the runner's log.
import { BenchConfig } from './schema';
import { runnableWorkloads } from './workloads';

export function summarize(config: BenchConfig): string {
  const profile = config.profiles[config.profile];
  const workloads = runnableWorkloads(config);
  const shape =
    profile === undefined
      ? config.profile
      : `${config.profile} (${profile.nodes} × ${profile.vcpus} vCPU, ${profile.memoryGiB} GiB${
          profile.sizedFrom === undefined
            ? ''
            : `, sized from this host's ${profile.sizedFrom.cores} CPUs and ${profile.sizedFrom.memoryGiB} GiB`
        })`;
  const emulation = config.emulation;
  const emulated =
    emulation === undefined
      ? ''
      : `emulating ${Array.isArray(emulation.nodes) ? `a sweep of ${emulation.nodes.join(', ')}` : emulation.nodes} ` +
        `nodes of profile ${emulation.profile ?? config.profile} (jobs do no work), `;
  return (
    `stack ${config.stack}: ${config.scheduler} on ${config.backend.type}, profile ${shape}, ${emulated}` +
    `cluster ${config.clusterName}, ${workloads.length} workload${workloads.length === 1 ? '' : 's'} ` +
    `(${workloads.join(', ') || 'none'}) × ${config.repetitions} repetition${config.repetitions === 1 ? '' : 's'}`
  );
}
