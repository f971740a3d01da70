// Per-workload verdicts, the report's headline: who is ahead on each key metric, by how much, and what the
// repetitions allow one to say — significant, not significant, or too few to test — with 2 and 3 schedulers and with
// variants of one scheduler kept apart. Expected figures come from the groups and the test itself, not from constants.
import { analyse, type Analysis } from '../../../analysis/analyze';
import { METRICS, type MetricName } from '../../../analysis/metrics';
import { parseAnalyzeJson } from '../../../analysis/report-output';
import { buildReport, DEFAULT_LIMITS } from '../../../analysis/report/build';
import { schedulerLabels } from '../../../analysis/scheduler-labels';
import { mannWhitneyU } from '../../../analysis/stats';
import { MANN_WHITNEY_MIN_REPETITIONS } from '../../../analysis/summary';
import { analysisSummaryText } from '../../../analysis/summary-text';
import {
  formatP,
  VERDICT_METRICS,
  type MetricVerdict,
  type PairVerdict,
  type WorkloadVerdict,
} from '../../../analysis/verdicts';
import { withDelays } from '../../helpers/sim';

const FAST = [0, 0.1, 0.2, 0.3];
const SLOW = [5, 5.1, 5.2, 5.3];

function metricOf(a: Analysis, metric: MetricName, cell = 0): MetricVerdict {
  const m = a.verdicts[cell]?.metrics.find((v) => v.metric === metric);
  if (m === undefined) throw new Error(`no verdict on ${metric}`);
  return m;
}

function onlyPair(m: MetricVerdict): PairVerdict {
  expect(m.pairs).toHaveLength(1);
  return m.pairs[0] as PairVerdict;
}

/** A metric's values per scheduler (label), as the test sees them. */
const valuesOf = (a: Analysis, scheduler: string, metric: MetricName): number[] =>
  a.rows.filter((r) => r.scheduler === scheduler).map((r) => r[metric] as number);

const meanOf = (a: Analysis, scheduler: string, metric: MetricName): number => {
  const g = a.groups.find((x) => x.scheduler === scheduler);
  return g?.metrics[metric].mean as number;
};

