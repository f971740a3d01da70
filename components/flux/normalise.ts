// The Flux member of the contract's pure side: what collect.sh (`flux jobs --json`, plan, stress-ng YAML, wrapper
// times) and the scheduler sampler (job counts, per-rank allocation, Fluxion's module stats) printed → neutral job
// records, scheduler samples and statistics.
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
import {
  asciiJobId,
  jobRecords,
  parseFluxionStats,
  parseFluxJobs,
  parseJobStats,
  parseResourceList,
  planRequests,
} from './parse';

/** What collect.sh prints. */
export const CollectOutput = z.strictObject({
  /** `flux jobs --json` of the run's job ids, as printed. */
  jobs: z.string(),
  /** The run's plan (components/jobs/plan.ts renderPlan): the CPUs and memory each spec requested. */
  plan: z.string(),
  metrics: z.record(z.string(), z.string()),
  /** The job wrapper's start/end lines per job id (job.sh). */
  times: z.record(z.string(), z.string()),
});

/** One line of sampler-start.sh: `flux jobs --stats-only` and the resource list at epoch time `t` (s). */
export const RawFluxSample = z.strictObject({
  t: z.number().positive(),
  counts: z.string(),
  nodes: z.string(),
});

const StatsSnapshot = z.strictObject({
  phase: z.enum(['before', 'during', 'after']),
  t: z.number(),
  qmanager: z.string(),
  resource: z.string(),
  queue: z.string(),
});

/** What sampler-stop.sh prints. */
export const SamplerOutput = z.union([
  z.strictObject({ skipped: z.literal(true) }),
  z.strictObject({
    samples: z.string(),
    stats: z.array(StatsSnapshot),
    /** Node names in rank order (the bootstrap hosts order): the resource list speaks in ranks. */
    ranks: z.array(z.string()),
  }),
]);

export const fluxNormaliser: SchedulerNormaliser = {
  normalise(outputs: StageOutputs): NormalisedRun {
    const collect = CollectOutput.parse(JSON.parse(outputs.collect));
    const fluxJobs = parseFluxJobs(collect.jobs);
    const { metrics, precise, tasks } = jobFileFigures(collect, outputs, asciiJobId);
    const { jobs: records, missing } = jobRecords(
      fluxJobs,
      outputs.submit.jobs,
      planRequests(collect.plan),
      metrics,
      precise,
    );
    const jobs = records.map((j) => withTasks(j, tasks));
    const notes: string[] = [];
    const lost = [...new Set(jobs.filter((j) => j.state === 'NODE_FAIL').flatMap((j) => j.nodes))];
    if (lost.length > 0) notes.push(`node failure: jobs ended NODE_FAIL on ${lost.join(', ')}`);
    const sampler = SamplerOutput.parse(JSON.parse(outputs.samplerStop));
    const schedulerSamples =
      'samples' in sampler
        ? parseJsonLines(sampler.samples, RawFluxSample).map((r) =>
            SchedulerSample.parse({
              time: epochToIso(r.t),
              ...parseJobStats(r.counts),
              nodes: parseResourceList(r.nodes, sampler.ranks),
            }),
          )
        : [];
    const schedulerStats =
      'stats' in sampler
        ? [...sampler.stats]
            .sort((a, b) => a.t - b.t)
            .map((s) => parseFluxionStats(s, epochToIso(s.t), s.phase))
        : [];
    return { jobs, missing: missing.map((j) => j.id), schedulerSamples, schedulerStats, notes };
  },
};
