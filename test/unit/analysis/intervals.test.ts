// Statistics that say what they can: n everywhere, no interval below 3 repetitions (with the note), intervals that
// stay inside each metric's range and around its mean (bootstrap percentile, fixed seed), significance only where the
// repetitions can reach it — and energy that nothing measured shown as n/a, out of the Pareto front with a note.
import fc from 'fast-check';
import { analyse, paretoOfRuns } from '../../../analysis/analyze';
import { buildReport, DEFAULT_LIMITS } from '../../../analysis/report/build';
import { METRIC_NAMES, METRICS, type RunMetrics } from '../../../analysis/metrics';
import { summaryText } from '../../../analysis/table';
import {
  bootstrapMeanInterval,
  describe as describeValues,
  mannWhitneyMinRepetitions,
  MIN_REPETITIONS_FOR_INTERVAL,
  type Description,
} from '../../../analysis/stats';
import { compareSchedulers, summarise } from '../../../analysis/summary';
import { simulate, type SimJob, type SimSpec } from '../../helpers/sim';

const SMALL_RUN: SimSpec = {
  scheduler: 'slurm',
  profile: { name: 'small', nodes: 1, vcpus: 2 },
  workload: 'w',
  repetition: 1,
  jobs: [{ submit: 0, cpus: 1, duration: 10 }],
  policy: 'fcfs',
  dispatchDelay: 1,
};

describe('intervals', () => {
  it('n = 2 gives no interval and the note “too few repetitions (n=2)”; n = 3 gives one', () => {
    const two = describeValues([10, 12]);
    expect(two).toMatchObject({ count: 2, mean: 11, ci95Low: null, ci95High: null, ciMethod: null });
    expect(two.note).toBe('too few repetitions (n=2)');
    expect(describeValues([0.4, 0.5], { range: [0, 1] }).ci95Low).toBeNull();
    const three = describeValues([10, 12, 14], { range: METRICS.makespanSeconds.range });
    expect(three.ciMethod).toBe('bootstrap-percentile');
    expect(three.note).toBeNull();
    expect(MIN_REPETITIONS_FOR_INTERVAL).toBe(3);
  });

  it('the bootstrap interval of a constant sample is that constant', () => {
    expect(bootstrapMeanInterval([0.37, 0.37, 0.37, 0.37])).toEqual({ low: 0.37, high: 0.37 });
    expect(describeValues([1, 1, 1], { range: [0, 1] })).toMatchObject({
      ci95Low: 1,
      ci95High: 1,
      ciMethod: 'bootstrap-percentile',
    });
  });

  it('is reproducible: the same values give the same interval (fixed seed)', () => {
    const xs = [0.2, 0.9, 0.5, 0.7, 0.1];
    expect(bootstrapMeanInterval(xs)).toEqual(bootstrapMeanInterval([...xs]));
  });

  it('every metric declares a range, and none can be negative', () => {
    for (const m of METRIC_NAMES) {
      const [lower, upper] = METRICS[m].range;
      expect({ m, lower: lower >= 0 }).toEqual({ m, lower: true });
      if (upper !== null) expect(upper).toBeGreaterThan(lower);
    }
  });

  it('a wait’s interval stays ≥ 0 and a share’s in [0, 1], where the t interval of the same values leaves them', () => {
    // One long wait among short ones: the t interval reaches below 0 s.
    const waits = [0, 0.05, 1.2];
    expect(describeValues(waits).ci95Low ?? 0).toBeLessThan(0);
    expect(describeValues(waits, { range: METRICS.waitMeanSeconds.range }).ci95Low).toBeGreaterThanOrEqual(0);
    const shares = [0, 1, 1];
    expect(describeValues(shares).ci95High ?? 0).toBeGreaterThan(1);
    const b = describeValues(shares, { range: METRICS.utilisationAllocated.range });
    expect(b.ci95Low ?? -1).toBeGreaterThanOrEqual(0);
    expect(b.ci95High ?? 2).toBeLessThanOrEqual(1);
  });

  /** Samples inside a range, skewed on purpose: many values at the bound, a few far from it. */
  const sampleIn = ([lower, upper]: readonly [number, number | null]) => {
    const top = upper ?? lower + 1e6;
    return fc.array(
      fc.oneof(
        fc.constant(lower),
        fc.double({ min: lower, max: Math.min(top, lower + 1), noNaN: true }),
        fc.double({ min: lower, max: top, noNaN: true }),
      ),
      { minLength: MIN_REPETITIONS_FOR_INTERVAL, maxLength: 15 },
    );
  };
  const inside = (d: Description, [lower, upper]: readonly [number, number | null]): boolean =>
    d.mean !== null &&
    d.ci95Low !== null &&
    d.ci95High !== null &&
    d.ci95Low >= lower &&
    (upper === null || d.ci95High <= upper) &&
    d.ci95Low <= d.mean &&
    d.mean <= d.ci95High;

  it('property: for any sample inside a range, the interval lies inside it and contains the mean', () => {
    const ranges: (readonly [number, number | null])[] = [
      ...new Map(METRIC_NAMES.map((m) => [JSON.stringify(METRICS[m].range), METRICS[m].range])).values(),
    ];
    for (const range of ranges) {
      fc.assert(
        fc.property(sampleIn(range), (xs) => inside(describeValues(xs, { range }), range)),
        { numRuns: 150 },
      );
    }
  });

  it('property: every metric of a group summary has its interval inside the metric’s range, around the mean', () => {
    const base = analyse([{ path: 'base', run: simulate(SMALL_RUN).run }], []).rows[0] as RunMetrics;
    const metricAndSample = fc
      .constantFrom(...METRIC_NAMES)
      .chain((m) => sampleIn(METRICS[m].range).map((xs) => [m, xs] as const));
    fc.assert(
      fc.property(metricAndSample, ([m, xs]) => {
        const rows = xs.map((v, i) => ({ ...base, key: `k${i}`, repetition: i + 1, [m]: v }));
        const [group] = summarise(rows);
        return group !== undefined && inside(group.metrics[m], METRICS[m].range);
      }),
      { numRuns: 40 },
    );
  });
});

