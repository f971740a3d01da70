// The self-contained report page: tables and build-time SVG charts, inline CSS, no scripts, no network.
import type { ReportGraph } from './graph';
import type { Analysis } from '../analyze';
import { KEY_METRICS } from '../analyze';
import { energySourceLabel } from '../metrics-energy';
import { METRICS, type MetricName } from '../metrics';
import type { SchedulerName } from '../../results/vocabulary';
import { MIN_REPETITIONS_FOR_INTERVAL, tooFewNote, type Description } from '../stats';
import type { Chart } from './charts';
import { esc, fmt } from './format';
import { verdictSection } from './verdicts-html';
import { START_TOLERANCE_SECONDS } from '../metrics-backfill';
import type { ReplayComparison } from '../replay-jobs';
import { ALPHA } from '../summary';

export interface RenderedChart {
  chart: Chart;
  svg: string;
}

export interface ReportSections {
  bars: RenderedChart[];
  /** CDFs of wait and bounded slowdown per profile × workload. */
  cdfs: RenderedChart[];
  pareto: RenderedChart[];
  runs: { timeline: RenderedChart; utilisation: RenderedChart | null }[];
  /** Log-log charts of the emulated runs' figures against their emulated nodes (none without emulated runs). */
  emulatedScaling?: RenderedChart[];
  /** The stack's resource graph (`schedbench graph`), when it was drawn. */
  graph?: ReportGraph;
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
table.verdicts td{vertical-align:top}table.verdicts{font-size:13px}details{margin:8px 0}
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

/** Metrics of job shapes (multi-node, multi-task jobs) and queue order: their own table, after the summary. */
const JOB_SHAPE_METRICS: MetricName[] = [
  'gangSkewMeanSeconds',
  'gangSkewMaxSeconds',
  'partialStartCpuSeconds',
  'backfilledJobs',
  'backfillDelayedJobs',
  'backfillDelaySecondsMax',
  'boundedSlowdownMeanNarrow',
  'boundedSlowdownMeanWide',
  'waitMeanSecondsWide',
];

/**
 * What partial starts mean where a scheduler starts a job's tasks independently. SLURM and Flux start a job's tasks
 * inside one allocation that holds every CPU from the job's start, so their skew is launch skew and needs no note.
 */
const PARTIAL_START_NOTES = new Map<string, string>([
  ['kubernetes', 'pods of one Job started independently (partial starts)'],
] satisfies [SchedulerName, string][]);

const isEnergy = (m: string): boolean => m === 'energyJoules' || m === 'powerMeanWatts';

/** A metric's value for the page: `n/a` for energy that was not measured, an en dash for other missing figures. */
export function fmtMetric(metric: string, v: number | null | undefined): string {
  return (v === null || v === undefined) && isEnergy(metric) ? 'n/a' : fmt(v);
}

/** `mean [low–high]` with the 95 % interval's method in the tooltip; the mean alone (and why) without one. */
function describedCell(metric: MetricName, d: Description): string {
  if (d.mean === null) return fmtMetric(metric, null);
  if (d.ci95Low === null || d.ci95High === null)
    return `${fmt(d.mean)}<span title="${esc(d.note ?? 'no interval')}">*</span>`;
  const method =
    d.ciMethod === 't' ? 'Student t' : "bootstrap percentile (fixed seed, inside the metric's range)";
  return `<span title="95 % ${esc(method)} interval of the mean, n=${d.count}">${fmt(d.mean)} [${fmt(d.ci95Low)}–${fmt(d.ci95High)}]</span>`;
}

function summaryTable(a: Analysis): string {
  const head = [
    'scheduler',
    'profile',
    'workload',
    'n (runs)',
    ...SUMMARY_METRICS.map((m) => `${m}${unitSuffix(m)} mean [95 % interval]`),
    'energy source',
    'offered load',
  ];
  const rows = a.groups.map((g) => [
    esc(g.scheduler),
    esc(g.profile),
    esc(g.workload),
    `${g.runs}${g.runs > 0 && g.runs < MIN_REPETITIONS_FOR_INTERVAL ? ` <span class="badge warn">${esc(tooFewNote(g.runs))}: no intervals</span>` : ''}${g.excluded.length ? ` <span class="badge warn" title="${esc(g.excluded.map((e) => `${e.key}: ${e.status}`).join(', '))}">+${g.excluded.length} excluded</span>` : ''}`,
    ...SUMMARY_METRICS.map((m) => describedCell(m, g.metrics[m])),
    g.energySource === 'model' || g.energySource === 'mixed'
      ? `<span class="est">${esc(energySourceLabel(g.energySource))}</span>`
      : esc(energySourceLabel(g.energySource)),
    fmt(g.metrics.offeredLoad.mean),
  ]);
  const note = `<p>n = repetitions with status ok. Intervals are 95 % intervals of the mean, given from ${MIN_REPETITIONS_FOR_INTERVAL} repetitions on (* = too few repetitions, no interval): bootstrap percentile intervals (fixed seed), which never leave the data's range and so never the metric's (no negative wait, no share above 1). Energy “n/a”: not measured. Offered load: what the workload offers the profile (Σ CPUs × expected run time / (profile CPUs × arrival span); – when every job arrives at once), the same for every repetition.</p>`;
  return note + table(head, rows, 3);
}

/** The scheduler (its name, not its label) each group's runs came from. */
function schedulerNames(a: Analysis): Map<string, string> {
  return new Map(a.rows.map((r, i) => [r.scheduler, a.runs[i]?.scheduler.name ?? r.scheduler]));
}

/** Notes on a group's job-shape figures: partial starts where the scheduler starts a job's pieces independently. */
export function jobShapeNotes(schedulerName: string, partialStartCpuSecondsMean: number | null): string[] {
  const note = PARTIAL_START_NOTES.get(schedulerName);
  return note !== undefined && partialStartCpuSecondsMean !== null && partialStartCpuSecondsMean > 0
    ? [note]
    : [];
}

function jobShapeTable(a: Analysis): string {
  const names = schedulerNames(a);
  const head = [
    'scheduler',
    'profile',
    'workload',
    'n (runs)',
    ...JOB_SHAPE_METRICS.map((m) => `${m}${unitSuffix(m)} mean [95 % interval]`),
    'notes',
  ];
  const rows = a.groups.map((g) => [
    esc(g.scheduler),
    esc(g.profile),
    esc(g.workload),
    String(g.runs),
    ...JOB_SHAPE_METRICS.map((m) => describedCell(m, g.metrics[m])),
    esc(
      jobShapeNotes(names.get(g.scheduler) ?? g.scheduler, g.metrics.partialStartCpuSeconds.mean).join('; '),
    ),
  ]);
  const note =
    "<p>Gang skew and partial starts come from the task records the job wrappers wrote on the nodes (empty: no multi-task job, no task records); narrow jobs asked for one node, wide jobs for more (empty: none in the workload). A backfilled job started while a job submitted before it was still waiting; an overtaken job's delay is how long it started after every job submitted and started before it had ended.</p>";
  return `<h3>Multi-node jobs and queue order</h3>${note}${table(head, rows, 3)}`;
}

function paretoNotes(a: Analysis): string {
  return a.pareto.notes.map((n) => `<p class="est">${esc(n)}.</p>`).join('');
}

function paretoTable(a: Analysis): string {
  const objectives = a.pareto.objectives;
  const head = ['run', 'stack', ...objectives.map((o) => `${o.metric} (${o.direction})`)];
  const rows = a.pareto.front.map((f) => [
    esc(f.key),
    esc(f.stack),
    ...objectives.map((o) => fmt(f.values[o.metric])),
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
    'n (runs)',
    'Pareto',
    ...a.pareto.objectives.map((o) => `${o.metric} mean (${o.direction})`),
  ];
  const rows = a.pareto.configurationFronts.flatMap((w) =>
    [...w.front.map((p) => [p, true] as const), ...w.dominated.map((p) => [p, false] as const)].map(
      ([p, on]) => [
        esc(w.workload),
        esc(p.scheduler),
        esc(p.profile),
        String(p.runs),
        on ? '<span class="badge ok">on front</span>' : 'dominated',
        ...a.pareto.objectives.map((o) => fmt(p.means[o.metric])),
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
    'n A',
    'n B',
    'mean A',
    'mean B',
    'test',
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
    String(c.nA),
    String(c.nB),
    fmtMetric(c.metric, c.meanA),
    fmtMetric(c.metric, c.meanB),
    esc(c.test),
    fmt(c.u),
    c.tooFewSamples ? '–' : fmt(c.p),
    fmt(c.cliffsDelta),
    esc(c.magnitude),
    esc(c.better ?? '–'),
    c.verdict === 'too few repetitions'
      ? `<span class="badge warn">too few repetitions to test (n=${c.nA} vs ${c.nB}; p &lt; 0.05 needs ≥ ${c.repetitionsNeeded} each)</span>`
      : c.verdict === 'significant'
        ? `<span class="badge ok">significant (p = ${esc(fmt(c.p))} &lt; 0.05)</span>`
        : `<span class="badge">not significant (p = ${esc(fmt(c.p))})</span>`,
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

/** The emulated sweep (docs/scale.md): its table and its log-log charts; nothing when no run was emulated. */
function emulatedScalingSection(a: Analysis, charts: readonly RenderedChart[]): string {
  if (a.emulatedScaling.length === 0) return '';
  const head = [
    'scheduler',
    'workload',
    'emulated nodes',
    'jobs',
    'runs',
    'jobs started/s',
    'p50 wait (s)',
    'p99 wait (s)',
    'scheduler CPU (s)',
    'scheduler RSS (MiB)',
  ];
  const rows = a.emulatedScaling.map((r) => [
    esc(r.scheduler),
    esc(r.workload),
    String(r.nodes),
    fmt(r.jobs),
    String(r.runs),
    fmt(r.startRateJobsPerSecond),
    fmt(r.waitP50Seconds),
    fmt(r.waitP99Seconds),
    fmt(r.schedulerCpuSeconds),
    fmt(r.schedulerRssMiB),
  ]);
  return `<h2>Scale by emulation</h2><p class="est">Emulated: each scheduler is real and makes every decision, but its nodes are emulated (many on each real node) and its jobs do no work (docs/scale.md). These figures say how the scheduler's own cost grows with the nodes and jobs it handles; they are never grouped or compared with real runs.</p>${table(head, rows, 2)}<div class="grid">${charts.map(figure).join('\n')}</div>`;
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
  const rows = [...new Set([...KEY_METRICS, ...JOB_SHAPE_METRICS])].map((m) => [
    esc(m),
    esc(METRICS[m].unit),
    esc(METRICS[m].source),
    esc(METRICS[m].definition),
  ]);
  return `<details><summary>Metric definitions</summary>${table(['metric', 'unit', 'source', 'definition'], rows, 4)}</details>`;
}

/** The smallest p shown as a number. */
const P_FLOOR = 1e-15;

/** A p-value with what it says: significant below ALPHA, not significant above; an en dash when untested. */
function pCell(p: number | null): string {
  if (p === null) return '–';
  // A normal approximation far in the tail rounds to 0: below double precision's reach, not zero.
  const shown = p < P_FLOOR ? `&lt; ${fmt(P_FLOOR)}` : esc(fmt(p));
  return p < ALPHA ? `<span class="badge ok">${shown}</span>` : `<span class="badge">${shown}</span>`;
}

function replayPairTable(c: ReplayComparison): string {
  if (c.pairs.length === 0)
    return `<p>Only ${esc(c.schedulers.join(', '))} replayed it: nothing to pair.</p>`;
  const head = [
    'A',
    'B',
    'jobs paired',
    'waited less under A',
    'under B',
    'wait mean A (s)',
    'wait mean B (s)',
    'median of A − B (s)',
    'Wilcoxon p (wait)',
    'slowdown mean A',
    'slowdown mean B',
    'median of A − B',
    'Wilcoxon p (slowdown)',
  ];
  const rows = c.pairs.map((p) => [
    esc(p.a),
    esc(p.b),
    String(p.jobs),
    String(p.aWaitedLess),
    String(p.bWaitedLess),
    fmt(p.waitMeanA),
    fmt(p.waitMeanB),
    fmt(p.waitDifferenceMedian),
    pCell(p.waitP),
    fmt(p.slowdownMeanA),
    fmt(p.slowdownMeanB),
    fmt(p.slowdownDifferenceMedian),
    pCell(p.slowdownP),
  ]);
  return table(head, rows, 2);
}

function replayJobTable(c: ReplayComparison): string {
  const head = [
    'log job',
    'phase',
    'processors',
    'log submit (s)',
    'log run (s)',
    ...c.schedulers.flatMap((s) => [`wait ${s} (s)`, `slowdown ${s}`]),
  ];
  const rows = c.jobs.map((j) => [
    String(j.logJob),
    esc(j.phase),
    String(j.processors),
    String(j.logSubmitSeconds),
    String(j.logRunSeconds),
    ...c.schedulers.flatMap((s) => [fmt(j.under[s]?.waitSeconds), fmt(j.under[s]?.boundedSlowdown)]),
  ]);
  return `<details><summary>Every job of the replay (${c.jobs.length}; also in replay-jobs.csv)</summary>${table(head, rows, 2)}</details>`;
}

/** Per replayed profile × workload: the paired comparison of the schedulers, and every job under each. */
function replaySection(a: Analysis): string {
  if (a.replays.length === 0) return '';
  const body = a.replays
    .map((c) => {
      const load = a.groups.find((g) => g.profile === c.profile && g.workload === c.workload)?.metrics
        .offeredLoad.mean;
      const measured = c.jobs.filter((j) => j.phase === 'measured').length;
      return `<h3>${esc(c.workload)} · ${esc(c.profile)}</h3><p>${c.jobs.length} log jobs, ${measured} measured (warm-up and cool-down left out); offered load ${esc(fmt(load))}.</p>${replayPairTable(c)}${replayJobTable(c)}`;
    })
    .join('\n');
  const note = `<p>The same log job under each scheduler: its wait and bounded slowdown (means over the repetitions with status ok). For each pair, over the measured jobs both started (both completed, for slowdown): how many waited more than ${START_TOLERANCE_SECONDS} s less under one than under the other, the median of the per-job differences, and the two-sided Wilcoxon signed-rank test of those differences (paired: each job is its own control; p &lt; ${ALPHA} marked).</p>`;
  return `<h2>Replays: the same log jobs under each scheduler</h2>${note}${body}\n`;
}

/** The benchmark's DAG: setup → deploy → validate → runs → analysis, as the program's resource graph. */
function graphSection(g: ReportGraph | undefined): string {
  if (g === undefined) return '';
  const body =
    g.svg !== undefined
      ? `<div style="overflow:auto;max-height:80vh">${g.svg}</div>`
      : `<details><summary>Mermaid source</summary><pre>${esc(g.mermaid ?? '')}</pre></details>`;
  return `<h2>The stack as a DAG</h2><p>Every command the stack ran, grouped by component; an arrow points from a step to one that waits for it (<code>schedbench graph</code>).</p>${body}\n`;
}

export function reportHtml(a: Analysis, s: ReportSections): string {
  const h = a.headline;
  const energy =
    h.energySource === 'none'
      ? '<span class="est">Energy: not measured (n/a) — no pm_counters, RAPL or IPMI source on the nodes and no host.power model configured; left out of the Pareto objectives.</span>'
      : h.energySource === 'model' || h.energySource === 'mixed'
        ? `<span class="est">Energy: ${esc(energySourceLabel(h.energySource))} — ${esc(a.powerModel)}.</span>`
        : `Energy: ${esc(energySourceLabel(h.energySource))}.`;
  const left = h.leftOut.otherCampaigns + h.leftOut.otherStacks + h.leftOut.otherRunIds;
  const scope =
    h.campaignId === null
      ? ''
      : `Campaign <b>${esc(h.campaignId)}</b> · ${h.leftOut.otherCampaigns} results of other campaigns left out · `;
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
<p>${scope}${h.runs} runs (${h.runsAveraged} with status ok averaged) in ${h.groups} scheduler × profile × workload groups${h.campaignId === null && left > 0 ? ` · ${left} results left out by the filters` : ''} · Pareto front: ${h.frontSize} runs · generated ${esc(a.createdAt)}</p>
<p>Objectives: ${a.objectives.map((o) => `${esc(o.metric)} (${o.direction})`).join(', ')}. ${energy}</p></header>
<main>
<h2>Verdicts per workload</h2>${verdictSection(a)}
<h2>Summary</h2>${summaryTable(a)}${jobShapeTable(a)}${metricGlossary()}
<h2>Metrics by group</h2><div class="grid">${s.bars.map(figure).join('\n')}</div>
<h2>Distributions of wait and bounded slowdown</h2><div class="grid">${s.cdfs.map(figure).join('\n')}</div>
${replaySection(a)}
<h2>Pareto front</h2>${paretoNotes(a)}${configurationTable(a)}<h3>Runs</h3>${paretoTable(a)}<div class="grid">${s.pareto.map(figure).join('\n')}</div>
<h2>Pairwise comparisons</h2><p>Mann–Whitney U (two-sided; exact without ties, normal approximation with tie correction otherwise) and Cliff's δ = P(A &gt; B) − P(A &lt; B). A verdict is given only where the repetitions can reach p &lt; 0.05 at all (with equal sizes: n ≥ 4 each, since 2/C(2n, n) must be below 0.05); “better” only for a significant difference.</p>${comparisonTable(a)}
<h2>Scaling across profiles</h2>${scalingTable(a)}
${emulatedScalingSection(a, s.emulatedScaling ?? [])}
<h2>Runs: jobs per node and node utilisation</h2><p>One representative run per group (the repetition with the median makespan).</p>${runs}
<h2>Provenance</h2>${provenanceTable(a)}
${graphSection(s.graph)}${problems}
</main></body></html>
`;
}
