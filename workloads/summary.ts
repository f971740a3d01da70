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

export function summarise(result: RunResult, path: string): RunSummary {
  const submits = result.jobs.map((j) => Date.parse(j.submitTime));
  const ends = result.jobs.flatMap((j) => (j.endTime === null ? [] : [Date.parse(j.endTime)]));
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
