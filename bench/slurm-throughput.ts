// Bench: N trivial jobs (default 1,000) submitted and completed through the runner's path (a
// schedbench:workloads:Run: samplers, sbatch --parsable, wait, sacct, sdiag, RunResult) versus a raw sbatch
// loop on the same cluster, measured in the same process. Prints the ratio runner/raw (target ≥ 0.9) and the
// runner's submit, start and end-to-end completion rates (jobs/s), next to SchedMD's published figure of
// "500 simple batch jobs per second sustained" (High Throughput Computing guide).
// Usage: npx tsx bench/slurm-throughput.ts [jobs=1000] [tuning=htc|default]
import { mkdtempSync, readFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { RunResult } from '../analysis/schema';
import { shellQuote } from '../components/script';
import { SlurmOptions } from '../components/slurm/config';
import { valueOf } from '../test/e2e/slurm/executor';
import { runRemote } from '../test/e2e/slurm/remote';
import { benchNodes, benchStateDir, executingMocks, removeBenchState, seconds } from './slurm-lib';

const RAW_LOOP = `
set -euo pipefail
export SLURM_CONF="$ROOT/etc/slurm.conf"
for ((i = 0; i < JOBS; i++)); do
  sbatch --parsable -p "$PARTITION" -N 1 -n 1 -c 1 --mem=16M -o /dev/null --job-name="raw-$i" "$ROOT/jobs/job.sh" /tmp noop >/dev/null
done
until [[ -z "$(squeue -h -o %i)" ]]; do sleep 0.5; done
`;

async function main(): Promise<void> {
  const jobs = Number(process.argv[2] ?? 1000);
  const tuning = SlurmOptions.parse({ tuning: process.argv[3] ?? 'htc' });
  const executor = executingMocks('bench-throughput');
  const { SlurmCluster } = await import('../components/slurm/cluster');
  const { WorkloadRun } = await import('../workloads/run');
  const bench = benchNodes('tput', 239, 2);
  try {
    const profile = { name: 'bench', nodes: 2, vcpus: 2, memoryGiB: 2 };
    const cluster = new SlurmCluster('btput', {
      cluster: 'btput',
      nodes: bench.nodes,
      profile,
      options: tuning,
      stateDir: benchStateDir('btput'),
    });
    await valueOf(cluster.slurmVersion, executor);

    const target = { host: cluster.controller.address, privateKey: bench.key };
    const t0 = Date.now();
    const raw = await runRemote(target, `bash -c ${shellQuote(RAW_LOOP)}`, {
      ROOT: cluster.layout.root,
      PARTITION: cluster.partition,
      JOBS: String(jobs),
    });
    if (raw.code !== 0) throw new Error(`raw loop failed: ${raw.stderr}`);
    const rawSeconds = seconds(t0);

    const resultsDir = mkdtempSync(path.join(tmpdir(), 'schedbench-bench-'));
    const t1 = Date.now();
    const run = new WorkloadRun('btput-throughput-r1', {
      cluster,
      workload: 'throughput',
      repetition: 1,
      specs: [
        {
          count: jobs,
          cpus: 1,
          memoryMiB: 16,
          expectedSeconds: 0.1,
          kind: 'noop',
          args: [],
          arrival: { offsetSeconds: 0, intervalSeconds: 0 },
        },
      ],
      profile,
      identity: { runId: '20261126T000000Z_000000000000', configHash: '0'.repeat(64) },
      stack: 'bench',
      sampling: { intervalMs: 1000, statsIntervalSeconds: 30 },
      idleGapSeconds: 0,
      timeoutFactor: 10,
      resultsDir,
      schedbenchVersion: 'bench',
      after: cluster.validated,
    });
    const summary = await valueOf(run.summary, executor);
    const runnerSeconds = seconds(t1);
    const r = RunResult.parse(JSON.parse(readFileSync(summary.path, 'utf8')));
    const ms = (t: string | null) => (t === null ? NaN : Date.parse(t));
    const starts = r.jobs.map((j) => ms(j.startTime));
    const ends = r.jobs.map((j) => ms(j.endTime));
    const submitSeconds = (ms(r.submission.endedAt) - ms(r.submission.startedAt)) / 1000;
    const startSpan = (Math.max(...starts) - Math.min(...starts)) / 1000;
    const endToEnd = (Math.max(...ends) - ms(r.submission.startedAt)) / 1000;
    console.log(
      JSON.stringify(
        {
          jobs,
          tuning: tuning.tuning,
          completed: summary.jobsCompleted,
          raw: { seconds: rawSeconds, jobsPerSecond: jobs / rawSeconds },
          runner: {
            seconds: runnerSeconds,
            jobsPerSecond: jobs / runnerSeconds,
            submitRate: jobs / submitSeconds,
            startRate: jobs / Math.max(startSpan, 1),
            endToEndRate: jobs / endToEnd,
          },
          ratioRunnerOverRaw: rawSeconds / runnerSeconds,
          reference:
            'SchedMD HTC guide: 500 simple batch jobs/s sustained (tuned site hardware, not 2 shared cores)',
        },
        null,
        1,
      ),
    );
  } finally {
    const errors = await executor.destroy();
    if (errors.length > 0) console.error('teardown errors:', errors);
    bench.remove();
    removeBenchState('btput');
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
