// Tracking against a real MLflow server: RunResult files sent through the product's own paths (`schedbench track`
// and the Tracking component's script) are checked through MLflow's REST API — one MLflow run per RunResult,
// metrics equal to `schedbench metrics`', step series, nesting, artifacts downloadable, re-sends never
// duplicate, a server that is down leaves a queue that `track` drains.
import { spawnSync } from 'child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { z } from 'zod';
import { METRIC_NAMES } from '../../../analysis/metrics';
import type { RunResult } from '../../../results/schema';
import { simulate } from '../../helpers/sim';
import { freePort, MlflowServer, startMlflow } from '../../helpers/mlflow';

jest.setTimeout(300_000);

const REPO = path.join(__dirname, '..', '..', '..');
const TSX = path.join(REPO, 'node_modules', '.bin', 'tsx');
const SCRIPT = path.join(REPO, 'components', 'tracking', 'script.ts');
const EXPERIMENT = 'trk-e2e';
const STACK = `trk${process.pid}`;
const POWER = { idleWatts: 50, maxWatts: 150 };

// MLflow's own answers, read with our own small schemas (independent of the product's client).
const Tag = z.object({ key: z.string(), value: z.string() });
const Run = z.object({
  info: z.object({ run_id: z.string(), status: z.string(), artifact_uri: z.string() }),
  data: z.object({
    metrics: z.array(z.object({ key: z.string(), value: z.number() })).default([]),
    params: z.array(Tag).default([]),
    tags: z.array(Tag).default([]),
  }),
});
type Run = z.infer<typeof Run>;

let server: MlflowServer;
let dir: string;
let files: { path: string; run: RunResult }[];

