// Bench: peak memory (RSS) and time of `schedbench pareto` on a large CSV (default 50 MB): the CSV is read as a
// stream into one Float64Array per objective, so memory follows the number of rows, not the file's text.
// Run: npx tsx bench/pareto-csv.ts [megabytes]
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { mulberry32 } from '../analysis/stats';

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

async function main(): Promise<void> {
  const megabytes = Number(process.argv[2] ?? 50);
  const dir = mkdtempSync(join(tmpdir(), 'schedbench-pareto-bench-'));
  try {
    const csv = join(dir, 'table.csv');
    const rows = await writeCsv(csv, megabytes);
    const bin = join(__dirname, '..', 'bin', 'schedbench.js');
    const started = process.hrtime.bigint();
    // GNU time's %M: the child's peak resident set size in KiB.
    const child = spawnSync(
      '/usr/bin/time',
      [
        '-f',
        '%M',
        process.execPath,
        bin,
        'pareto',
        csv,
        '--objective',
        'makespanSeconds:min',
        '--objective',
        'waitMeanSeconds:min',
        '--objective',
        'utilisationAllocated:max',
      ],
      { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 64 * 1024 * 1024 },
    );
    if (child.status !== 0) throw new Error(`pareto failed: ${child.stderr}`);
    const stderr = child.stderr;
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const peakKiB = Number(stderr.trim().split('\n').pop());
    const size = statSync(csv).size / 1024 / 1024;
    console.log(
      `pareto on ${size.toFixed(1)} MB CSV (${rows} rows, 3 objectives): peak RSS ${(peakKiB / 1024).toFixed(0)} MiB, ${seconds.toFixed(1)} s`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
