// Bench: metrics of one run with 100,000 jobs on 64 nodes × 64 CPUs (schema validation timed apart).
// Run: npx tsx bench/analysis-metrics.ts
import { performance } from 'node:perf_hooks';
import { runMetrics } from '../analysis/metrics';
import { RunResult, type JobRecord } from '../results/schema';
import { mulberry32 } from '../analysis/stats';
import { job, node, runResult } from '../test/helpers/sim';

const JOBS = 100_000;
const NODES = 64;
const CPUS = 64;
const rnd = mulberry32(3);
const nodes = Array.from({ length: NODES }, (_, i) => node(`n${i + 1}`, CPUS));
// Each node runs its jobs back to back on CPU "lanes"; submits arrive at a steady rate.
const laneFree = Array.from({ length: NODES }, () => new Float64Array(CPUS / 4));
const jobs: JobRecord[] = [];
for (let i = 0; i < JOBS; i++) {
  const submit = i * 0.05;
  const n = i % NODES;
  const lanes = laneFree[n];
  let lane = 0;
  for (let k = 1; k < lanes.length; k++) if (lanes[k] < lanes[lane]) lane = k;
  const start = Math.max(submit, lanes[lane]) + rnd() * 0.5;
  const end = start + 5 + rnd() * 60;
  lanes[lane] = end;
  const state = rnd() < 0.02 ? 'FAILED' : 'COMPLETED';
  jobs.push(
    job(
      { submit, start, end, cpus: 4, nodes: [`n${n + 1}`], state, totalCpuSeconds: (end - start) * 3.6 },
      i,
    ),
  );
}
const run = runResult({ nodes, jobs });
const text = JSON.stringify(run);

const t0 = performance.now();
const parsed = RunResult.parse(JSON.parse(text));
const t1 = performance.now();
const m = runMetrics(parsed);
const t2 = performance.now();
process.stdout.write(
  `${JSON.stringify(
    {
      jobs: JOBS,
      fileMiB: +(text.length / 2 ** 20).toFixed(1),
      parseAndValidateSeconds: +((t1 - t0) / 1000).toFixed(3),
      metricsSeconds: +((t2 - t1) / 1000).toFixed(3),
      makespanSeconds: Math.round(m.makespanSeconds ?? 0),
      utilisationAllocated: +(m.utilisationAllocated ?? 0).toFixed(3),
      fragmentation: +(m.fragmentation ?? 0).toFixed(4),
    },
    null,
    2,
  )}\n`,
);
