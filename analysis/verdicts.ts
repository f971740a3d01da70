// Per-workload verdicts, the report's headline: for each (profile, workload) with two or more schedulers, which is
// better on each key metric, by how much, and whether the repetitions say so (the exact Mann–Whitney U test of
// summary.ts compareSchedulers) — said plainly, e.g. `slurm faster (p = 0.029)`. Pure.
import { METRICS, type MetricName } from './metrics';
import { fmt } from './report/format';
import type { Comparison, GroupSummary } from './summary';

/** The metrics a verdict is given on (bounded slowdown only where runs have it), and how the better side is said. */
export const VERDICT_METRICS: readonly { metric: MetricName; label: string; better: string }[] = [
  { metric: 'makespanSeconds', label: 'makespan', better: 'faster' },
  { metric: 'waitMeanSeconds', label: 'mean wait', better: 'shorter waits' },
  { metric: 'throughputJobsPerHour', label: 'throughput', better: 'higher throughput' },
  { metric: 'boundedSlowdownMean', label: 'bounded slowdown', better: 'lower slowdown' },
];

export interface PairVerdict {
  /** The scheduler ahead: the significantly better one, else the one with the better mean. */
  ahead: string;
  behind: string;
  meanAhead: number;
  meanBehind: number;
  /** Repetitions with a value, each side. */
  nAhead: number;
  nBehind: number;
  /** Times better the one ahead is: behind/ahead to minimise, ahead/behind to maximise; null when dividing by 0. */
  ratio: number | null;
  /** |mean ahead − mean behind|, in the metric's unit. */
  difference: number;
  /** Two-sided p; null when the repetitions cannot reach p < 0.05 whatever the outcome. */
  p: number | null;
  /** The test, e.g. `Mann–Whitney U, two-sided, exact`. */
  test: string;
  outcome: Comparison['verdict'];
  /**
   * The verdict in words: `slurm faster (p = 0.029)`, `not significant (p = 0.11)`,
   * `too few repetitions to test (need ≥ 4 each)`.
   */
  says: string;
}

export interface MetricVerdict {
  metric: MetricName;
  /** How the metric is called in a sentence (`mean wait`). */
  label: string;
  unit: string;
  direction: 'min' | 'max';
  /** Schedulers by mean, best first. */
  ranking: { scheduler: string; mean: number; n: number }[];
  /** Every pair, in ranking order: 1st vs 2nd, 1st vs 3rd, …, 2nd vs 3rd, …. */
  pairs: PairVerdict[];
}

export interface WorkloadVerdict {
  profile: string;
  workload: string;
  /** Schedulers (labels: variants apart) with runs averaged in this cell, and how many. */
  schedulers: { scheduler: string; runs: number }[];
  metrics: MetricVerdict[];
}

/** A p-value to two significant digits (`0.029`), or `< 0.001`: more digits would claim a precision it lacks. */
export function pValueText(p: number): string {
  return p < 0.001 ? '< 0.001' : String(Number(p.toPrecision(2)));
}

/** `p = 0.029`, `p < 0.001`. */
export function formatP(p: number): string {
  const v = pValueText(p);
  return v.startsWith('<') ? `p ${v}` : `p = ${v}`;
}

/** A value with its unit: `1.9 s`, `120 jobs/h`, `1.4` (dimensionless). */
export function formatAmount(v: number, unit: string): string {
  return unit === '1' ? fmt(v) : `${fmt(v)} ${unit}`;
}

/** `1.16×`, or null when there is no ratio. */
export function formatRatio(ratio: number | null): string | null {
  return ratio === null ? null : `${Number(ratio.toPrecision(3))}×`;
}

function says(c: Comparison, ahead: string, better: string): string {
  if (c.verdict === 'too few repetitions')
    return `too few repetitions to test (need ≥ ${c.repetitionsNeeded} each)`;
  if (c.verdict === 'not significant') return `not significant (${formatP(c.p)})`;
  return c.better === null ? `different (${formatP(c.p)})` : `${ahead} ${better} (${formatP(c.p)})`;
}

function ratioOf(direction: 'min' | 'max', ahead: number, behind: number): number | null {
  const [num, den] = direction === 'min' ? [behind, ahead] : [ahead, behind];
  if (den === 0) return num === 0 ? 1 : null;
  return num / den;
}

