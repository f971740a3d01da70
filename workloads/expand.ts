// A workload definition for one profile: its job groups sized (relative sizes resolved), checked against the
// profile (every job must fit: nodes, CPUs, memory), their work written as the job wrapper's arguments and their
// arrivals drawn (Poisson gaps from the seed, so the same seed gives the same job list on every scheduler). Pure.
import type { Profile } from '../components/config/profile';
import { planSeconds } from '../components/jobs/plan';
import { arrivalSeconds, jobCpus, JobSpec } from '../components/jobs/spec';
import type { Arrival, Count, JobGroup, WorkloadDefinition, Work } from './definition';
import { seededRandom, uniformPositive, type Random } from './trace/random';
import { offeredLoad as loadOver } from './trace/summary';
import { readSwfFileSync } from './trace/swf-sync';
import { replayTrace, type LogJob, type TraceReplay } from './trace/replay';
import { createHash } from 'crypto';
import { existsSync, readFileSync } from 'fs';
import { REPO_ROOT } from '../components/repo-root';
import * as path from 'path';

/** What a replay's RunResults record of it. */
export interface ReplayFacts {
  file: string;
  scale: number;
  machineProcessors: number;
  droppedWider: number;
  warmupJobs: number;
  cooldownJobs: number;
  /** SHA-256 of the log's bytes. */
  sha256: string;
  /** The first and last log job replayed, in submit order. */
  firstJob: number;
  lastJob: number;
  /** By spec index, copy k's log job. */
  logJobs: LogJob[][];
}

/** A problem of a definition on a profile: where (path below the definition) and what is wrong. */
export interface FitProblem {
  path: (string | number)[];
  message: string;
}

/** One expanded group: its spec and what the RunResult records of it. */
export interface ExpandedGroup {
  name: string;
  spec: JobSpec;
}

export interface Expansion {
  groups: ExpandedGroup[];
  /** A replayed log: which log job each copy of each spec is, and what was dropped (absent for job groups). */
  replay?: ReplayFacts;
  /** The seed the random arrivals came from, when any is random. */
  seed: number | null;
  /** Σ CPU-seconds offered / (cluster CPUs × arrival span); null when every job arrives at once. */
  offeredLoad: number | null;
  /** Seconds from the first arrival to the last (0: every job at once). */
  arrivalSpanSeconds: number;
}

/** `"50%"` of `whole`, rounded down, at least `min`; a number as given. */
function sized(value: number | string, whole: number, min: number): number {
  if (typeof value === 'number') return value;
  return Math.max(min, Math.floor((whole * Number(value.slice(0, -1))) / 100));
}

/** The most jobs one group may make. */
export const MAX_JOBS = 100000;

interface Shape {
  nodes: number;
  tasksPerNode: number;
  cpus: number;
  memoryMiB: number;
}

function shapeOf(group: JobGroup, profile: Profile): Shape {
  return {
    nodes: group.nodes === 'all' ? profile.nodes : group.nodes,
    tasksPerNode: group.tasksPerNode,
    cpus: sized(group.cpusPerTask, profile.vcpus, 1),
    memoryMiB: sized(group.memoryPerNodeMiB, Math.floor(profile.memoryGiB * 1024), 16),
  };
}

/** Why a job of this shape cannot run on the profile (empty: it fits). */
function fitProblems(shape: Shape, group: JobGroup, profile: Profile, profileName: string): FitProblem[] {
  const problems: FitProblem[] = [];
  const nodeMiB = Math.floor(profile.memoryGiB * 1024);
  if (shape.nodes > profile.nodes)
    problems.push({
      path: ['nodes'],
      message: `${shape.nodes} nodes, but profile ${profileName} has ${profile.nodes}; allowed: 1–${profile.nodes} or all`,
    });
  if (shape.tasksPerNode * shape.cpus > profile.vcpus)
    problems.push({
      path: [group.tasksPerNode > 1 ? 'tasksPerNode' : 'cpusPerTask'],
      message:
        `${shape.tasksPerNode} task(s) per node × ${shape.cpus} CPU(s) per task = ${shape.tasksPerNode * shape.cpus} ` +
        `CPUs, but a node of profile ${profileName} has ${profile.vcpus} vCPUs`,
    });
  if (shape.memoryMiB > nodeMiB)
    problems.push({
      path: ['memoryPerNodeMiB'],
      message: `${shape.memoryMiB} MiB per node, but a node of profile ${profileName} has ${nodeMiB} MiB`,
    });
  if (group.work.kind === 'cpu' && group.work.workers !== undefined && group.work.workers > shape.cpus)
    problems.push({
      path: ['work', 'workers'],
      message: `${group.work.workers} CPU stressors in a task of ${shape.cpus} CPU(s): at most ${shape.cpus}`,
    });
  return problems;
}

