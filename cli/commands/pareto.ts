// `schedbench pareto <file.csv> --objective col:min --objective col:max [--ranks]`: the Pareto front (or
// every row's front rank) of any CSV table, printed as one JSON array.
import type { Command } from 'commander';
import { readTable } from '../../analysis/csv-table';
import {
  frontRanksColumns,
  nonDominatedColumns,
  objectiveColumns,
  parseObjective,
} from '../../analysis/pareto';

export function registerPareto(program: Command): void {
  program
    .command('pareto')
    .description(
      'Pareto front of a CSV table: prints the 0-based data-row indices of the front (ascending) as a JSON array, or with --ranks each row’s front rank (0 = non-dominated)',
    )
    .argument('<file.csv>', 'CSV file with a header row')
    .requiredOption(
      '--objective <column:min|max>',
      'an objective (repeat for each); other columns are ignored',
      (v: string, acc: string[] = []) => [...acc, v],
    )
    .option('--ranks', 'print each row’s front rank instead of the front')
    .action((file: string, opts: { objective: string[]; ranks?: boolean }) => {
      const objectives = opts.objective.map(parseObjective);
      const table = readTable(
        file,
        objectives.map((o) => o.metric),
      );
      const cols = objectiveColumns(table.rows, objectives, (i) => `${file}: data row ${i} (line ${i + 2})`);
      const out = opts.ranks ? frontRanksColumns(cols) : nonDominatedColumns(cols);
      process.stdout.write(`${JSON.stringify(out)}\n`);
    });
}
