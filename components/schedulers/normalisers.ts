// The contract's pure side by scheduler name: what the result writer uses to read a scheduler's outputs, from
// the table (each module's normaliser loads no Pulumi code).
import type { SchedulerName } from '../../results/vocabulary';
import type { SchedulerNormaliser } from './contract';
import { schedulerModule } from './registry';

export function schedulerNormaliser(name: SchedulerName): SchedulerNormaliser {
  return schedulerModule(name).normaliser;
}
