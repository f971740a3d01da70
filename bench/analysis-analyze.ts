// Bench: `schedbench analyze` on 504 simulated runs (3 schedulers × 3 profiles × 4 workloads × 14
// repetitions, 40 jobs each): wall time of the CLI end to end, and the size of report.html.
// Run: npx tsx bench/analysis-analyze.ts
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { writeCampaign } from '../test/helpers/sim';

const dir = mkdtempSync(join(tmpdir(), 'schedbench-bench-analyze-'));
try {
  const written = writeCampaign(join(dir, 'runs'), {
    profiles: [
      { name: 'small', nodes: 2, vcpus: 4 },
      { name: 'medium', nodes: 3, vcpus: 8 },
      { name: 'large', nodes: 4, vcpus: 16 },
    ],
    workloads: ['cpu_intensive', 'memory_intensive', 'mixed', 'throughput'],
    repetitions: 14,
    jobsPerRun: 40,
  });
  const bin = join(__dirname, '..', 'bin', 'schedbench.js');
  const t0 = performance.now();
  execFileSync(process.execPath, [bin, 'analyze', join(dir, 'runs'), '--out', join(dir, 'out')], {
    stdio: 'ignore',
  });
  const seconds = (performance.now() - t0) / 1000;
  const bytes = statSync(join(dir, 'out', 'report.html')).size;
  const inputBytes = written.reduce((a, w) => a + statSync(w.path).size, 0);
  process.stdout.write(
    `${JSON.stringify(
      {
        runs: written.length,
        inputMiB: +(inputBytes / 2 ** 20).toFixed(1),
        analyzeSeconds: +seconds.toFixed(2),
        reportMiB: +(bytes / 2 ** 20).toFixed(2),
      },
      null,
      2,
    )}\n`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
