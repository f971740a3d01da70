// Reads the numeric columns of a CSV table (header row first) for the pareto command.
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';

export class TableError extends Error {}

export interface NumericTable {
  /** One record per data row: the wanted columns as numbers (NaN kept, so the caller can name the row). */
  rows: Record<string, number>[];
}

export function readTable(path: string, columns: readonly string[]): NumericTable {
  const records: string[][] = parse(readFileSync(path, 'utf8'), {
    skip_empty_lines: true,
    trim: true,
    relax_column_count: false,
    bom: true,
  });
  const [header, ...data] = records;
  if (header === undefined) throw new TableError(`${path}: empty file (a header row is needed)`);
  const index = columns.map((c) => {
    const i = header.indexOf(c);
    if (i < 0) throw new TableError(`${path}: no column '${c}'; columns are: ${header.join(', ')}`);
    return i;
  });
  const rows = data.map((rec, r) =>
    Object.fromEntries(
      columns.map((c, k) => {
        const cell = rec[index[k] as number] ?? '';
        if (cell === '')
          throw new TableError(`${path}: data row ${r} (line ${r + 2}): column '${c}' is empty`);
        const v = Number(cell);
        if (Number.isNaN(v) && cell.toLowerCase() !== 'nan') {
          throw new TableError(
            `${path}: data row ${r} (line ${r + 2}): column '${c}' is not a number: '${cell}'`,
          );
        }
        return [c, v];
      }),
    ),
  );
  return { rows };
}
