// RunResult files for tests and benches: builders for hand-made runs, and a small discrete-event
// scheduling simulation (FCFS or first-fit backfill, single-node jobs, a dispatch delay) whose known
// answers (makespan, waits, CPU-seconds) the analysis must reproduce.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mulberry32 } from '../../analysis/stats';
import {
  SCHEMA_VERSION,
  type JobRecord,
  type NodeInfo,
  type NodeSample,
  type RunResult,
  type SchedulerSample,
} from '../../results/schema';

/** Time 0 of every generated run: 2026-01-01T00:00:00Z. */
export const BASE_EPOCH_SECONDS = Date.parse('2026-01-01T00:00:00Z') / 1000;

/** ISO time of `seconds` after the base epoch (millisecond precision). */
export function iso(seconds: number): string {
  return new Date(Math.round((BASE_EPOCH_SECONDS + seconds) * 1000)).toISOString();
}

export const SOURCES = { cpu: 'sim', memory: 'sim', disk: 'sim', network: 'sim', energy: 'none' };
/** Sources of a simulated node whose energy is measured (as RAPL would). */
export const MEASURED_SOURCES = { ...SOURCES, energy: 'rapl: sim' };

export function node(name: string, cpus: number, memoryMiB = 8192): NodeInfo {
  return { name, cpus, memoryMiB, sources: SOURCES };
}

export interface JobInput {
  id?: string;
  submit: number;
  start?: number | null;
  end?: number | null;
  eligible?: number | null;
  cpus?: number;
  nodes?: string[];
  state?: JobRecord['state'];
  totalCpuSeconds?: number | null;
}

/** A job record from seconds relative to the base epoch. */
export function job(j: JobInput, index = 0): JobRecord {
  const start = j.start ?? null;
  const end = j.end ?? null;
  const state = j.state ?? (end !== null ? 'COMPLETED' : start !== null ? 'RUNNING' : 'PENDING');
  return {
    id: j.id ?? String(index + 1),
    name: `job${index}`,
    specIndex: index,
    state,
    rawState: state,
    exitCode: state === 'COMPLETED' ? 0 : state === 'FAILED' ? 1 : null,
    signal: null,
    submitTime: iso(j.submit),
    eligibleTime: j.eligible === undefined ? iso(j.submit) : j.eligible === null ? null : iso(j.eligible),
    startTime: start === null ? null : iso(start),
    endTime: end === null ? null : iso(end),
    elapsedSeconds: start !== null && end !== null ? Math.max(0, end - start) : null,
    requestedCpus: j.cpus ?? 1,
    requestedMemoryMiB: 100,
    allocatedCpus: start === null ? null : (j.cpus ?? 1),
    nodes: start === null ? [] : (j.nodes ?? ['n1']),
    totalCpuSeconds: j.totalCpuSeconds ?? null,
    maxRssMiB: null,
    metrics: {},
    precise: null,
  };
}

export function hex(text: string, length: number): string {
  return createHash('sha256').update(text).digest('hex').slice(0, length);
}

