// schedbench:tracking:Tracking — after each workload run's RunResult is written, one local command sends it to
// MLflow (tsx script.ts run), one after the other; after the analysis, one more attaches report.html to the
// stack's parent run. A server that is down or failing queues the item and warns; `up` never fails for it.
import * as path from 'path';
import * as command from '@pulumi/command';
import * as pulumi from '@pulumi/pulumi';
import { z } from 'zod';
import { authFromEnv } from './mlflow';
import { credentialsRefusal } from './options';
import { queueDir } from './queue';
import { TS_ENVIRONMENT, TS_RUN } from '../tsx';

const SCRIPT = path.join(__dirname, 'script.ts');
/**
 * The runner gives local commands none of its secrets (cli/runner/exec.ts, SCHEDBENCH_INHERIT_SECRETS); the
 * tracking commands alone ask for MLflow's credentials, which they send to the server.
 */
export const INHERITED_SECRETS = {
  SCHEDBENCH_INHERIT_SECRETS: 'MLFLOW_TRACKING_TOKEN MLFLOW_TRACKING_USERNAME MLFLOW_TRACKING_PASSWORD',
} as const;
/** Every value reaches the script through the environment. */
const RUN_COMMAND = `${TS_RUN} "$SCHEDBENCH_TRACKER" run`;
const REPORT_COMMAND = `${TS_RUN} "$SCHEDBENCH_TRACKER" report`;

/** What the script prints: sent (created / updated / unchanged) or queued. */
export const TrackOutcome = z.union([
  z.object({
    status: z.literal('sent'),
    action: z.enum(['created', 'updated', 'unchanged']),
    mlflowRunId: z.string(),
    runKey: z.string(),
    warnings: z.array(z.string()),
    seconds: z.number(),
  }),
  z.object({ status: z.literal('queued'), reason: z.string(), seconds: z.number() }),
]);
export type TrackOutcome = z.infer<typeof TrackOutcome>;

/** A workload run as the program exposes it. */
export interface TrackedRun {
  /** Where its RunResult is written. */
  resultPath: pulumi.Output<string>;
  /** Its last stage (the RunResult is on disk once it is done). */
  done: pulumi.Resource;
}

export interface TrackingArgs {
  /** Base URL of the MLflow tracking server (config `tracking.mlflow.uri`). */
  uri: pulumi.Input<string>;
  /** MLflow experiment (config `tracking.experiment`, default `schedbench`). */
  experiment: pulumi.Input<string>;
  /** The stack's workload runs, in run order. */
  runs: readonly TrackedRun[];
  /** Absolute results directory; what cannot be sent waits in `<resultsDir>/.tracking-queue/`. */
  resultsDir: string;
  /** Stack name and run id: the parent MLflow run of this stack's runs (the report goes there). */
  stack: string;
  runId: pulumi.Input<string>;
  /** Campaign id; default: the one each RunResult carries (none outside `schedbench campaign`). */
  campaignId?: pulumi.Input<string>;
  /** The post-deploy analysis, when there is one: its report.html is attached once it is written. */
  report?: { reportPath: pulumi.Output<string>; command: pulumi.Resource };
}

export class Tracking extends pulumi.ComponentResource {
  /** One outcome per run, in run order. */
  readonly runs: pulumi.Output<TrackOutcome[]>;
  /** The report's outcome, or null without analysis. */
  readonly report: pulumi.Output<TrackOutcome | null>;
  /** The commands, one per run (then the report's): what a later stage may wait for. */
  readonly commands: command.local.Command[];

  constructor(name: string, args: TrackingArgs, opts?: pulumi.ComponentResourceOptions) {
    super('schedbench:tracking:Tracking', name, {}, opts);
    // Credentials in the environment and a plain-http server elsewhere: said now, not once per run.
    const auth = authFromEnv();
    const refusal = typeof args.uri === 'string' ? credentialsRefusal(args.uri) : undefined;
    if (refusal !== undefined && [auth?.token, auth?.username].some((v) => v !== undefined && v !== ''))
      throw new pulumi.ResourceError(`tracking.mlflow.uri: ${refusal}`, this);
    const common = {
      ...TS_ENVIRONMENT,
      ...INHERITED_SECRETS,
      SCHEDBENCH_TRACKER: SCRIPT,
      SCHEDBENCH_TRACKING_URI: args.uri,
      SCHEDBENCH_TRACKING_EXPERIMENT: args.experiment,
      SCHEDBENCH_TRACKING_QUEUE: queueDir(args.resultsDir),
      SCHEDBENCH_CAMPAIGN_ID: args.campaignId ?? '',
    };
    // One after the other: the stack's parent run is created once, never raced.
    const commands: command.local.Command[] = [];
    args.runs.forEach((run, i) => {
      const previous = commands[commands.length - 1];
      commands.push(
        new command.local.Command(
          `${name}-run-${i + 1}`,
          { create: RUN_COMMAND, environment: { ...common, RESULT_PATH: run.resultPath } },
          { parent: this, dependsOn: previous === undefined ? [run.done] : [run.done, previous] },
        ),
      );
    });
    const parse = (stdout: string): TrackOutcome => TrackOutcome.parse(JSON.parse(stdout));
    this.runs = pulumi.all(commands.map((c) => c.stdout.apply(parse)));
    if (args.report !== undefined) {
      const previous = commands[commands.length - 1];
      const report = new command.local.Command(
        `${name}-report`,
        {
          create: REPORT_COMMAND,
          environment: {
            ...common,
            REPORT_PATH: args.report.reportPath,
            STACK: args.stack,
            RUN_ID: args.runId,
          },
        },
        {
          parent: this,
          dependsOn: previous === undefined ? [args.report.command] : [args.report.command, previous],
        },
      );
      commands.push(report);
      this.report = report.stdout.apply(parse);
    } else {
      this.report = pulumi.output(null);
    }
    this.commands = commands;
    // Queued items are a warning of the stack, not a failure.
    this.runs.apply((outcomes) => {
      const queued = outcomes.filter((o) => o.status === 'queued').length;
      if (queued > 0)
        void pulumi.log.warn(
          `tracking: ${queued} of ${outcomes.length} runs queued (MLflow unreachable or failing); send them with \`npx schedbench track ${args.resultsDir} --tracking-uri URI\``,
          this,
        );
    });
    this.registerOutputs({ runs: this.runs, report: this.report });
  }
}
