// Each scheduler's own config section (`schedbench:<scheduler>`), collected for the config schema: part of
// the registry, so the config never imports a scheduler's folder itself.
import { SlurmOptions } from '../slurm/options';
import { KubernetesOptions } from '../kubernetes/options';
import { FluxOptions } from '../flux/options';

export const SCHEDULER_OPTIONS = {
  /** `schedbench:slurm`. */
  slurm: SlurmOptions,
  /** `schedbench:kubernetes`. */
  kubernetes: KubernetesOptions,
  /** `schedbench:flux`. */
  flux: FluxOptions,
} as const;
