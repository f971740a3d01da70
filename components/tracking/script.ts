// Run by the Tracking component's local commands (`tsx script.ts run|report`), after a RunResult (or the report)
// is written: sends it to MLflow, or queues it and warns. Exits 0 either way: tracking never fails `up`.
// Environment: SCHEDBENCH_TRACKING_URI, SCHEDBENCH_TRACKING_EXPERIMENT, SCHEDBENCH_TRACKING_QUEUE,
// SCHEDBENCH_CAMPAIGN_ID (optional); run: RESULT_PATH; report: REPORT_PATH, STACK, RUN_ID.
import { z } from 'zod';
import { deliver, type Deliverable } from './deliver';
import { MlflowClient } from './mlflow';

const Common = z.object({
  SCHEDBENCH_TRACKING_URI: z.string().min(1),
  SCHEDBENCH_TRACKING_EXPERIMENT: z.string().min(1),
  SCHEDBENCH_TRACKING_QUEUE: z.string().min(1),
  SCHEDBENCH_CAMPAIGN_ID: z.string().optional(),
});
const RunEnv = Common.extend({ RESULT_PATH: z.string().min(1) });
const ReportEnv = Common.extend({
  REPORT_PATH: z.string().min(1),
  STACK: z.string().min(1),
  RUN_ID: z.string().min(1),
});

function deliverable(mode: string | undefined): { env: z.infer<typeof Common>; item: Deliverable } {
  const campaign = (id: string | undefined) => (id === undefined || id === '' ? {} : { campaignId: id });
  if (mode === 'run') {
    const env = RunEnv.parse(process.env);
    return {
      env,
      item: {
        kind: 'run',
        resultPath: env.RESULT_PATH,
        experiment: env.SCHEDBENCH_TRACKING_EXPERIMENT,
        ...campaign(env.SCHEDBENCH_CAMPAIGN_ID),
      },
    };
  }
  if (mode === 'report') {
    const env = ReportEnv.parse(process.env);
    return {
      env,
      item: {
        kind: 'report',
        reportPath: env.REPORT_PATH,
        stack: env.STACK,
        stackRunId: env.RUN_ID,
        experiment: env.SCHEDBENCH_TRACKING_EXPERIMENT,
        ...campaign(env.SCHEDBENCH_CAMPAIGN_ID),
      },
    };
  }
  throw new Error(`usage: script.ts run|report (got ${String(mode)})`);
}

async function main(): Promise<void> {
  const { env, item } = deliverable(process.argv[2]);
  const client = new MlflowClient({ uri: env.SCHEDBENCH_TRACKING_URI });
  const started = Date.now();
  const result = await deliver(client, item, env.SCHEDBENCH_TRACKING_QUEUE);
  const seconds = (Date.now() - started) / 1000;
  if (result.status === 'queued') {
    process.stderr.write(
      `warning: tracking: MLflow at ${env.SCHEDBENCH_TRACKING_URI} did not take it (${result.reason}); ` +
        `queued in ${result.queueFile}: send it later with \`npx schedbench track <resultsDir> --tracking-uri URI\`\n`,
    );
    process.stdout.write(`${JSON.stringify({ status: 'queued', reason: result.reason, seconds })}\n`);
    return;
  }
  for (const w of result.outcome.warnings) process.stderr.write(`warning: tracking: ${w}\n`);
  process.stdout.write(
    `${JSON.stringify({
      status: 'sent',
      action: result.outcome.action,
      mlflowRunId: result.outcome.mlflowRunId,
      runKey: result.outcome.runKey,
      warnings: result.outcome.warnings,
      seconds,
    })}\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`tracking: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