describe('two schedulers', () => {
  it('significant: the one ahead named plainly with the p-value, ratio and difference from the means', () => {
    const a = analyse(
      [...withDelays({ scheduler: 'slurm' }, FAST), ...withDelays({ scheduler: 'flux' }, SLOW)],
      [],
    );
    expect(a.verdicts).toHaveLength(1);
    expect(a.verdicts[0]).toMatchObject({
      profile: 'small',
      workload: 'w',
      schedulers: [
        { scheduler: 'flux', runs: 4 },
        { scheduler: 'slurm', runs: 4 },
      ],
    });
    // every key metric the runs have, bounded slowdown included
    expect(a.verdicts[0]?.metrics.map((m) => m.metric)).toEqual(VERDICT_METRICS.map((v) => v.metric));
    for (const { metric, better } of VERDICT_METRICS) {
      const m = metricOf(a, metric);
      const p = onlyPair(m);
      const expectedP = mannWhitneyU(valuesOf(a, 'slurm', metric), valuesOf(a, 'flux', metric)).p;
      const [slurm, flux] = [meanOf(a, 'slurm', metric), meanOf(a, 'flux', metric)];
      expect(p).toMatchObject({
        ahead: 'slurm',
        behind: 'flux',
        outcome: 'significant',
        nAhead: 4,
        nBehind: 4,
      });
      expect(p.p).toBeCloseTo(expectedP, 12);
      expect(p.says).toBe(`slurm ${better} (${formatP(expectedP)})`);
      expect(p.difference).toBeCloseTo(Math.abs(slurm - flux), 9);
      expect(p.ratio).toBeCloseTo(METRICS[metric].better === 'min' ? flux / slurm : slurm / flux, 9);
      expect(m.ranking.map((r) => r.scheduler)).toEqual(['slurm', 'flux']);
    }
    // the verdict in words (docs/analysis.md): fully separated 4 vs 4 is the exact p = 2/70
    expect(onlyPair(metricOf(a, 'makespanSeconds')).says).toBe('slurm faster (p = 0.029)');
  });

  it('not significant: says so with p, and the better mean is still the one ahead', () => {
    const a = analyse(
      [
        ...withDelays({ scheduler: 'slurm' }, [0, 2, 4, 6]),
        ...withDelays({ scheduler: 'flux' }, [1, 3, 5, 7]),
      ],
      [],
    );
    const p = onlyPair(metricOf(a, 'waitMeanSeconds'));
    const expectedP = mannWhitneyU(
      valuesOf(a, 'slurm', 'waitMeanSeconds'),
      valuesOf(a, 'flux', 'waitMeanSeconds'),
    ).p;
    expect(expectedP).toBeGreaterThanOrEqual(0.05);
    expect(p).toMatchObject({ ahead: 'slurm', outcome: 'not significant' });
    expect(p.says).toBe(`not significant (${formatP(expectedP)})`);
    expect(p.meanAhead).toBeLessThan(p.meanBehind);
  });

  it('too few repetitions: no p, and how many are needed', () => {
    const a = analyse(
      [
        ...withDelays({ scheduler: 'slurm' }, FAST.slice(0, 3)),
        ...withDelays({ scheduler: 'flux' }, SLOW.slice(0, 3)),
      ],
      [],
    );
    const p = onlyPair(metricOf(a, 'makespanSeconds'));
    expect(p).toMatchObject({ ahead: 'slurm', outcome: 'too few repetitions', p: null });
    expect(p.says).toBe(`too few repetitions to test (need ≥ ${MANN_WHITNEY_MIN_REPETITIONS} each)`);
    // the figures are still given: the means differ, only the test cannot speak
    expect(p.difference).toBeGreaterThan(0);
  });

  it('a mean of 0 has no ratio, only a difference; equal means are 1×', () => {
    const a = analyse(
      [
        ...withDelays({ scheduler: 'slurm' }, [0, 0, 0, 0]),
        ...withDelays({ scheduler: 'flux' }, [1, 1, 1, 1]),
      ],
      [],
    );
    const wait = onlyPair(metricOf(a, 'waitMeanSeconds'));
    expect(wait.ratio).toBeNull();
    expect(wait.difference).toBeCloseTo(meanOf(a, 'flux', 'waitMeanSeconds'), 9);
    const same = analyse(
      [
        ...withDelays({ scheduler: 'slurm' }, [0, 0, 0, 0]),
        ...withDelays({ scheduler: 'flux' }, [0, 0, 0, 0]),
      ],
      [],
    );
    expect(onlyPair(metricOf(same, 'waitMeanSeconds'))).toMatchObject({ ratio: 1, difference: 0 });
  });

  it('one scheduler in a cell: no verdict for it', () => {
    const a = analyse(
      [
        ...withDelays({ scheduler: 'slurm' }, FAST),
        ...withDelays({ scheduler: 'flux' }, SLOW),
        ...withDelays({ scheduler: 'slurm', workload: 'alone' }, FAST),
      ],
      [],
    );
    expect(a.verdicts.map((w) => w.workload)).toEqual(['w']);
    expect(analysisSummaryText(analyse(withDelays({ scheduler: 'slurm' }, FAST), []), null)).toContain(
      'no profile × workload was run by two or more schedulers: no verdicts',
    );
  });
});

describe('three schedulers', () => {
  const a = analyse(
    [
      ...withDelays({ scheduler: 'kubernetes' }, [10, 10.1, 10.2, 10.3]),
      ...withDelays({ scheduler: 'slurm' }, FAST),
      ...withDelays({ scheduler: 'flux' }, [5, 5.1, 5.2, 5.3, 5.4]),
    ],
    [],
  );

  it('ranks by mean, best first, whichever way the metric is better', () => {
    for (const { metric } of VERDICT_METRICS) {
      const m = metricOf(a, metric);
      const sign = METRICS[metric].better === 'min' ? 1 : -1;
      const expected = ['kubernetes', 'slurm', 'flux'].sort(
        (x, y) => sign * (meanOf(a, x, metric) - meanOf(a, y, metric)),
      );
      expect(m.ranking.map((r) => r.scheduler)).toEqual(expected);
      expect(m.ranking.map((r) => r.n)).toEqual(expected.map((s) => (s === 'flux' ? 5 : 4)));
    }
  });

  it('gives every pairwise verdict, in ranking order, each from its own test', () => {
    const m = metricOf(a, 'makespanSeconds');
    const [first, second, third] = m.ranking.map((r) => r.scheduler) as [string, string, string];
    expect(m.pairs.map((p) => [p.ahead, p.behind])).toEqual([
      [first, second],
      [first, third],
      [second, third],
    ]);
    for (const p of m.pairs) {
      const expectedP = mannWhitneyU(
        valuesOf(a, p.ahead, 'makespanSeconds'),
        valuesOf(a, p.behind, 'makespanSeconds'),
      ).p;
      expect(p.says).toBe(`${p.ahead} faster (${formatP(expectedP)})`);
    }
  });

  it('the summary text says the ordering and each pair', () => {
    const text = analysisSummaryText(a, '/out/report.html');
    const m = metricOf(a, 'makespanSeconds');
    const orderLine = text.split('\n').find((l) => l.includes('makespan') && l.includes('best first:')) ?? '';
    const positions = m.ranking.map((r) => orderLine.indexOf(`${r.scheduler} `));
    expect(positions.every((x) => x >= 0)).toBe(true);
    expect([...positions].sort((x, y) => x - y)).toEqual(positions);
    for (const p of m.pairs) expect(text).toContain(`${p.ahead} vs ${p.behind}: ${p.says}`);
    expect(text.trimEnd().split('\n').pop()).toBe('report: /out/report.html');
  });
});