function cli(args: string[], env: Record<string, string> = {}) {
  return spawnSync(TSX, [path.join(REPO, 'cli', 'main.ts'), ...args], {
    cwd: REPO,
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
}

function script(mode: 'run' | 'report', env: Record<string, string>) {
  return spawnSync(TSX, [SCRIPT, mode], { cwd: REPO, encoding: 'utf8', env: { ...process.env, ...env } });
}

async function api<T>(
  schema: z.ZodType<T>,
  method: 'GET' | 'POST',
  route: string,
  body?: unknown,
): Promise<T> {
  const r = await fetch(`${server.uri}/api/2.0/mlflow/${route}`, {
    method,
    headers: { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(r.status).toBe(200);
  return schema.parse(await r.json());
}

async function experimentId(): Promise<string> {
  const r = await api(
    z.object({ experiment: z.object({ experiment_id: z.string() }) }),
    'GET',
    `experiments/get-by-name?experiment_name=${EXPERIMENT}`,
  );
  return r.experiment.experiment_id;
}

async function search(filter: string): Promise<Run[]> {
  const r = await api(z.object({ runs: z.array(Run).default([]) }), 'POST', 'runs/search', {
    experiment_ids: [await experimentId()],
    filter,
    max_results: 1000,
  });
  return r.runs;
}

const tag = (run: Run, key: string) => run.data.tags.find((t) => t.key === key)?.value;
const runKeyOf = (r: RunResult) => `${r.runId}/${r.stack}/${r.workload.name}-r${r.repetition}`;

/** The run key as `schedbench metrics` prints it, and its figures. */
function metricsOf(file: string, withPower: boolean): Record<string, unknown> {
  const args = ['metrics', file, ...(withPower ? ['--power-json', JSON.stringify(POWER)] : [])];
  const r = cli(args);
  expect(r.stderr).toBe('');
  return z.record(z.string(), z.unknown()).parse(JSON.parse(r.stdout));
}

function writeRun(workload: string, repetition: number, stack = STACK): { path: string; run: RunResult } {
  const { run } = simulate({
    scheduler: 'slurm',
    profile: { name: 'small', nodes: 2, vcpus: 4 },
    workload,
    repetition,
    stack,
    jobs: Array.from({ length: 8 }, (_, i) => ({
      submit: i * 0.5,
      cpus: 1 + (i % 3),
      duration: 10 + i + repetition,
    })),
    policy: 'backfill',
    dispatchDelay: 1,
  });
  const runDir = path.join(dir, run.runId, stack);
  mkdirSync(runDir, { recursive: true });
  const file = path.join(runDir, `${workload}-r${repetition}.json`);
  writeFileSync(file, JSON.stringify(run, null, 1));
  return { path: file, run };
}

beforeAll(async () => {
  server = await startMlflow();
  dir = mkdtempSync(path.join(tmpdir(), 'trk-results-'));
  files = [writeRun('cpu_intensive', 1), writeRun('cpu_intensive', 2), writeRun('mixed', 1)];
  // The config snapshot `up` writes beside the results: params come from it, energy from its host.power.
  const first = files[0];
  if (first === undefined) throw new Error('no files');
  writeFileSync(
    path.join(path.dirname(first.path), 'config.json'),
    JSON.stringify({
      configHash: first.run.configHash,
      config: {
        scheduler: 'slurm',
        profile: 'small',
        host: { name: 'localhost', power: POWER },
        tracking: { mlflow: { uri: server.uri }, experiment: EXPERIMENT },
      },
    }),
  );
});

afterAll(async () => {
  await server?.stop();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

describe('schedbench track → MLflow', () => {
  it('creates one MLflow run per RunResult, nested under the stack’s parent run', async () => {
    const r = cli(['track', dir, '--tracking-uri', server.uri, '--experiment', EXPERIMENT]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`track: ${files.length} created, 0 updated, 0 unchanged, 0 queued`);
    const parents = await search(`tags.\`schedbench.kind\` = 'stack'`);
    expect(parents).toHaveLength(1);
    for (const f of files) {
      const runs = await search(`tags.\`schedbench.runKey\` = '${runKeyOf(f.run)}'`);
      expect(runs).toHaveLength(1);
      const [run] = runs as [Run];
      expect(run.info.status).toBe('FINISHED');
      expect(tag(run, 'mlflow.parentRunId')).toBe(parents[0]?.info.run_id);
      expect(tag(run, 'schedbench.runId')).toBe(f.run.runId);
      expect(tag(run, 'schedbench.configHash')).toBe(f.run.configHash);
      expect(run.data.params.find((p) => p.key === 'workload')?.value).toBe(f.run.workload.name);
    }
  });

  it('logs exactly the metrics `schedbench metrics` computes, with the snapshot’s power model', async () => {
    // All three share one stack directory, so one config snapshot (with host.power).
    for (const f of files) {
      const expected = metricsOf(f.path, true);
      const [run] = (await search(`tags.\`schedbench.runKey\` = '${String(expected.key)}'`)) as [Run];
      const logged = Object.fromEntries(run.data.metrics.map((m) => [m.key, m.value]));
      for (const name of METRIC_NAMES) {
        const value = expected[name];
        if (typeof value === 'number') expect([name, logged[name]]).toEqual([name, value]);
        else expect([name, logged[name]]).toEqual([name, undefined]);
      }
    }
    const [withConfig] = (await search(
      `tags.\`schedbench.runKey\` = '${runKeyOf(files[0]?.run as RunResult)}'`,
    )) as [Run];
    expect(withConfig.data.params).toEqual(
      expect.arrayContaining([{ key: 'config.host.power.maxWatts', value: '150' }]),
    );
    expect(withConfig.data.params.some((p) => p.key.startsWith('config.tracking'))).toBe(false);
  });

  it('logs node samples as step series', async () => {
    const f = files[0] as { path: string; run: RunResult };
    const [run] = (await search(`tags.\`schedbench.runKey\` = '${runKeyOf(f.run)}'`)) as [Run];
    const history = await api(
      z.object({ metrics: z.array(z.object({ value: z.number(), step: z.coerce.number() })).default([]) }),
      'GET',
      `metrics/get-history?run_id=${run.info.run_id}&metric_key=node.n1.cpuBusy`,
    );
    const samples = f.run.nodeSamples.filter((s) => s.node === 'n1');
    expect(history.metrics.map((m) => m.step).sort((a, b) => a - b)).toEqual(samples.map((_, i) => i));
  });

  it('makes the RunResult and the config snapshot downloadable as artifacts', async () => {
    for (const f of files) {
      const [run] = (await search(`tags.\`schedbench.runKey\` = '${runKeyOf(f.run)}'`)) as [Run];
      const root = run.info.artifact_uri.replace(/^mlflow-artifacts:\/*/, '');
      const res = await fetch(
        `${server.uri}/api/2.0/mlflow-artifacts/artifacts/${root}/result/${path.basename(f.path)}`,
      );
      expect(res.status).toBe(200);
      expect(Buffer.from(await res.arrayBuffer()).equals(readFileSync(f.path))).toBe(true);
    }
    const [first] = (await search(
      `tags.\`schedbench.runKey\` = '${runKeyOf(files[0]?.run as RunResult)}'`,
    )) as [Run];
    const root = first.info.artifact_uri.replace(/^mlflow-artifacts:\/*/, '');
    const snapshot = await fetch(
      `${server.uri}/api/2.0/mlflow-artifacts/artifacts/${root}/config/config.json`,
    );
    expect(snapshot.status).toBe(200);
  });

  it('re-sending never duplicates: unchanged files are recognised, a changed file updates its run', async () => {
    const again = cli(['track', dir, '--tracking-uri', server.uri, '--experiment', EXPERIMENT]);
    expect(again.status).toBe(0);
    expect(again.stdout).toContain(`track: 0 created, 0 updated, ${files.length} unchanged, 0 queued`);

    const f = files[1] as { path: string; run: RunResult };
    writeFileSync(f.path, JSON.stringify({ ...f.run, notes: [...f.run.notes, 're-collected'] }, null, 1));
    const out = script('run', {
      RESULT_PATH: f.path,
      SCHEDBENCH_TRACKING_URI: server.uri,
      SCHEDBENCH_TRACKING_EXPERIMENT: EXPERIMENT,
      SCHEDBENCH_TRACKING_QUEUE: path.join(dir, '.tracking-queue'),
    });
    expect(out.status).toBe(0);
    expect(JSON.parse(out.stdout)).toMatchObject({ status: 'sent', action: 'updated' });
    const runs = await search(`tags.\`schedbench.runKey\` = '${runKeyOf(f.run)}'`);
    expect(runs).toHaveLength(1);
    expect(tag(runs[0] as Run, 'schedbench.notes')).toContain('re-collected');
    expect(await search(`tags.\`schedbench.kind\` = 'run'`)).toHaveLength(files.length);
  });

  it('attaches the report to the stack’s parent run', async () => {
    const report = path.join(dir, 'analysis', STACK, 'report.html');
    mkdirSync(path.dirname(report), { recursive: true });
    writeFileSync(report, '<!doctype html><title>report</title>');
    const out = script('report', {
      REPORT_PATH: report,
      STACK,
      RUN_ID: (files[0] as { run: RunResult }).run.runId,
      SCHEDBENCH_TRACKING_URI: server.uri,
      SCHEDBENCH_TRACKING_EXPERIMENT: EXPERIMENT,
      SCHEDBENCH_TRACKING_QUEUE: path.join(dir, '.tracking-queue'),
    });
    expect(out.status).toBe(0);
    const [parent] = (await search(`tags.\`schedbench.kind\` = 'stack'`)) as [Run];
    const root = parent.info.artifact_uri.replace(/^mlflow-artifacts:\/*/, '');
    const res = await fetch(`${server.uri}/api/2.0/mlflow-artifacts/artifacts/${root}/report/report.html`);
    expect(await res.text()).toBe('<!doctype html><title>report</title>');
  });

  it('a server that is down: up’s command warns and exits 0, the queue keeps the result, track sends it', async () => {
    const late = writeRun('throughput', 1);
    const queue = path.join(dir, '.tracking-queue');
    const down = `http://127.0.0.1:${await freePort()}`;
    const out = script('run', {
      RESULT_PATH: late.path,
      SCHEDBENCH_TRACKING_URI: down,
      SCHEDBENCH_TRACKING_EXPERIMENT: EXPERIMENT,
      SCHEDBENCH_TRACKING_QUEUE: queue,
    });
    expect(out.status).toBe(0);
    expect(JSON.parse(out.stdout)).toMatchObject({ status: 'queued' });
    expect(out.stderr).toMatch(/^warning: tracking: .*queued in/m);
    expect(readdirSync(queue)).toHaveLength(1);
    expect(await search(`tags.\`schedbench.runKey\` = '${runKeyOf(late.run)}'`)).toHaveLength(0);

    // Still down: track keeps it queued and says so.
    const stillDown = cli(['track', dir, '--tracking-uri', down, '--queue-only']);
    expect(stillDown.status).toBe(1);
    expect(readdirSync(queue)).toHaveLength(1);

    const drained = cli(['track', dir, '--tracking-uri', server.uri, '--queue-only']);
    expect(drained.status).toBe(0);
    expect(drained.stdout).toContain('1 created');
    expect(readdirSync(queue)).toHaveLength(0);
    expect(await search(`tags.\`schedbench.runKey\` = '${runKeyOf(late.run)}'`)).toHaveLength(1);
    expect(existsSync(late.path)).toBe(true);
  });
});
