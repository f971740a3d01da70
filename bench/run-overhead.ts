// Bench: the harness's own time per workload run — everything a run costs beyond its jobs' makespan and the
// configured idle gap — on the local stack's program (two netns nodes, SLURM) through the local runner. Each
// stage's wall time comes from the runner's log (when each resource finished and how long it took); the
// makespan (first submit → last end, precise times) from the run's RunResult. Prints a table per run, the mean
// overhead per run (target ≤ 1 s) and the whole `up`.
// Usage: npx tsx bench/run-overhead.ts [repetitions=2]
import { writeFileSync } from 'fs';
import { benchStack } from './lib/stack';

interface Step {
  name: string;
  /** Seconds since the runner started, when the resource finished. */
  doneAt: number;
  seconds: number;
}

/** `  12.3s + command:remote:Command   <name>  created (0.8 s)` lines. */
function steps(stdout: string): Step[] {
  const out: Step[] = [];
  for (const line of stdout.split('\n')) {
    const m = /^\s*([\d.]+)s [+~] \S+\s+(\S+)\s+(?:created|updated) \(([\d.]+) s\)/.exec(line);
    if (m !== null) out.push({ doneAt: Number(m[1]), name: m[2] ?? '', seconds: Number(m[3]) });
  }
  return out;
}

function main(): void {
  const repetitions = Number(process.argv[2] ?? 2);
  const idleGap = 2;
  const stack = benchStack('bovh');
  stack.configure({
    scheduler: 'slurm',
    profile: 'bench',
    profiles: { bench: { nodes: 2, vcpus: 2, memoryGiB: 2 } },
    workloads: ['cpu_intensive', 'mixed'],
    repetitions,
    idleGapSeconds: idleGap,
    stopAfter: 'runs',
  });
  try {
    const t0 = Date.now();
    const up = stack.upWithLog();
    const upSeconds = (Date.now() - t0) / 1000;
    if (process.env.SCHEDBENCH_BENCH_LOG !== undefined)
      writeFileSync(process.env.SCHEDBENCH_BENCH_LOG, up.stdout);
    const all = steps(up.stdout);
    const overheads: number[] = [];
    for (const workload of ['cpu_intensive', 'mixed']) {
      for (let r = 1; r <= repetitions; r++) {
        const prefix = `${stack.stack}-${workload.replace(/_/g, '-')}-r${r}-`;
        const mine = all.filter((s) => s.name.startsWith(prefix));
        const stage = (suffix: string) => mine.filter((s) => s.name.slice(prefix.length).startsWith(suffix));
        const check = stage('check')[0];
        const write = stage('write')[0];
        if (check === undefined || write === undefined) throw new Error(`no stages for ${prefix}`);
        const wall = write.doneAt - (check.doneAt - check.seconds);
        const result = stack.resultOf(up.runId, `${workload}-r${r}`);
        const submits = result.jobs.map((j) => j.precise?.submitEpochS ?? Date.parse(j.submitTime) / 1000);
        const ends = result.jobs.map((j) => j.precise?.endEpochS ?? Date.parse(j.endTime ?? '') / 1000);
        const makespan = Math.max(...ends) - Math.min(...submits);
        const overhead = wall - makespan - idleGap;
        overheads.push(overhead);
        // `sampler-<node>` (start) and `sampler-stop-<node>` share a prefix: starts are the ones that are not stops.
        const longestOf = (list: Step[]) => Math.max(0, ...list.map((s) => s.seconds));
        const longest = (suffix: string) => longestOf(stage(suffix));
        const nodeStarts = stage('sampler-').filter(
          (s) => !s.name.slice(prefix.length).startsWith('sampler-stop'),
        );
        console.log(
          JSON.stringify({
            run: `${workload}-r${r}`,
            wallSeconds: Number(wall.toFixed(2)),
            makespanSeconds: Number(makespan.toFixed(2)),
            idleGapSeconds: idleGap,
            overheadSeconds: Number(overhead.toFixed(2)),
            stages: {
              check: check.seconds,
              samplersStart: longestOf(nodeStarts),
              schedSamplerStart: longest('sched-sampler'),
              submit: longest('submit'),
              wait: longest('wait'),
              collect: longest('collect'),
              samplersStop: longest('sampler-stop'),
              schedSamplerStop: longest('sched-sampler-stop'),
              write: write.seconds,
            },
          }),
        );
      }
    }
    const mean = overheads.reduce((a, b) => a + b, 0) / overheads.length;
    console.log(
      JSON.stringify({
        runs: overheads.length,
        meanOverheadSeconds: Number(mean.toFixed(2)),
        target: '≤ 1 s',
        upSeconds,
      }),
    );
  } finally {
    stack.destroy();
  }
}

main();
