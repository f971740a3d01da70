// The few lines `schedbench analyze` (and `schedbench campaign`) end with: what was analysed — the campaign, runs read,
// averaged and left out — then the verdicts, a few lines per workload, then where report.html is. Pure, from the
// Analysis alone, so every command that analyses prints the same text.
import type { Analysis } from './analyze';
import {
  formatAmount,
  pairFigures,
  pairMargin,
  VERDICT_METRICS,
  type MetricVerdict,
  type WorkloadVerdict,
} from './verdicts';

const LABEL_WIDTH = Math.max(...VERDICT_METRICS.map((m) => m.label.length));
const INDENT = '  ';

/** `campaign X: 24 runs read, 22 averaged, 2 left out (status not ok); 6 results of other campaigns left out`. */
function scopeLine(a: Analysis): string {
  const read = a.rows.length;
  const averaged = a.rows.filter((r) => r.status === 'ok').length;
  const parts = [
    `${read} run${read === 1 ? '' : 's'} read, ${averaged} averaged` +
      (read > averaged ? `, ${read - averaged} left out (status not ok)` : ''),
  ];
  const { otherCampaigns, otherStacks, otherRunIds } = a.scope.leftOut;
  if (a.scope.campaignId !== null) parts.push(`${otherCampaigns} results of other campaigns left out`);
  if (otherStacks > 0) parts.push(`${otherStacks} results of other stacks left out`);
  if (otherRunIds > 0) parts.push(`${otherRunIds} results of other run ids left out`);
  if (a.problems.length > 0) parts.push(`${a.problems.length} file(s) skipped (unreadable or duplicate)`);
  return (a.scope.campaignId === null ? '' : `campaign ${a.scope.campaignId}: `) + parts.join('; ');
}

function metricLines(m: MetricVerdict): string[] {
  const label = `${INDENT}${m.label.padEnd(LABEL_WIDTH)}  `;
  const [only] = m.pairs;
  if (m.ranking.length === 2 && only !== undefined && m.pairs.length === 1)
    return [`${label}${pairFigures(only, m.unit)}: ${only.says}`];
  const order = m.ranking.map((r) => `${r.scheduler} ${formatAmount(r.mean, m.unit)}`).join(', ');
  const pad = ' '.repeat(label.length + 2);
  return [
    `${label}best first: ${order}`,
    ...m.pairs.map((p) => `${pad}${p.ahead} vs ${p.behind}: ${p.says}; ${pairMargin(p, m.unit)}`),
  ];
}

function workloadLines(w: WorkloadVerdict): string[] {
  const who = w.schedulers.map((s) => `${s.scheduler} (n=${s.runs})`).join(', ');
  return [`${w.workload} · ${w.profile} — ${who}`, ...w.metrics.flatMap(metricLines)];
}

/** The closing summary: scope, verdicts per workload, and the report's path (when one was written). */
export function analysisSummaryText(a: Analysis, reportPath: string | null): string {
  const verdicts =
    a.verdicts.length === 0
      ? ['no profile × workload was run by two or more schedulers: no verdicts']
      : a.verdicts.flatMap(workloadLines);
  const report = reportPath === null ? [] : ['', `report: ${reportPath}`];
  return `${[scopeLine(a), '', ...verdicts, ...report].join('\n')}\n`;
}
