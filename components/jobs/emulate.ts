// Emulated execution of jobs (docs/scale.md): the scheduler places and starts every job as it would, but the job's
// work is not done — a job that would load its CPUs sleeps its expected time instead, so thousands of emulated nodes
// can run on a few real ones. Jobs that do nothing (noop) or exist to fail (fail) keep what they do. Pure.
import { planSeconds } from './plan';
import type { JobSpec } from './spec';

export function emulatedSpec(spec: JobSpec): JobSpec {
  if (spec.kind !== 'stress' && spec.kind !== 'command') return spec;
  return { ...spec, kind: 'sleep', args: [String(planSeconds(spec.expectedSeconds))] };
}

export function emulatedSpecs(specs: readonly JobSpec[]): JobSpec[] {
  return specs.map(emulatedSpec);
}