export function runIdFor(seed: string, at = 0): string {
  const stamp = new Date((BASE_EPOCH_SECONDS + at) * 1000)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${stamp}_${hex(seed, 12)}`;
}

/** A RunResult with sensible defaults; override what the test is about. */
export function runResult(over: Partial<RunResult> & { jobs: JobRecord[] }): RunResult {
  const nodes = over.nodes ?? [node('n1', 4)];
  const base: RunResult = {
    schemaVersion: SCHEMA_VERSION,
    runId: runIdFor('run'),
    configHash: hex('config', 64),
    stack: 'local',
    campaignId: null,
    scheduler: { name: 'slurm', version: '22.05.8', settings: { tuning: 'default' } },
    profile: { name: 'small', nodes: nodes.length, vcpus: nodes[0]?.cpus ?? 1, memoryGiB: 8 },
    workload: { name: 'mixed', specCount: over.jobs.length },
    repetition: 1,
    startedAt: iso(-5),
    endedAt: iso(3600),
    status: 'ok',
    notes: [],
    submission: { startedAt: iso(0), endedAt: iso(1), count: over.jobs.length },
    nodes,
    jobs: over.jobs,
    samplingIntervalMs: 1000,
    nodeSamples: [],
    schedulerSamples: [],
    schedulerStats: [],
    provenance: {
      host: 'testhost',
      os: 'Debian GNU/Linux 12',
      kernel: '6.1.0',
      backend: 'netns',
      oversubscribed: false,
      virtualization: null,
      imageDigest: null,
      packages: { slurm: '22.05.8' },
      schedbenchVersion: '0.1.0',
    },
  };
  return { ...base, ...over, nodes };
}

export interface SimJob {
  submit: number;
  cpus: number;
  duration: number;
  /** Share of its CPUs the job keeps busy (TotalCPU = duration × cpus × this). */
  busy?: number;
  /** Outcome; a FAILED job runs its full duration then fails. */
  state?: 'COMPLETED' | 'FAILED';
}

export interface SimSpec {
  scheduler: RunResult['scheduler']['name'];
  profile: { name: string; nodes: number; vcpus: number };
  workload: string;
  repetition: number;
  stack?: string;
  /** The campaign the run belongs to (RunResult `campaignId`); default none, a single stack's run. */
  campaignId?: string | null;
  /** Scheduler settings as the stack configured them (a variant, e.g. `{ tuning: 'htc' }`); default none. */
  settings?: RunResult['scheduler']['settings'];
  jobs: SimJob[];
  /** fcfs: strict queue order; backfill: any queued job that fits starts (first fit). */
  policy: 'fcfs' | 'backfill';
  /** Seconds between a scheduling opportunity and the job starting. */
  dispatchDelay: number;
  samplingIntervalSeconds?: number;
  /** Measured node power: watts = idle + perBusyCpu × busy CPUs, accumulated as energy; omit for no RAPL. */
  power?: { idleWatts: number; perBusyCpuWatts: number };
}

export interface SimAnswer {
  makespanSeconds: number;
  waits: number[];
  allocatedCpuSeconds: number;
}

/** Runs the simulation and returns the RunResult plus the figures it knows to be true. */
export function simulate(spec: SimSpec): { run: RunResult; answer: SimAnswer } {
  const nodes = Array.from({ length: spec.profile.nodes }, (_, i) => ({
    ...node(`n${i + 1}`, spec.profile.vcpus),
    sources: spec.power ? MEASURED_SOURCES : SOURCES,
  }));
  const free = nodes.map((n) => n.cpus);
  type Running = { j: number; node: number; end: number };
  const running: Running[] = [];
  const starts = new Array<number | null>(spec.jobs.length).fill(null);
  const placed = new Array<number>(spec.jobs.length).fill(-1);
  const order = spec.jobs
    .map((_, i) => i)
    .sort((a, b) => (spec.jobs[a] as SimJob).submit - (spec.jobs[b] as SimJob).submit || a - b);
  const queue: number[] = [];
  let next = 0;
  let t = 0;
  const maxCpus = spec.profile.vcpus;
  // Event loop: advance to the next arrival or completion, release, enqueue, then dispatch.
  for (let guard = 0; guard < 10 * spec.jobs.length + 10; guard++) {
    const nextArrival = next < order.length ? (spec.jobs[order[next] as number] as SimJob).submit : Infinity;
    const nextEnd = running.length ? Math.min(...running.map((r) => r.end)) : Infinity;
    t = Math.min(nextArrival, nextEnd);
    if (t === Infinity) break;
    for (let k = running.length - 1; k >= 0; k--) {
      const r = running[k] as Running;
      if (r.end <= t) {
        free[r.node] = (free[r.node] as number) + (spec.jobs[r.j] as SimJob).cpus;
        running.splice(k, 1);
      }
    }
    while (next < order.length && (spec.jobs[order[next] as number] as SimJob).submit <= t)
      queue.push(order[next++] as number);
    for (let q = 0; q < queue.length;) {
      const j = queue[q] as number;
      const sj = spec.jobs[j] as SimJob;
      const target = sj.cpus <= maxCpus ? free.findIndex((f) => f >= sj.cpus) : -1;
      if (target < 0) {
        if (spec.policy === 'fcfs') break;
        q++;
        continue;
      }
      free[target] = (free[target] as number) - sj.cpus;
      const start = t + spec.dispatchDelay;
      starts[j] = start;
      placed[j] = target;
      running.push({ j, node: target, end: start + sj.duration });
      queue.splice(q, 1);
    }
  }
  const jobs: JobRecord[] = spec.jobs.map((sj, i) => {
    const start = starts[i] ?? null;
    const end = start === null ? null : start + sj.duration;
    const record = job(
      {
        submit: sj.submit,
        start,
        end,
        cpus: sj.cpus,
        nodes: start === null ? [] : [(nodes[placed[i] as number] as NodeInfo).name],
        state: start === null ? 'PENDING' : (sj.state ?? 'COMPLETED'),
        totalCpuSeconds: start === null ? null : sj.duration * sj.cpus * (sj.busy ?? 0.95),
      },
      i,
    );
    return { ...record, id: `${1000 + i}`, exitCode: record.state === 'FAILED' ? 1 : record.exitCode };
  });
  const ran = jobs.map((_, i) => i).filter((i) => starts[i] !== null);
  const firstSubmit = Math.min(...spec.jobs.map((j) => j.submit));
  const lastEnd = Math.max(...ran.map((i) => (starts[i] as number) + (spec.jobs[i] as SimJob).duration));
  const interval = spec.samplingIntervalSeconds ?? 1;
  const nodeSamples: NodeSample[] = [];
  const schedulerSamples: SchedulerSample[] = [];
  const busyAt = (n: number, at: number) =>
    ran
      .filter(
        (i) =>
          placed[i] === n &&
          (starts[i] as number) < at &&
          (starts[i] as number) + (spec.jobs[i] as SimJob).duration >= at,
      )
      .reduce((a, i) => a + (spec.jobs[i] as SimJob).cpus * ((spec.jobs[i] as SimJob).busy ?? 0.95), 0);
  const allocatedAt = (n: number, at: number) =>
    ran
      .filter(
        (i) =>
          placed[i] === n &&
          (starts[i] as number) <= at &&
          (starts[i] as number) + (spec.jobs[i] as SimJob).duration > at,
      )
      .reduce((a, i) => a + (spec.jobs[i] as SimJob).cpus, 0);
  let cumulative = 0;
  const joules = nodes.map(() => 0);
  for (let at = firstSubmit; at <= lastEnd + interval; at += interval) {
    cumulative += 1;
    nodes.forEach((n, k) => {
      const busyCpus = busyAt(k, at);
      nodeSamples.push({
        time: iso(at),
        node: n.name,
        cpuBusy: busyCpus / n.cpus,
        memoryUsedMiB: 200 + 100 * allocatedAt(k, at),
        diskReadBytes: cumulative * 4096 * (k + 1),
        diskWriteBytes: cumulative * 8192,
        netRxBytes: cumulative * 1000,
        netTxBytes: cumulative * 500,
        energyJoules: spec.power
          ? (joules[k] =
              (joules[k] ?? 0) +
              (at === firstSubmit
                ? 0
                : (spec.power.idleWatts + spec.power.perBusyCpuWatts * busyCpus) * interval))
          : null,
      });
    });
    const pending = spec.jobs.filter(
      (sj, i) => sj.submit <= at && (starts[i] === null || (starts[i] as number) > at),
    ).length;
    const runningNow = ran.filter(
      (i) => (starts[i] as number) <= at && (starts[i] as number) + (spec.jobs[i] as SimJob).duration > at,
    ).length;
    schedulerSamples.push({
      time: iso(at),
      pending,
      running: runningNow,
      nodes: nodes.map((n, k) => ({
        node: n.name,
        state: allocatedAt(k, at) > 0 ? 'MIXED' : 'IDLE',
        allocatedCpus: allocatedAt(k, at),
        idleCpus: n.cpus - allocatedAt(k, at),
      })),
    });
  }
  const stack = spec.stack ?? `${spec.scheduler}-${spec.profile.name}`;
  const seed = `${stack}/${spec.workload}`;
  const campaignId = spec.campaignId ?? null;
  // A campaign's runs get run ids of their own, so the same stack in two campaigns never collides.
  const identity = campaignId === null ? stack : `${campaignId}/${stack}`;
  const run = runResult({
    runId: runIdFor(identity),
    configHash: hex(`${identity}-config`, 64),
    stack,
    campaignId,
    scheduler: {
      name: spec.scheduler,
      version: spec.scheduler === 'slurm' ? '22.05.8' : '1.0-sim',
      settings: spec.settings ?? {},
    },
    profile: { name: spec.profile.name, nodes: spec.profile.nodes, vcpus: spec.profile.vcpus, memoryGiB: 8 },
    workload: { name: spec.workload, specCount: spec.jobs.length },
    repetition: spec.repetition,
    startedAt: iso(firstSubmit - 1),
    endedAt: iso(lastEnd + 1),
    status: jobs.every((j) => j.state === 'COMPLETED') ? 'ok' : 'failed',
    notes: [`simulated: ${spec.policy}, dispatch delay ${spec.dispatchDelay} s (${seed})`],
    submission: {
      startedAt: iso(firstSubmit),
      endedAt: iso(firstSubmit + 0.01 * spec.jobs.length),
      count: spec.jobs.length,
    },
    nodes,
    jobs,
    samplingIntervalMs: interval * 1000,
    nodeSamples,
    schedulerSamples,
    schedulerStats: [
      {
        time: iso(lastEnd),
        phase: 'after',
        cycles: 40,
        cycleLastUs: 150,
        cycleMaxUs: 900,
        cycleMeanUs: 200 + 10 * spec.dispatchDelay,
        cycleMeanDepth: 3,
        backfillCycles: spec.policy === 'backfill' ? 10 : null,
        backfillCycleMaxUs: spec.policy === 'backfill' ? 2000 : null,
        backfillCycleMeanUs: spec.policy === 'backfill' ? 700 : null,
        extra: { 'rpc.REQUEST_SUBMIT_BATCH_JOB.count': spec.jobs.length },
      },
    ],
  });
  return {
    run,
    answer: {
      makespanSeconds: lastEnd - firstSubmit,
      waits: ran.map((i) => (starts[i] as number) - (spec.jobs[i] as SimJob).submit),
      allocatedCpuSeconds: ran.reduce(
        (a, i) => a + (spec.jobs[i] as SimJob).cpus * (spec.jobs[i] as SimJob).duration,
        0,
      ),
    },
  };
}

export interface CampaignOptions {
  schedulers?: RunResult['scheduler']['name'][];
  profiles?: { name: string; nodes: number; vcpus: number }[];
  workloads?: string[];
  repetitions?: number;
  jobsPerRun?: number;
  seed?: number;
  /** Every run's campaign id; default none. */
  campaignId?: string | null;
}

/** How each simulated scheduler behaves: policy and dispatch delay (s). */
const BEHAVIOUR: Record<
  RunResult['scheduler']['name'],
  { policy: SimSpec['policy']; dispatchDelay: number; power: boolean }
> = {
  slurm: { policy: 'backfill', dispatchDelay: 1, power: false },
  kubernetes: { policy: 'fcfs', dispatchDelay: 3, power: false },
  flux: { policy: 'backfill', dispatchDelay: 0.5, power: true },
};

/** Writes one RunResult per scheduler × profile × workload × repetition under `dir/<stack>/<runId>/`. */
export function writeCampaign(
  dir: string,
  options: CampaignOptions = {},
): { path: string; run: RunResult; answer: SimAnswer }[] {
  const schedulers = options.schedulers ?? ['slurm', 'kubernetes', 'flux'];
  const profiles = options.profiles ?? [
    { name: 'small', nodes: 2, vcpus: 4 },
    { name: 'medium', nodes: 3, vcpus: 8 },
  ];
  const workloads = options.workloads ?? ['cpu_intensive', 'mixed'];
  const reps = options.repetitions ?? 3;
  // The analysis's own PRNG (mulberry32): generated campaigns are identical every time.
  const rnd = mulberry32(options.seed ?? 1);
  const out: { path: string; run: RunResult; answer: SimAnswer }[] = [];
  for (const scheduler of schedulers) {
    for (const profile of profiles) {
      for (const workload of workloads) {
        for (let repetition = 1; repetition <= reps; repetition++) {
          const count = options.jobsPerRun ?? 12;
          const jobs: SimJob[] = Array.from({ length: count }, (_, i) => ({
            submit: Math.round(i * 0.5 * 10) / 10,
            cpus: 1 + Math.floor(rnd() * Math.min(4, profile.vcpus)),
            duration: Math.round((workload === 'mixed' ? 5 + rnd() * 40 : 20 + rnd() * 10) * 10) / 10,
            busy: workload === 'mixed' ? 0.6 + 0.3 * rnd() : 0.97,
          }));
          const b = BEHAVIOUR[scheduler];
          const { run, answer } = simulate({
            scheduler,
            profile,
            workload,
            repetition,
            jobs,
            policy: b.policy,
            dispatchDelay: b.dispatchDelay,
            power: b.power ? { idleWatts: 40, perBusyCpuWatts: 12 } : undefined,
            campaignId: options.campaignId ?? null,
          });
          const path = join(dir, run.stack, run.runId, `${workload}-r${repetition}.json`);
          mkdirSync(join(dir, run.stack, run.runId), { recursive: true });
          writeFileSync(path, JSON.stringify(run, null, 1));
          out.push({ path, run, answer });
        }
      }
    }
  }
  return out;
}

/** Two one-CPU jobs of 10 s on one 2-CPU node: makespan = delay + 10 s, every wait = the dispatch delay. */
const TWO_JOBS: SimJob[] = [
  { submit: 0, cpus: 1, duration: 10 },
  { submit: 0, cpus: 1, duration: 10 },
];

/**
 * Repetitions 1…n of one small run, one per dispatch delay (s): a scheduler as fast or as slow as a test needs,
 * e.g. `withDelays({ scheduler: 'slurm' }, [0, 0.1, 0.2, 0.3])`. Loaded-run shaped (path + run).
 */
export function withDelays(
  spec: Partial<Omit<SimSpec, 'repetition' | 'dispatchDelay'>> & Pick<SimSpec, 'scheduler'>,
  delays: readonly number[],
): { path: string; run: RunResult }[] {
  return delays.map((dispatchDelay, i) => {
    const { run } = simulate({
      profile: { name: 'small', nodes: 1, vcpus: 2 },
      workload: 'w',
      jobs: TWO_JOBS,
      policy: 'fcfs',
      ...spec,
      repetition: i + 1,
      dispatchDelay,
    });
    return { path: `${run.stack}/${run.campaignId ?? 'single'}/${run.workload.name}-r${i + 1}.json`, run };
  });
}
