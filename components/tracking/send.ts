// Sends one RunResult (or a stack's report) to MLflow: the experiment, the parent runs (campaign → stack), the
// run found again by its run key (tag) or created, params/tags/metrics in log-batch calls, artifacts, status.
// Idempotent: a re-send updates the run that carries the run key; an unchanged file is recognised and skipped.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';
import { powerFrom } from '../../analysis/cli-options';
import { loadRunFile } from '../../analysis/load';
import { runDetails } from '../../analysis/metrics';
import type { PowerModel } from '../../analysis/metrics-energy';
import type { RunResult } from '../../results/schema';
import { runRecord, TAG, toBatches } from './batches';
import { MlflowClient, type KeyValue, type MlflowRun } from './mlflow';

export interface SendOptions {
  experiment: string;
  campaignId?: string;
  /** Power model for energy estimates; default: the config snapshot's `host.power`, else none (not measured). */
  power?: PowerModel;
}

export interface SendOutcome {
  /** created: a new MLflow run; updated: the run with this key got the data again; unchanged: already there. */
  action: 'created' | 'updated' | 'unchanged';
  mlflowRunId: string;
  runKey: string;
  /** Problems that did not stop the send (e.g. artifacts not served). */
  warnings: string[];
}

/** The config snapshot written beside a run's results (`config.json`: {configHash, config}). */
const Snapshot = z.object({ configHash: z.string(), config: z.record(z.string(), z.unknown()) });
const SnapshotPower = z.object({
  host: z
    .object({
      cores: z.number().optional(),
      power: z.object({ idleWatts: z.number(), maxWatts: z.number() }).optional(),
    })
    .optional(),
});

export function snapshotPathFor(resultPath: string): string {
  return join(dirname(resultPath), 'config.json');
}

function readSnapshot(path: string): z.infer<typeof Snapshot> | undefined {
  if (!existsSync(path)) return undefined;
  const parsed = Snapshot.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  return parsed.success ? parsed.data : undefined;
}