describe('variants of a scheduler', () => {
  it('are told apart by the settings that differ, and compared as schedulers of their own', () => {
    const a = analyse(
      [
        ...withDelays({ scheduler: 'slurm', stack: 'slurm-default', settings: { tuning: 'default' } }, SLOW),
        ...withDelays({ scheduler: 'slurm', stack: 'slurm-htc', settings: { tuning: 'htc' } }, FAST),
      ],
      [],
    );
    expect(a.groups.map((g) => g.scheduler)).toEqual(['slurm (tuning=default)', 'slurm (tuning=htc)']);
    expect(onlyPair(metricOf(a, 'makespanSeconds'))).toMatchObject({
      ahead: 'slurm (tuning=htc)',
      behind: 'slurm (tuning=default)',
      outcome: 'significant',
    });
  });

  it('settings that differ only between profiles, or that every run shares, are no variant', () => {
    const runs = [
      ...withDelays({ scheduler: 'kubernetes', settings: { allocatableMemoryMiB: 3800, podCidr: 'x' } }, [0]),
      ...withDelays(
        {
          scheduler: 'kubernetes',
          profile: { name: 'medium', nodes: 2, vcpus: 2 },
          settings: { allocatableMemoryMiB: 7600, podCidr: 'x' },
        },
        [0],
      ),
      ...withDelays({ scheduler: 'flux', settings: { queuePolicy: 'fcfs' } }, [0]),
      ...withDelays({ scheduler: 'flux', stack: 'flux-easy', settings: { queuePolicy: 'easy' } }, [0]),
    ].map((l) => l.run);
    expect(schedulerLabels(runs)).toEqual([
      'kubernetes',
      'kubernetes',
      'flux (queuePolicy=fcfs)',
      'flux (queuePolicy=easy)',
    ]);
  });
});

describe('where the verdicts go', () => {
  const a = analyse(
    [...withDelays({ scheduler: 'slurm' }, FAST), ...withDelays({ scheduler: 'flux' }, SLOW)],
    [],
    {
      now: new Date(0),
    },
  );

  it('the headline (stack output report.headline) carries them compactly, and survives the --json round trip', () => {
    const verdicts: WorkloadVerdict[] = a.verdicts;
    expect(a.headline.verdicts).toHaveLength(verdicts.reduce((n, w) => n + w.metrics.length, 0));
    const makespan = a.headline.verdicts.find((v) => v.metric === 'makespanSeconds');
    const pair = onlyPair(metricOf(a, 'makespanSeconds'));
    expect(makespan).toMatchObject({ profile: 'small', workload: 'w', ranking: ['slurm', 'flux'] });
    expect(makespan?.pairs[0]).toMatch(new RegExp(`^slurm vs flux: ${pair.says.replace(/[()]/g, '\\$&')}; `));
    const doc = {
      reportPath: '/r.html',
      outDir: '/',
      objectives: a.objectives,
      front: a.pareto.front,
      headline: a.headline,
    };
    expect(parseAnalyzeJson(JSON.stringify(doc)).headline).toEqual(a.headline);
  });

  it('report.html opens with the verdict table, above the summary and every chart', async () => {
    const html = await buildReport(a, {
      ...DEFAULT_LIMITS,
      timelines: 1,
      segmentsPerTimeline: 100,
      paretoPlots: 1,
    });
    const main = html.slice(html.indexOf('<main>'));
    const verdicts = main.indexOf('<table class="verdicts">');
    expect(main.indexOf('<h2>')).toBe(main.indexOf('<h2>Verdicts per workload</h2>'));
    expect(verdicts).toBeGreaterThan(0);
    expect(verdicts).toBeLessThan(main.indexOf('<h2>Summary</h2>'));
    expect(verdicts).toBeLessThan(main.indexOf('<figure'));
    for (const m of a.verdicts[0]?.metrics ?? []) for (const p of m.pairs) expect(main).toContain(p.says);
    // no best-per-objective cards: a best across unrelated workloads compares nothing
    expect(html).not.toContain('class="card"');
  });
});
