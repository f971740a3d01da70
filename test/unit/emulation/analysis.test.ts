// The analysis of an emulated sweep: emulated runs form groups of their own (never with a real run of the same
// scheduler, profile and workload), their utilisation is of the emulated cluster, and the report has the scaling
// table and its log-log charts, each drawing a point per size.
import { analyse } from '../../../analysis/analyze';
import { emulatedScaling } from '../../../analysis/emulated-scaling';
import { buildReport, DEFAULT_LIMITS } from '../../../analysis/report/build';
import type { RunResult, SchedulerStats } from '../../../results/schema';
import { iso, job, node, runIdFor, runResult } from '../../helpers/sim';

const stats = (at: number, cpuSeconds: number, rssMiB: number): SchedulerStats => ({
  time: iso(at),
  phase: at === 0 ? 'before' : 'after',
  cycles: null,
  cycleLastUs: null,
  cycleMaxUs: null,
  cycleMeanUs: null,
  cycleMeanDepth: null,
  backfillCycles: null,
  backfillCycleMaxUs: null,
  backfillCycleMeanUs: null,
  extra: { 'process.cpuSeconds': cpuSeconds, 'process.rssMiB': rssMiB },
});

/** A run of 100 one-CPU jobs submitted at 0 whose k-th starts at k × gap on emulated node e1 (or the real n1). */
function run(nodes: number | null, repetition: number, gap: number): RunResult {
  const jobs = Array.from({ length: 100 }, (_, k) =>
    job({ submit: 0, start: k * gap, end: k * gap + 0.5, nodes: [nodes === null ? 'n1' : 'e1'] }, k),
  );
  const emulated = nodes !== null;
  const base = runResult({ jobs, nodes: [node('n1', 1), node('n2', 1)] });
  return {
    ...base,
    runId: runIdFor(`r${nodes ?? 'real'}-${repetition}`),
    stack: emulated ? `scale-n${nodes}` : 'real',
    repetition,
    profile: emulated
      ? { name: `cpu-nodex${nodes}`, nodes, vcpus: 128, memoryGiB: 512 }
      : { name: 'cpu-nodex64', nodes: 2, vcpus: 1, memoryGiB: 5 },
    schedulerStats: [stats(0, 10, 20), stats(60, 10 + (nodes ?? 0) / 64, 20 + (nodes ?? 0) / 8)],
    provenance: {
      ...base.provenance,
      execution: emulated ? 'emulated' : 'real',
      emulation: emulated
        ? { nodes, profile: 'cpu-node', vcpus: 128, memoryGiB: 512, realNodes: 2, mode: 'multiple-slurmd' }
        : null,
    },
  };
}

const loaded = [64, 256, 1024].flatMap((n, i) =>
  [1, 2].map((rep) => ({ path: `/r/${n}-${rep}.json`, run: run(n, rep, 0.01 * (i + 1)) })),
);

describe('the analysis of an emulated sweep', () => {
  it('groups emulated runs apart from a real run of the same scheduler, profile name and workload', () => {
    const real = {
      path: '/r/real.json',
      run: { ...run(null, 1, 0.01), profile: { name: 'cpu-nodex64', nodes: 2, vcpus: 1, memoryGiB: 5 } },
    };
    const a = analyse([...loaded, real], []);
    const groups = a.groups
      .filter((g) => g.profile === 'cpu-nodex64')
      .map((g) => [g.scheduler, g.metrics.makespanSeconds.count]);
    expect(Object.fromEntries(groups)).toEqual({ slurm: 1, 'slurm [emulated]': 2 });
  });

  it('measures utilisation against the emulated cluster, not the real nodes that ran it', () => {
    const a = analyse(loaded, []);
    const row = a.rows.find((r) => r.profile === 'cpu-nodex64');
    expect(row?.clusterCpus).toBe(64 * 128);
    expect(row?.utilisationAllocated).toBeLessThan(1);
  });

  it('gives one scaling row per size with the start rate, latency percentiles and scheduler cost', () => {
    const a = analyse(loaded, []);
    const rows = emulatedScaling(a.runs, a.rows);
    expect(rows.map((r) => [r.scheduler, r.nodes, r.runs, r.jobs])).toEqual([
      ['slurm [emulated]', 64, 2, 100],
      ['slurm [emulated]', 256, 2, 100],
      ['slurm [emulated]', 1024, 2, 100],
    ]);
    // Starts every 0.01·(i+1) s: 1/gap jobs per second; wait of job k is k·gap, so p50 ≈ 49.5·gap.
    expect(rows[0]?.startRateJobsPerSecond).toBeCloseTo(100, 5);
    expect(rows[2]?.startRateJobsPerSecond).toBeCloseTo(100 / 3, 5);
    expect(rows[1]?.waitP50Seconds).toBeCloseTo(49.5 * 0.02, 5);
    expect(rows[1]?.waitP99Seconds).toBeGreaterThan(rows[1]?.waitP50Seconds ?? Infinity);
    expect(rows.map((r) => r.schedulerCpuSeconds)).toEqual([1, 4, 16]);
    expect(rows.map((r) => r.schedulerRssMiB)).toEqual([28, 52, 148]);
    expect(a.emulatedScaling).toEqual(rows);
  });

  it('draws the sweep in the report: its table and a log-log chart per figure, a point per size', async () => {
    const a = analyse(loaded, []);
    const html = await buildReport(a, { ...DEFAULT_LIMITS, timelines: 0, paretoPlots: 0 });
    expect(html).toContain('<h2>Scale by emulation</h2>');
    const figures = [
      ...html.matchAll(/<figure class="chart" id="emulated-scaling-(\w+)" data-expect="([^"]+)"/g),
    ];
    expect(figures.map((f) => f[1])).toEqual([
      'startRateJobsPerSecond',
      'waitP50Seconds',
      'waitP99Seconds',
      'schedulerCpuSeconds',
      'schedulerRssMiB',
    ]);
    for (const f of figures) {
      expect(JSON.parse((f[2] ?? '').replace(/&quot;/g, '"'))).toEqual({ scaling: 1, sizes: 3 });
    }
    // Without emulated runs, no such section.
    const realOnly = analyse([{ path: '/r/x.json', run: run(null, 1, 0.01) }], []);
    expect(await buildReport(realOnly, { ...DEFAULT_LIMITS, timelines: 0, paretoPlots: 0 })).not.toContain(
      'Scale by emulation',
    );
  });
});
