// Assembling one RunResult from what a run's stages printed (submit, wait, collect, samplers): pure, parsed
// with zod at every step, validated against analysis/schema.ts before it is returned.
import { z } from 'zod';
import { JobRecord, RunResult, RunStatus, SampleSources, SCHEMA_VERSION } from '../analysis/schema';
import {
  NodeSamplerOutput,
  parseJsonLines,
  RawNodeSample,
  RawSchedulerSample,
  SchedulerSamplerOutput,
  epochToIso,
  toNodeSamples,
  toSchedulerSamples,
} from '../components/samplers/convert';
import { jobRecords, parseSacct, parseSdiag, type SubmittedJob } from '../components/slurm/parse';
import { parse as parseYaml } from 'yaml';

/** What the program knows of a run before it starts (handed to the writer). */
export const RunMeta = z.strictObject({
  runId: z.string(),
  configHash: z.string(),
  stack: z.string(),
  scheduler: RunResult.shape.scheduler,
  profile: RunResult.shape.profile,
  workload: RunResult.shape.workload,
  repetition: z.number().int().positive(),
  nodes: z.array(
    z.strictObject({ name: z.string(), cpus: z.number().int().positive(), memoryMiB: z.number().positive() }),
  ),
  samplingIntervalMs: z.number().int().positive(),
  provenance: z.strictObject({
    host: z.string(),
    os: z.string(),
    kernel: z.string(),
    hostCpus: z.number().int().positive(),
    backend: z.enum(['netns', 'libvirt', 'hosts']),
    virtualization: z.enum(['kvm', 'tcg']).nullable(),
    imageDigest: z.string().nullable(),
    /** From the node backend when it knows (VMs: their host's cores are not visible inside); else derived from hostCpus. */
    oversubscribed: z.boolean().optional(),
    packages: z.record(z.string(), z.string()),
    schedbenchVersion: z.string(),
  }),
});
export type RunMeta = z.infer<typeof RunMeta>;

export const SubmitOutput = z.strictObject({
  startedAt: z.iso.datetime({ offset: true }),
  endedAt: z.iso.datetime({ offset: true }),
  jobs: z.array(
    z.strictObject({ id: z.string().min(1), specIndex: z.number().int().nonnegative(), name: z.string() }),
  ),
});
export const WaitOutput = z.strictObject({
  timedOut: z.boolean(),
  waitedSeconds: z.number().nonnegative(),
  cancelled: z.array(z.string()).optional(),
});
export const CollectOutput = z.strictObject({
  fields: z.string(),
  sacct: z.string(),
  metrics: z.record(z.string(), z.string()),
});

/** Everything the run's stages printed, as the writer receives it on stdin. */
export const RunBundle = z.strictObject({
  meta: RunMeta,
  submit: z.string(),
  wait: z.string(),
  collect: z.string(),
  nodeSamplers: z.record(z.string(), z.string()),
  schedulerSampler: z.string(),
});
export type RunBundle = z.infer<typeof RunBundle>;

const StressNgYaml = z.looseObject({
  metrics: z
    .array(z.looseObject({ stressor: z.string() }))
    .optional()
    .nullable(),
});

/** stress-ng's `--yaml` metrics → flat numeric figures (`cpu.bogo-ops-per-second-real-time`, …). */
export function stressNgMetrics(text: string): Record<string, number> {
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch {
    // A job killed mid-write leaves a truncated file: it simply has no metrics.
    return {};
  }
  const doc = StressNgYaml.safeParse(value);
  const out: Record<string, number> = {};
  if (!doc.success) return out;
  for (const entry of doc.data.metrics ?? []) {
    for (const [key, value] of Object.entries(entry)) {
      if (key !== 'stressor' && typeof value === 'number' && Number.isFinite(value))
        out[`${entry.stressor}.${key}`] = value;
    }
  }
  return out;
}

function runStatus(jobs: readonly JobRecord[], timedOut: boolean, missing: number): RunStatus {
  if (timedOut) return 'timeout';
  if (jobs.some((j) => j.state === 'NODE_FAIL')) return 'degraded';
  if (missing > 0 || jobs.some((j) => j.state !== 'COMPLETED')) return 'failed';
  return 'ok';
}

const UNKNOWN_SOURCES: z.infer<typeof SampleSources> = {
  cpu: 'unknown',
  memory: 'unknown',
  disk: 'unknown',
  network: 'unknown',
};

