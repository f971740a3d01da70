// Bench: N trivial jobs (default 1,000) through the harness — a workload run of the product (samplers, sbatch
// from the controller node, wait, sacct, sdiag, RunResult) on netns nodes, through the local runner as users run
// it — versus a raw sbatch loop against the same cluster in the same process. Prints the ratio harness/raw
// (target ≥ 0.9) and the harness's submit, start and end-to-end completion rates (jobs/s), next to SchedMD's
// published "500 simple batch jobs per second sustained" (High Throughput Computing guide).
// Usage: npx tsx bench/slurm-throughput.ts [jobs=1000] [tuning=htc|default]
import { execFileSync } from 'child_process';
import * as path from 'path';
import type { JobRecord } from '../results/schema';
import { benchProfile, benchStack } from './lib/stack';

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

/** Median and p90 of the gaps between a job's end on a node and the next job's start there (precise times). */
function slotTurnover(jobs: readonly JobRecord[]): {
  medianGapSeconds: number;
  p90GapSeconds: number;
  runMedianSeconds: number;
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
  const q = (xs: number[], p: number) =>
    [...xs].sort((a, b) => a - b)[Math.floor(p * (xs.length - 1))] ?? NaN;
  return { medianGapSeconds: q(gaps, 0.5), p90GapSeconds: q(gaps, 0.9), runMedianSeconds: q(runs, 0.5) };
}

function main(): void {
  const jobs = Number(process.argv[2] ?? 1000);
  const tuning = process.argv[3] ?? 'htc';
  const stack = benchStack('btput');
  const config = {
    ...benchProfile(2),
    scheduler: 'slurm',
    stopAfter: 'runs',
    slurm: { tuning },
    idleGapSeconds: 0,
  };
  stack.configure(config, [], false);
  try {
    stack.up();
    const root = path.join('/var/lib/schedbench', stack.stack, 'slurm');
    const t0 = Date.now();
    execFileSync('bash', ['-c', RAW_LOOP], {
      env: {
        ...process.env,
        ROOT: root,
        JOBS: String(jobs),
        SLURM_CONF: path.join(root, 'etc', 'slurm.conf'),
      },
      stdio: 'inherit',
    });
    const rawSeconds = (Date.now() - t0) / 1000;

    const spec = {
      count: jobs,
      cpus: 1,
      memoryMiB: 16,
      expectedSeconds: 0.1,
      kind: 'noop' as const,
      args: [],
      arrival: { offsetSeconds: 0, intervalSeconds: 0 },
    };
    stack.configure(config, [{ workload: 'burst', timeoutFactor: 10, specs: [spec] }], false);
    const up = stack.up();
    const r = stack.result(up.runId, 'burst');
    const ms = (t: string | null) => (t === null ? NaN : Date.parse(t));
    const starts = r.jobs.map((j) => ms(j.startTime));
    const ends = r.jobs.map((j) => ms(j.endTime));
    const submitSeconds = (ms(r.submission.endedAt) - ms(r.submission.startedAt)) / 1000;
    const startSpan = (Math.max(...starts) - Math.min(...starts)) / 1000;
    const endToEnd = (Math.max(...ends) - ms(r.submission.startedAt)) / 1000;
    const turnover = slotTurnover(r.jobs);
    console.log(
      JSON.stringify(
        {
          jobs,
          tuning,
          completed: r.jobs.filter((j) => j.state === 'COMPLETED').length,
          raw: { seconds: rawSeconds, jobsPerSecond: jobs / rawSeconds },
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
          slotTurnover: turnover,
          ratioWholeUpOverRaw: rawSeconds / up.seconds,
          reference:
            'SchedMD HTC guide: 500 simple batch jobs/s sustained (tuned site hardware, not 2 shared cores)',
        },
        null,
        1,
      ),
    );
  } finally {
    stack.destroy();
  }
}

main();
