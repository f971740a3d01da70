// The self-contained report page: tables and build-time SVG charts, inline CSS, no scripts, no network.
import type { Analysis } from '../analyze';
import { KEY_METRICS } from '../analyze';
import { METRICS, type MetricName } from '../metrics';
import type { Chart } from './charts';
import { esc, fmt } from './format';

export interface RenderedChart {
  chart: Chart;
  svg: string;
}

export interface ReportSections {
  bars: RenderedChart[];
  pareto: RenderedChart[];
  runs: { timeline: RenderedChart; utilisation: RenderedChart | null }[];
}

const CSS = `
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:0;color:#1d1d1f;background:#fafafa}
header{background:#17324d;color:#fff;padding:18px 32px}header h1{margin:0 0 4px;font-size:22px}
header p{margin:2px 0;opacity:.85;font-size:13px}main{padding:8px 32px 40px;max-width:1400px}
h2{border-bottom:2px solid #17324d;padding-bottom:4px;margin-top:32px}
table{border-collapse:collapse;font-size:12px;margin:8px 0;background:#fff}
th,td{border:1px solid #ddd;padding:3px 7px;text-align:right;white-space:nowrap}th{white-space:normal;vertical-align:bottom}
.scroll{overflow-x:auto;max-width:100%}
th{background:#eef2f6;position:sticky;top:0}td.l,th.l{text-align:left}
.grid{display:flex;flex-wrap:wrap;gap:16px}figure{background:#fff;border:1px solid #e3e3e3;border-radius:6px;margin:0;padding:10px}
figcaption{font-size:12px;color:#555;max-width:560px;margin-top:4px}figure h3{font-size:14px;margin:0 0 6px}
.badge{display:inline-block;padding:1px 6px;border-radius:8px;font-size:11px;background:#eee}
.warn{background:#fff3cd}.ok{background:#d4edda}.est{color:#a15c00;font-weight:600}header .est{color:#ffd27f}
.cards{display:flex;gap:12px;flex-wrap:wrap}.card{background:#fff;border:1px solid #e3e3e3;border-radius:6px;padding:10px 14px;min-width:180px}
.card b{display:block;font-size:20px}.card span{font-size:12px;color:#555}details{margin:8px 0}
`;

/** ` (unit)`, or nothing for dimensionless shares. */
const unitSuffix = (m: MetricName): string => (METRICS[m].unit === '1' ? '' : ` (${METRICS[m].unit})`);

function figure({ chart, svg }: RenderedChart): string {
  return `<figure class="chart" id="${esc(chart.id)}" data-expect="${esc(JSON.stringify(chart.expect))}">
<h3>${esc(chart.title)}</h3>${svg}<figcaption>${esc(chart.caption)}</figcaption></figure>`;
}

function table(head: string[], rows: string[][], leftCols = 1): string {
  const th = head.map((h, i) => `<th${i < leftCols ? ' class="l"' : ''}>${esc(h)}</th>`).join('');
  const trs = rows
    .map((r) => `<tr>${r.map((c, i) => `<td${i < leftCols ? ' class="l"' : ''}>${c}</td>`).join('')}</tr>`)
    .join('\n');
  return `<div class="scroll"><table><thead><tr>${th}</tr></thead><tbody>\n${trs}\n</tbody></table></div>`;
}

const SUMMARY_METRICS: MetricName[] = [
  'makespanSeconds',
  'throughputJobsPerHour',
  'waitMeanSeconds',
  'boundedSlowdownMean',
  'utilisationAllocated',
  'fragmentation',
  'energyJoules',
];

function summaryTable(a: Analysis): string {
  const head = [
    'scheduler',
    'profile',
    'workload',
    'runs',
    ...SUMMARY_METRICS.map((m) => `${m}${unitSuffix(m)} mean [min–max]`),
  ];
  const rows = a.groups.map((g) => [
    esc(g.scheduler),
    esc(g.profile),
    esc(g.workload),
    `${g.runs}${g.excluded.length ? ` <span class="badge warn" title="${esc(g.excluded.map((e) => `${e.key}: ${e.status}`).join(', '))}">+${g.excluded.length} excluded</span>` : ''}`,
    ...SUMMARY_METRICS.map((m) => {
      const d = g.metrics[m];
      const est =
        m === 'energyJoules' && g.energySource !== 'measured' ? ' <span class="est">est.</span>' : '';
      return `${fmt(d.mean)} [${fmt(d.min)}–${fmt(d.max)}]${est}`;
    }),
  ]);
  return table(head, rows, 3);
}

