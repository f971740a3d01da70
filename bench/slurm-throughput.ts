// Bench: N trivial jobs (default 1,000) through the harness — a workload run of the product (samplers, sbatch
// from the controller node, wait, sacct, sdiag, RunResult) on netns nodes, through the local runner as users run
// it — versus a raw sbatch loop against the same cluster in the same process, for one or more tunings back to
// back (same job count, same nodes). Prints, per tuning, the ratio harness/raw (target ≥ 0.9), the harness's
// submit, start and end-to-end completion rates (jobs/s), the slot turnover and sdiag's cycle counts, then one
// line comparing the tunings' jobs/s, next to SchedMD's published "500 simple batch jobs per second sustained"
// (High Throughput Computing guide).
// With `trace`, slurmctld runs at debug level with DebugFlags=TraceJobs for both loops (set at run time with
// scontrol, so the cluster's files stay as the product wrote them) and each harness job gets a timeline from the
// daemons' logs: submit → allocated → launch RPC at slurmd → job start → job end → completion RPC at slurmctld →
// slot free (epilog complete) → next allocation on that node.
// With `emulate=N`, the cluster is N emulated Perlmutter CPU nodes (128 vCPUs, 512 GiB) on the two netns nodes
// (schedbench:emulation, docs/scale.md) and both loops run against it: harness/raw at scale.
// Usage: npx tsx bench/slurm-throughput.ts [jobs=1000] [tunings=htc, comma-separated: default,htc] [trace] [emulate=N]
import { execFileSync } from 'child_process';
import { readFileSync, statSync } from 'fs';
import * as path from 'path';
import { z } from 'zod';
import type { JobRecord, RunResult } from '../results/schema';
import { SLURM_TUNINGS } from '../components/slurm/options';
import { benchProfile, benchStack, loadAverages, rate } from './lib/stack';

// The baseline: sbatch in a loop from the host (netns nodes share its filesystem and it reaches slurmctld on
// the cluster bridge), the same job script and options the harness uses, then a poll until the queue is empty.
const RAW_LOOP = `
set -euo pipefail
for ((i = 0; i < JOBS; i++)); do
  sbatch --parsable -p batch -N 1 -n 1 -c 1 --mem=16M -t 1 --no-requeue -o /dev/null --job-name="raw-$i" \\
    "$ROOT/jobs/job.sh" /tmp noop >/dev/null
done
until [[ -z "$(squeue -h -o %i)" ]]; do sleep 0.2; done
`;

const Tunings = z.array(z.enum(SLURM_TUNINGS)).min(1);

/** The p-quantile (0…1) of `xs` by rank, or null when there is none. */
function quantile(xs: readonly number[], p: number): number | null {
  const sorted = [...xs].filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  const v = sorted[Math.floor(p * (sorted.length - 1))];
  return v === undefined ? null : Number(v.toFixed(3));
}

/** Median and p90 of the gaps between a job's end on a node and the next job's start there (precise times). */
function slotTurnover(jobs: readonly JobRecord[]): {
  medianGapSeconds: number | null;
  p90GapSeconds: number | null;
  runMedianSeconds: number | null;
} {
  const byNode = new Map<string, { start: number; end: number }[]>();
  const runs: number[] = [];
  for (const j of jobs) {
    const start = j.precise?.startEpochS ?? null;
    const end = j.precise?.endEpochS ?? null;
    const node = j.nodes[0];
    if (start === null || end === null || node === undefined) continue;
    byNode.set(node, [...(byNode.get(node) ?? []), { start, end }]);
    runs.push(end - start);
  }
  const gaps: number[] = [];
  for (const list of byNode.values()) {
    const starts = list.map((x) => x.start).sort((a, b) => a - b);
    for (const { end } of list) {
      const next = starts.find((t) => t >= end);
      if (next !== undefined) gaps.push(next - end);
    }
  }
  return {
    medianGapSeconds: quantile(gaps, 0.5),
    p90GapSeconds: quantile(gaps, 0.9),
    runMedianSeconds: quantile(runs, 0.5),
  };
}

/** A daemon log's lines from byte `from` on (what one loop wrote). */
function logSince(file: string, from: number): string[] {
  return readFileSync(file).subarray(from).toString('utf8').split('\n');
}

function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

/** `[2026-11-30T17:21:43.632] text`: SLURM's default iso8601_ms stamps, in the daemons' (this host's) local time. */
function stamped(line: string): { t: number; text: string } | null {
  const m = /^\[(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?)\] (.*)$/.exec(line);
  if (m === null || m[1] === undefined || m[2] === undefined) return null;
  return { t: new Date(m[1]).getTime() / 1000, text: m[2] };
}

interface JobEvents {
  allocated?: number;
  node?: string;
  launch?: number;
  completeRpc?: number;
  slotFree?: number;
}

/**
 * Per-job timeline from slurmctld's and the slurmds' logs plus the job wrapper's precise times: medians and p90s
 * of each step, the scheduler passes seen (`sched: Running job scheduler`, debug level) and how often a pass
 * follows a slot freeing.
 */
