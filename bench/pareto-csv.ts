// Bench: reading the objective columns of a large CSV (default 50 MB) for `schedbench pareto`, fast path against
// csv-parse (the baseline: `readColumnsWithCsvParse`, what readColumns was before the fast path), measured in the
// same run, alternated, each read in its own process (time of the read alone, and the process's peak RSS); both
// must give the same table. Then `schedbench pareto` as a whole process through the CLI bundle: time and peak RSS.
// The CSV is shaped like metrics.csv: text columns around the three objectives, one quoted cell with a comma a row.
// Run: npx tsx bench/pareto-csv.ts [megabytes=50] [runs=3]
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { readColumns, readColumnsWithCsvParse } from '../analysis/csv-table';
import { mulberry32 } from '../analysis/stats';
import { loadAverages } from './lib/stack';

const OBJECTIVES = ['makespanSeconds', 'waitMeanSeconds', 'utilisationAllocated'] as const;
const READERS = { 'fast path': readColumns, 'csv-parse': readColumnsWithCsvParse } as const;
type Reader = keyof typeof READERS;

async function writeCsv(path: string, megabytes: number): Promise<number> {
  const out = createWriteStream(path);
  const rnd = mulberry32(7);
  out.write('run,stack,makespanSeconds,waitMeanSeconds,utilisationAllocated,notes\n');
  let rows = 0;
  while (out.bytesWritten + out.writableLength < megabytes * 1024 * 1024) {
    const line = `run-${rows},stack-${rows % 7},${(100 + rnd() * 900).toFixed(6)},${(rnd() * 60).toFixed(6)},${rnd().toFixed(6)},"note, ${rows}"\n`;
    if (!out.write(line)) await once(out, 'drain');
    rows++;
  }
  out.end();
  await once(out, 'finish');
  return rows;
}

interface Sample {
  seconds: number;
  peakMiB: number;
  /** What was read: rows and a hash of the columns' bytes (the readers must agree). */
  answer: string;
}

/** Runs `args` under GNU time: its stdout, and its peak RSS (%M, KiB, the last line of stderr). */
function timed(args: readonly string[]): { stdout: string; peakMiB: number; seconds: number } {
  const started = process.hrtime.bigint();
  const child = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, ...args], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (child.status !== 0) throw new Error(`${args.join(' ')} failed: ${child.stderr}`);
  const peakKiB = Number(child.stderr.trim().split('\n').pop());
  return { stdout: child.stdout, peakMiB: peakKiB / 1024, seconds };
}

/** One read by `reader`, in a process of its own: this file again, through tsx (process.execArgv). */
function readOnce(reader: Reader, csv: string): Sample {
  const r = timed([...process.execArgv, __filename, '--read', reader, csv]);
  const { seconds, answer } = JSON.parse(r.stdout) as { seconds: number; answer: string };
  return { seconds, peakMiB: r.peakMiB, answer };
}

/** The child's side of readOnce: read, print the time of the read alone and what was read. */
async function readChild(reader: Reader, csv: string): Promise<void> {
  const started = process.hrtime.bigint();
  const table = await READERS[reader](csv, OBJECTIVES);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const hash = createHash('sha256');
  for (const column of table.columns) hash.update(new Uint8Array(column.buffer));
  process.stdout.write(JSON.stringify({ seconds, answer: `${table.rows} rows, ${hash.digest('hex')}` }));
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

async function main(): Promise<void> {
  const megabytes = Number(process.argv[2] ?? 50);
  const runs = Number(process.argv[3] ?? 3);
  const dir = mkdtempSync(join(tmpdir(), 'schedbench-pareto-bench-'));
  try {
    const csv = join(dir, 'table.csv');
    const rows = await writeCsv(csv, megabytes);
    const size = statSync(csv).size / 1024 / 1024;
    console.log(
      `pareto CSV: ${size.toFixed(1)} MB, ${rows} rows, 3 objectives of 6 columns; median of ${runs} runs, alternated; node ${process.version}; load ${loadAverages()}`,
    );
    const samples = new Map<Reader, Sample[]>([
      ['csv-parse', []],
      ['fast path', []],
    ]);
    const cli: Array<{ seconds: number; peakMiB: number }> = [];
    const bin = join(__dirname, '..', 'bin', 'schedbench.js');
    const cliArgs = [
      bin,
      'pareto',
      csv,
      ...OBJECTIVES.flatMap((o, k) => ['--objective', `${o}:${k === 2 ? 'max' : 'min'}`]),
    ];
    timed(cliArgs); // not measured: builds the CLI bundle when it is stale
    for (let i = 0; i < runs; i++) {
      for (const [reader, list] of samples) list.push(readOnce(reader, csv));
      cli.push(timed(cliArgs));
    }
    const answers = new Set([...samples.values()].flatMap((list) => list.map((s) => s.answer)));
    if (answers.size !== 1) throw new Error(`the readers read different tables: ${[...answers].join(' / ')}`);
    const m = (reader: Reader, key: 'seconds' | 'peakMiB') =>
      median((samples.get(reader) ?? []).map((s) => s[key]));
    console.log(
      `read the objectives: csv-parse ${m('csv-parse', 'seconds').toFixed(2)} s, fast path ${m('fast path', 'seconds').toFixed(2)} s (${(m('csv-parse', 'seconds') / m('fast path', 'seconds')).toFixed(1)}× faster); peak RSS of the process ${m('csv-parse', 'peakMiB').toFixed(0)} / ${m('fast path', 'peakMiB').toFixed(0)} MiB; same table (${[...answers][0]?.split(',')[0]})`,
    );
    console.log(
      `schedbench pareto (bundle, whole process): ${median(cli.map((c) => c.seconds)).toFixed(2)} s, peak RSS ${median(cli.map((c) => c.peakMiB)).toFixed(0)} MiB`,
    );
    console.log(`load after: ${loadAverages()}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const isReader = (name: string | undefined): name is Reader => name !== undefined && name in READERS;

if (process.argv[2] === '--read') {
  const reader = process.argv[3];
  if (!isReader(reader))
    throw new Error(`--read: no reader '${reader}'; readers are: ${Object.keys(READERS).join(', ')}`);
  void readChild(reader, process.argv[4] ?? '');
} else void main();