function paretoTable(a: Analysis): string {
  const head = ['run', 'stack', ...a.objectives.map((o) => `${o.metric} (${o.direction})`)];
  const rows = a.pareto.front.map((f) => [
    esc(f.key),
    esc(f.stack),
    ...a.objectives.map((o) => fmt(f.values[o.metric])),
  ]);
  const excluded = a.pareto.excluded.length
    ? `<details><summary>${a.pareto.excluded.length} runs not in the Pareto analysis</summary>${table(
        ['run', 'reason'],
        a.pareto.excluded.map((e) => [esc(e.key), esc(e.reason)]),
        2,
      )}</details>`
    : '';
  return table(head, rows, 2) + excluded;
}

function configurationTable(a: Analysis): string {
  const head = [
    'workload',
    'scheduler',
    'profile',
    'runs',
    'Pareto',
    ...a.objectives.map((o) => `${o.metric} mean (${o.direction})`),
  ];
  const rows = a.pareto.configurationFronts.flatMap((w) =>
    [...w.front.map((p) => [p, true] as const), ...w.dominated.map((p) => [p, false] as const)].map(
      ([p, on]) => [
        esc(w.workload),
        esc(p.scheduler),
        esc(p.profile),
        String(p.runs),
        on ? '<span class="badge ok">on front</span>' : 'dominated',
        ...a.objectives.map((o) => fmt(p.means[o.metric])),
      ],
    ),
  );
  if (rows.length === 0) return '';
  return `<h3>Configurations per workload</h3><p>For each workload, the scheduler × profile configurations whose mean objective values no other configuration of that workload dominates.</p>${table(head, rows, 3)}`;
}

function comparisonTable(a: Analysis): string {
  if (a.comparisons.length === 0) return '<p>No two schedulers ran the same profile and workload.</p>';
  const head = [
    'profile',
    'workload',
    'metric',
    'A',
    'B',
    'mean A',
    'mean B',
    'U',
    'p',
    "Cliff's δ",
    'effect',
    'better',
    'verdict',
  ];
  const rows = a.comparisons.map((c) => [
    esc(c.profile),
    esc(c.workload),
    esc(c.metric),
    esc(c.a),
    esc(c.b),
    fmt(c.meanA),
    fmt(c.meanB),
    fmt(c.u),
    fmt(c.p),
    fmt(c.cliffsDelta),
    esc(c.magnitude),
    esc(c.better ?? '–'),
    c.tooFewSamples
      ? '<span class="badge warn">too few repetitions to tell</span>'
      : c.p < 0.05
        ? '<span class="badge ok">significant (p &lt; 0.05)</span>'
        : '<span class="badge">not significant</span>',
  ]);
  return table(head, rows, 5);
}

function scalingTable(a: Analysis): string {
  if (a.scaling.length === 0)
    return '<p>Scaling needs the same scheduler and workload on two or more profiles.</p>';
  const head = [
    'scheduler',
    'workload',
    'profile',
    'vCPUs',
    'makespan mean (s)',
    'speed-up',
    'parallel efficiency',
    'speed-up per added vCPU',
  ];
  const rows = a.scaling.map((s) => [
    esc(s.scheduler),
    esc(s.workload),
    esc(s.profile),
    String(s.vcpus),
    fmt(s.makespanMeanSeconds),
    fmt(s.speedup),
    fmt(s.parallelEfficiency),
    fmt(s.speedupPerAddedVcpu),
  ]);
  return table(head, rows, 3);
}

