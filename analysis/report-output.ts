// The one JSON document `schedbench analyze --json` prints, as a zod schema: the post-deploy step parses
// the command's stdout with it (the CLI writes it, the component reads it — one definition).
import { z } from 'zod';

/** One key metric of one (profile, workload): schedulers by mean, best first, and each pairwise verdict in words. */
const HeadlineVerdict = z.object({
  profile: z.string(),
  workload: z.string(),
  metric: z.string(),
  ranking: z.array(z.string()),
  pairs: z.array(z.string()),
});

export const AnalyzeJson = z.object({
  reportPath: z.string(),
  outDir: z.string(),
  objectives: z.array(z.object({ metric: z.string(), direction: z.enum(['min', 'max']) })),
  front: z.array(
    z.object({
      key: z.string(),
      runId: z.string(),
      stack: z.string(),
      scheduler: z.string(),
      profile: z.string(),
      workload: z.string(),
      repetition: z.number(),
      values: z.record(z.string(), z.number()),
    }),
  ),
  headline: z.object({
    campaignId: z.string().nullable(),
    runs: z.number(),
    runsAveraged: z.number(),
    groups: z.number(),
    badFiles: z.number(),
    leftOut: z.object({ otherCampaigns: z.number(), otherStacks: z.number(), otherRunIds: z.number() }),
    frontSize: z.number(),
    verdicts: z.array(HeadlineVerdict),
    energySource: z.string(),
  }),
});
export type AnalyzeJson = z.infer<typeof AnalyzeJson>;

/** Parses the command's stdout (the last non-empty line, in case npx printed anything before it). */
export function parseAnalyzeJson(stdout: string): AnalyzeJson {
  const lines = stdout.split('\n').filter((l) => l.trim() !== '');
  const last = lines[lines.length - 1];
  if (last === undefined) throw new Error('schedbench analyze printed nothing on stdout');
  let value: unknown;
  try {
    value = JSON.parse(last);
  } catch (err) {
    throw new Error(
      `schedbench analyze: stdout is not JSON (${err instanceof Error ? err.message : String(err)}): ${last.slice(0, 200)}`,
    );
  }
  return AnalyzeJson.parse(value);
}
