// A log replayed as a workload (issue 26): a window of its jobs, their arrivals and run times scaled by `scale`,
// their processors mapped to the profile, each job doing real CPU work for its scaled run time. Jobs of one shape
// and one scaled run time (whole seconds) share a job spec whose copies arrive at their own offsets, so a replay of
// hundreds of jobs stays a few dozen specs; `jobs` says which log job each copy is. Pure (the file is read by the
// caller).
import { z } from 'zod';
import type { Profile } from '../../components/config/profile';
import { planSeconds } from '../../components/jobs/plan';
import { JobSpec } from '../../components/jobs/spec';
import { scaledCpus } from './load';
import { logMachine } from './summary';
import type { LogJob } from '../../results/schema';
import { jobProcessors, type SwfJob } from './swf-format';
import type { SwfTrace } from './swf-format';

/** `1/600` or a number in (0, 1]: seconds of the replay per second of the log. */
const Scale = z.union([
  z.number().positive().max(1),
  z
    .string()
    .regex(/^1\/[1-9][0-9]{0,6}$/, { message: 'a number in (0, 1] or "1/N"' })
    .transform((s) => 1 / Number(s.slice(2))),
]);

export const TraceReplay = z
  .strictObject({
    /** The log (`.swf` or `.swf.gz`), absolute or relative to the repository's root. */
    file: z.string().min(1),
    /**
     * The log's SHA-256 (hex): pinned, a log whose bytes differ is refused; absent, it is filled in from the file when
     * the config is read, so the config hash and snapshot cover what was replayed, not only its path.
     */
    sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/, { message: '64 lowercase hex digits' })
      .optional(),
    /** The first job replayed: the first whose job number is at least this… */
    fromJob: z.number().int().min(1).default(1),
    /** …and whose submit time is at least this (seconds from the log's start, as its field 2). */
    fromSeconds: z.number().nonnegative().default(0),
    /** How many jobs (after dropping those that do not fit). */
    count: z.number().int().min(1).max(10000).default(100),
    /** The first jobs by submit time: they fill the machine, but their own figures are left out of the metrics. */
    warmupJobs: z.number().int().min(0).default(0),
    /** The last jobs by submit time: they keep the load up to the end, but are left out of the metrics. */
    cooldownJobs: z.number().int().min(0).default(0),
    /** Time scale of arrivals and run times (1/600: an hour of the log in 6 s). */
    scale: Scale.default(1 / 600),
    /** Scaled run times are capped at this (s)… */
    maxRunSeconds: z.number().positive().max(3600).default(30),
    /** …and raised to at least this (a job of 0 s still starts and ends); run times are whole seconds, at least 1. */
    minRunSeconds: z.number().positive().max(60).default(1),
    /** CPUs of each task (a job's CPUs are its tasks × this). */
    cpusPerTask: z.number().int().min(1).max(512).default(1),
    /** A job wider than the log's machine: clipped to the whole profile, or dropped (and counted). */
    wider: z.enum(['clip', 'drop']).default('clip'),
    /** Memory each job asks for on each node (MiB). */
    memoryPerNodeMiB: z.number().int().min(16).max(4194304).default(64),
  })
  .superRefine((r, ctx) => {
    if (r.warmupJobs + r.cooldownJobs < r.count) return;
    ctx.addIssue({
      code: 'custom',
      path: ['warmupJobs'],
      message: `${r.warmupJobs} warm-up and ${r.cooldownJobs} cool-down jobs leave none of count ${r.count} measured; allowed: warmupJobs + cooldownJobs < count`,
    });
  });
export type TraceReplay = z.infer<typeof TraceReplay>;
export type TraceReplayInput = z.input<typeof TraceReplay>;

export type { LogJob };

export interface Replay {
  /** One spec per shape and scaled run time, in order of first arrival. */
  specs: { name: string; spec: JobSpec }[];
  /** By spec index, copy k's log job. */
  logJobs: LogJob[][];
  /** The log machine's processors the sizes were mapped from. */
  machineProcessors: number;
  dropped: { wider: number };
  /** The log jobs replayed, in submit order: the first and the last job number. */
  firstJob: number;
  lastJob: number;
}

/**
 * The nodes, tasks per node and CPUs per task of a log job of `processors` on the profile: CPUs = ⌈processors ×
 * profile CPUs / machine processors⌉ (at least 1, at most the profile's), tasks = ⌈CPUs / cpusPerTask⌉, nodes =
 * ⌈tasks / tasks a node holds⌉, tasks per node = ⌈tasks / nodes⌉ — so a job's tasks are rounded up to fill its nodes
 * evenly. Null: wider than the machine and `wider: drop`.
 */
