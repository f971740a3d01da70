// Run by the Tracking component's local commands (`tsx script.ts run|report`), after a RunResult (or the report)
// is written: sends it to MLflow, or queues it and warns. Exits 0 either way: tracking never fails `up`.
// Environment: SCHEDBENCH_TRACKING_URI, SCHEDBENCH_TRACKING_EXPERIMENT, SCHEDBENCH_TRACKING_QUEUE,
// SCHEDBENCH_CAMPAIGN_ID (optional); run: RESULT_PATH; report: REPORT_PATH, STACK, RUN_ID. Bounds (optional):
// SCHEDBENCH_UP_ID (the up this command belongs to: its commands share one time budget, and after one unanswered
// request the rest are queued at once), SCHEDBENCH_TRACKING_TIMEOUT_SECONDS (per request, default 60),
// SCHEDBENCH_TRACKING_BUDGET_SECONDS (all tracking of one up, default 600).
import { z } from 'zod';
import { deliver, type Deliverable } from './deliver';
import { CLIENT_LIMITS, MlflowClient } from './mlflow';
import { DEFAULT_BUDGET_MS, openSession, UP_ID_VARIABLE } from './session';

const Seconds = z.coerce.number().positive().max(86_400).optional();
const Common = z.object({
  SCHEDBENCH_TRACKING_URI: z.string().min(1),
  SCHEDBENCH_TRACKING_EXPERIMENT: z.string().min(1),
  SCHEDBENCH_TRACKING_QUEUE: z.string().min(1),
  SCHEDBENCH_CAMPAIGN_ID: z.string().optional(),
  [UP_ID_VARIABLE]: z.string().optional(),
  SCHEDBENCH_TRACKING_TIMEOUT_SECONDS: Seconds,
  SCHEDBENCH_TRACKING_BUDGET_SECONDS: Seconds,
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
  const session = openSession(
    env.SCHEDBENCH_TRACKING_QUEUE,
    env[UP_ID_VARIABLE],
    (env.SCHEDBENCH_TRACKING_BUDGET_SECONDS ?? DEFAULT_BUDGET_MS / 1000) * 1000,
  );
  const client = new MlflowClient({
    uri: env.SCHEDBENCH_TRACKING_URI,
    timeoutMs: (env.SCHEDBENCH_TRACKING_TIMEOUT_SECONDS ?? CLIENT_LIMITS.timeoutMs / 1000) * 1000,
    deadline: session.deadline,
    unanswered: session.unanswered,
    onUnanswered: (reason) => session.remember(reason),
  });
  const started = Date.now();
  let result;
  try {
    result = await deliver(client, item, env.SCHEDBENCH_TRACKING_QUEUE);
  } finally {
    session.close();
  }
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
