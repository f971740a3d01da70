// Bench: the samplers' own cost during a real run. Brings a 2-node cluster of the scheduler (slurm, kubernetes or
// flux) up through the local runner, then runs one long, nearly idle job (stress-ng at 1 % of one CPU for T
// seconds) while reading, from /proc, the CPU time (user + system, its live descendants' and reaped children's
// too) of every sampler of the run — one per node and the scheduler's sampler — until each stops. Prints CPU
// seconds per hour and the share of one core (target < 0.5 %).
// Usage: npx tsx bench/samplers.ts [seconds=60] [scheduler=slurm]
import { existsSync, readdirSync, readFileSync } from 'fs';
import * as path from 'path';
import { clusterNameFor } from '../components/config/names';
import { runRunnerAsync } from '../test/helpers/runner';
import { benchStack, PROGRAM } from './lib/stack';
import { SCHEDULER_NAMES } from '../results/vocabulary';

const TICKS_PER_SECOND = 100;

/** What each scheduler's sampler does, for the printout. */
const SCHEDULER_SAMPLER: Record<string, string> = {
  slurm: 'squeue/sinfo each interval, sdiag every 30 s',
  kubernetes:
    'a watch of the run pods, sampled each interval; scheduler, apiserver and kubelet /metrics every 30 s',
  flux: 'flux jobs/resource each interval, Fluxion stats every 30 s',
};

/** Fields after the command of /proc/<pid>/stat, or null when the process is gone. */
function statFields(pid: string): string[] | null {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? null;
  } catch {
    return null;
  }
}

/** Every process's children, by parent pid: one pass over /proc. */
function childrenByParent(): Map<string, string[]> {
  const children = new Map<string, string[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const ppid = statFields(entry)?.[1];
    if (ppid !== undefined) children.set(ppid, [...(children.get(ppid) ?? []), entry]);
  }
  return children;
}

/**
 * CPU seconds of a sampler and everything it runs: utime + stime + cutime + cstime (fields 14–17) of the process
 * and of each live descendant (a child still running — Kubernetes' pod watch — is in no cutime yet; one that
 * ended is, in its parent's). Null when the sampler is gone.
 */
function cpuSeconds(pid: string, children: Map<string, string[]>): number | null {
  const own = statFields(pid);
  if (own === null) return null;
  const ticksOf = (fields: string[]) =>
    [11, 12, 13, 14].map((i) => Number(fields[i] ?? 0)).reduce((a, b) => a + b, 0);
  let ticks = 0;
  const queue = [pid];
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    const fields = next === pid ? own : statFields(next);
    if (fields === null) continue;
    ticks += ticksOf(fields);
    queue.push(...(children.get(next) ?? []));
  }
  return ticks / TICKS_PER_SECOND;
}

async function main(): Promise<void> {
  const duration = Number(process.argv[2] ?? 60);
  const scheduler = process.argv[3] ?? SCHEDULER_NAMES[0];
  if (!(SCHEDULER_NAMES as readonly string[]).includes(scheduler))
    throw new Error(`scheduler must be one of ${SCHEDULER_NAMES.join(', ')}, got ${scheduler}`);
  const stack = benchStack(`bsamp${scheduler.slice(0, 1)}`);
  // The `host` profile: sized from this machine, so every scheduler can honour it (a kubelet cannot advertise more
  // CPUs than the host has).
  const config = { profile: 'host', scheduler, stopAfter: 'runs', idleGapSeconds: 0 };
  const spec = {
    count: 1,
    nodes: 1,
    tasksPerNode: 1,
    priority: 'normal' as const,
    cpus: 1,
    memoryMiB: 64,
    expectedSeconds: duration,
    kind: 'stress' as const,
    args: ['--cpu', '1', '--cpu-load', '1', '--timeout', `${duration}s`],
    arrival: { offsetSeconds: 0, intervalSeconds: 0 },
  };
  stack.configure(config, [], false);
  try {
    stack.up();
    stack.configure(config, [{ workload: 'idle', timeoutFactor: 2, specs: [spec] }], false);
    const up = runRunnerAsync(
      'up',
      stack.stack,
      PROGRAM,
      path.join(path.dirname(stack.resultsDir), `Pulumi.${stack.stack}.yaml`),
    );
    let finished = false;
    void up.then(() => (finished = true));
    const samplers = path.join('/var/lib/schedbench', clusterNameFor(stack.stack), scheduler, 'samplers');
    // sampler (run/node) → { pid, first and last CPU reading and when }
    const seen = new Map<string, { pid: string; first: number; last: number; t0: number; t1: number }>();
    while (!finished) {
      const children = childrenByParent();
      for (const run of existsSync(samplers) ? readdirSync(samplers) : []) {
        for (const who of readdirSync(path.join(samplers, run))) {
          const pidFile = path.join(samplers, run, who, 'sampler.pid');
          const pid = existsSync(pidFile) ? readFileSync(pidFile, 'utf8').trim() : '';
          const cpu = pid === '' ? null : cpuSeconds(pid, children);
          if (cpu === null) continue;
          const s = seen.get(who);
          if (s === undefined || s.pid !== pid)
            seen.set(who, { pid, first: cpu, last: cpu, t0: Date.now(), t1: Date.now() });
          else Object.assign(s, { last: cpu, t1: Date.now() });
        }
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    const result = await up;
    if (result.status !== 0) throw new Error(`up failed:\n${result.stdout}\n${result.stderr}`);
    for (const [who, s] of seen) {
      const wall = (s.t1 - s.t0) / 1000;
      const cpu = s.last - s.first;
      console.log(
        JSON.stringify({
          sampler: who === 'scheduler' ? `${scheduler} (${SCHEDULER_SAMPLER[scheduler]})` : `node ${who}`,
          intervalMs: 1000,
          observedSeconds: Number(wall.toFixed(1)),
          cpuSeconds: cpu,
          cpuSecondsPerHour: Number(((cpu / wall) * 3600).toFixed(1)),
          shareOfOneCore: `${((cpu / wall) * 100).toFixed(2)} %`,
          target: '< 0.5 %',
        }),
      );
    }
  } finally {
    stack.destroy();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
