// The contract's pure side by scheduler name: what the result writer uses to read a scheduler's outputs. Kept
// apart from registry.ts so the writer loads no Pulumi code. One entry per scheduler (checked by the type).
import type { SchedulerName } from '../../results/vocabulary';
import type { SchedulerNormaliser } from './contract';
import { slurmNormaliser } from '../slurm/normalise';
import { fluxNormaliser } from '../flux/normalise';
import { kubernetesNormaliser } from '../kubernetes/normalise';

const NORMALISERS: Record<SchedulerName, SchedulerNormaliser | undefined> = {
  slurm: slurmNormaliser,
  kubernetes: kubernetesNormaliser,
  flux: fluxNormaliser,
};

export function schedulerNormaliser(name: SchedulerName): SchedulerNormaliser {
  const normaliser = NORMALISERS[name];
  if (normaliser === undefined) throw new Error(`no result normaliser for scheduler ${name} in this version`);
  return normaliser;
}