/** The wrapper's mode and arguments, and the expected seconds, of a group's work for a task of `shape`. */
function workOf(work: Work, shape: Shape): Pick<JobSpec, 'kind' | 'args' | 'expectedSeconds'> {
  switch (work.kind) {
    case 'cpu':
      return {
        kind: 'stress',
        args: [
          '--cpu',
          String(work.workers ?? shape.cpus),
          '--cpu-method',
          work.method,
          '--timeout',
          `${work.seconds}s`,
        ],
        expectedSeconds: work.seconds,
      };
    case 'memory': {
      const perTask = Math.floor(shape.memoryMiB / shape.tasksPerNode);
      const vmMiB = Math.max(16, Math.min(Math.floor(perTask * work.share), work.capMiB));
      return {
        kind: 'stress',
        args: ['--vm', '1', '--vm-bytes', `${vmMiB}M`, '--vm-keep', '--timeout', `${work.seconds}s`],
        expectedSeconds: work.seconds,
      };
    }
    case 'stress':
      return {
        kind: 'stress',
        args: [...work.args, '--timeout', `${work.seconds}s`],
        expectedSeconds: work.seconds,
      };
    case 'noop':
      return { kind: 'noop', args: [], expectedSeconds: 0.1 };
    case 'fail':
      return { kind: 'fail', args: [String(work.exitCode)], expectedSeconds: 0.1 };
    case 'command':
      return { kind: 'command', args: [...work.argv], expectedSeconds: work.seconds };
  }
}

/** How many jobs of `shape` run at once on the profile (at least 1). */
function atOnce(shape: Shape, profile: Profile): number {
  const nodeMiB = Math.floor(profile.memoryGiB * 1024);
  const perNode = Math.min(
    Math.floor(profile.vcpus / (shape.tasksPerNode * shape.cpus)),
    Math.floor(nodeMiB / shape.memoryMiB),
  );
  return Math.max(1, Math.floor((profile.nodes * perNode) / shape.nodes));
}

function countOf(count: Count, shape: Shape, profile: Profile): number {
  if (typeof count === 'number') return count;
  if ('perNode' in count) return count.perNode * profile.nodes;
  return Math.max(1, Math.round(count.fill * atOnce(shape, profile)));
}

/** A Poisson process's rate (jobs/s): given, or the one at which the group offers `load` of the cluster. */
function poissonRate(
  arrival: Extract<Arrival, { kind: 'poisson' }>,
  cpusPerJob: number,
  expectedSeconds: number,
  profile: Profile,
): number {
  if (arrival.ratePerSecond !== undefined) return arrival.ratePerSecond;
  return ((arrival.load ?? 1) * profile.nodes * profile.vcpus) / (cpusPerJob * expectedSeconds);
}

