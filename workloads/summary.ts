// The figures a stack output shows per run: status, job counts by outcome (results/jobs.ts, as the report counts
// them), makespan and the result's path. Light on purpose: the writer's `check` loads it on every run.
import { z } from 'zod';
import { outcomeCounts } from '../results/jobs';
import { RunStatus, type RunResult } from '../results/schema';

/** The figures a stack output shows per run (what write-result.ts prints); counts as the report counts them. */
export const RunSummary = z.object({
  path: z.string(),
  status: RunStatus,
  jobsCompleted: z.number().int().nonnegative(),
  jobsFailed: z.number().int().nonnegative(),
  jobsCancelled: z.number().int().nonnegative(),
  jobsUnfinished: z.number().int().nonnegative(),
  makespanSeconds: z.number().nonnegative().nullable(),
  skipped: z.boolean().optional(),
});
export type RunSummary = z.infer<typeof RunSummary>;

/**
 * The makespan as the analysis defines it (docs/analysis.md): from the first submit of a job that ran (has a start)
 * to the last end of a job that ran; a job that never started neither opens nor closes the window. Scheduler
 * times (whole seconds on some schedulers), so it may differ from the analysis' precise figure by under a second.
 */
export function summarise(result: RunResult, path: string): RunSummary {
  const ran = result.jobs.filter((j) => j.startTime !== null);
  const submits = ran.map((j) => Date.parse(j.submitTime));
  const ends = ran.flatMap((j) => (j.endTime === null ? [] : [Date.parse(j.endTime)]));
  const counts = outcomeCounts(result.jobs);
  return {
    path,
    status: result.status,
    jobsCompleted: counts.completed,
    jobsFailed: counts.failed,
    jobsCancelled: counts.cancelled,
    jobsUnfinished: counts.unfinished,
    makespanSeconds:
      submits.length > 0 && ends.length > 0 ? (Math.max(...ends) - Math.min(...submits)) / 1000 : null,
  };
}
