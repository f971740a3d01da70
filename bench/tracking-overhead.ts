// Time tracking adds per run: a real MLflow server (the project's .venv, loopback, SQLite), simulated RunResults
// of a realistic size, sent (1) as `up` does — one `tsx components/tracking/script.ts run` command per run — and
// (2) in process, first send and unchanged re-send. Prints figures; asserts nothing.
// Usage: npx tsx bench/tracking-overhead.ts   (BENCH_RUNS=n, BENCH_JOBS=n, BENCH_SAMPLE_SECONDS=n)
import { spawnSync } from 'child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { MlflowClient } from '../components/tracking/mlflow';
import { sendRun } from '../components/tracking/send';
import { startMlflow } from '../test/helpers/mlflow';
import { simulate } from '../test/helpers/sim';

const REPO = path.join(__dirname, '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const JOBS = Number(process.env.BENCH_JOBS ?? 40);
/** Job durations are drawn around this, so a run has about this many seconds of node samples. */
const SECONDS = Number(process.env.BENCH_SAMPLE_SECONDS ?? 120);

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mean = s.reduce((a, b) => a + b, 0) / s.length;
  return `mean ${mean.toFixed(2)} s, median ${(s[Math.floor(s.length / 2)] ?? 0).toFixed(2)} s, max ${(s[s.length - 1] ?? 0).toFixed(2)} s`;
};

async function main(): Promise<void> {
  const started = Date.now();
  const server = await startMlflow();
  process.stdout.write(
    `MLflow server healthy after ${((Date.now() - started) / 1000).toFixed(1)} s at ${server.uri}\n`,
  );
  const dir = mkdtempSync(path.join(tmpdir(), 'trk-bench-'));
  try {
    const files: string[] = [];
    for (let i = 1; i <= RUNS; i++) {
      const { run } = simulate({
        scheduler: 'slurm',
        profile: { name: 'small', nodes: 2, vcpus: 4 },
        workload: i % 2 === 0 ? 'mixed' : 'cpu_intensive',
        repetition: i,
        stack: 'trkbench',
        jobs: Array.from({ length: JOBS }, (_, j) => ({
          submit: j * 0.2,
          cpus: 1 + (j % 4),
          duration: (SECONDS / JOBS) * 6 + (j % 5),
        })),
        policy: 'backfill',
        dispatchDelay: 1,
      });
      const runDir = path.join(dir, run.runId, run.stack);
      mkdirSync(runDir, { recursive: true });
      const file = path.join(runDir, `${run.workload.name}-r${run.repetition}.json`);
      writeFileSync(file, JSON.stringify(run));
      files.push(file);
    }
    const sample = files[0] ?? '';
    process.stdout.write(
      `${RUNS} RunResults, ${JOBS} jobs each, ${(statSync(sample).size / 1024).toFixed(0)} KiB each\n`,
    );

    // Warm-up: a fresh server's first requests (experiment, first run, first artifact) are much slower.
    const client = new MlflowClient({ uri: server.uri });
    const warm = Date.now();
    await sendRun(client, files[RUNS - 1] ?? '', { experiment: 'bench' });
    process.stdout.write(
      `first send to a fresh server (warm-up): ${((Date.now() - warm) / 1000).toFixed(2)} s\n`,
    );

    // (1) As `up` runs it: one local command per run (tsx start-up included).
    const commandSeconds: number[] = [];
    const sendSeconds: number[] = [];
    for (const file of files.slice(0, Math.floor((RUNS - 1) / 2))) {
      const t = Date.now();
      const r = spawnSync(
        path.join(REPO, 'node_modules', '.bin', 'tsx'),
        [path.join(REPO, 'components', 'tracking', 'script.ts'), 'run'],
        {
          encoding: 'utf8',
          env: {
            ...process.env,
            RESULT_PATH: file,
            SCHEDBENCH_TRACKING_URI: server.uri,
            SCHEDBENCH_TRACKING_EXPERIMENT: 'bench',
            SCHEDBENCH_TRACKING_QUEUE: path.join(dir, '.tracking-queue'),
          },
        },
      );
      if (r.status !== 0 || !r.stdout.includes('"sent"'))
        throw new Error(`script failed: ${r.stdout}${r.stderr}`);
      commandSeconds.push((Date.now() - t) / 1000);
      sendSeconds.push(Number((JSON.parse(r.stdout) as { seconds: number }).seconds));
    }
    process.stdout.write(
      `per-run tracking command (tsx script.ts run, new MLflow run): ${stats(commandSeconds)}\n`,
    );
    process.stdout.write(`  of which sending (the script's own measure): ${stats(sendSeconds)}\n`);

    // (2) In process: what the send itself costs, first time and unchanged.
    const first: number[] = [];
    const again: number[] = [];
    for (const file of files.slice(Math.floor((RUNS - 1) / 2), RUNS - 1)) {
      const t = Date.now();
      const o = await sendRun(client, file, { experiment: 'bench' });
      if (o.action !== 'created') throw new Error(`expected created, got ${o.action}`);
      first.push((Date.now() - t) / 1000);
    }
    for (const file of files) {
      const t = Date.now();
      const o = await sendRun(client, file, { experiment: 'bench' });
      if (o.action !== 'unchanged') throw new Error(`expected unchanged, got ${o.action}`);
      again.push((Date.now() - t) / 1000);
    }
    process.stdout.write(`in-process send, new run: ${stats(first)}\n`);
    process.stdout.write(`in-process re-send, unchanged: ${stats(again)}\n`);

    const down = spawnSync(
      path.join(REPO, 'node_modules', '.bin', 'tsx'),
      [path.join(REPO, 'components', 'tracking', 'script.ts'), 'run'],
      {
        encoding: 'utf8',
        env: {
          ...process.env,
          RESULT_PATH: sample,
          SCHEDBENCH_TRACKING_URI: 'http://127.0.0.1:9',
          SCHEDBENCH_TRACKING_EXPERIMENT: 'bench',
          SCHEDBENCH_TRACKING_QUEUE: path.join(dir, '.tracking-queue'),
        },
      },
    );
    process.stdout.write(`server down (queued): ${down.stdout.trim()}\n`);
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