/** Arrivals of one group: JobSpec's arrival and the job count (random ones drawn from `random`). */
function arrivalsOf(
  group: JobGroup,
  count: number | null,
  job: { cpus: number; expectedSeconds: number; profile: Profile },
  random: Random,
): { count: number; arrival: JobSpec['arrival'] } {
  const a = group.arrival;
  switch (a.kind) {
    case 'atOnce':
      return { count: count ?? 1, arrival: { offsetSeconds: a.offsetSeconds, intervalSeconds: 0 } };
    case 'interval':
      return {
        count: count ?? 1,
        arrival: { offsetSeconds: a.offsetSeconds, intervalSeconds: a.everySeconds },
      };
    case 'offsets':
      return {
        count: a.seconds.length,
        arrival: { offsetSeconds: 0, intervalSeconds: 0, offsets: a.seconds.map(planSeconds) },
      };
    case 'poisson': {
      const lambda = poissonRate(a, job.cpus, job.expectedSeconds, job.profile);
      const offsets: number[] = [];
      let t = a.offsetSeconds;
      const end = a.forSeconds === undefined ? Infinity : a.offsetSeconds + a.forSeconds;
      for (;;) {
        t += -Math.log(uniformPositive(random)) / lambda;
        if ((count !== null && offsets.length >= count) || (count === null && t >= end)) break;
        if (offsets.length >= MAX_JOBS)
          throw new Error(
            `arrival: a Poisson process of ${lambda.toFixed(1)} jobs/s for ${a.forSeconds ?? '?'} s makes more than ` +
              `${MAX_JOBS} jobs; lower the load or rate, forSeconds, or make the jobs wider`,
          );
        offsets.push(planSeconds(t));
      }
      if (offsets.length === 0) offsets.push(planSeconds(a.offsetSeconds));
      return { count: offsets.length, arrival: { offsetSeconds: 0, intervalSeconds: 0, offsets } };
    }
  }
}

/** Seconds from the specs' first arrival to their last. */
export function arrivalSpan(specs: readonly JobSpec[]): number {
  // Arrivals never go back in time within a spec (JobSpec refuses decreasing offsets): its first and last bound it.
  const first = Math.min(...specs.map((s) => arrivalSeconds(s.arrival, 0)));
  const last = Math.max(...specs.map((s) => arrivalSeconds(s.arrival, s.count - 1)));
  return specs.length === 0 ? 0 : last - first;
}

/** Σ CPU-seconds the specs offer / (the profile's CPUs × their arrival span); null when all arrive together. */
export function offeredLoad(specs: readonly JobSpec[], profile: Profile): number | null {
  const work = specs.reduce((t, s) => t + s.count * jobCpus(s) * s.expectedSeconds, 0);
  return loadOver(work, profile.nodes * profile.vcpus, arrivalSpan(specs));
}

/** Problems of every group of `definition` on `profile` (paths `groups.<i>.<key>`); empty when all fit. */
export function definitionProblems(
  definition: WorkloadDefinition,
  profile: Profile,
  profileName: string,
): FitProblem[] {
  if (definition.trace !== undefined) return traceProblems(definition.trace);
  return (definition.groups ?? []).flatMap((group, i) => {
    const own = fitProblems(shapeOf(group, profile), group, profile, profileName);
    const countless =
      group.count === undefined &&
      group.arrival.kind !== 'offsets' &&
      !(group.arrival.kind === 'poisson' && group.arrival.forSeconds !== undefined);
    if (countless)
      own.push({
        path: ['count'],
        message:
          'required, unless the arrival is poisson with forSeconds, or explicit offsets (one job each)',
      });
    if (group.arrival.kind === 'offsets' && group.count !== undefined && typeof group.count === 'number') {
      if (group.count !== group.arrival.seconds.length)
        own.push({
          path: ['count'],
          message: `${group.count} jobs but ${group.arrival.seconds.length} arrival offsets: give one offset per job`,
        });
    }
    return own.map((p) => ({ path: ['groups', i, ...p.path], message: p.message }));
  });
}

/**
 * The job specs of `definition` on `profile`, one per group, in order, with the seed their random arrivals came
 * from. Throws naming the first problem when a group does not fit (config validation reports them all before).
 */