/** The RunResult of a run whose stages printed `bundle` (SLURM outputs). */
export function assembleRunResult(bundle: RunBundle): RunResult {
  const { meta } = bundle;
  const submit = SubmitOutput.parse(JSON.parse(bundle.submit));
  const wait = WaitOutput.parse(JSON.parse(bundle.wait));
  const collect = CollectOutput.parse(JSON.parse(bundle.collect));
  const notes: string[] = [];

  const metrics: Record<string, Record<string, number>> = {};
  for (const [id, yaml] of Object.entries(collect.metrics)) metrics[id] = stressNgMetrics(yaml);
  const submitted: SubmittedJob[] = submit.jobs;
  const { jobs, missing } = jobRecords(
    parseSacct(collect.sacct, collect.fields.split(',')),
    submitted,
    metrics,
  );
  if (missing.length > 0)
    notes.push(
      `${missing.length} submitted job(s) have no accounting record: ${missing.map((j) => j.id).join(', ')}`,
    );
  if (wait.timedOut) {
    notes.push(
      `the run hit its ${wait.waitedSeconds}s bound; cancelled: ${(wait.cancelled ?? []).join(', ') || 'none'}`,
    );
  }
  const lost = [...new Set(jobs.filter((j) => j.state === 'NODE_FAIL').flatMap((j) => j.nodes))];
  if (lost.length > 0) notes.push(`node failure: jobs ended NODE_FAIL on ${lost.join(', ')}`);
  const failed = jobs.filter((j) => j.state !== 'COMPLETED' && j.state !== 'NODE_FAIL');
  if (failed.length > 0)
    notes.push(
      `${failed.length} job(s) did not complete: ${failed.map((j) => `${j.id} ${j.rawState} exit ${j.exitCode ?? '-'}`).join('; ')}`,
    );

  const nodeSamples = [];
  const nodes = [];
  for (const node of meta.nodes) {
    const raw = bundle.nodeSamplers[node.name];
    const out = raw === undefined ? undefined : NodeSamplerOutput.parse(JSON.parse(raw));
    let sources = UNKNOWN_SOURCES;
    if (out !== undefined && 'samples' in out) {
      sources = out.sources ?? UNKNOWN_SOURCES;
      nodeSamples.push(...toNodeSamples(node.name, node.cpus, parseJsonLines(out.samples, RawNodeSample)));
    } else {
      notes.push(`no samples from node ${node.name}`);
    }
    nodes.push({ name: node.name, cpus: node.cpus, memoryMiB: node.memoryMiB, sources });
  }

  const sched = SchedulerSamplerOutput.parse(JSON.parse(bundle.schedulerSampler));
  const schedulerSamples =
    'samples' in sched ? toSchedulerSamples(parseJsonLines(sched.samples, RawSchedulerSample)) : [];
  const schedulerStats =
    'sdiag' in sched
      ? [...sched.sdiag].sort((a, b) => a.t - b.t).map((s) => parseSdiag(s.text, epochToIso(s.t), s.phase))
      : [];

  const times = [
    submit.startedAt,
    submit.endedAt,
    ...nodeSamples.map((s) => s.time),
    ...schedulerSamples.map((s) => s.time),
    ...jobs.flatMap((j) => [j.submitTime, j.endTime].filter((t): t is string => t !== null)),
  ].map((t) => Date.parse(t));
  const startedAt = new Date(Math.min(...times)).toISOString();
  const endedAt = new Date(Math.max(...times)).toISOString();

  return RunResult.parse({
    schemaVersion: SCHEMA_VERSION,
    runId: meta.runId,
    configHash: meta.configHash,
    stack: meta.stack,
    scheduler: meta.scheduler,
    profile: meta.profile,
    workload: meta.workload,
    repetition: meta.repetition,
    startedAt,
    endedAt,
    status: runStatus(jobs, wait.timedOut, missing.length),
    notes,
    submission: { startedAt: submit.startedAt, endedAt: submit.endedAt, count: submit.jobs.length },
    nodes,
    jobs,
    samplingIntervalMs: meta.samplingIntervalMs,
    nodeSamples,
    schedulerSamples,
    schedulerStats,
    provenance: {
      host: meta.provenance.host,
      os: meta.provenance.os,
      kernel: meta.provenance.kernel,
      backend: meta.provenance.backend,
      oversubscribed:
        meta.provenance.oversubscribed ?? meta.profile.nodes * meta.profile.vcpus > meta.provenance.hostCpus,
      virtualization: meta.provenance.virtualization,
      imageDigest: meta.provenance.imageDigest,
      packages: meta.provenance.packages,
      schedbenchVersion: meta.provenance.schedbenchVersion,
    },
  });
}

/** The figures a stack output shows per run (what write-result.ts prints). */
export const RunSummary = z.object({
  path: z.string(),
  status: RunStatus,
  jobsCompleted: z.number().int().nonnegative(),
  jobsFailed: z.number().int().nonnegative(),
  makespanSeconds: z.number().nonnegative().nullable(),
  skipped: z.boolean().optional(),
});
export type RunSummary = z.infer<typeof RunSummary>;

export function summarise(result: RunResult, path: string): RunSummary {
  const submits = result.jobs.map((j) => Date.parse(j.submitTime));
  const ends = result.jobs.flatMap((j) => (j.endTime === null ? [] : [Date.parse(j.endTime)]));
  return {
    path,
    status: result.status,
    jobsCompleted: result.jobs.filter((j) => j.state === 'COMPLETED').length,
    jobsFailed: result.jobs.filter((j) => j.state !== 'COMPLETED').length,
    makespanSeconds:
      submits.length > 0 && ends.length > 0 ? (Math.max(...ends) - Math.min(...submits)) / 1000 : null,
  };
}
