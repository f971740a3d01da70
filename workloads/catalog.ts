// The workloads a stack can run: the presets (workloads/presets.ts) and the stack's own definitions
// (`schedbench:workloadDefinitions`), both in the form of workloads/definition.ts, expanded for a profile into the
// job specs a scheduler renders (workloads/expand.ts). Also the run's bounds, from those specs.
import type { Profile } from '../components/config/profile';
import { arrivalSeconds, jobCpus, type JobSpec } from '../components/jobs/spec';
import { WorkloadDefinition } from './definition';
import { expandDefinition, type Expansion } from './expand';
import { PRESETS, PRESET_NAMES, STRESS_SECONDS } from './presets';
import type { WorkloadName } from './names';

export { STRESS_SECONDS };

/** The stack's own definitions: parsed (validated) definitions by name. */
export type Definitions = Readonly<Record<string, WorkloadDefinition>>;

function isPreset(name: string): name is keyof typeof PRESETS {
  return (PRESET_NAMES as string[]).includes(name);
}

/** The definition of `workload`: the stack's own, or a preset; undefined when neither has it. */
export function workloadDefinition(
  workload: WorkloadName,
  definitions: Definitions = {},
): WorkloadDefinition | undefined {
  const own = definitions[workload];
  if (own !== undefined) return own;
  return isPreset(workload) ? WorkloadDefinition.parse(PRESETS[workload]) : undefined;
}

/** Every workload a stack may name: the presets and its own definitions. */
export function knownWorkloads(definitions: Definitions = {}): string[] {
  return [...PRESET_NAMES, ...Object.keys(definitions).filter((n) => !isPreset(n))];
}

/** Where a workload's name is looked up and how it is expanded: the stack's definitions, seed and profile name. */
export interface ExpandOptions {
  definitions?: Definitions;
  seed?: number;
  profileName?: string;
}

/** `workload` expanded for `profile` (its groups' specs, seed, offered load). */
export function expandWorkloadFully(
  workload: WorkloadName,
  profile: Profile,
  options: ExpandOptions = {},
): Expansion {
  const definition = workloadDefinition(workload, options.definitions);
  if (definition === undefined)
    throw new Error(
      `workload ${workload}: no such preset or definition; allowed: ${knownWorkloads(options.definitions).join(', ')}`,
    );
  return expandDefinition(definition, profile, options.profileName ?? 'the profile', options.seed ?? 1);
}

/** The job specs of `workload` sized for `profile`. */
export function expandWorkload(
  workload: WorkloadName,
  profile: Profile,
  options: ExpandOptions = {},
): JobSpec[] {
  return expandWorkloadFully(workload, profile, options).groups.map((g) => g.spec);
}

/** Total jobs of a list of specs. */
export function jobCount(specs: readonly JobSpec[]): number {
  return specs.reduce((n, s) => n + s.count, 0);
}

/**
 * A generous estimate of how long the specs take on the profile (s): last arrival, plus the CPU-seconds over
 * the cluster's CPUs, plus the longest job, plus a per-job allowance for the scheduler's own latency.
 */
export function expectedRunSeconds(specs: readonly JobSpec[], profile: Profile): number {
  const lastArrival = Math.max(0, ...specs.map((s) => arrivalSeconds(s.arrival, s.count - 1)));
  const cpuSeconds = specs.reduce((t, s) => t + s.count * jobCpus(s) * s.expectedSeconds, 0);
  const longest = Math.max(0, ...specs.map((s) => s.expectedSeconds));
  const schedulerAllowance = 0.25 * jobCount(specs);
  return lastArrival + cpuSeconds / (profile.nodes * profile.vcpus) + longest + schedulerAllowance;
}

/** The wait bound of a run (s): the estimate × timeoutFactor, plus a fixed allowance for a cold scheduler. */
export function runTimeoutSeconds(
  specs: readonly JobSpec[],
  profile: Profile,
  timeoutFactor: number,
): number {
  return Math.ceil(expectedRunSeconds(specs, profile) * timeoutFactor + 30);
}