function timeline(result: RunResult, ctld: string[], slurmd: string[]) {
  const events = new Map<string, JobEvents>();
  const ev = (id: string) => {
    const e = events.get(id) ?? {};
    events.set(id, e);
    return e;
  };
  const passes: number[] = [];
  for (const raw of ctld) {
    const s = stamped(raw);
    if (s === null) continue;
    let m: RegExpExecArray | null;
    if ((m = /sched: Allocate JobId=(\d+) NodeList=(\S+)/.exec(s.text)) !== null && m[1] && m[2]) {
      Object.assign(ev(m[1]), { allocated: s.t, node: m[2] });
    } else if (
      (m = /_start_job: Started JobId=(\d+) in \S+ on (\S+)/.exec(s.text)) !== null &&
      m[1] &&
      m[2]
    ) {
      Object.assign(ev(m[1]), { allocated: s.t, node: m[2] });
    } else if ((m = /_job_complete: JobId=(\d+) WEXITSTATUS/.exec(s.text)) !== null && m[1]) {
      ev(m[1]).completeRpc = s.t;
    } else if ((m = /job_epilog_complete: enter JobId=(\d+)/.exec(s.text)) !== null && m[1]) {
      const e = ev(m[1]);
      e.slotFree ??= s.t;
    } else if (/sched: Running job scheduler/.test(s.text)) {
      passes.push(s.t);
    }
  }
  for (const raw of slurmd) {
    const s = stamped(raw);
    const m = s === null ? null : /Launching batch job (\d+) for UID/.exec(s.text);
    if (s !== null && m?.[1]) ev(m[1]).launch = s.t;
  }
  const steps: Record<string, number[]> = {
    submitToAllocated: [],
    allocatedToLaunch: [],
    launchToJobStart: [],
    jobRun: [],
    jobEndToCompleteRpc: [],
    completeRpcToSlotFree: [],
    slotFreeToNextAllocation: [],
    slotFreeToNextPass: [],
  };
  const push = (k: string, a: number | undefined | null, b: number | undefined | null) => {
    if (a !== undefined && a !== null && b !== undefined && b !== null) steps[k]?.push(b - a);
  };
  const allocations = [...events.values()]
    .filter((e) => e.allocated !== undefined && e.node !== undefined)
    .sort((a, b) => (a.allocated ?? 0) - (b.allocated ?? 0));
  for (const j of result.jobs) {
    const e = events.get(j.id);
    if (e === undefined) continue;
    const submit = j.precise?.submitEpochS ?? null;
    const start = j.precise?.startEpochS ?? null;
    const end = j.precise?.endEpochS ?? null;
    push('submitToAllocated', submit, e.allocated);
    push('allocatedToLaunch', e.allocated, e.launch);
    push('launchToJobStart', e.launch, start);
    push('jobRun', start, end);
    push('jobEndToCompleteRpc', end, e.completeRpc);
    push('completeRpcToSlotFree', e.completeRpc, e.slotFree);
    const free = e.slotFree;
    if (free === undefined) continue;
    const next = allocations.find((a) => a.node === e.node && (a.allocated ?? 0) >= free);
    push('slotFreeToNextAllocation', free, next?.allocated);
    push(
      'slotFreeToNextPass',
      free,
      passes.find((p) => p >= free),
    );
  }
  const summary = Object.fromEntries(
    Object.entries(steps).map(([k, xs]) => [
      k,
      { n: xs.length, median: quantile(xs, 0.5), p90: quantile(xs, 0.9) },
    ]),
  );
  const between = passes.slice(1).map((t, i) => t - (passes[i] ?? t));
  return {
    stepsSeconds: summary,
    schedulerPassesInLog: passes.length,
    passIntervalSeconds: { median: quantile(between, 0.5), p90: quantile(between, 0.9) },
  };
}

/** sdiag's counters over the run (cumulative since the run's reset): the last statistics the run recorded. */
function sdiagCycles(result: RunResult) {
  const last = result.schedulerStats[result.schedulerStats.length - 1];
  if (last === undefined) return null;
  return {
    mainCycles: last.cycles,
    mainCycleMeanUs: last.cycleMeanUs,
    mainCycleMeanDepth: last.cycleMeanDepth,
    backfillCycles: last.backfillCycles,
  };
}

