// The summary table as plain text for the terminal: one line per group, mean ± CI half-width.
import type { Analysis } from './analyze';
import type { MetricName } from './metrics';
import { fmt } from './report/format';

const COLUMNS: [MetricName, string][] = [
  ['makespanSeconds', 'makespan s'],
  ['throughputJobsPerHour', 'jobs/h'],
  ['waitMeanSeconds', 'wait s'],
  ['boundedSlowdownMean', 'bsld'],
  ['utilisationAllocated', 'util'],
  ['fragmentation', 'frag'],
  ['energyJoules', 'energy J'],
];

export function summaryText(a: Analysis): string {
  const head = ['scheduler', 'profile', 'workload', 'n', ...COLUMNS.map(([, h]) => h)];
  const rows = a.groups.map((g) => [
    g.scheduler,
    g.profile,
    g.workload,
    String(g.runs),
    ...COLUMNS.map(([m]) => {
      const d = g.metrics[m];
      const half = d.mean !== null && d.ci95High !== null ? d.ci95High - d.mean : null;
      return half === null ? fmt(d.mean) : `${fmt(d.mean)}±${fmt(half)}`;
    }),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i < 3 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  const energy =
    a.headline.runs === 0 || a.headline.energySource === 'measured'
      ? ''
      : `\nenergy: ESTIMATE (${a.headline.energySource}) — ${a.powerModel}`;
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n') + energy + '\n';
}
