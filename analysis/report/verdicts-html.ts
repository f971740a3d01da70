// The report's headline section: the per-workload verdict table (analysis/verdicts.ts) as HTML, one row per pair of
// schedulers per key metric, the cell and metric spanning their rows. Pure.
import type { Analysis } from '../analyze';
import { ALPHA, MANN_WHITNEY_MIN_REPETITIONS } from '../summary';
import { formatAmount, pairMargin, pValueText, type MetricVerdict, type PairVerdict } from '../verdicts';
import { esc } from './format';

const HEAD = ['workload · profile', 'metric', 'by mean, best first (n)', 'pair', 'ahead by', 'p', 'verdict'];

const BADGE: Record<PairVerdict['outcome'], string> = {
  significant: 'badge ok',
  'not significant': 'badge',
  'too few repetitions': 'badge warn',
};

function ranking(m: MetricVerdict): string {
  return m.ranking
    .map((r) => `${esc(r.scheduler)} ${esc(formatAmount(r.mean, m.unit))} (${r.n})`)
    .join('<br>');
}

function pairCells(p: PairVerdict, unit: string): string {
  return [
    `<td class="l">${esc(p.ahead)} vs ${esc(p.behind)}</td>`,
    `<td>${esc(pairMargin(p, unit))}</td>`,
    `<td>${p.p === null ? '–' : esc(pValueText(p.p))}</td>`,
    `<td class="l"><span class="${BADGE[p.outcome]}">${esc(p.says)}</span></td>`,
  ].join('');
}

/** The verdict table, or a sentence saying why there is none. */
export function verdictSection(a: Analysis): string {
  const intro =
    `<p>For each profile × workload run by two or more schedulers: the schedulers by mean (status ok runs), and for ` +
    `each pair which is ahead, by how much (ratio of the means and their difference) and whether the repetitions ` +
    `show it: two-sided Mann–Whitney U at α = ${ALPHA} (exact without ties, normal approximation with them), which ` +
    `needs ≥ ${MANN_WHITNEY_MIN_REPETITIONS} repetitions of each to reach significance at all.</p>`;
  if (a.verdicts.length === 0)
    return `<p>No profile × workload was run by two or more schedulers: there is nothing to compare.</p>`;
  const rows: string[] = [];
  for (const w of a.verdicts) {
    const span = w.metrics.reduce((n, m) => n + Math.max(1, m.pairs.length), 0);
    w.metrics.forEach((m, i) => {
      const cell =
        i === 0 ? `<td class="l" rowspan="${span}"><b>${esc(w.workload)}</b> · ${esc(w.profile)}</td>` : '';
      const rowspan = Math.max(1, m.pairs.length);
      const metric =
        `<td class="l" rowspan="${rowspan}">${esc(m.label)}</td>` +
        `<td class="l" rowspan="${rowspan}">${ranking(m)}</td>`;
      if (m.pairs.length === 0) rows.push(`<tr>${cell}${metric}<td colspan="4">–</td></tr>`);
      m.pairs.forEach((p, k) => rows.push(`<tr>${k === 0 ? cell + metric : ''}${pairCells(p, m.unit)}</tr>`));
    });
  }
  const th = HEAD.map((h, i) => `<th${i < 4 || i === 6 ? ' class="l"' : ''}>${esc(h)}</th>`).join('');
  return `${intro}<div class="scroll"><table class="verdicts"><thead><tr>${th}</tr></thead><tbody>\n${rows.join('\n')}\n</tbody></table></div>`;
}