function provenanceTable(a: Analysis): string {
  const head = [
    'run',
    'stack',
    'status',
    'scheduler',
    'config hash',
    'host',
    'OS',
    'kernel',
    'backend',
    'virt.',
    'oversubscribed',
    'packages',
    'notes',
  ];
  const rows = a.runs.map((r, i) => [
    esc(a.rows[i]?.key ?? r.runId),
    esc(r.stack),
    esc(r.status),
    esc(`${r.scheduler.name} ${r.scheduler.version}`),
    `<span title="${esc(r.configHash)}">${esc(r.configHash.slice(0, 12))}</span>`,
    esc(r.provenance.host),
    esc(r.provenance.os),
    esc(r.provenance.kernel),
    esc(r.provenance.backend),
    esc(r.provenance.virtualization ?? '–'),
    r.provenance.oversubscribed ? '<span class="badge warn">yes</span>' : 'no',
    esc(
      Object.entries(r.provenance.packages)
        .map(([k, v]) => `${k} ${v}`)
        .join(', '),
    ),
    esc(r.notes.join('; ')),
  ]);
  return table(head, rows, 13);
}

function metricGlossary(): string {
  const rows = KEY_METRICS.map((m) => [
    esc(m),
    esc(METRICS[m].unit),
    esc(METRICS[m].source),
    esc(METRICS[m].definition),
  ]);
  return `<details><summary>Metric definitions</summary>${table(['metric', 'unit', 'source', 'definition'], rows, 4)}</details>`;
}

export function reportHtml(a: Analysis, s: ReportSections): string {
  const h = a.headline;
  const energy =
    h.energySource === 'measured'
      ? 'Energy: measured (RAPL).'
      : `<span class="est">Energy: ESTIMATE (${esc(h.energySource)}) from a linear power model — ${esc(a.powerModel)}.</span>`;
  const cards = a.objectives
    .map((o) => {
      const b = h.best[o.metric];
      return `<div class="card"><span>best ${esc(o.metric)} (${o.direction})</span><b>${fmt(b?.mean)}${esc(unitSuffix(o.metric as MetricName).replace(/[()]/g, ''))}</b><span>${esc(
        b ? `${b.scheduler} · ${b.profile} · ${b.workload}` : 'no data',
      )}</span></div>`;
    })
    .join('');
  const problems = a.problems.length
    ? `<h2>Files not analysed (${a.problems.length})</h2>${table(
        ['file', 'reason'],
        a.problems.map((p) => [esc(p.path), esc(p.reason)]),
        2,
      )}`
    : '';
  const runs = s.runs
    .map((r) => `<div class="grid">${figure(r.timeline)}${r.utilisation ? figure(r.utilisation) : ''}</div>`)
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>schedbench report</title><style>${CSS}</style></head>
<body><header><h1>schedbench — scheduler benchmark report</h1>
<p>${h.runs} runs (${h.runsAveraged} with status ok averaged) in ${h.groups} scheduler × profile × workload groups · Pareto front: ${h.frontSize} runs · generated ${esc(a.createdAt)}</p>
<p>Objectives: ${a.objectives.map((o) => `${esc(o.metric)} (${o.direction})`).join(', ')}. ${energy}</p></header>
<main>
<h2>Headline</h2><div class="cards">${cards}</div>
<h2>Summary</h2>${summaryTable(a)}${metricGlossary()}
<h2>Metrics by group</h2><div class="grid">${s.bars.map(figure).join('\n')}</div>
<h2>Pareto front</h2>${configurationTable(a)}<h3>Runs</h3>${paretoTable(a)}<div class="grid">${s.pareto.map(figure).join('\n')}</div>
<h2>Pairwise comparisons</h2><p>Mann–Whitney U (two-sided; exact without ties, normal approximation with tie correction otherwise) and Cliff's δ = P(A &gt; B) − P(A &lt; B). “Too few repetitions” means no outcome could reach p &lt; 0.05 with these sample sizes.</p>${comparisonTable(a)}
<h2>Scaling across profiles</h2>${scalingTable(a)}
<h2>Runs: jobs per node and node utilisation</h2><p>One representative run per group (the repetition with the median makespan).</p>${runs}
<h2>Provenance</h2>${provenanceTable(a)}
${problems}
</main></body></html>
`;
}
