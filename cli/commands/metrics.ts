// `schedbench metrics <RunResult.json>`: one run's metrics (and per-node averages) as one JSON document.
import type { Command } from 'commander';
import { powerFrom } from '../../analysis/cli-options';
import { loadRunFile } from '../../analysis/load';
import { runDetails } from '../../analysis/metrics';

export function registerMetrics(program: Command): void {
  program
    .command('metrics')
    .description('Print one run’s metrics as JSON (docs/analysis.md defines every metric)')
    .argument('<RunResult.json>', 'a RunResult file')
    .option('--power-json <json>', 'host power model {"idleWatts","maxWatts","cores"} for energy estimates')
    .action((file: string, opts: { powerJson?: string }) => {
      const r = loadRunFile(file);
      if (r === 'ignored') throw new Error(`${file}: not a RunResult (no runId, schemaVersion or jobs)`);
      if (!('run' in r)) throw new Error(`${r.path}: ${r.reason}`);
      const { metrics, perNode } = runDetails(r.run, { power: powerFrom(opts.powerJson) });
      process.stdout.write(`${JSON.stringify({ ...metrics, perNode }, null, 2)}\n`);
    });
}