function measure(jobs: number, tuning: string, trace: boolean, emulate: number | null) {
  const stack = benchStack('btput');
  const config = {
    ...(emulate === null
      ? benchProfile(2)
      : {
          profile: 'bench',
          // Five GiB a netns node: room for its half of the emulated nodes' slurmd (components/slurm/availability.ts).
          profiles: {
            bench: { nodes: 2, vcpus: 2, memoryGiB: 5 },
            'cpu-node': { nodes: 1, vcpus: 128, memoryGiB: 512 },
          },
          emulation: { nodes: emulate, profile: 'cpu-node' },
        }),
    scheduler: 'slurm',
    stopAfter: 'runs',
    slurm: { tuning },
    idleGapSeconds: 0,
  };
  stack.configure(config, [], false);
  try {
    stack.up();
    const root = path.join('/var/lib/schedbench', stack.stack, 'slurm');
    const env = {
      ...process.env,
      ROOT: root,
      JOBS: String(jobs),
      SLURM_CONF: path.join(root, 'etc', 'slurm.conf'),
    };
    if (trace) {
      // Run-time only: the next reconfigure or restart brings the product's log level back.
      execFileSync('scontrol', ['setdebug', 'debug'], { env });
      execFileSync('scontrol', ['setdebugflags', '+TraceJobs'], { env });
    }
    const loadBefore = loadAverages();
    const t0 = Date.now();
    execFileSync('bash', ['-c', RAW_LOOP], { env, stdio: 'inherit' });
    const rawSeconds = (Date.now() - t0) / 1000;

    const spec = {
      count: jobs,
      nodes: 1,
      tasksPerNode: 1,
      priority: 'normal' as const,
      cpus: 1,
      memoryMiB: 16,
      expectedSeconds: 0.1,
      kind: 'noop' as const,
      args: [],
      arrival: { offsetSeconds: 0, intervalSeconds: 0 },
    };
    const ctldLog = path.join(root, 'slurmctld', 'slurmctld.log');
    // Emulated, the slurmd logs are the emulated nodes' (a trace reads the controller's log only).
    const slurmdLogs =
      emulate === null
        ? ['n1', 'n2'].map((n) => path.join(root, 'nodes', `${stack.stack}-${n}`, 'slurmd.log'))
        : [];
    const offsets = [ctldLog, ...slurmdLogs].map(sizeOf);
    stack.configure(config, [{ workload: 'burst', timeoutFactor: 10, specs: [spec] }], false);
    const up = stack.up();
    const loadAfter = loadAverages();
    const r = stack.result(up.runId, 'burst');
    const ms = (t: string | null) => (t === null ? NaN : Date.parse(t));
    const starts = r.jobs.map((j) => ms(j.startTime));
    const ends = r.jobs.map((j) => ms(j.endTime));
    const submitSeconds = (ms(r.submission.endedAt) - ms(r.submission.startedAt)) / 1000;
    const startSpan = (Math.max(...starts) - Math.min(...starts)) / 1000;
    const endToEnd = (Math.max(...ends) - ms(r.submission.startedAt)) / 1000;
    const trail = trace
      ? timeline(
          r,
          logSince(ctldLog, offsets[0] ?? 0),
          slurmdLogs.flatMap((f, i) => logSince(f, offsets[i + 1] ?? 0)),
        )
      : null;
    return {
      jobs,
      tuning,
      trace,
      emulatedNodes: emulate,
      load: { before: loadBefore, after: loadAfter },
      completed: r.jobs.filter((j) => j.state === 'COMPLETED').length,
      raw: rate(jobs, rawSeconds),
      harness: {
        runSeconds: endToEnd,
        upSeconds: up.seconds,
        submitRate: jobs / submitSeconds,
        startRate: jobs / Math.max(startSpan, 1),
        endToEndRate: jobs / endToEnd,
      },
      ratioHarnessOverRaw: rawSeconds / endToEnd,
      // Where the time goes: with every job queued at once, a node's CPUs are busy or waiting for the next
      // job; the gap between one job's end on a node and the next start there is the scheduler's and the
      // launcher's per-job cost (the jobs themselves run ~0 s).
      slotTurnover: slotTurnover(r.jobs),
      sdiag: sdiagCycles(r),
      timeline: trail,
      ratioWholeUpOverRaw: rawSeconds / up.seconds,
    };
  } finally {
    stack.destroy();
  }
}

function main(): void {
  const jobs = Number(process.argv[2] ?? 1000);
  const tunings = Tunings.parse((process.argv[3] ?? 'htc').split(','));
  const flags = process.argv.slice(4);
  const trace = flags.includes('trace');
  const emulateFlag = flags.find((f) => f.startsWith('emulate='));
  const emulate =
    emulateFlag === undefined ? null : z.coerce.number().int().min(1).parse(emulateFlag.slice(8));
  const results = tunings.map((tuning) => {
    const m = measure(jobs, tuning, trace, emulate);
    console.log(JSON.stringify(m, null, 1));
    return m;
  });
  console.log(
    JSON.stringify({
      jobs,
      trace,
      emulatedNodes: emulate,
      jobsPerSecond: Object.fromEntries(
        results.map((m) => [
          m.tuning,
          { harness: Number(m.harness.endToEndRate.toFixed(2)), raw: Number(m.raw.jobsPerSecond.toFixed(2)) },
        ]),
      ),
      reference:
        'SchedMD HTC guide: 500 simple batch jobs/s sustained (tuned site hardware, not 2 shared cores)',
    }),
  );
}

main();
