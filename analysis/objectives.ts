// Pareto objectives: which per-run metrics can be one (every numeric metric of the catalogue) and the
// defaults. The config validates `analysis.objectives` against this list, so a misspelt metric is refused at
// `validate`, before any run is spent.
import { METRIC_NAMES, type MetricName } from './metrics';
import type { Objective } from './pareto';

/** Every metric an objective may name. */
export const OBJECTIVE_METRICS: readonly MetricName[] = METRIC_NAMES;

/** makespan min, mean wait min, allocated utilisation max, energy min. */
export const DEFAULT_OBJECTIVES: readonly Objective[] = [
  { metric: 'makespanSeconds', direction: 'min' },
  { metric: 'waitMeanSeconds', direction: 'min' },
  { metric: 'utilisationAllocated', direction: 'max' },
  { metric: 'energyJoules', direction: 'min' },
];
