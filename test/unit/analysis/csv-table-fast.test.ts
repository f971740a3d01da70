// The byte-level fast path of readColumns (analysis/csv-fast.ts) against csv-parse (readColumnsWithCsvParse): on
// random CSVs, clean numeric tables and tables with the flaws the reader must name, both give the same table
// (values bit for bit, -0 included) or the same error; and on the clean ones the fast path answers itself rather
// than handing everything to csv-parse.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { readColumnsFast } from '../../../analysis/csv-fast';
import { type ColumnTable, readColumns, readColumnsWithCsvParse } from '../../../analysis/csv-table';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'csv-fast-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function csv(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** A table as comparable text: every value by its shortest round-trip form, -0 kept apart from 0. */
function shown(table: ColumnTable): { rows: number; columns: string[][] } {
  return {
    rows: table.rows,
    columns: table.columns.map((c) => Array.from(c, (v) => (Object.is(v, -0) ? '-0' : String(v)))),
  };
}

type Outcome = { table: ReturnType<typeof shown> } | { error: string };

async function outcome(read: Promise<ColumnTable>): Promise<Outcome> {
  try {
    return { table: shown(await read) };
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}

/** What each reader makes of the file: csv-parse alone, readColumns, and the fast path (undefined: handed on). */
async function readBoth(path: string, columns: readonly string[], chunkBytes?: number) {
  const fast = await readColumnsFast(path, columns, chunkBytes);
  return {
    csvParse: await outcome(readColumnsWithCsvParse(path, columns)),
    readColumns: await outcome(readColumns(path, columns)),
    fast: fast === undefined ? undefined : shown(fast),
  };
}

// --- Random CSVs -------------------------------------------------------------------------------------------------

const digits = (min: number, max: number) =>
  fc.array(fc.constantFrom(...'0123456789'), { minLength: min, maxLength: max }).map((d) => d.join(''));
const sign = fc.constantFrom('', '', '-', '+');

/** Plain decimal numbers, as parseCell accepts them: the forms people write, and the hard cases for rounding. */
const validNumber = fc.oneof(
  fc.tuple(sign, digits(1, 8)).map(([s, d]) => s + d),
  fc.tuple(sign, digits(1, 6), digits(0, 8)).map(([s, i, f]) => `${s}${i}.${f}`),
  fc.tuple(sign, digits(1, 8)).map(([s, f]) => `${s}.${f}`),
  fc
    .tuple(sign, digits(1, 4), digits(0, 4), fc.constantFrom('e', 'E'), sign, fc.integer({ min: 0, max: 40 }))
    .map(([s, i, f, e, es, x]) => `${s}${i}${f === '' ? '' : `.${f}`}${e}${es}${x}`),
  fc.tuple(sign, digits(14, 30), digits(0, 30)).map(([s, i, f]) => `${s}${i}.${f}`),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((v) => String(v)),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((v) => v.toExponential()),
  fc
    .tuple(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.integer({ min: 1, max: 21 }))
    .map(([v, p]) => v.toPrecision(p)),
  fc.constantFrom(
    '-0',
    '+0',
    '-0.0',
    '0e999999',
    '-0e-5',
    '0.0e-5',
    '+3.',
    '.5',
    '1e22',
    '1e23',
    '9007199254740993',
    '0.30000000000000004',
    '123456789012345678901234567890',
    '1.7976931348623157e308',
    '4.9e-324',
    '2.2250738585072014e-308',
    '1e-22',
    '1e-23',
    '999999999999999e22',
    '1e0000000000000000003',
  ),
);

/** Cells parseCell refuses (csv-parse's path names them) or that only csv-parse reads (a quoted number). */
const badNumber = fc.constantFrom(
  '',
  'nan',
  'NaN',
  'NAN',
  'Infinity',
  '-Infinity',
  '0x10',
  '1e400',
  '-1e400',
  '1e-400',
  '1_000',
  '.',
  '-',
  '+',
  'e5',
  '1e',
  '1e+',
  '1.2.3',
  '--1',
  '1 2',
  'abc',
  '"1.5"',
  '" 1"',
  '1"',
  '\f1',
  '1\v',
  '1\u00a0',
);

const padding = fc.constantFrom('', '', '', ' ', '  ', '\t', ' \t ');
/** Around header names: csv-parse drops leading form feeds but not other leading whitespace; trailing, it drops all. */
const oddPadding = fc.oneof(
  { weight: 4, arbitrary: padding },
  { weight: 1, arbitrary: fc.constantFrom('\f', '\v', '\u00a0', '\u3000', '\ufeff', ' \f') },
);
const paddedNumber = fc.tuple(padding, validNumber, padding).map(([a, n, b]) => a + n + b);

/** Cells of the columns not read: plain text, and quoted text with commas, doubled quotes and line breaks. */
const plainText = fc
  .array(fc.constantFrom(...'abc xyz-_.;:/é€1 \t'), { maxLength: 10 })
  .map((c) => c.join(''));
const quotedText = fc
  .array(fc.constantFrom('a', 'b', ' ', ',', '""', '\n', '\r\n', 'é', ';'), { maxLength: 8 })
  .map((c) => `"${c.join('')}"`);
const otherCell = fc.oneof({ weight: 3, arbitrary: plainText }, { weight: 2, arbitrary: quotedText });
/** Quoting csv-parse refuses, or accepts where the fast path hands on. */
const badOtherCell = fc.constantFrom('a"b', ' "a"', '"a"b', '"a" ', '"unclosed', '"a"\t', '\f', '"a\rb"');

const ALL_COLUMNS = ['name', 'notes', 'tag', 'x', 'y', 'z'] as const;
const OBJECTIVES = new Set<string>(['x', 'y', 'z']);

interface CsvCase {
  text: string;
  columns: string[];
}

/**
 * A CSV with a header of `ALL_COLUMNS` in some order and the objectives among them asked for in some order.
 * `flawed`: cells, quoting, line endings, row lengths and headers go wrong now and then.
 */
function csvCase(flawed: boolean): fc.Arbitrary<CsvCase> {
  const header = fc
    .shuffledSubarray([...ALL_COLUMNS], { minLength: 1 })
    .filter((h) => h.some((c) => OBJECTIVES.has(c)));
  return header.chain((names) => {
    const objectiveCell = flawed
      ? fc.oneof({ weight: 12, arbitrary: paddedNumber }, { weight: 1, arbitrary: badNumber })
      : paddedNumber;
    const other = flawed
      ? fc.oneof({ weight: 20, arbitrary: otherCell }, { weight: 1, arbitrary: badOtherCell })
      : otherCell;
    const cells = fc.tuple(...names.map((n) => (OBJECTIVES.has(n) ? objectiveCell : other)));
    const raggedness = flawed ? fc.constantFrom(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, 1) : fc.constant(0);
    const row = fc
      .tuple(cells, raggedness)
      .map(([c, r]) => (r < 0 ? c.slice(0, -1) : r > 0 ? [...c, '7'] : c).join(','));
    const blank = fc.constantFrom('', ' ', '\t', ' \t');
    const line = fc.oneof({ weight: 8, arbitrary: row }, { weight: 1, arbitrary: blank });
    const eol = fc.constantFrom('\n', '\r\n');
    const wrongEol = flawed
      ? fc.oneof(
          { weight: 30, arbitrary: fc.constant('') },
          { weight: 1, arbitrary: fc.constantFrom('\r', '\n', '\r\n') },
        )
      : fc.constant('');
    const namePadding = flawed ? oddPadding : padding;
    const headerText = fc
      .tuple(...names.map((n) => fc.tuple(namePadding, namePadding).map(([a, b]) => a + n + b)))
      .chain((h) =>
        flawed
          ? fc.oneof(
              { weight: 20, arbitrary: fc.constant(h) },
              { weight: 1, arbitrary: fc.constant([...h, h[0] ?? '']) }, // a duplicate name
              { weight: 1, arbitrary: fc.constant(h.map((n) => `"${n.trim()}"`)) }, // quoted names
            )
          : fc.constant(h),
      );
    const asked = fc.shuffledSubarray(
      names.filter((n) => OBJECTIVES.has(n)),
      { minLength: 1 },
    );
    const missing = flawed
      ? fc.constantFrom(false, false, false, false, false, false, false, false, true)
      : fc.constant(false);
    return fc
      .record({
        bom: fc.boolean(),
        leadingBlank: fc.constantFrom(0, 0, 0, 1),
        header: headerText,
        lines: fc.array(fc.tuple(line, wrongEol), { maxLength: 25 }),
        eol,
        lastEol: fc.boolean(),
        asked,
        missing,
      })
      .map((r) => {
        const parts: string[] = [];
        for (let i = 0; i < r.leadingBlank; i++) parts.push(r.eol);
        parts.push(r.header.join(','));
        r.lines.forEach(([l, wrong]) => parts.push(wrong === '' ? r.eol : wrong, l));
        if (r.lastEol) parts.push(r.eol);
        return {
          text: (r.bom ? '\ufeff' : '') + parts.join(''),
          columns: r.missing ? [...r.asked, 'absent'] : r.asked,
        };
      });
  });
}

/** A chunk size small enough that records and numbers straddle reads (the buffer grows for long records). */
const chunkBytes = fc.oneof(fc.integer({ min: 1, max: 64 }), fc.constant(undefined));

describe('fast path vs csv-parse, random CSVs', () => {
  it('clean numeric tables: the fast path answers, with the same table as csv-parse', async () => {
    await fc.assert(
      fc.asyncProperty(csvCase(false), chunkBytes, async (c, chunk) => {
        const path = csv('clean.csv', c.text);
        const r = await readBoth(path, c.columns, chunk);
        expect(r.csvParse).toHaveProperty('table');
        expect(r.fast).toEqual('table' in r.csvParse ? r.csvParse.table : undefined);
        expect(r.readColumns).toEqual(r.csvParse);
      }),
      { numRuns: 300 },
    );
  });

  it('tables with flaws: the same table or the same error either way; the fast path never answers differently', async () => {
    await fc.assert(
      fc.asyncProperty(csvCase(true), chunkBytes, async (c, chunk) => {
        const path = csv('flawed.csv', c.text);
        const r = await readBoth(path, c.columns, chunk);
        expect(r.readColumns).toEqual(r.csvParse);
        if (r.fast !== undefined) expect({ table: r.fast }).toEqual(r.csvParse);
      }),
      { numRuns: 500 },
    );
  });
});

// --- Cases by name -----------------------------------------------------------------------------------------------

describe('fast path vs csv-parse, named cases', () => {
  it.each([
    ['no trailing newline', 'x,y\n1,2', [['1'], ['2']]],
    [
      'CRLF',
      'x,y\r\n1,2\r\n3,4\r\n',
      [
        ['1', '3'],
        ['2', '4'],
      ],
    ],
    [
      'blank and whitespace-only lines',
      '\nx,y\n\n1,2\n  \n\t\n3,4\n\n \n',
      [
        ['1', '3'],
        ['2', '4'],
      ],
    ],
    [
      'CRLF blank lines, none at the end',
      'x,y\r\n\r\n \r\n1,2\r\n\r\n3,4',
      [
        ['1', '3'],
        ['2', '4'],
      ],
    ],
    [
      'exponents',
      'x,y\n1e3,-2.5E-2\n.5e+1,7E0\n',
      [
        ['1000', '5'],
        ['-0.025', '7'],
      ],
    ],
    [
      'negative zero',
      'x,y\n-0,+0\n-0.0e5,0\n',
      [
        ['-0', '-0'],
        ['0', '0'],
      ],
    ],
    ['spaces and tabs around numbers and names', ' x ,\ty\t\n 1 ,\t2\t\n', [['1'], ['2']]],
    ['a UTF-8 BOM', '\ufeffx,y\n1,2\n', [['1'], ['2']]],
    [
      'quoted cells with commas, doubled quotes and line breaks in other columns',
      'name,x,notes,y\n"a, b",1,"say ""hi""",2\n"",3,"two\r\nlines\nhere",4\n',
      [
        ['1', '3'],
        ['2', '4'],
      ],
    ],
    [
      'hard numbers',
      'x,y\n9007199254740993,0.30000000000000004\n4.9e-324,1.7976931348623157e308\n123456789012345678901234567890,1e23\n',
      [
        ['9007199254740992', '5e-324', '1.2345678901234568e+29'],
        ['0.30000000000000004', '1.7976931348623157e+308', '1e+23'],
      ],
    ],
  ])('%s: the fast path answers, as csv-parse does', async (_name, text, expected) => {
    const path = csv('named.csv', text);
    for (const chunk of [undefined, 1, 5]) {
      const r = await readBoth(path, ['x', 'y'], chunk);
      expect(r.fast?.columns).toEqual(expected);
      expect(r.readColumns).toEqual(r.csvParse);
    }
  });

  it.each([
    ['nan', 'x,y\n1,nan\n', "data row 0 (line 2): column 'y' is NaN (column 2)"],
    ['NaN', 'x,y\n1,2\nNaN,3\n', "data row 1 (line 3): column 'x' is NaN (column 1)"],
    ['an empty cell', 'x,y\n1,\n', "data row 0 (line 2): column 'y' is empty (column 2)"],
    ['a space-only cell', 'x,y\n1,  \n', "data row 0 (line 2): column 'y' is empty (column 2)"],
    [
      '1e-400',
      'x,y\r\n1,1e-400\r\n',
      "data row 0 (line 2): column 'y' underflows to 0 as a double: '1e-400' (column 2)",
    ],
    ['a ragged row', 'x,y\n1,2,3\n', 'Invalid Record Length'],
    ['a quote inside a plain cell', 'x,y,n\n1,2,a"b\n', 'Invalid Opening Quote'],
    ['an unclosed quote', 'x,y,n\n1,2,"a\n', 'Quote Not Closed'],
    ['a header without the column', 'a,b\n1,2\n', "no column 'x'; columns are: a, b"],
    ['a duplicate header', 'x,y,x\n1,2,3\n', "header names column 'x' twice (columns 1 and 3); rename one"],
    ['an empty file', '', 'empty file (a header row is needed)'],
    ['only blank lines', '\n  \n\n', 'empty file (a header row is needed)'],
  ])('%s: the fast path hands on, and the error is csv-parse path’s', async (_name, text, message) => {
    const path = csv('bad.csv', text);
    const r = await readBoth(path, ['x', 'y']);
    expect(r.fast).toBeUndefined();
    expect(r.readColumns).toEqual(r.csvParse);
    expect(r.readColumns).toEqual({ error: expect.stringContaining(`${path}: `) });
    expect(r.readColumns).toEqual({ error: expect.stringContaining(message) });
  });

  it.each([
    ['mixed line endings (LF, then CRLF)', 'x,y\n1,2\r\n'],
    ['a lone CR', 'x,y\r1,2\r'],
    ['a quoted header', '"x","y"\n1,2\n'],
    ['a quoted number', 'x,y\n"1",2\n'],
    ['a space after a closing quote', 'n,x,y\n"a" ,1,2\n'],
    ['a form feed before a number', 'x,y\n\f1,2\n'],
  ])('%s: the fast path hands on, and csv-parse reads it as before', async (_name, text) => {
    const path = csv('other.csv', text);
    const r = await readBoth(path, ['x', 'y']);
    expect(r.fast).toBeUndefined();
    expect(r.readColumns).toEqual(r.csvParse);
  });

  it('hands a pipe to csv-parse untouched (it cannot be read twice)', async () => {
    const source = csv('piped.csv', 'name,x,y\na,1,2\nb,3,4\n');
    const fifo = join(dir, 'fifo.csv');
    await new Promise<void>((resolve, reject) =>
      spawn('mkfifo', [fifo]).on('exit', (code) =>
        code === 0 ? resolve() : reject(new Error(`mkfifo ${code}`)),
      ),
    );
    // The writer may be gone before the read returns: its exit is awaited from the start.
    const writer = spawn('sh', ['-c', 'cat "$1" > "$2"', 'sh', source, fifo]);
    const written = new Promise((resolve) => writer.on('exit', resolve));
    const table = await readColumns(fifo, ['y', 'x']);
    expect(shown(table)).toEqual({
      rows: 2,
      columns: [
        ['2', '4'],
        ['1', '3'],
      ],
    });
    expect(await written).toBe(0);
  });
});
