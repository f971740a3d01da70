// The benchmark workflow gives MLflow's token only to the steps that send to MLflow (#29, low): not to the
// workflow or a job, where checkout, setup.sh, lint and the tests would see it too.
import { readFileSync } from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { z } from 'zod';

const WORKFLOW = path.join(__dirname, '..', '..', '..', '.github', 'workflows', 'benchmark.yml');
const Env = z.record(z.string(), z.unknown()).optional();
const Workflow = z.object({
  env: Env,
  jobs: z.record(
    z.string(),
    z.object({
      env: Env,
      steps: z.array(z.object({ name: z.string().optional(), run: z.string().optional(), env: Env })),
    }),
  ),
});

describe('.github/workflows/benchmark.yml', () => {
  const workflow = Workflow.parse(parse(readFileSync(WORKFLOW, 'utf8')));
  const mentions = (env: Record<string, unknown> | undefined) =>
    Object.entries(env ?? {}).some(
      ([k, v]) => k === 'MLFLOW_TRACKING_TOKEN' || String(v).includes('MLFLOW_TRACKING_TOKEN'),
    );

  it('sets no secret at workflow or job level', () => {
    expect(mentions(workflow.env)).toBe(false);
    for (const job of Object.values(workflow.jobs)) expect(mentions(job.env)).toBe(false);
  });

  it('gives the token only to steps that run up, campaign or track', () => {
    const given = Object.values(workflow.jobs)
      .flatMap((job) => job.steps)
      .filter((step) => mentions(step.env));
    expect(given.length).toBeGreaterThan(0);
    for (const step of given) expect(step.run).toMatch(/npm run up|schedbench campaign|schedbench track/);
  });
});
