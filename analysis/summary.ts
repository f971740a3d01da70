// Statistics across repetitions: per (scheduler, profile, workload) group a description of every metric (n, and
// a 95 % bootstrap interval inside the metric's range, only from 3 repetitions), pairwise scheduler comparisons
// (Mann–Whitney U + Cliff's delta; a verdict only where the repetitions can reach p < 0.05) on the same profile
// and workload, and scaling across profiles. Only runs with status `ok` are averaged (sanity before performance).
import { METRIC_NAMES, METRICS, type MetricName, type RunMetrics } from './metrics';
import {
  cliffsMagnitude,
  describe,
  mannWhitneyMinRepetitions,
  mannWhitneyU,
  type Description,
} from './stats';

/** Significance level of the pairwise comparisons. */
export const ALPHA = 0.05;

export interface GroupSummary {
  scheduler: string;
  profile: string;
  profileVcpus: number;
  workload: string;
  /** Runs averaged (status ok). */
  runs: number;
  /** Runs left out because their status was not ok (key and status). */
  excluded: { key: string; status: string }[];
  energySource: string;
  metrics: Record<MetricName, Description>;
}

export interface Comparison {
  profile: string;
  workload: string;
  metric: MetricName;
  a: string;
  b: string;
  /** Repetitions of a and b with a value for the metric. */
  nA: number;
  nB: number;
  meanA: number | null;
  meanB: number | null;
  /** The test, named for the reader: `Mann–Whitney U, two-sided, exact` (or `normal approximation`). */
  test: string;
  u: number;
  p: number;
  method: 'exact' | 'normal';
  /** Cliff's delta of a vs b: P(a > b) − P(a < b). */
  cliffsDelta: number;
  magnitude: ReturnType<typeof cliffsMagnitude>;
  /** Which scheduler did better on this metric — only when the difference is significant (else null). */
  better: string | null;
  /** True when the repetitions cannot reach p < 0.05 whatever the outcome. */
  tooFewSamples: boolean;
  /** Repetitions each side needs before the test can reach p < 0.05 (4 for equal sizes). */
  repetitionsNeeded: number;
  /** What may be said: `significant` (p < 0.05), `not significant`, or `too few repetitions` to test at all. */
  verdict: 'significant' | 'not significant' | 'too few repetitions';
}

export interface ScalingRow {
  scheduler: string;
  workload: string;
  profile: string;
  vcpus: number;
  baseProfile: string;
  baseVcpus: number;
  makespanMeanSeconds: number | null;
  /** base makespan / this makespan. */
  speedup: number | null;
  /** speedup / (vcpus / base vcpus). */
  parallelEfficiency: number | null;
  /** (speedup − 1) / (vcpus − base vcpus): speed-up gained per added vCPU. */
  speedupPerAddedVcpu: number | null;
}

/** Repetitions per side a comparison needs before it can be significant at ALPHA (equal sizes). */
export const MANN_WHITNEY_MIN_REPETITIONS = mannWhitneyMinRepetitions(ALPHA);

export const groupKey = (m: Pick<RunMetrics, 'scheduler' | 'profile' | 'workload'>): string =>
  `${m.scheduler}/${m.profile}/${m.workload}`;

export function summarise(rows: readonly RunMetrics[]): GroupSummary[] {
  const groups = new Map<string, RunMetrics[]>();
  for (const r of rows) groups.set(groupKey(r), [...(groups.get(groupKey(r)) ?? []), r]);
  return [...groups.values()]
    .map((members) => {
      const first = members[0];
      const ok = members.filter((m) => m.status === 'ok');
      const sources = [...new Set(ok.map((m) => m.energySource))];
      const metrics = Object.fromEntries(
        METRIC_NAMES.map((name) => [
          name,
          describe(
            ok.map((m) => m[name]),
            { range: METRICS[name].range },
          ),
        ]),
      ) as Record<MetricName, Description>;
      return {
        scheduler: first.scheduler,
        profile: first.profile,
        profileVcpus: first.profileVcpus,
        workload: first.workload,
        runs: ok.length,
        excluded: members.filter((m) => m.status !== 'ok').map((m) => ({ key: m.key, status: m.status })),
        energySource: sources.length === 1 ? sources[0] : sources.length ? 'mixed' : 'none',
        metrics,
      };
    })
    .sort(
      (a, b) =>
        a.workload.localeCompare(b.workload) ||
        a.profileVcpus - b.profileVcpus ||
        a.profile.localeCompare(b.profile) ||
        a.scheduler.localeCompare(b.scheduler),
    );
}

