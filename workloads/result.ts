// Assembling one RunResult from what a run's stages printed: the neutral parts (submission, wait, node samples)
// here, the scheduler's own outputs through its normaliser (components/schedulers/normalisers.ts). Pure, parsed
// with zod at every step, validated against results/schema.ts before it is returned.
import { z } from 'zod';
import { runStatus } from '../results/jobs';
import { Emulation, JobRecord, LogJob, RunResult, SampleSources, SCHEMA_VERSION } from '../results/schema';
import { BACKEND_KINDS } from '../results/vocabulary';
import {
  energyNotes,
  NodeSamplerOutput,
  parseJsonLines,
  RawNodeSample,
  toNodeSamples,
} from '../components/samplers/convert';
import {
  NodeJobFiles,
  SchedulerProvenance,
  SubmitOutput,
  WaitOutput,
} from '../components/schedulers/contract';
import { schedulerNormaliser } from '../components/schedulers/normalisers';

/** What the program knows of a run before it starts (handed to the writer). */
export const RunMeta = z.strictObject({
  runId: z.string(),
  configHash: z.string(),
  campaignId: z.string().nullable(),
  stack: z.string(),
  scheduler: RunResult.shape.scheduler.shape.name,
  profile: RunResult.shape.profile,
  workload: RunResult.shape.workload,
  repetition: z.number().int().positive(),
  nodes: z.array(
    z.strictObject({ name: z.string(), cpus: z.number().int().positive(), memoryMiB: z.number().positive() }),
  ),
  samplingIntervalMs: z.number().int().positive(),
  /** What the scheduler component reports of itself. */
  schedulerProvenance: SchedulerProvenance,
  /** What the node backend knows. */
  backend: z.strictObject({
    kind: z.enum(BACKEND_KINDS),
    /** Name of the machine the nodes run on, when the backend knows better than the first node. */
    host: z.string().nullable(),
    virtualization: z.enum(['kvm', 'tcg']).nullable(),
    imageDigest: z.string().nullable(),
    /** From the node backend when it knows (VMs: their host's cores are not visible inside); else derived. */
    oversubscribed: z.boolean().nullable(),
  }),
  schedbenchVersion: z.string(),
  /** Each spec's job shape, by spec index: what every job record of it asked for. */
  jobShapes: z
    .array(
      z.strictObject({
        nodes: z.number().int().positive(),
        tasksPerNode: z.number().int().positive(),
        priority: JobRecord.shape.priority.unwrap(),
      }),
    )
    .default([]),
  /** A replayed log's jobs: by spec index, copy k's log job (empty otherwise). */
  logJobs: z.array(z.array(LogJob)).default([]),
  /** The machine the profile was sized from (the `host` profile), or null (also for bundles made before it). */
  profileSizedFrom: RunResult.shape.provenance.shape.profileSizedFrom.unwrap().default(null),
  /** The run's emulation (docs/scale.md), or null: real execution. */
  emulation: Emulation.nullable().default(null),
});
export type RunMeta = z.infer<typeof RunMeta>;

/** Everything the run's stages printed, as the writer receives it on stdin. */
export const RunBundle = z.strictObject({
  meta: RunMeta,
  submit: z.string(),
  wait: z.string(),
  collect: z.string(),
  nodeSamplers: z.record(z.string(), z.string()),
  schedulerSampler: z.string(),
  /** Per node whose filesystem is not the collect node's: what the job files gather printed (NodeJobFiles). */
  nodeJobFiles: z.record(z.string(), z.string()).default({}),
});
export type RunBundle = z.infer<typeof RunBundle>;

const UNKNOWN_SOURCES: z.infer<typeof SampleSources> = {
  cpu: 'unknown',
  memory: 'unknown',
  disk: 'unknown',
  network: 'unknown',
  energy: 'none',
};

function nodeSamplesOf(bundle: RunBundle, notes: string[]): Pick<RunResult, 'nodes' | 'nodeSamples'> {
  const nodeSamples = [];
  const nodes = [];
  for (const node of bundle.meta.nodes) {
    const raw = bundle.nodeSamplers[node.name];
    const out = raw === undefined ? undefined : NodeSamplerOutput.parse(JSON.parse(raw));
    let sources = UNKNOWN_SOURCES;
    if (out !== undefined && 'samples' in out) {
      sources = out.sources ?? UNKNOWN_SOURCES;
      const rawSamples = parseJsonLines(out.samples, RawNodeSample);
      nodeSamples.push(...toNodeSamples(node.name, node.cpus, rawSamples));
      notes.push(...energyNotes(node.name, rawSamples));
    } else {
      notes.push(`no samples from node ${node.name}`);
    }
    nodes.push({ name: node.name, cpus: node.cpus, memoryMiB: node.memoryMiB, sources });
  }
  return { nodes, nodeSamples };
}

