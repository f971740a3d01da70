// `schedbench analyze <results dir> --out <dir>`: every RunResult under the tree → metrics.csv,
// summary.csv, summary.json, pareto.json, report.html; the summary table on the terminal. With --json,
// stdout carries one JSON document (report path, front, headline) for the post-deploy step instead.
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { analyse } from '../../analysis/analyze';
import { objectivesFrom, powerFrom } from '../../analysis/cli-options';
import { type LoadOutcome, loadRuns } from '../../analysis/load';
import { writeAnalysis } from '../../analysis/output';
import { summaryText } from '../../analysis/table';

interface AnalyzeFlags {
  out: string;
  objective?: string[];
  objectivesJson?: string;
  powerJson?: string;
  stack?: string;
  runId?: string;
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

/** Why there is nothing to analyse (the command then fails saying so), or undefined. */
export function nothingToAnalyse(
  dir: string,
  loaded: LoadOutcome,
  selected: number,
  filters: { stack?: string; runId?: string },
): string | undefined {
  if (selected > 0) return undefined;
  const { runs, problems, ignored } = loaded;
  if (runs.length > 0) {
    const wanted = [
      filters.stack ? `stack '${filters.stack}'` : '',
      filters.runId ? `run id '${filters.runId}'` : '',
    ].filter((w) => w !== '');
    const stacks = [...new Set(runs.map(({ run }) => run.stack))].sort();
    const ids = [...new Set(runs.map(({ run }) => run.runId))].sort();
    return (
      `analyze: no run of ${wanted.join(' and ')} under ${dir}; ` +
      `its ${runs.length} run(s) are of stack(s) ${stacks.join(', ')} (run ids ${ids.join(', ')})`
    );
  }
  if (problems.length > 0)
    return `analyze: nothing analysed: none of the ${problems.length} RunResult file(s) under ${dir} could be read (each is named above)`;
  if (ignored.length > 0)
    return `analyze: nothing analysed: the ${ignored.length} JSON file(s) under ${dir} are not RunResults (e.g. ${ignored[0]})`;
  return `analyze: nothing analysed: ${dir} holds no *.json files`;
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
      '--json',
      'print one JSON document (report path, Pareto front, headline) on stdout; the table goes to stderr',
    )
    .action(async (dir: string, flags: AnalyzeFlags) => {
      if (!existsSync(dir) || !statSync(dir).isDirectory())
        throw new Error(`results directory ${dir} does not exist`);
      const objectives = objectivesFrom(flags.objective ?? [], flags.objectivesJson);
      const power = powerFrom(flags.powerJson);
      const bar = progress();
      const loaded = loadRuns(dir, { exclude: [flags.out], onProgress: bar.onProgress });
      bar.stop();
      for (const p of loaded.problems)
        process.stderr.write(`schedbench analyze: skipped ${p.path}: ${p.reason}\n`);
      const runs = loaded.runs.filter(
        ({ run }) =>
          (!flags.stack || run.stack === flags.stack) && (!flags.runId || run.runId === flags.runId),
      );
      const nothing = nothingToAnalyse(dir, loaded, runs.length, flags);
      if (nothing !== undefined) throw new Error(nothing);
      const analysis = analyse(runs, loaded.problems, { objectives, power });
      for (const e of analysis.pareto.excluded) {
        process.stderr.write(`schedbench analyze: run ${e.key} not in the Pareto analysis: ${e.reason}\n`);
      }
      const files = await writeAnalysis(analysis, flags.out);
      const table = summaryText(analysis);
      if (flags.json) {
        process.stderr.write(table);
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
          `\nwrote ${files.reportHtml} (${(files.reportBytes / 1024).toFixed(0)} KiB) and metrics.csv, summary.csv, summary.json, pareto.json\n`,
        );
      }
    });
}
