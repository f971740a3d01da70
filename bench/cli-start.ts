// Bench: how long `schedbench <command>` takes as a process — start included — through the CLI bundle (what
// bin/schedbench.js runs) and through the TypeScript sources with tsx (SCHEDBENCH_TSX=1: how the CLI started
// before the bundle, and its fallback), measured in the same run, alternating, on --help, validate, hash and
// pareto over CSVs of 100,000 and 1,000,000 rows. Prints the median of each and the ratio; both paths must answer
// the same. With a second argument, a tree of an earlier commit (`git archive <commit> | tar -x -C <dir>`, then
// node_modules linked into it) is measured too: its bin/schedbench.js as it was.
// Run: npx tsx bench/cli-start.ts [runs=5] [tree of an earlier commit]
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mulberry32 } from '../analysis/stats';
import { loadAverages } from './lib/stack';

const REPO = join(__dirname, '..');

/** A CSV shaped like metrics.csv: text columns around the three objectives, one quoted cell with a comma. */
async function writeCsv(path: string, rows: number): Promise<void> {
  const out = createWriteStream(path);
  const rnd = mulberry32(7);
  out.write('run,stack,makespanSeconds,waitMeanSeconds,utilisationAllocated,notes\n');
  for (let i = 0; i < rows; i++) {
    const line = `run-${i},stack-${i % 7},${(100 + rnd() * 900).toFixed(6)},${(rnd() * 60).toFixed(6)},${rnd().toFixed(6)},"note, ${i}"\n`;
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

type Path = 'bundle' | 'tsx' | 'before';

interface Sample {
  seconds: number;
  status: number | null;
  stdout: string;
}

function runOnce(path: Path, args: readonly string[], before: string | undefined): Sample {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.SCHEDBENCH_TSX;
  if (path === 'tsx') env.SCHEDBENCH_TSX = '1';
  // The earlier tree runs in itself, on its own stack files (a stack file of today may not be valid there).
  const tree = path === 'before' && before !== undefined ? before : REPO;
  const started = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [join(tree, 'bin', 'schedbench.js'), ...args], {
    cwd: tree,
    env,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  // The run id's timestamp is the clock's, not an answer.
  return { seconds, status: r.status, stdout: r.stdout.replace(/\d{8}T\d{6}Z_/g, '<utc>_') };
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

async function main(): Promise<void> {
  const runs = Number(process.argv[2] ?? 5);
  const before = process.argv[3];
  const paths: Path[] = before === undefined ? ['bundle', 'tsx'] : ['bundle', 'tsx', 'before'];
  const dir = mkdtempSync(join(tmpdir(), 'schedbench-cli-start-'));
  try {
    const csv100k = join(dir, '100k.csv');
    const csv1m = join(dir, '1m.csv');
    await writeCsv(csv100k, 100_000);
    await writeCsv(csv1m, 1_000_000);
    const objectives = [
      '--objective',
      'makespanSeconds:min',
      '--objective',
      'waitMeanSeconds:min',
      '--objective',
      'utilisationAllocated:max',
    ];
    const cases: Array<[string, string[]]> = [
      ['--help', ['--help']],
      ['validate Pulumi.local.yaml', ['validate', 'Pulumi.local.yaml']],
      ['hash Pulumi.local.yaml', ['hash', 'Pulumi.local.yaml']],
      ['pareto, 100,000 rows', ['pareto', csv100k, ...objectives]],
      ['pareto, 1,000,000 rows', ['pareto', csv1m, ...objectives]],
    ];
    // Not measured: the first run builds the bundle when it is stale and fills tsx's transform cache.
    for (const path of paths) runOnce(path, ['--help'], before);
    console.log(
      `schedbench CLI start: median of ${runs} runs each, paths alternated; node ${process.version}; load ${loadAverages()}`,
    );
    const header = ['command', 'bundle', 'tsx path', 'tsx/bundle'];
    if (before !== undefined) header.push('before', 'before/bundle');
    console.log(header.join('\t'));
    for (const [label, args] of cases) {
      const seconds = new Map<Path, number[]>(paths.map((p) => [p, []]));
      let answer: Sample | undefined;
      for (let i = 0; i < runs; i++) {
        for (const path of paths) {
          const sample = runOnce(path, args, before);
          if (sample.status !== 0) throw new Error(`${label} through ${path}: exit ${String(sample.status)}`);
          // The bundle and the tsx path run the same sources: they must answer alike (the earlier commit may not).
          if (path !== 'before') {
            answer ??= sample;
            if (sample.stdout !== answer.stdout) throw new Error(`${label}: ${path} answers differently`);
          }
          seconds.get(path)?.push(sample.seconds);
        }
      }
      const m = (p: Path) => median(seconds.get(p) ?? []);
      const row = [
        label,
        `${m('bundle').toFixed(2)} s`,
        `${m('tsx').toFixed(2)} s`,
        `${(m('tsx') / m('bundle')).toFixed(1)}×`,
      ];
      if (before !== undefined)
        row.push(`${m('before').toFixed(2)} s`, `${(m('before') / m('bundle')).toFixed(1)}×`);
      console.log(row.join('\t'));
    }
    console.log(`load after: ${loadAverages()}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