/** Every pair of schedulers on the same profile and workload, for each metric with a better direction. */
export function compareSchedulers(rows: readonly RunMetrics[], metrics: readonly MetricName[]): Comparison[] {
  const ok = rows.filter((r) => r.status === 'ok');
  const cells = new Map<string, Map<string, RunMetrics[]>>();
  for (const r of ok) {
    const cell = `${r.profile}\u0000${r.workload}`;
    const bySched = cells.get(cell) ?? new Map<string, RunMetrics[]>();
    bySched.set(r.scheduler, [...(bySched.get(r.scheduler) ?? []), r]);
    cells.set(cell, bySched);
  }
  const out: Comparison[] = [];
  for (const [cell, bySched] of [...cells].sort(([a], [b]) => a.localeCompare(b))) {
    const [profile = '', workload = ''] = cell.split('\u0000');
    const names = [...bySched.keys()].sort();
    for (let i = 0; i < names.length; i++) {
      for (let k = i + 1; k < names.length; k++) {
        const a = names[i];
        const b = names[k];
        for (const metric of metrics) {
          const xs = (bySched.get(a) ?? []).map((r) => r[metric]).filter((v): v is number => v !== null);
          const ys = (bySched.get(b) ?? []).map((r) => r[metric]).filter((v): v is number => v !== null);
          if (xs.length === 0 || ys.length === 0) continue;
          const t = mannWhitneyU(xs, ys, ALPHA);
          const dir = METRICS[metric].better;
          const meanA = describe(xs).mean;
          const meanB = describe(ys).mean;
          const verdict = t.tooFewSamples
            ? 'too few repetitions'
            : t.p < ALPHA
              ? 'significant'
              : 'not significant';
          let better: string | null = null;
          if (verdict === 'significant' && dir !== null && t.cliffsDelta !== 0) {
            const aHigher = t.cliffsDelta > 0;
            better = (dir === 'max') === aHigher ? a : b;
          }
          out.push({
            profile,
            workload,
            metric,
            a,
            b,
            nA: xs.length,
            nB: ys.length,
            meanA,
            meanB,
            test: `Mann–Whitney U, two-sided, ${t.method === 'exact' ? 'exact' : 'normal approximation'}`,
            u: t.u,
            p: t.p,
            method: t.method,
            cliffsDelta: t.cliffsDelta,
            magnitude: cliffsMagnitude(t.cliffsDelta),
            better,
            tooFewSamples: t.tooFewSamples,
            repetitionsNeeded: MANN_WHITNEY_MIN_REPETITIONS,
            verdict,
          });
        }
      }
    }
  }
  return out;
}

/** Same scheduler and workload across profiles, relative to the profile with the fewest vCPUs. */
export function scaling(groups: readonly GroupSummary[]): ScalingRow[] {
  const bySeries = new Map<string, GroupSummary[]>();
  for (const g of groups) {
    const k = `${g.scheduler}/${g.workload}`;
    bySeries.set(k, [...(bySeries.get(k) ?? []), g]);
  }
  const out: ScalingRow[] = [];
  for (const series of bySeries.values()) {
    if (series.length < 2) continue;
    const sorted = [...series].sort((a, b) => a.profileVcpus - b.profileVcpus);
    const base = sorted[0];
    const baseMakespan = base.metrics.makespanSeconds.mean;
    for (const g of sorted) {
      const m = g.metrics.makespanSeconds.mean;
      const speedup = baseMakespan !== null && m !== null && m > 0 ? baseMakespan / m : null;
      const ratio = g.profileVcpus / base.profileVcpus;
      const added = g.profileVcpus - base.profileVcpus;
      out.push({
        scheduler: g.scheduler,
        workload: g.workload,
        profile: g.profile,
        vcpus: g.profileVcpus,
        baseProfile: base.profile,
        baseVcpus: base.profileVcpus,
        makespanMeanSeconds: m,
        speedup,
        parallelEfficiency: speedup === null ? null : speedup / ratio,
        speedupPerAddedVcpu: speedup === null || added === 0 ? null : (speedup - 1) / added,
      });
    }
  }
  return out;
}
