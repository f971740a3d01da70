// A replay's analysis: the warm-up and cool-down jobs left out of the job metrics but not out of the machine's load,
// the same log job compared across schedulers (paired), the CDFs of wait and slowdown, and what the report and
// replay-jobs.csv show of them.
import fc from 'fast-check';
import { parse } from 'csv-parse/sync';
import { analyse } from '../../../analysis/analyze';
import { ecdfPoints, jobDistributions } from '../../../analysis/distributions';
import { runMetrics } from '../../../analysis/metrics';
import { normalCdf } from '../../../analysis/stats';
import { replayJobsCsv } from '../../../analysis/output';
import { buildReport, DEFAULT_LIMITS } from '../../../analysis/report/build';
import { cdfChart } from '../../../analysis/report/charts';
import type { JobRecord, LogJob, RunResult } from '../../../results/schema';
import { job, node, runIdFor, runResult } from '../../helpers/sim';

const WARMUP = 2;
const COOLDOWN = 2;
const JOBS = 10;

const phaseOf = (k: number): NonNullable<LogJob['phase']> =>
  k < WARMUP ? 'warmup' : k >= JOBS - COOLDOWN ? 'cooldown' : 'measured';

/**
 * Ten replayed jobs submitted 10 s apart, each running 5 s (the first, a warm-up job, 60 s) after `waits[k]`; log job
 * 11 + k. `unstarted` lists the jobs that never started.
 */
function replayJobs(waits: readonly number[], unstarted: readonly number[] = []): JobRecord[] {
  return waits.map((wait, k) => {
    const submit = k * 10;
    const started = !unstarted.includes(k);
    const record = job(
      {
        submit,
        start: started ? submit + wait : null,
        end: started ? submit + wait + (k === 0 ? 60 : 5) : null,
        state: started ? 'COMPLETED' : 'CANCELLED',
      },
      k,
    );
    return {
      ...record,
      name: `nasa-s0-${k}`,
      logJob: { job: 11 + k, submitSeconds: k * 6000, runSeconds: 3000, processors: 4, phase: phaseOf(k) },
    };
  });
}

function replayRun(
  scheduler: RunResult['scheduler']['name'],
  waits: readonly number[],
  repetition = 1,
  over: Partial<RunResult> = {},
): RunResult {
  return runResult({
    runId: runIdFor(`${scheduler}-${repetition}`),
    scheduler: { name: scheduler, version: '1', settings: {} },
    nodes: [node('n1', 4)],
    workload: {
      name: 'nasa',
      specCount: JOBS,
      offeredLoad: 0.7,
      replay: {
        file: 'log.swf',
        scale: 1 / 600,
        machineProcessors: 128,
        droppedWider: 0,
        warmupJobs: WARMUP,
        cooldownJobs: COOLDOWN,
      },
    },
    repetition,
    jobs: replayJobs(waits),
    ...over,
  });
}

const zeros = Array<number>(JOBS).fill(0);
/** Waits 1…6 s on the measured jobs, 0 on the others. */
const rising = zeros.map((_, k) => (phaseOf(k) === 'measured' ? k - 1 : 0));

describe('the metrics of a replay with a warm-up and a cool-down', () => {
  const m = runMetrics(replayRun('slurm', rising));

  it('count the measured jobs only, and say how many were left out', () => {
    expect(m.jobsTotal).toBe(JOBS - WARMUP - COOLDOWN);
    expect(m.jobsOutsideWindow).toBe(WARMUP + COOLDOWN);
    expect(m.waitMeanSeconds).toBeCloseTo((1 + 2 + 3 + 4 + 5 + 6) / 6, 9);
    expect(m.offeredLoad).toBe(0.7);
  });

  it('measure the window of the measured jobs: first submit (the third job, at 20 s) to last end (the eighth: 70 + 6 + 5 s)', () => {
    expect(m.makespanSeconds).toBeCloseTo(81 - 20, 9);
  });

  it('count what warm-up and cool-down jobs held within that window in utilisation', () => {
    // The first (warm-up) job holds a CPU from 0 to 60 s: 40 s of it lie in the window [20, 81]; the ninth
    // (cool-down) from 80 to 85 s: 1 s of it.
    const measuredOnly = 6 * 5;
    expect(m.utilisationAllocated).toBeCloseTo((measuredOnly + 40 + 1) / (4 * 61), 9);
  });

  it('without a window (no phases), every job counts', () => {
    const plain = replayRun('slurm', rising);
    const all = runMetrics({
      ...plain,
      jobs: plain.jobs.map((j) => {
        const { phase: _phase, ...log } = j.logJob as LogJob;
        return { ...j, logJob: log };
      }),
    });
    expect(all.jobsTotal).toBe(JOBS);
    expect(all.jobsOutsideWindow).toBe(0);
  });
});

