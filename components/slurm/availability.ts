// Whether SLURM can be stood up for a stack, and what of its profile it cannot honour where the nodes are: it always
// can. Its packages are Debian's, installed by the install stage on any node, and slurmd takes more CPUs and memory
// than the machine has (`SlurmdParameters=config_overrides`): the results then say `oversubscribed`.
import type { Availability } from '../schedulers/module';

export function slurmAvailability(): Availability {
  return { available: true };
}

export function slurmCapacityProblem(): string | undefined {
  return undefined;
}