export function expandDefinition(
  definition: WorkloadDefinition,
  profile: Profile,
  profileName: string,
  defaultSeed: number,
): Expansion {
  const problems = definitionProblems(definition, profile, profileName);
  if (problems.length > 0) {
    const p = problems[0];
    throw new Error(`${p?.path.join('.')}: ${p?.message}`);
  }
  if (definition.trace !== undefined) return expandTrace(definition.trace, profile);
  const seed = definition.seed ?? defaultSeed;
  const random = seededRandom(seed);
  const groups = (definition.groups ?? []).map((group, i): ExpandedGroup => {
    const shape = shapeOf(group, profile);
    const work = workOf(group.work, shape);
    const cpusPerJob = shape.nodes * shape.tasksPerNode * shape.cpus;
    const count = group.count === undefined ? null : countOf(group.count, shape, profile);
    const { count: n, arrival } = arrivalsOf(
      group,
      count,
      { cpus: cpusPerJob, expectedSeconds: work.expectedSeconds, profile },
      random,
    );
    const timeLimitSeconds =
      group.timeLimit === undefined
        ? undefined
        : 'seconds' in group.timeLimit
          ? group.timeLimit.seconds
          : group.timeLimit.factor * work.expectedSeconds;
    const spec = JobSpec.parse({
      count: n,
      ...shape,
      ...work,
      ...(timeLimitSeconds === undefined ? {} : { timeLimitSeconds }),
      arrival,
      priority: group.priority,
    });
    return { name: group.name ?? `g${i}`, spec };
  });
  const specs = groups.map((g) => g.spec);
  const drawn = (definition.groups ?? []).some((g) => g.arrival.kind === 'poisson');
  return {
    groups,
    seed: drawn ? seed : null,
    offeredLoad: offeredLoad(specs, profile),
    arrivalSpanSeconds: arrivalSpan(specs),
  };
}

/** A replay's log: its path as given, a relative one from the repository's root (wherever schedbench is run from). */
function logPath(replay: TraceReplay): string {
  return path.resolve(REPO_ROOT, replay.file);
}

/** SHA-256 (hex) of a replay's log, as its bytes are now. */
function logDigest(replay: TraceReplay): string {
  return createHash('sha256')
    .update(readFileSync(logPath(replay)))
    .digest('hex');
}

function traceProblems(replay: TraceReplay): FitProblem[] {
  if (!existsSync(logPath(replay)))
    return [{ path: ['trace', 'file'], message: `no such file: ${logPath(replay)}` }];
  if (replay.sha256 === undefined) return [];
  const actual = logDigest(replay);
  if (actual === replay.sha256) return [];
  return [
    {
      path: ['trace', 'sha256'],
      message: `${logPath(replay)} has SHA-256 ${actual}, not the pinned one: the log changed since; pin the new digest or restore the log`,
    },
  ];
}

/**
 * The definitions with each replay's log digest filled in where the stack did not pin one (a log that is not there
 * is left as it is: its definition is refused for that). The config hash and snapshot then cover the log's bytes.
 */
export function withLogDigests<T extends { trace?: TraceReplay }>(
  definitions: Readonly<Record<string, T>>,
): Record<string, T> {
  return Object.fromEntries(
    Object.entries(definitions).map(([name, d]) => [
      name,
      d.trace === undefined || d.trace.sha256 !== undefined || !existsSync(logPath(d.trace))
        ? d
        : { ...d, trace: { ...d.trace, sha256: logDigest(d.trace) } },
    ]),
  );
}

/** A log's replay on the profile: its specs and which log job each copy is. */
function expandTrace(replay: TraceReplay, profile: Profile): Expansion {
  const trace = readSwfFileSync(logPath(replay));
  const r = replayTrace(trace, replay, profile);
  const specs = r.specs.map((s) => s.spec);
  return {
    groups: r.specs,
    seed: null,
    offeredLoad: offeredLoad(specs, profile),
    arrivalSpanSeconds: arrivalSpan(specs),
    replay: {
      file: path.basename(replay.file),
      scale: replay.scale,
      machineProcessors: r.machineProcessors,
      droppedWider: r.dropped.wider,
      warmupJobs: replay.warmupJobs,
      cooldownJobs: replay.cooldownJobs,
      firstJob: r.firstJob,
      lastJob: r.lastJob,
      sha256: replay.sha256 ?? logDigest(replay),
      logJobs: r.logJobs,
    },
  };
}
