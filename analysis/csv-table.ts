// Reads the objective columns of a CSV table (header row first) for the pareto command, as a stream: each
// objective becomes one Float64Array, so memory follows the number of rows and objectives, not the file's text.
// Strict: duplicate headers, cells that are not plain decimal numbers (`0x10`, `Infinity`) and numbers out of
// double range (`1e400`) are refused, naming the file, the data row, its line and the column.
// Two readers give the same tables: a byte-level fast path (analysis/csv-fast.ts) for the common shape, and
// csv-parse for everything else — every error included, since the fast path hands any doubt to csv-parse.
import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import { GrowableColumn, readColumnsFast } from './csv-fast';

export class TableError extends Error {}

/** A plain decimal number: optional sign, digits with an optional fraction, optional exponent. */
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A cell as a number, or why it is not one (the caller names where it is). */
export function parseCell(cell: string): number | string {
  if (cell === '') return 'is empty';
  if (cell.toLowerCase() === 'nan') return 'is NaN';
  if (!DECIMAL.test(cell)) return `is not a decimal number: '${cell}'`;
  const value = Number(cell);
  if (!Number.isFinite(value)) return `is out of range for a double: '${cell}'`;
  if (value === 0 && /[1-9]/.test(cell.replace(/[eE].*$/, '')))
    return `underflows to 0 as a double: '${cell}'`;
  return value;
}

export interface ColumnTable {
  /** One array per requested column, in the order asked for (every value a finite number). */
  columns: Float64Array[];
  /** Data rows read. */
  rows: number;
}

/** Refuse a header that names a column twice: which of the two would be meant is a guess. */
function checkHeader(path: string, header: readonly string[]): void {
  const seen = new Map<string, number>();
  header.forEach((name, i) => {
    const first = seen.get(name);
    if (first !== undefined)
      throw new TableError(
        `${path}: header names column '${name}' twice (columns ${first + 1} and ${i + 1}); rename one`,
      );
    seen.set(name, i);
  });
}

/** A bad cell, before the line it is on is known. */
class CellError {
  constructor(
    readonly row: number,
    readonly describe: (line: string) => string,
  ) {}
}

const PARSE_OPTIONS = { skip_empty_lines: true, trim: true, relax_column_count: false, bom: true } as const;

/**
 * The line data row `row` ends on. Only on the error path: a second pass with the parser's per-record info
 * (quoted cells may span lines), which the first pass leaves out to keep memory down.
 */
async function lineOfRow(path: string, row: number): Promise<number | undefined> {
  const parser = createReadStream(path).pipe(parse({ ...PARSE_OPTIONS, info: true }));
  let seen = -1; // the header is row -1
  try {
    for await (const item of parser as AsyncIterable<{ info: { lines: number } }>) {
      if (seen++ === row) return item.info.lines;
    }
  } catch {
    return undefined;
  } finally {
    parser.destroy();
  }
  return undefined;
}

/** Stream the CSV at `path` and return the named columns as numbers. */
export async function readColumns(path: string, columns: readonly string[]): Promise<ColumnTable> {
  return (await readColumnsFast(path, columns)) ?? readColumnsWithCsvParse(path, columns);
}

/** readColumns through csv-parse alone: what the fast path falls back to (tests and the bench compare the two). */
export async function readColumnsWithCsvParse(
  path: string,
  columns: readonly string[],
): Promise<ColumnTable> {
  try {
    return await streamColumns(path, columns);
  } catch (err) {
    if (err instanceof CellError) {
      const line = await lineOfRow(path, err.row);
      throw new TableError(err.describe(line === undefined ? '?' : String(line)));
    }
    if (err instanceof TableError) throw err;
    // Not `instanceof Error`: errors of node's fs may come from another realm (jest's VM).
    const message =
      typeof err === 'object' && err !== null && 'message' in err ? String(err.message) : String(err);
    throw new TableError(`${path}: ${message}`);
  }
}

function streamColumns(path: string, columns: readonly string[]): Promise<ColumnTable> {
  return new Promise((resolve, reject) => {
    let index: number[] | undefined;
    const out = columns.map(() => new GrowableColumn());
    let row = 0;
    let failed = false;
    const input = createReadStream(path);
    const parser = parse(PARSE_OPTIONS);
    const fail = (err: unknown) => {
      if (failed) return;
      failed = true;
      input.destroy();
      parser.destroy();
      reject(err);
    };
    // Each record is checked and reduced to its numbers as it is read: no row objects are kept.
    const onRecord = (record: string[]): void => {
      if (index === undefined) {
        checkHeader(path, record);
        index = columns.map((c) => {
          const i = record.indexOf(c);
          if (i < 0) throw new TableError(`${path}: no column '${c}'; columns are: ${record.join(', ')}`);
          return i;
        });
        return;
      }
      for (let k = 0; k < columns.length; k++) {
        const at = index[k];
        const value = parseCell(record[at] ?? '');
        if (typeof value === 'string') {
          const r = row;
          throw new CellError(
            r,
            (line) =>
              `${path}: data row ${r} (line ${line}): column '${columns[k]}' ${value} (column ${at + 1})`,
          );
        }
        out[k].push(value);
      }
      row++;
    };
    parser.on('readable', () => {
      let record: string[] | null;
      try {
        while (!failed && (record = parser.read() as string[] | null) !== null) onRecord(record);
      } catch (err) {
        fail(err);
      }
    });
    parser.on('error', fail);
    input.on('error', fail);
    parser.on('end', () => {
      if (failed) return;
      if (index === undefined) fail(new TableError(`${path}: empty file (a header row is needed)`));
      else resolve({ columns: out.map((c) => c.done()), rows: row });
    });
    input.pipe(parser);
  });
}