/** The power model `up`'s analysis uses for this config (host.power + host.cores), as JSON for powerFrom. */
export function powerOfConfig(config: Record<string, unknown> | undefined): PowerModel | undefined {
  const host = SnapshotPower.safeParse(config ?? {});
  const power = host.success ? host.data.host?.power : undefined;
  if (power === undefined) return powerFrom(undefined);
  return powerFrom(JSON.stringify({ ...power, cores: host.success ? host.data.host?.cores : undefined }));
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const tagOf = (run: MlflowRun, key: string) => run.data.tags.find((t) => t.key === key)?.value;

/** Run keys are made of safe characters; anything else must never reach a filter string. */
function filterFor(key: string): string {
  if (!/^[A-Za-z0-9_./:@+-]+$/.test(key))
    throw new Error(`run key "${key}" has characters a filter cannot carry`);
  return `tags.\`${TAG.runKey}\` = '${key}'`;
}

/** The active run carrying `key`, the oldest when there are several. */
export async function findRunByKey(
  client: MlflowClient,
  experimentId: string,
  key: string,
): Promise<MlflowRun | undefined> {
  const runs = await client.searchRuns([experimentId], filterFor(key));
  return runs.sort((a, b) => (a.info.start_time ?? 0) - (b.info.start_time ?? 0))[0];
}

async function findOrCreate(
  client: MlflowClient,
  experimentId: string,
  key: string,
  create: { runName: string; startTime: number; tags: KeyValue[] },
): Promise<{ run: MlflowRun; created: boolean }> {
  const found = await findRunByKey(client, experimentId, key);
  if (found !== undefined) return { run: found, created: false };
  const run = await client.createRun({
    experimentId,
    runName: create.runName,
    startTime: create.startTime,
    tags: [{ key: TAG.runKey, value: key }, ...create.tags],
  });
  return { run, created: true };
}

/** Parent runs: one per campaign (when there is one), one per stack and run id under it. */
async function parentRun(
  client: MlflowClient,
  experimentId: string,
  stack: string,
  stackRunId: string,
  campaignId: string | undefined,
  startTime: number,
): Promise<MlflowRun> {
  let campaignRun: MlflowRun | undefined;
  if (campaignId !== undefined) {
    campaignRun = (
      await findOrCreate(client, experimentId, `campaign/${campaignId}`, {
        runName: `campaign ${campaignId}`,
        startTime,
        tags: [
          { key: TAG.kind, value: 'campaign' },
          { key: TAG.campaignId, value: campaignId },
        ],
      })
    ).run;
  }
  const { run } = await findOrCreate(client, experimentId, `stack/${stack}/${stackRunId}`, {
    runName: `${stack} ${stackRunId}`,
    startTime,
    tags: [
      { key: TAG.kind, value: 'stack' },
      { key: TAG.stack, value: stack },
      { key: TAG.runId, value: stackRunId },
      ...(campaignId !== undefined ? [{ key: TAG.campaignId, value: campaignId }] : []),
      ...(campaignRun !== undefined ? [{ key: TAG.parentRunId, value: campaignRun.info.run_id }] : []),
    ],
  });
  return run;
}

/** Tracks one RunResult file. Throws on any server or network failure (the caller queues it). */
export async function sendRun(
  client: MlflowClient,
  resultPath: string,
  options: SendOptions,
): Promise<SendOutcome> {
  const loaded = loadRunFile(resultPath);
  if (loaded === 'ignored') throw new Error(`${resultPath}: not a RunResult`);
  if (!('run' in loaded)) throw new Error(`${resultPath}: ${loaded.reason}`);
  const run: RunResult = loaded.run;
  const bytes = readFileSync(resultPath);
  const contentSha256 = sha256(bytes);
  const snapshotPath = snapshotPathFor(resultPath);
  const snapshot = readSnapshot(snapshotPath);
  const details = runDetails(run, { power: options.power ?? powerOfConfig(snapshot?.config) });
  const campaignId = options.campaignId ?? run.campaignId ?? undefined;
  const record = runRecord({ run, details, config: snapshot?.config, campaignId, contentSha256 });

  const experimentId = await client.ensureExperiment(options.experiment);
  const parent = await parentRun(client, experimentId, run.stack, run.runId, campaignId, record.startTime);
  const { run: mlRun, created } = await findOrCreate(client, experimentId, record.runKey, {
    runName: record.runName,
    startTime: record.startTime,
    tags: [{ key: TAG.parentRunId, value: parent.info.run_id }],
  });
  const outcome = (action: SendOutcome['action'], warnings: string[] = []): SendOutcome => ({
    action,
    mlflowRunId: mlRun.info.run_id,
    runKey: record.runKey,
    warnings,
  });
  if (!created && tagOf(mlRun, TAG.contentSha256) === contentSha256) return outcome('unchanged');

  // Params cannot change once logged: send only those the run does not have yet.
  const existing = new Map(mlRun.data.params.map((p) => [p.key, p.value]));
  const warnings: string[] = [];
  const changed = record.params.filter((p) => existing.has(p.key) && existing.get(p.key) !== p.value);
  if (changed.length > 0)
    warnings.push(
      `params kept from the first send (MLflow params are immutable): ${changed.map((p) => p.key).join(', ')}`,
    );
  const params = record.params.filter((p) => !existing.has(p.key));
  const tags = [...record.tags, { key: TAG.parentRunId, value: parent.info.run_id }];
  for (const batch of toBatches({ metrics: record.metrics, params, tags }))
    await client.logBatch(mlRun.info.run_id, batch);

  try {
    await client.uploadArtifact(mlRun, `result/${basename(resultPath)}`, bytes, 'application/json');
    if (existsSync(snapshotPath))
      await client.uploadArtifact(
        mlRun,
        'config/config.json',
        readFileSync(snapshotPath),
        'application/json',
      );
  } catch (err) {
    if (err instanceof Error && 'code' in err && err.code === 'ARTIFACTS_NOT_SERVED')
      warnings.push(err.message);
    else throw err;
  }
  await client.updateRun(mlRun.info.run_id, record.status, record.endTime);
  // Last: the content hash marks the run complete, so an interrupted send is redone in full next time.
  await client.setTag(mlRun.info.run_id, TAG.contentSha256, contentSha256);
  await client.updateRun(parent.info.run_id, 'FINISHED', Math.max(record.endTime, parent.info.end_time ?? 0));
  return outcome(created ? 'created' : 'updated', warnings);
}

/** Attaches a stack's report.html to the stack's parent run. */
export async function sendReport(
  client: MlflowClient,
  args: { reportPath: string; stack: string; stackRunId: string } & SendOptions,
): Promise<SendOutcome> {
  const experimentId = await client.ensureExperiment(args.experiment);
  const parent = await parentRun(
    client,
    experimentId,
    args.stack,
    args.stackRunId,
    args.campaignId,
    Date.now(),
  );
  const warnings: string[] = [];
  try {
    await client.uploadArtifact(parent, 'report/report.html', readFileSync(args.reportPath), 'text/html');
  } catch (err) {
    if (err instanceof Error && 'code' in err && err.code === 'ARTIFACTS_NOT_SERVED')
      warnings.push(err.message);
    else throw err;
  }
  return {
    action: 'updated',
    mlflowRunId: parent.info.run_id,
    runKey: `stack/${args.stack}/${args.stackRunId}`,
    warnings,
  };
}
