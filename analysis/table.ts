// The summary table as plain text for the terminal: one line per group, n, mean [95 % interval] (none below 3
// repetitions), energy n/a where not measured, the workload's offered load, and the notes that go with them.
import type { Analysis } from './analyze';
import type { MetricName } from './metrics';
import { energySourceLabel } from './metrics-energy';
import { fmt } from './report/format';
import { MIN_REPETITIONS_FOR_INTERVAL, tooFewNote } from './stats';

const COLUMNS: [MetricName, string][] = [
  ['makespanSeconds', 'makespan s'],
  ['throughputJobsPerHour', 'jobs/h'],
  ['waitMeanSeconds', 'wait s'],
  ['boundedSlowdownMean', 'bsld'],
  ['utilisationAllocated', 'util'],
  ['fragmentation', 'frag'],
  ['energyJoules', 'energy J'],
  ['offeredLoad', 'load'],
];

/** Figures of the workload, not of the runs: the mean alone (every repetition offers the same). */
const AS_GIVEN: readonly MetricName[] = ['offeredLoad'];

export function summaryText(a: Analysis): string {
  const head = ['scheduler', 'profile', 'workload', 'n', ...COLUMNS.map(([, h]) => h)];
  const rows = a.groups.map((g) => [
    g.scheduler,
    g.profile,
    g.workload,
    String(g.runs),
    ...COLUMNS.map(([m]) => {
      const d = g.metrics[m];
      if (d.mean === null) return m === 'energyJoules' ? 'n/a' : fmt(null);
      return AS_GIVEN.includes(m) || d.ci95Low === null || d.ci95High === null
        ? fmt(d.mean)
        : `${fmt(d.mean)} [${fmt(d.ci95Low)}–${fmt(d.ci95High)}]`;
    }),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i < 3 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  const notes: string[] = [];
  const few = a.groups.filter((g) => g.runs > 0 && g.runs < MIN_REPETITIONS_FOR_INTERVAL);
  if (few.length > 0)
    notes.push(
      `no intervals for ${few.map((g) => `${g.scheduler}/${g.profile}/${g.workload}: ${tooFewNote(g.runs)}`).join('; ')}`,
    );
  if (a.headline.runs > 0) {
    const src = a.headline.energySource;
    notes.push(
      src === 'none'
        ? 'energy: not measured (n/a): no pm_counters, RAPL or IPMI source and no host.power model'
        : `energy: ${energySourceLabel(src)}${src === 'model' || src === 'mixed' ? ` — ${a.powerModel}` : ''}`,
    );
  }
  notes.push(...a.pareto.notes);
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line), ...notes].join('\n') + '\n';
}
