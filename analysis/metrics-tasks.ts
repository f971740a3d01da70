// Metrics of multi-task jobs from the task records the job wrappers wrote on the nodes: gang skew (how far apart a
// job's tasks started) and partial-start CPU-seconds (what started tasks held while their siblings had not started —
// what a scheduler does when it starts a wide job's pieces independently, as Kubernetes starts a Job's pods).
import type { JobTimes } from './job-times';
import { maxOf, mean } from './stats';

export interface TaskMetrics {
  gangSkewMeanSeconds: number | null;
  gangSkewMaxSeconds: number | null;
  partialStartCpuSeconds: number | null;
}

/**
 * Σ over the job's started tasks of (job CPUs / its tasks) × (last task start − this task's start): the CPU-seconds
 * its started tasks held while another of its tasks had not started. Null when no task recorded a start.
 */
export function partialStartCpuSeconds(job: JobTimes): number | null {
  const starts = job.taskStarts;
  if (starts === null) return null;
  const last = maxOf(starts) as number;
  const cpusPerTask = job.cpus / job.tasks;
  let held = 0;
  for (const s of starts) held += cpusPerTask * (last - s);
  return held;
}

export function taskMetrics(jobs: readonly JobTimes[]): TaskMetrics {
  const skews = jobs.flatMap((j) => (j.tasks > 1 && j.gangSkewSeconds !== null ? [j.gangSkewSeconds] : []));
  const partial = jobs.map(partialStartCpuSeconds).filter((v): v is number => v !== null);
  return {
    gangSkewMeanSeconds: mean(skews),
    gangSkewMaxSeconds: maxOf(skews),
    partialStartCpuSeconds: partial.length > 0 ? partial.reduce((a, b) => a + b, 0) : null,
  };
}
