// `schedbench pareto <file.csv> --objective col:min --objective col:max [--ranks]`: the Pareto front (or
// every row's front rank) of any CSV table, printed as one JSON array. The CSV is streamed (one Float64Array per
// objective), so a table of millions of rows needs memory for its numbers only.
import type { Command } from 'commander';
import { readColumns } from '../../analysis/csv-table';
import {
  frontRanksColumns,
  nonDominatedColumns,
  type Objective,
  parseObjective,
} from '../../analysis/pareto';

/** The --objective options, refused (naming the option) when malformed or when a column is given twice. */
export function objectivesFromOptions(texts: readonly string[]): Objective[] {
  const objectives: Objective[] = [];
  const given = new Map<string, string>();
  for (const text of texts) {
    let objective: Objective;
    try {
      objective = parseObjective(text);
    } catch (err) {
      throw new Error(`--objective ${text}: ${err instanceof Error ? err.message : String(err)}`);
    }
    const earlier = given.get(objective.metric);
    if (earlier !== undefined) {
      throw new Error(
        earlier === text
          ? `--objective ${text}: given twice`
          : `--objective ${text}: column '${objective.metric}' is already an objective (--objective ${earlier}); a column is either minimised or maximised`,
      );
    }
    given.set(objective.metric, text);
    objectives.push(objective);
  }
  if (objectives.length === 0) throw new Error('--objective: at least one is needed');
  return objectives;
}

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
    .action(async (file: string, opts: { objective: string[]; ranks?: boolean }) => {
      const objectives = objectivesFromOptions(opts.objective);
      const table = await readColumns(
        file,
        objectives.map((o) => o.metric),
      );
      // All objectives minimised: a max column is negated in place.
      const cols = table.columns.map((col, k) => {
        if (objectives[k]?.direction === 'max') for (let i = 0; i < col.length; i++) col[i] = -col[i];
        return col;
      });
      const out = opts.ranks ? frontRanksColumns(cols) : nonDominatedColumns(cols);
      process.stdout.write(`${JSON.stringify(out)}\n`);
    });
}
