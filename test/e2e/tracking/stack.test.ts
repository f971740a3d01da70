// A local `up` with tracking on (SLURM on two netns nodes, through the local runner) against a real MLflow server:
// every RunResult of the up is in MLflow once, with `schedbench metrics`' figures, its report attached to the
// stack's parent run; then `destroy`.
import { spawnSync } from 'child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'fs';
import * as path from 'path';
import { parse, stringify } from 'yaml';
import { z } from 'zod';
import { METRIC_NAMES } from '../../../analysis/metrics';
import { MlflowServer, startMlflow } from '../../helpers/mlflow';
import { REPO, runRunner } from '../../helpers/runner';

jest.setTimeout(30 * 60 * 1000);

const STACK = `trk${process.pid}`;
const dir = path.join(REPO, 'test-artifacts', `stack-${STACK}`);
const configFile = path.join(dir, `Pulumi.${STACK}.yaml`);
const resultsDir = path.join(dir, 'runs');
const EXPERIMENT = `stack-${STACK}`;

const Run = z.object({
  info: z.object({ run_id: z.string(), status: z.string(), artifact_uri: z.string() }),
  data: z.object({
    metrics: z.array(z.object({ key: z.string(), value: z.number() })).default([]),
    tags: z.array(z.object({ key: z.string(), value: z.string() })).default([]),
  }),
});

let server: MlflowServer;

async function search(filter: string): Promise<z.infer<typeof Run>[]> {
  const exp = await fetch(
    `${server.uri}/api/2.0/mlflow/experiments/get-by-name?experiment_name=${EXPERIMENT}`,
  );
  const id = z.object({ experiment: z.object({ experiment_id: z.string() }) }).parse(await exp.json())
    .experiment.experiment_id;
  const r = await fetch(`${server.uri}/api/2.0/mlflow/runs/search`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ experiment_ids: [id], filter, max_results: 1000 }),
  });
  return z.object({ runs: z.array(Run).default([]) }).parse(await r.json()).runs;
}

beforeAll(async () => {
  server = await startMlflow();
  mkdirSync(dir, { recursive: true });
  const local = parse(readFileSync(path.join(REPO, 'Pulumi.local.yaml'), 'utf8')) as {
    config: Record<string, unknown>;
  };
  writeFileSync(
    configFile,
    stringify({
      config: {
        ...local.config,
        'schedbench:workloads': ['throughput'],
        'schedbench:repetitions': 2,
        'schedbench:resultsDir': resultsDir,
        'schedbench:tracking': { mlflow: { uri: server.uri }, experiment: EXPERIMENT },
      },
    }),
  );
});

afterAll(async () => {
  runRunner('destroy', STACK, REPO, configFile);
  await server?.stop();
});

it('up with tracking on: every RunResult in MLflow once, with its metrics, and the report', async () => {
  const up = runRunner('up', STACK, REPO, configFile);
  expect(up.status).toBe(0);
  const runId = /runId: "(\d{8}T\d{6}Z_[0-9a-f]{12})"/.exec(up.stdout)?.[1];
  const stackDir = path.join(resultsDir, String(runId), STACK);
  const files = readdirSync(stackDir).filter((f) => f.endsWith('.json') && f !== 'config.json');
  expect(files.sort()).toEqual(['throughput-r1.json', 'throughput-r2.json']);
  for (const file of files) {
    const metrics = spawnSync(
      path.join(REPO, 'node_modules', '.bin', 'tsx'),
      [path.join(REPO, 'cli', 'main.ts'), 'metrics', path.join(stackDir, file)],
      { cwd: REPO, encoding: 'utf8' },
    );
    const expected = z.record(z.string(), z.unknown()).parse(JSON.parse(metrics.stdout));
    const runs = await search(`tags.\`schedbench.runKey\` = '${String(expected.key)}'`);
    expect(runs).toHaveLength(1);
    const logged = Object.fromEntries((runs[0]?.data.metrics ?? []).map((m) => [m.key, m.value]));
    for (const name of METRIC_NAMES) {
      const value = expected[name];
      if (typeof value === 'number') expect([name, logged[name]]).toEqual([name, value]);
    }
  }
  expect(await search(`tags.\`schedbench.kind\` = 'run'`)).toHaveLength(files.length);
  const [parent] = await search(`tags.\`schedbench.kind\` = 'stack'`);
  const root = String(parent?.info.artifact_uri).replace(/^mlflow-artifacts:\/*/, '');
  const report = await fetch(`${server.uri}/api/2.0/mlflow-artifacts/artifacts/${root}/report/report.html`);
  expect(report.status).toBe(200);
  expect(await report.text()).toContain('schedbench');
});
