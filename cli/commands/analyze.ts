// `schedbench analyze <results dir> --out <dir> [--campaign <id>]`: the RunResults under the tree (one campaign's
// with --campaign) → metrics.csv, summary.csv, summary.json, pareto.json, report.html; on the terminal the summary
// table, then the closing summary (scope, per-workload verdicts, where the report is). With --json, stdout carries
// one JSON document (report path, front, headline) for the post-deploy step instead, and the text goes to stderr.
import { resolve } from 'node:path';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { analyseResultsDir } from '../../analysis/analyze-dir';
import { objectivesFrom, powerFrom } from '../../analysis/cli-options';
import { analysisSummaryText } from '../../analysis/summary-text';
import { summaryText } from '../../analysis/table';

interface AnalyzeFlags {
  out: string;
  objective?: string[];
  objectivesJson?: string;
  powerJson?: string;
  stack?: string;
  runId?: string;
  campaign?: string;
  json?: boolean;
}

/** A progress bar on stderr when it is a terminal and there are enough files to wait for. */
function progress(): { onProgress: (done: number, total: number) => void; stop: () => void } {
  let bar: SingleBar | null = null;
  return {
    onProgress: (done, total) => {
      if (bar === null && done === 0 && total >= 50 && process.stderr.isTTY) {
        bar = new SingleBar({ stream: process.stderr, format: 'reading runs [{bar}] {value}/{total}' });
        bar.start(total, 0);
      }
      bar?.update(done);
    },
    stop: () => bar?.stop(),
  };
}

export function registerAnalyze(program: Command): void {
  program
    .command('analyze')
    .description(
      'Analyse every RunResult under a directory: metrics, statistics, Pareto front and report.html',
    )
    .argument('<results-dir>', 'directory tree of RunResult JSON files (e.g. runs/)')
    .requiredOption(
      '--out <dir>',
      'where to write metrics.csv, summary.csv, summary.json, pareto.json, report.html',
    )
    .option(
      '--objective <metric:min|max>',
      'a Pareto objective (repeat; default makespanSeconds:min waitMeanSeconds:min utilisationAllocated:max energyJoules:min)',
      (v: string, acc: string[] = []) => [...acc, v],
    )
    .option(
      '--objectives-json <json>',
      'objectives as JSON [{"metric","direction"}] (the post-deploy step uses this)',
    )
    .option('--power-json <json>', 'host power model {"idleWatts","maxWatts","cores"} for energy estimates')
    .option('--stack <name>', 'only runs of this stack (empty: all)')
    .option('--run-id <id>', 'only runs with this run id (empty: all)')
    .option(
      '--campaign <id>',
      'only results of this campaign (their campaignId); the others under the directory are left out and counted',
    )
    .option(
      '--json',
      'print one JSON document (report path, Pareto front, headline) on stdout; the table goes to stderr',
    )
    .action(async (dir: string, flags: AnalyzeFlags) => {
      // The report's writer loads vega and vega-lite (≈ 0.2 s): only when an analysis runs.
      const { writeAnalysis } = await import('../../analysis/output');
      const objectives = objectivesFrom(flags.objective ?? [], flags.objectivesJson);
      const power = powerFrom(flags.powerJson);
      const bar = progress();
      const analysis = analyseResultsDir(dir, {
        objectives,
        power,
        campaign: flags.campaign,
        stack: flags.stack,
        runId: flags.runId,
        exclude: [flags.out],
        onProgress: bar.onProgress,
        onProblem: (p) => {
          bar.stop();
          process.stderr.write(`schedbench analyze: skipped ${p.path}: ${p.reason}\n`);
        },
      });
      bar.stop();
      for (const e of analysis.pareto.excluded) {
        process.stderr.write(`schedbench analyze: run ${e.key} not in the Pareto analysis: ${e.reason}\n`);
      }
      const files = await writeAnalysis(analysis, flags.out);
      const table = summaryText(analysis);
      const closing = analysisSummaryText(analysis, files.reportHtml);
      if (flags.json) {
        process.stderr.write(`${table}\n${closing}`);
        const doc = {
          reportPath: files.reportHtml,
          outDir: resolve(flags.out),
          objectives: analysis.objectives,
          front: analysis.pareto.front,
          headline: analysis.headline,
        };
        process.stdout.write(`${JSON.stringify(doc)}\n`);
      } else {
        process.stdout.write(table);
        process.stdout.write(
          `\nwrote metrics.csv, summary.csv, summary.json, pareto.json${files.replayJobsCsv === undefined ? '' : ', replay-jobs.csv'} and report.html (${(files.reportBytes / 1024).toFixed(0)} KiB) to ${resolve(flags.out)}\n\n`,
        );
        process.stdout.write(closing);
      }
    });
}
