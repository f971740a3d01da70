// Whether SLURM can be stood up for a stack, and what of its profile it cannot honour where the nodes are. Its
// packages are Debian's, installed by the install stage on any node, and slurmd takes more CPUs and memory than the
// machine has (`SlurmdParameters=config_overrides`): the results then say `oversubscribed`. Emulated (docs/scale.md),
// each stack node runs one slurmd per emulated node it holds: their memory and their ports must fit it.
import type { Availability, SchedulerSite } from '../schedulers/module';

export function slurmAvailability(): Availability {
  return { available: true };
}

/**
 * Resident memory of one idle slurmd (22.05.8), rounded up: measured 6.1 MiB on average over 32 emulated nodes of a
 * netns stack (`ps -o rss= -C slurmd`).
 */
export const SLURMD_MIB = 7;
/** The most slurmd one stack node may run: each has a port of its own below the cluster's (placement.ts). */
export const MAX_SLURMD_PER_NODE = 10000;

export function slurmCapacityProblem(
  site: Pick<SchedulerSite<unknown>, 'emulation' | 'nodes' | 'profile'>,
): string | undefined {
  const emulation = site.emulation;
  if (emulation === null) return undefined;
  const perNode = Math.ceil(emulation.nodes / site.nodes.length);
  const memoryMiB = site.profile.memoryGiB * 1024;
  // Three quarters of the stack node's memory for the slurmds; the rest for the jobs' launches and the controller.
  const fits = Math.min(MAX_SLURMD_PER_NODE, Math.floor((memoryMiB * 0.75) / SLURMD_MIB)) * site.nodes.length;
  if (emulation.nodes <= fits) return undefined;
  return (
    `emulation.nodes = ${emulation.nodes} puts ${perNode} slurmd on each of the ${site.nodes.length} nodes of profile ` +
    `${site.profile.name} (about ${SLURMD_MIB} MiB each, ${((perNode * SLURMD_MIB) / 1024).toFixed(1)} GiB; three quarters of a ` +
    `node's ${site.profile.memoryGiB} GiB are theirs): emulate at most ${fits} nodes here, or give the stack more or larger nodes`
  );
}