export function replayShape(
  processors: number,
  machineProcessors: number,
  profile: Profile,
  replay: Pick<TraceReplay, 'cpusPerTask' | 'wider'>,
): { nodes: number; tasksPerNode: number; cpus: number } | null {
  if (processors > machineProcessors && replay.wider === 'drop') return null;
  const cpus = scaledCpus(processors, machineProcessors, profile.nodes * profile.vcpus);
  const perTask = Math.min(replay.cpusPerTask, profile.vcpus);
  const tasks = Math.ceil(cpus / perTask);
  const perNode = Math.floor(profile.vcpus / perTask);
  const nodes = Math.min(profile.nodes, Math.ceil(tasks / perNode));
  return { nodes, tasksPerNode: Math.min(perNode, Math.ceil(tasks / nodes)), cpus: perTask };
}

type Windowed = { job: SwfJob; shape: NonNullable<ReturnType<typeof replayShape>> };

/** The jobs the replay takes, in submit order (job number breaks ties), and how many were dropped as too wide. */
function logWindow(
  trace: SwfTrace,
  replay: TraceReplay,
  profile: Profile,
): { ordered: Windowed[]; wider: number; machineProcessors: number } {
  const widest = trace.jobs.reduce((m, j) => Math.max(m, jobProcessors(j) ?? 0), 0);
  const machineProcessors = logMachine(trace, widest > 0 ? widest : null)?.processors ?? 1;
  const window: Windowed[] = [];
  let wider = 0;
  for (const job of trace.jobs) {
    if (window.length >= replay.count) break;
    if (job.jobNumber < replay.fromJob || job.submitSeconds < replay.fromSeconds) continue;
    const shape = replayShape(jobProcessors(job) ?? 1, machineProcessors, profile, replay);
    if (shape === null) wider++;
    else window.push({ job, shape });
  }
  const ordered = window.sort(
    (a, b) => a.job.submitSeconds - b.job.submitSeconds || a.job.jobNumber - b.job.jobNumber,
  );
  return { ordered, wider, machineProcessors };
}

/** The replay of `trace` on `profile`. Throws when the window holds no job. */
export function replayTrace(trace: SwfTrace, replay: TraceReplay, profile: Profile): Replay {
  const { ordered, wider, machineProcessors } = logWindow(trace, replay, profile);
  const first = ordered[0]?.job.submitSeconds;
  if (first === undefined)
    throw new Error(
      `no job of the log from job ${replay.fromJob} and submit second ${replay.fromSeconds} on (of ${trace.jobs.length} jobs)`,
    );
  const byKey = new Map<string, number>();
  const specs: { name: string; offsets: number[]; base: Omit<JobSpec, 'count' | 'arrival'> }[] = [];
  const logJobs: LogJob[][] = [];
  const phaseOf = (k: number): NonNullable<LogJob['phase']> =>
    k < replay.warmupJobs ? 'warmup' : k >= ordered.length - replay.cooldownJobs ? 'cooldown' : 'measured';
  for (const [k, { job, shape }] of ordered.entries()) {
    // Whole seconds: stress-ng bounds its work in whole seconds (a fractional --timeout would be no timeout at all).
    const run = Math.max(
      1,
      Math.round(
        Math.min(replay.maxRunSeconds, Math.max(replay.minRunSeconds, job.runSeconds * replay.scale)),
      ),
    );
    const key = `${shape.nodes}x${shape.tasksPerNode}x${shape.cpus}@${run}`;
    let index = byKey.get(key);
    if (index === undefined) {
      index = specs.length;
      byKey.set(key, index);
      specs.push({
        name: `n${shape.nodes}t${shape.tasksPerNode}c${shape.cpus}-${run}s`,
        offsets: [],
        base: {
          ...shape,
          memoryMiB: replay.memoryPerNodeMiB,
          expectedSeconds: run,
          kind: 'stress',
          args: ['--cpu', String(shape.cpus), '--cpu-method', 'matrixprod', '--timeout', `${run}s`],
          priority: 'normal',
          ...(job.requestedSeconds !== null && job.requestedSeconds > 0
            ? { timeLimitSeconds: Math.max(run, job.requestedSeconds * replay.scale) }
            : {}),
        },
      });
      logJobs.push([]);
    }
    specs[index]?.offsets.push(planSeconds((job.submitSeconds - first) * replay.scale));
    logJobs[index]?.push({
      job: job.jobNumber,
      submitSeconds: job.submitSeconds,
      runSeconds: job.runSeconds,
      processors: jobProcessors(job) ?? 1,
      phase: phaseOf(k),
    });
  }
  return {
    specs: specs.map((s) => ({
      name: s.name,
      spec: JobSpec.parse({
        ...s.base,
        count: s.offsets.length,
        arrival: { offsetSeconds: 0, intervalSeconds: 0, offsets: s.offsets },
      }),
    })),
    logJobs,
    machineProcessors,
    dropped: { wider },
    firstJob: ordered[0]?.job.jobNumber ?? 0,
    lastJob: ordered.at(-1)?.job.jobNumber ?? 0,
  };
}
