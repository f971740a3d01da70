// The SLURM member of the contract's pure side: what collect.sh (sacct + stress-ng YAML) and the scheduler
// sampler (squeue/sinfo lines, sdiag snapshots) printed → neutral job records, scheduler samples, statistics.
import { z } from 'zod';
import { SchedulerSample } from '../../results/schema';
import { epochToIso, parseJsonLines } from '../samplers/convert';
import {
  jobFileFigures,
  withTasks,
  type NormalisedRun,
  type SchedulerNormaliser,
  type StageOutputs,
} from '../schedulers/contract';
import { jobRecords, parseSacct, parseSdiag, parseSinfo } from './parse';

/** What collect.sh prints. */
export const CollectOutput = z.strictObject({
  fields: z.string(),
  sacct: z.string(),
  metrics: z.record(z.string(), z.string()),
  /** The job wrapper's start/end lines per job id (job.sh). */
  times: z.record(z.string(), z.string()),
});

/** One line of sampler-start.sh: queue counts and the sinfo allocation at epoch time `t` (s). */
export const RawSchedulerSample = z.strictObject({
  t: z.number().positive(),
  pending: z.number().int().nonnegative(),
  running: z.number().int().nonnegative(),
  nodes: z.string(),
});

/** What sampler-stop.sh prints. */
export const SamplerOutput = z.union([
  z.strictObject({ skipped: z.literal(true) }),
  z.strictObject({
    samples: z.string(),
    sdiag: z.array(
      z.strictObject({ phase: z.enum(['before', 'during', 'after']), t: z.number(), text: z.string() }),
    ),
  }),
]);

export function toSchedulerSamples(raw: readonly z.infer<typeof RawSchedulerSample>[]): SchedulerSample[] {
  return raw.map((r) =>
    SchedulerSample.parse({
      time: epochToIso(r.t),
      pending: r.pending,
      running: r.running,
      nodes: parseSinfo(r.nodes),
    }),
  );
}

export const slurmNormaliser: SchedulerNormaliser = {
  normalise(outputs: StageOutputs): NormalisedRun {
    const collect = CollectOutput.parse(JSON.parse(outputs.collect));
    const { metrics, precise, tasks } = jobFileFigures(collect, outputs);
    const { jobs: records, missing } = jobRecords(
      parseSacct(collect.sacct, collect.fields.split(',')),
      outputs.submit.jobs,
      metrics,
      precise,
    );
    const jobs = records.map((j) => withTasks(j, tasks));
    const notes: string[] = [];
    const lost = [...new Set(jobs.filter((j) => j.state === 'NODE_FAIL').flatMap((j) => j.nodes))];
    if (lost.length > 0) notes.push(`node failure: jobs ended NODE_FAIL on ${lost.join(', ')}`);
    const sampler = SamplerOutput.parse(JSON.parse(outputs.samplerStop));
    const schedulerSamples =
      'samples' in sampler ? toSchedulerSamples(parseJsonLines(sampler.samples, RawSchedulerSample)) : [];
    const schedulerStats =
      'sdiag' in sampler
        ? [...sampler.sdiag]
            .sort((a, b) => a.t - b.t)
            .map((s) => parseSdiag(s.text, epochToIso(s.t), s.phase))
        : [];
    return { jobs, missing: missing.map((j) => j.id), schedulerSamples, schedulerStats, notes };
  },
};