describe('the same log jobs under each scheduler', () => {
  const a = analyse(
    [
      { path: 's1.json', run: replayRun('slurm', zeros, 1) },
      {
        path: 's2.json',
        run: replayRun(
          'slurm',
          zeros.map((_, k) => (k === 2 ? 2 : 0)),
          2,
        ),
      },
      { path: 'k1.json', run: replayRun('kubernetes', rising, 1) },
      { path: 'f1.json', run: replayRun('flux', rising, 1, { status: 'failed' }) },
    ],
    [],
    { now: new Date(0) },
  );
  const [cell] = a.replays;

  it('has one cell for the replayed workload, with every log job in submit order', () => {
    expect(a.replays).toHaveLength(1);
    expect(cell?.workload).toBe('nasa');
    expect(cell?.jobs.map((j) => j.logJob)).toEqual([11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
    expect(cell?.jobs.map((j) => j.phase)).toEqual(zeros.map((_, k) => phaseOf(k)));
  });

  it('averages a job over the repetitions, and leaves out runs whose status is not ok', () => {
    expect(cell?.schedulers).toEqual(['slurm', 'kubernetes']);
    expect(cell?.jobs[2]?.under.slurm).toEqual({ waitSeconds: 1, boundedSlowdown: 1, runs: 2 });
    expect(cell?.jobs[2]?.under.kubernetes?.waitSeconds).toBe(1);
  });

  it('pairs the measured jobs: who waited less, the median difference and the signed-rank p', () => {
    const pair = cell?.pairs[0];
    expect(pair).toMatchObject({ a: 'slurm', b: 'kubernetes', jobs: 6, aWaitedLess: 5, bWaitedLess: 0 });
    // Differences slurm − kubernetes: 0, −2, −3, −4, −5, −6 (job 13 waited 1 s under each).
    expect(pair?.waitDifferenceMedian).toBeCloseTo(-3.5, 9);
    expect(pair?.waitMeanA).toBeCloseTo(1 / 6, 9);
    expect(pair?.waitMeanB).toBeCloseTo(3.5, 9);
    // A zero difference is dropped; with it there, the p is the normal approximation (as R's wilcox.test): five
    // differences of one sign, V = 0 against a mean of 7.5 and a variance of 5·6·11/24, continuity-corrected.
    expect(pair?.waitP).toBeCloseTo(2 * normalCdf((0 - 7.5 + 0.5) / Math.sqrt((5 * 6 * 11) / 24)), 6);
  });

  it('leaves a job out of the pairs when a scheduler never started it', () => {
    const broken = replayRun('kubernetes', rising);
    broken.jobs = replayJobs(rising, [3]);
    const b = analyse(
      [
        { path: 's.json', run: replayRun('slurm', zeros) },
        { path: 'k.json', run: broken },
      ],
      [],
    );
    expect(b.replays[0]?.pairs[0]?.jobs).toBe(5);
    expect(b.replays[0]?.jobs[3]?.under.kubernetes).toEqual({
      waitSeconds: null,
      boundedSlowdown: null,
      runs: 0,
    });
  });

  it('writes one CSV row per log job and scheduler', () => {
    const rows = parse(replayJobsCsv(a), { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(JOBS * 2);
    expect(rows[4]).toMatchObject({
      logJob: '13',
      phase: 'measured',
      scheduler: 'slurm',
      waitMeanSeconds: '1',
    });
  });

  it('shows the pairs, every job and the CDFs in the report', async () => {
    const html = await buildReport(a, { ...DEFAULT_LIMITS, timelines: 0, paretoPlots: 0 });
    expect(html).toContain('<h2>Replays: the same log jobs under each scheduler</h2>');
    expect(html).toContain('Every job of the replay (10; also in replay-jobs.csv)');
    expect(html).toContain('id="cdf-wait-nasa-small"');
    expect(html).toContain('id="cdf-slowdown-nasa-small"');
  });

  it('says nothing of replays when no run replayed a log', () => {
    const plain = analyse(
      [{ path: 'p.json', run: runResult({ jobs: [job({ submit: 0, start: 1, end: 2 })] }) }],
      [],
    );
    expect(plain.replays).toEqual([]);
  });
});

describe('the CDFs', () => {
  it('draw one line per scheduler, from the measured jobs of the runs with status ok', () => {
    const runs = [replayRun('slurm', zeros), replayRun('kubernetes', rising)];
    const rows = runs.map((r) => runMetrics(r));
    const [cell] = jobDistributions(rows, runs);
    if (cell === undefined) throw new Error('no cell');
    expect(cell.bySchedulers.get('kubernetes')?.waits).toEqual([1, 2, 3, 4, 5, 6]);
    expect(cdfChart(cell, 'wait')?.expect).toEqual({ cdf: 2 });
  });

  it('ecdfPoints: x ascending, shares rising to 1, at most limit + 1 points', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 3000 }),
        fc.integer({ min: 1, max: 500 }),
        (xs, limit) => {
          const sorted = [...xs].sort((p, q) => p - q);
          const points = ecdfPoints(sorted, limit);
          expect(points.length).toBeLessThanOrEqual(limit + 1);
          expect(points.at(-1)).toEqual({ x: sorted.at(-1), p: 1 });
          points.slice(1).forEach((point, i) => {
            const before = points[i] ?? point;
            expect(point.x).toBeGreaterThanOrEqual(before.x);
            expect(point.p).toBeGreaterThan(before.p);
          });
        },
      ),
    );
  });
});