function parseJsonOrNull(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** A job record with the nodes, tasks and priority its spec asked for (as the record's spec index names it). */
function withShape(job: JobRecord, shapes: RunMeta['jobShapes']): JobRecord {
  const shape = job.specIndex === null ? undefined : shapes[job.specIndex];
  if (shape === undefined) return job;
  return {
    ...job,
    requestedNodes: shape.nodes,
    requestedTasks: shape.nodes * shape.tasksPerNode,
    priority: shape.priority,
  };
}

/** A replayed job's record with its log job: copy k of spec s (the job's name ends in `-<k>`). */
function withLogJob(job: JobRecord, logJobs: RunMeta['logJobs']): JobRecord {
  const copy = /-(\d+)$/.exec(job.name)?.[1];
  const log =
    job.specIndex === null || copy === undefined ? undefined : logJobs[job.specIndex]?.[Number(copy)];
  return log === undefined ? job : { ...job, logJob: log };
}

/** The RunResult of a run whose stages printed `bundle`. */
export function assembleRunResult(bundle: RunBundle): RunResult {
  const { meta } = bundle;
  const submit = SubmitOutput.parse(JSON.parse(bundle.submit));
  const wait = WaitOutput.parse(JSON.parse(bundle.wait));
  const notes: string[] = [];
  const nodeJobFiles: NodeJobFiles[] = [];
  for (const [node, raw] of Object.entries(bundle.nodeJobFiles)) {
    const parsed = NodeJobFiles.safeParse(parseJsonOrNull(raw));
    if (parsed.success) nodeJobFiles.push(parsed.data);
    else notes.push(`no job files from node ${node}: its jobs have the scheduler's times only`);
  }
  const scheduler = schedulerNormaliser(meta.scheduler).normalise({
    submit,
    wait,
    collect: bundle.collect,
    samplerStop: bundle.schedulerSampler,
    nodeJobFiles,
  });
  const { missing } = scheduler;
  const jobs = scheduler.jobs.map((j) => withLogJob(withShape(j, meta.jobShapes), meta.logJobs));
  if (missing.length > 0)
    notes.push(`${missing.length} submitted job(s) have no accounting record: ${missing.join(', ')}`);
  if (wait.timedOut)
    notes.push(
      `the run hit its ${wait.waitedSeconds}s bound; cancelled: ${(wait.cancelled ?? []).join(', ') || 'none'}`,
    );
  if (wait.schedulerLost !== undefined)
    notes.push(
      `the scheduler stopped answering ${wait.waitedSeconds}s into the wait (${wait.schedulerLost}); jobs are recorded as accounting last saw them`,
    );
  notes.push(...scheduler.notes);
  const failed = jobs.filter((j) => j.state !== 'COMPLETED' && j.state !== 'NODE_FAIL');
  if (failed.length > 0)
    notes.push(
      `${failed.length} job(s) did not complete: ${failed.map((j) => `${j.id} ${j.rawState} exit ${j.exitCode ?? '-'}`).join('; ')}`,
    );
  const { nodes, nodeSamples } = nodeSamplesOf(bundle, notes);

  const times = [
    submit.startedAt,
    submit.endedAt,
    ...nodeSamples.map((s) => s.time),
    ...scheduler.schedulerSamples.map((s) => s.time),
    ...jobs.flatMap((j) => [j.submitTime, j.endTime].filter((t): t is string => t !== null)),
  ].map((t) => Date.parse(t));
  const prov = meta.schedulerProvenance;
  return RunResult.parse({
    schemaVersion: SCHEMA_VERSION,
    runId: meta.runId,
    campaignId: meta.campaignId,
    configHash: meta.configHash,
    stack: meta.stack,
    scheduler: { name: meta.scheduler, version: prov.version, settings: prov.settings },
    profile: meta.profile,
    workload: meta.workload,
    repetition: meta.repetition,
    startedAt: new Date(Math.min(...times)).toISOString(),
    endedAt: new Date(Math.max(...times)).toISOString(),
    status: runStatus(jobs, wait.timedOut, missing.length, wait.schedulerLost !== undefined),
    notes,
    submission: { startedAt: submit.startedAt, endedAt: submit.endedAt, count: submit.jobs.length },
    nodes,
    jobs,
    samplingIntervalMs: meta.samplingIntervalMs,
    nodeSamples,
    schedulerSamples: scheduler.schedulerSamples,
    schedulerStats: scheduler.schedulerStats,
    provenance: {
      host: meta.backend.host ?? prov.host,
      os: prov.os,
      kernel: prov.kernel,
      backend: meta.backend.kind,
      oversubscribed: meta.backend.oversubscribed ?? meta.profile.nodes * meta.profile.vcpus > prov.hostCpus,
      virtualization: meta.backend.virtualization,
      imageDigest: meta.backend.imageDigest,
      packages: prov.packages,
      schedbenchVersion: meta.schedbenchVersion,
      profileSizedFrom: meta.profileSizedFrom,
      execution: meta.emulation === null ? 'real' : 'emulated',
      emulation: meta.emulation,
    },
  });
}

export { RunSummary, summarise } from './summary';