describe('significance only with enough repetitions', () => {
  it('Mann–Whitney (two-sided, equal sizes) needs n ≥ 4 each to reach p < 0.05: 2/C(6,3) = 0.1, 2/C(8,4) ≈ 0.029', () => {
    expect(mannWhitneyMinRepetitions(0.05)).toBe(4);
    expect(mannWhitneyMinRepetitions(0.01)).toBe(5); // 2/C(10,5) = 0.0079
  });

  const jobs: SimJob[] = [
    { submit: 0, cpus: 1, duration: 10 },
    { submit: 0, cpus: 1, duration: 10 },
  ];
  const runs = (scheduler: 'slurm' | 'flux', reps: number, delay: number): RunMetrics[] =>
    Array.from(
      { length: reps },
      (_, i) =>
        analyse(
          [
            {
              path: `${scheduler}-${i}`,
              run: simulate({
                scheduler,
                profile: { name: 'small', nodes: 1, vcpus: 2 },
                workload: 'w',
                repetition: i + 1,
                jobs,
                policy: 'fcfs',
                dispatchDelay: delay + i * 0.1,
              }).run,
            },
          ],
          [],
        ).rows[0] as RunMetrics,
    );

  it('3 vs 3: no verdict, no “better”, the test named, the n and the n needed shown', () => {
    const [c] = compareSchedulers([...runs('slurm', 3, 5), ...runs('flux', 3, 0)], ['makespanSeconds']);
    expect(c).toMatchObject({
      nA: 3,
      nB: 3,
      verdict: 'too few repetitions',
      better: null,
      repetitionsNeeded: 4,
      test: 'Mann–Whitney U, two-sided, exact',
    });
  });

  it('4 vs 4 fully separated: significant, p = 2/70, and the better scheduler named', () => {
    const [c] = compareSchedulers([...runs('slurm', 4, 5), ...runs('flux', 4, 0)], ['makespanSeconds']);
    expect(c?.verdict).toBe('significant');
    expect(c?.p).toBeCloseTo(2 / 70, 10);
    expect(c?.better).toBe('flux');
  });
});

describe('n and n/a in the outputs', () => {
  const run = (repetition: number) =>
    simulate({
      scheduler: 'slurm',
      profile: { name: 'small', nodes: 1, vcpus: 2 },
      workload: 'w',
      repetition,
      jobs: [{ submit: 0, cpus: 1, duration: 10 }],
      policy: 'fcfs',
      dispatchDelay: 1,
    }).run;
  const loaded = [1, 2].map((r) => ({ path: `r${r}.json`, run: run(r) }));

  it('energy that nothing measured is null with source none, and the energy objective leaves the front with a note', () => {
    const a = analyse(loaded, [], { now: new Date(0) });
    expect(a.rows.every((r) => r.energyJoules === null && r.energySource === 'none')).toBe(true);
    expect(a.pareto.objectives.map((o) => o.metric)).not.toContain('energyJoules');
    expect(a.pareto.droppedObjectives.map((d) => d.metric)).toEqual(['energyJoules']);
    expect(a.pareto.notes[0]).toMatch(
      /^objective energyJoules left out of the Pareto front: energy was not measured/,
    );
    // the runs are not excluded for it: both are ranked on the other objectives
    expect(a.pareto.excluded).toEqual([]);
    expect(a.pareto.ranks).toHaveLength(2);
    const text = summaryText(a);
    expect(text).toMatch(/ n\/a/);
    expect(text).toContain('no intervals for slurm/small/w: too few repetitions (n=2)');
    expect(text).toContain('energy: not measured (n/a)');
  });

  it('an objective null for every run is dropped, not used to exclude every run', () => {
    const rows = analyse(loaded, []).rows;
    const p = paretoOfRuns(rows, [
      { metric: 'makespanSeconds', direction: 'min' },
      { metric: 'energyJoules', direction: 'min' },
    ]);
    expect(p.objectives).toEqual([{ metric: 'makespanSeconds', direction: 'min' }]);
    expect(p.front.length).toBeGreaterThan(0);
    expect(summarise(rows)[0]?.metrics.energyJoules).toMatchObject({ count: 0, mean: null, note: null });
  });

  it('the report shows n, the too-few note, energy n/a with why, and the dropped objective', async () => {
    const a = analyse(loaded, [], { now: new Date(0) });
    const html = await buildReport(a, {
      ...DEFAULT_LIMITS,
      timelines: 1,
      segmentsPerTimeline: 100,
      paretoPlots: 1,
    });
    expect(html).toContain('Energy: not measured (n/a)');
    expect(html).toContain('too few repetitions (n=2): no intervals');
    expect(html).toContain('objective energyJoules left out of the Pareto front');
    expect(html).toContain('<th>n (runs)</th>');
    expect(html).toMatch(/<td>n\/a<\/td>/); // the energy cell of the summary table
    expect(html).not.toContain('ESTIMATE');
    expect(html).not.toContain('Perlmutter');
  });
});
