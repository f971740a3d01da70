// The pareto command's CSV input is read strictly (every error names the file or the option,
// with the row, line and column) and as a stream into one Float64Array per objective.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCell, readColumns, TableError } from '../../../analysis/csv-table';
import { objectivesFromOptions } from '../../../cli/commands/pareto';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sec-csv-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function csv(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('readColumns', () => {
  it('returns the named columns as Float64Arrays, in the order asked for', async () => {
    const path = csv('ok.csv', 'name,time,quality\na,1,5\n"b, c",2.5e1,-0.5\n');
    const table = await readColumns(path, ['quality', 'time']);
    expect(table.rows).toBe(2);
    expect(table.columns).toEqual([new Float64Array([5, -0.5]), new Float64Array([1, 25])]);
  });

  it('refuses a header that names a column twice, naming both positions', async () => {
    const path = csv('dup.csv', 'time,quality,time\n1,2,3\n');
    await expect(readColumns(path, ['quality'])).rejects.toThrow(
      new TableError(`${path}: header names column 'time' twice (columns 1 and 3); rename one`),
    );
  });

  it.each([
    ['0x10', "is not a decimal number: '0x10'"],
    ['Infinity', "is not a decimal number: 'Infinity'"],
    ['1e400', "is out of range for a double: '1e400'"],
    ['-1e400', "is out of range for a double: '-1e400'"],
    ['1e-400', "underflows to 0 as a double: '1e-400'"],
    ['NaN', 'is NaN'],
    ['', 'is empty'],
    ['1_000', "is not a decimal number: '1_000'"],
  ])('refuses %j with the file, row, line and column', async (cell, problem) => {
    const path = csv('bad.csv', `name,time,quality\na,1,2\n"multi\nline",3,${cell}\n`);
    await expect(readColumns(path, ['time', 'quality'])).rejects.toThrow(
      new TableError(`${path}: data row 1 (line 4): column 'quality' ${problem} (column 3)`),
    );
  });

  it('names the file when a column is missing, the file is empty, unreadable or not CSV', async () => {
    const empty = csv('empty.csv', '');
    await expect(readColumns(empty, ['a'])).rejects.toThrow(`${empty}: empty file`);
    const noColumn = csv('nocol.csv', 'a,b\n1,2\n');
    await expect(readColumns(noColumn, ['c'])).rejects.toThrow(
      `${noColumn}: no column 'c'; columns are: a, b`,
    );
    const ragged = csv('ragged.csv', 'a,b\n1,2,3\n');
    await expect(readColumns(ragged, ['a'])).rejects.toThrow(new RegExp(`^${ragged}: `));
    await expect(readColumns(join(dir, 'missing.csv'), ['a'])).rejects.toThrow(
      `${join(dir, 'missing.csv')}: ENOENT`,
    );
  });

  it('accepts plain decimal forms', () => {
    for (const [text, value] of [
      ['1', 1],
      ['-2.5', -2.5],
      ['+3.', 3],
      ['.5', 0.5],
      ['1e3', 1000],
      ['0', 0],
      ['0.0e-5', 0],
    ] as const)
      expect(parseCell(text)).toBe(value);
  });
});

describe('--objective options', () => {
  it('refuses the same column both minimised and maximised, naming both options', () => {
    expect(() => objectivesFromOptions(['time:min', 'quality:max', 'time:max'])).toThrow(
      "--objective time:max: column 'time' is already an objective (--objective time:min); a column is either minimised or maximised",
    );
    expect(() => objectivesFromOptions(['time:min', 'time:min'])).toThrow(
      '--objective time:min: given twice',
    );
  });

  it('names the option when it is malformed', () => {
    expect(() => objectivesFromOptions(['time:fast'])).toThrow(/^--objective time:fast: /);
  });
});
