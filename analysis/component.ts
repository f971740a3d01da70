// The post-deploy analysis step of `pulumi up`: one local command that runs `schedbench analyze` over this
// stack's results (or every stack's, scope `all`) after the stack's last run, writes the report, and
// prints one JSON document whose report path, Pareto front and headline become the component's outputs.
import * as command from '@pulumi/command';
import * as pulumi from '@pulumi/pulumi';
import { DEFAULT_OBJECTIVES, type FrontMember, type Headline } from './analyze';
import type { Objective } from './pareto';
import { parseAnalyzeJson } from './report-output';

export interface AnalysisReportArgs {
  /** Directory tree of RunResult files (config `resultsDir`), absolute or relative to `projectDir`. */
  resultsDir: pulumi.Input<string>;
  /** This `up`'s run id; with scope `stack` only runs with this id are analysed. */
  runId: pulumi.Input<string>;
  /** This stack's name; with scope `stack` only its runs are analysed. */
  stack: pulumi.Input<string>;
  /** Pareto objectives (config `analysis.objectives`). Default: makespan min, mean wait min, allocated utilisation max, energy min. */
  objectives?: pulumi.Input<pulumi.Input<Objective>[]>;
  /** `stack`: this stack's runs of this up; `all`: every RunResult under resultsDir. Default `stack`. */
  scope?: pulumi.Input<'stack' | 'all'>;
  /** Where the report goes. Default `<resultsDir>/analysis/<stack>` (scope stack) or `<resultsDir>/analysis/all`. */
  outDir?: pulumi.Input<string>;
  /** Host power model for energy where it is not measured (config `host.power` + `host.cores`, W). Default: none. */
  power?: pulumi.Input<{ idleWatts: number; maxWatts: number; cores?: number }>;
  /** Directory the command runs in, where `npx schedbench` resolves. Default: the program's working directory. */
  projectDir?: pulumi.Input<string>;
  /** What the analysis waits for: the stack's last workload run. */
  dependsOn?: pulumi.Input<pulumi.Resource> | pulumi.Input<pulumi.Input<pulumi.Resource>[]>;
  /** Any change re-runs the analysis. Default: a fresh timestamp per program run, so every `up` re-analyses. */
  trigger?: pulumi.Input<string>;
}

/** The command; every value reaches it through the environment, none is spliced into the text. */
const ANALYZE_SCRIPT = [
  'set -eu',
  'mkdir -p "$SCHEDBENCH_RESULTS_DIR"',
  'exec npx --no-install schedbench analyze "$SCHEDBENCH_RESULTS_DIR" --out "$SCHEDBENCH_REPORT_DIR"' +
    ' --objectives-json "$SCHEDBENCH_OBJECTIVES" --power-json "$SCHEDBENCH_POWER"' +
    ' --stack "$SCHEDBENCH_STACK_FILTER" --run-id "$SCHEDBENCH_RUN_ID_FILTER" --json',
].join('\n');

export class AnalysisReport extends pulumi.ComponentResource {
  /** Absolute path of report.html. */
  readonly reportPath: pulumi.Output<string>;
  /** Runs on the Pareto front: run key, id, stack, scheduler, profile, workload, repetition, objective values. */
  readonly front: pulumi.Output<FrontMember[]>;
  /**
   * Key figures: run counts (and what was left out), front size, where energy came from, and the per-workload
   * verdicts in compact form (each key metric's ranking and pairwise verdicts; empty with one scheduler).
   */
  readonly headline: pulumi.Output<Headline>;
  /** The analysis command (its stdout is the JSON document the outputs come from). */
  readonly command: command.local.Command;

  constructor(name: string, args: AnalysisReportArgs, opts?: pulumi.ComponentResourceOptions) {
    super('schedbench:analysis:Report', name, {}, opts);
    const scope = pulumi.output(args.scope ?? 'stack');
    const outDir =
      args.outDir ??
      pulumi
        .all([args.resultsDir, args.stack, scope])
        .apply(([dir, stack, s]) => `${dir}/analysis/${s === 'all' ? 'all' : stack}`);
    this.command = new command.local.Command(
      `${name}-analyze`,
      {
        create: ANALYZE_SCRIPT,
        dir: args.projectDir ?? process.cwd(),
        environment: {
          SCHEDBENCH_RESULTS_DIR: args.resultsDir,
          SCHEDBENCH_REPORT_DIR: outDir,
          SCHEDBENCH_OBJECTIVES: pulumi
            .output(args.objectives ?? DEFAULT_OBJECTIVES)
            .apply((o) => JSON.stringify(o)),
          SCHEDBENCH_POWER:
            args.power === undefined ? '' : pulumi.output(args.power).apply((p) => JSON.stringify(p)),
          SCHEDBENCH_STACK_FILTER: pulumi
            .all([scope, args.stack])
            .apply(([s, stack]) => (s === 'all' ? '' : stack)),
          SCHEDBENCH_RUN_ID_FILTER: pulumi
            .all([scope, args.runId])
            .apply(([s, id]) => (s === 'all' ? '' : id)),
        },
        triggers: [args.trigger ?? new Date().toISOString(), args.runId, scope],
      },
      { parent: this, dependsOn: args.dependsOn },
    );
    const parsed = this.command.stdout.apply(parseAnalyzeJson);
    this.reportPath = parsed.apply((p) => p.reportPath);
    this.front = parsed.apply((p) => p.front);
    this.headline = parsed.apply((p) => p.headline);
    this.registerOutputs({ reportPath: this.reportPath, front: this.front, headline: this.headline });
  }
}