function pairVerdict(
  c: Comparison,
  /** The pair's scheduler with the better mean. */
  leader: string,
  direction: 'min' | 'max',
  better: string,
): PairVerdict | null {
  if (c.meanA === null || c.meanB === null) return null;
  // A significant difference names its side by the test (Cliff's δ); otherwise the better mean is ahead.
  const ahead = c.verdict === 'significant' && c.better !== null ? c.better : leader;
  const behind = ahead === c.a ? c.b : c.a;
  const side = (s: string) =>
    s === c.a ? { mean: c.meanA as number, n: c.nA } : { mean: c.meanB as number, n: c.nB };
  const a = side(ahead);
  const b = side(behind);
  return {
    ahead,
    behind,
    meanAhead: a.mean,
    meanBehind: b.mean,
    nAhead: a.n,
    nBehind: b.n,
    ratio: ratioOf(direction, a.mean, b.mean),
    difference: Math.abs(a.mean - b.mean),
    p: c.tooFewSamples ? null : c.p,
    test: c.test,
    outcome: c.verdict,
    says: says(c, ahead, better),
  };
}

const cellKey = (profile: string, workload: string) => `${profile}\u0000${workload}`;

/**
 * The verdicts of every (profile, workload) cell where two or more schedulers have runs averaged, in the order of the
 * groups (workload, then profile by size). A metric is left out of a cell where fewer than two schedulers have it.
 */
export function workloadVerdicts(
  groups: readonly GroupSummary[],
  comparisons: readonly Comparison[],
): WorkloadVerdict[] {
  const cells = new Map<string, GroupSummary[]>();
  for (const g of groups) {
    if (g.runs === 0) continue;
    const k = cellKey(g.profile, g.workload);
    cells.set(k, [...(cells.get(k) ?? []), g]);
  }
  const compared = new Map<string, Comparison>();
  for (const c of comparisons) compared.set([c.profile, c.workload, c.metric, c.a, c.b].join('\u0000'), c);
  const find = (profile: string, workload: string, metric: MetricName, x: string, y: string) =>
    compared.get([profile, workload, metric, x, y].join('\u0000')) ??
    compared.get([profile, workload, metric, y, x].join('\u0000'));
  const out: WorkloadVerdict[] = [];
  for (const members of cells.values()) {
    if (members.length < 2) continue;
    const { profile, workload } = members[0];
    const metrics: MetricVerdict[] = [];
    for (const { metric, label, better } of VERDICT_METRICS) {
      const direction = METRICS[metric].better;
      if (direction === null) continue;
      const sign = direction === 'min' ? 1 : -1;
      const ranking = members
        .flatMap((g) => {
          const d = g.metrics[metric];
          return d.mean === null ? [] : [{ scheduler: g.scheduler, mean: d.mean, n: d.count }];
        })
        .sort((x, y) => sign * (x.mean - y.mean) || x.scheduler.localeCompare(y.scheduler));
      if (ranking.length < 2) continue;
      const pairs: PairVerdict[] = [];
      ranking.forEach((first, i) => {
        for (const second of ranking.slice(i + 1)) {
          const c = find(profile, workload, metric, first.scheduler, second.scheduler);
          const v = c && pairVerdict(c, first.scheduler, direction, better);
          if (v) pairs.push(v);
        }
      });
      metrics.push({ metric, label, unit: METRICS[metric].unit, direction, ranking, pairs });
    }
    if (metrics.length === 0) continue;
    out.push({
      profile,
      workload,
      schedulers: members.map((g) => ({ scheduler: g.scheduler, runs: g.runs })),
      metrics,
    });
  }
  return out;
}

/** `1.16×, 1.9 s less`: by how much the one ahead is ahead (no ratio where a mean is 0). */
export function pairMargin(v: PairVerdict, unit: string): string {
  const ratio = formatRatio(v.ratio);
  const diff = `${formatAmount(v.difference, unit)} ${v.meanAhead <= v.meanBehind ? 'less' : 'more'}`;
  return ratio === null ? diff : `${ratio}, ${diff}`;
}

/** `flux 12.1 s vs slurm 14 s (1.16×, 1.9 s less)`: the means and by how much. */
export function pairFigures(v: PairVerdict, unit: string): string {
  return `${v.ahead} ${formatAmount(v.meanAhead, unit)} vs ${v.behind} ${formatAmount(v.meanBehind, unit)} (${pairMargin(v, unit)})`;
}

/** The verdicts in the compact form of the stack output `report.headline`. */
export interface HeadlineVerdict {
  profile: string;
  workload: string;
  metric: string;
  /** Schedulers by mean, best first. */
  ranking: string[];
  /** Each pair: `flux vs slurm: flux faster (p = 0.029); flux 12.1 s vs slurm 14 s (1.16×, 1.9 s less)`. */
  pairs: string[];
}

export function headlineVerdicts(verdicts: readonly WorkloadVerdict[]): HeadlineVerdict[] {
  return verdicts.flatMap((w) =>
    w.metrics.map((m) => ({
      profile: w.profile,
      workload: w.workload,
      metric: m.metric,
      ranking: m.ranking.map((r) => r.scheduler),
      pairs: m.pairs.map((p) => `${p.ahead} vs ${p.behind}: ${p.says}; ${pairFigures(p, m.unit)}`),
    })),
  );
}
