// Vega-Lite specifications of the report's charts (pure). Each chart names its data layers so the
// report can say how many marks each must draw, and a browser test can check it.
import type { TopLevelSpec } from 'vega-lite';
import type { Analysis } from '../analyze';
import type { EmulatedScalingRow, ScalingFigure } from '../emulated-scaling';
import { ecdfPoints, type CellDistributions } from '../distributions';
import { toSeconds } from '../job-times';
import { energySourceLabel } from '../metrics-energy';
import { METRICS, type MetricName, type RunMetrics } from '../metrics';
import { MIN_REPETITIONS_FOR_INTERVAL } from '../stats';
import { paretoFrontOf } from '../pareto';
import type { JobState, RunResult } from '../../results/schema';
import { SCHEDULER_NAMES } from '../../results/vocabulary';
import { maxOf, minOf } from '../stats';

export interface Chart {
  id: string;
  title: string;
  /** Shown under the chart: what it shows and how to read it. */
  caption: string;
  spec: TopLevelSpec;
  /** Expected number of marks per named layer (`<name>_marks` in the SVG). */
  expect: Record<string, number>;
}

/** One palette: every scheduler name of the vocabulary in its order, then the variant labels of the analysis. */
const PALETTE = [
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
  '#bcbd22',
  '#17becf',
];

/**
 * The colour scale (and order) of the schedulers an analysis has: every name of the vocabulary always (so each
 * keeps its colour from report to report, however many there are), then the analysis's variant labels.
 */
export function schedulerColours(labels: readonly string[]): { domain: string[]; range: string[] } {
  const names: readonly string[] = SCHEDULER_NAMES;
  const variants = [...new Set(labels)].filter((l) => !names.includes(l)).sort();
  const domain = [...names, ...variants];
  return { domain, range: domain.map((_, i) => PALETTE[i % PALETTE.length]) };
}
const WIDTH = 440;

const unitLabel = (m: MetricName) => (METRICS[m].unit === '1' ? m : `${m} (${METRICS[m].unit})`);

/**
 * Mean per group with its 95 % interval (from 3 repetitions on; bootstrap percentile, inside the metric's range) and
 * its n above the bar; one bar per scheduler within each profile/workload.
 */
export function barChart(analysis: Analysis, metric: MetricName): Chart | null {
  const values = analysis.groups
    .map((g) => ({
      cell: `${g.workload} · ${g.profile}`,
      scheduler: g.scheduler,
      mean: g.metrics[metric].mean,
      lo: g.metrics[metric].ci95Low,
      hi: g.metrics[metric].ci95High,
      n: g.metrics[metric].count,
      nLabel: `n=${g.metrics[metric].count}`,
      interval:
        g.metrics[metric].ciMethod === null
          ? (g.metrics[metric].note ?? 'no interval')
          : `95 % ${g.metrics[metric].ciMethod === 't' ? 't' : 'bootstrap percentile'} interval`,
    }))
    .filter((v) => v.mean !== null);
  if (values.length === 0) return null;
  const withCi = values.filter((v) => v.lo !== null && v.hi !== null);
  const energy = metric === 'energyJoules' || metric === 'powerMeanWatts';
  const energyNote = energy ? ` — ${energySourceLabel(analysis.headline.energySource)}` : '';
  const few = values.filter((v) => v.n < MIN_REPETITIONS_FOR_INTERVAL).length;
  const method = "bootstrap percentile interval (fixed seed; it stays inside the metric's range)";
  const colours = schedulerColours(analysis.groups.map((g) => g.scheduler));
  // Cells in the summary's order (workload, then profile by size), not alphabetically.
  const order = [...new Set(values.map((v) => v.cell))];
  const x = {
    field: 'cell',
    type: 'nominal' as const,
    title: 'workload · profile',
    sort: order,
    axis: { labelAngle: -20 },
  };
  return {
    id: `bar-${metric}`,
    title: `${metric}${energyNote}`,
    caption:
      `Mean over repetitions (status ok), n above each bar, with its 95 % ${method} where n ≥ ${MIN_REPETITIONS_FOR_INTERVAL}` +
      (few > 0 ? ` (${few} bar(s) without: too few repetitions)` : '') +
      `; ${METRICS[metric].definition}.`,
    spec: {
      width: 380,
      height: 200,
      data: { values },
      encoding: {
        x,
        xOffset: { field: 'scheduler', sort: colours.domain },
        color: {
          field: 'scheduler',
          type: 'nominal',
          scale: colours,
          legend: { orient: 'top', title: null },
        },
      },
      layer: [
        {
          name: 'bars',
          mark: { type: 'bar', tooltip: true },
          encoding: { y: { field: 'mean', type: 'quantitative', title: unitLabel(metric) } },
        },
        {
          name: 'errorbars',
          transform: [{ filter: 'datum.lo != null && datum.hi != null' }],
          mark: { type: 'rule', color: 'black', clip: true },
          encoding: {
            y: { field: 'lo', type: 'quantitative' },
            y2: { field: 'hi' },
            color: { value: 'black' },
          },
        },
        {
          name: 'counts',
          mark: { type: 'text', dy: -6, fontSize: 9, color: '#333' },
          encoding: {
            y: { field: 'mean', type: 'quantitative' },
            text: { field: 'nLabel' },
            color: { value: '#333' },
          },
        },
      ],
    },
    expect: { bars: values.length, errorbars: withCi.length, counts: values.length },
  };
}

const shortLabel = (r: RunMetrics) => `${r.scheduler}/${r.profile}/${r.workload}/r${r.repetition}`;

/** Runs on two objectives: the front over all objectives highlighted; the front of this projection joined and labelled. */
export function paretoScatter(analysis: Analysis, xMetric: MetricName, yMetric: MetricName): Chart | null {
  const rank = new Map(analysis.pareto.ranks.map((r) => [r.key, r.rank]));
  const rows = analysis.rows.filter((r) => rank.has(r.key));
  if (rows.length === 0) return null;
  const dir = (m: MetricName) => analysis.objectives.find((o) => o.metric === m)?.direction ?? 'min';
  const projected = new Set(
    paretoFrontOf(
      rows.map((r) => r as unknown as Record<string, number | null>),
      [
        { metric: xMetric, direction: dir(xMetric) },
        { metric: yMetric, direction: dir(yMetric) },
      ],
    ),
  );
  const values = rows.map((r, i) => ({
    x: r[xMetric],
    y: r[yMetric],
    scheduler: r.scheduler,
    front: rank.get(r.key) === 0 ? 'on front' : 'dominated',
    front2d: projected.has(i),
    label: shortLabel(r),
    rank: rank.get(r.key),
  }));
  const frontCount = values.filter((v) => v.front === 'on front').length;
  const enc = {
    x: {
      field: 'x',
      type: 'quantitative' as const,
      title: `${unitLabel(xMetric)} — ${dir(xMetric)}`,
      scale: { zero: false },
    },
    y: {
      field: 'y',
      type: 'quantitative' as const,
      title: `${unitLabel(yMetric)} — ${dir(yMetric)}`,
      scale: { zero: false },
    },
  };
  return {
    id: `pareto-${xMetric}-${yMetric}`,
    title: `Pareto: ${xMetric} vs ${yMetric}`,
    caption: `Each point is a run. Squares, opaque: the ${frontCount} runs on the Pareto front over all ${analysis.objectives.length} objectives; dashed line and labels: the front of this 2-D projection (${projected.size} runs).`,
    spec: {
      width: 400,
      height: 260,
      data: { values },
      layer: [
        {
          name: 'frontline',
          transform: [{ filter: 'datum.front2d' }],
          mark: { type: 'line', color: '#555', strokeDash: [4, 3], strokeWidth: 1 },
          encoding: { ...enc, order: { field: 'x', type: 'quantitative' } },
        },
        {
          name: 'points',
          mark: { type: 'point', tooltip: true, filled: true },
          encoding: {
            ...enc,
            color: {
              field: 'scheduler',
              type: 'nominal',
              scale: schedulerColours(rows.map((r) => r.scheduler)),
              legend: { orient: 'top', title: null },
            },
            opacity: { condition: { test: "datum.front === 'on front'", value: 1 }, value: 0.3 },
            size: { condition: { test: "datum.front === 'on front'", value: 90 }, value: 40 },
            shape: {
              field: 'front',
              type: 'nominal',
              scale: { domain: ['on front', 'dominated'], range: ['square', 'circle'] },
              legend: { orient: 'top', title: null },
            },
          },
        },
        {
          name: 'labels',
          transform: [{ filter: 'datum.front2d' }],
          mark: { type: 'text', align: 'left', dx: 7, dy: -6, fontSize: 9 },
          encoding: { ...enc, text: { field: 'label' } },
        },
      ],
    },
    expect: { points: values.length, labels: projected.size, frontline: 1 },
  };
}

/** The repetition with the median makespan of each group: the runs the timelines show. */
export function representativeRuns(analysis: Analysis, limit: number): RunResult[] {
  const byKey = new Map(analysis.rows.map((r, i) => [r.key, analysis.runs[i]]));
  const out: RunResult[] = [];
  for (const g of analysis.groups) {
    const members = analysis.rows
      .filter((r) => r.scheduler === g.scheduler && r.profile === g.profile && r.workload === g.workload)
      .sort((a, b) => (a.makespanSeconds ?? Infinity) - (b.makespanSeconds ?? Infinity));
    const mid = members[Math.floor((members.length - 1) / 2)];
    const run = mid === undefined ? undefined : byKey.get(mid.key);
    if (run !== undefined) out.push(run);
    if (out.length >= limit) break;
  }
  return out;
}

const runTitle = (r: RunResult) =>
  `${r.scheduler.name}/${r.profile.name}/${r.workload.name}/r${r.repetition}`;

/** Time 0 of a run's timeline and utilisation charts: its first job submit (else the run's start). */
export function runOrigin(run: RunResult): number {
  return minOf(run.jobs.map((j) => toSeconds(j.submitTime))) ?? toSeconds(run.startedAt);
}

/** Colours of job states: success blue, failures warm, withdrawn grey, unfinished green. */
const STATE_COLOURS: Record<JobState, string> = {
  COMPLETED: '#4c78a8',
  FAILED: '#e45756',
  TIMEOUT: '#f58518',
  NODE_FAIL: '#b279a2',
  OUT_OF_MEMORY: '#9d755d',
  PREEMPTED: '#ff9da6',
  BOOT_FAIL: '#d62728',
  DEADLINE: '#eeca3b',
  CANCELLED: '#bab0ac',
  PENDING: '#72b7b2',
  RUNNING: '#54a24b',
  UNKNOWN: '#000000',
};

/** Jobs per node over time (a Gantt chart), coloured by final state. */
export function timeline(run: RunResult, maxSegments: number): Chart {
  const t0 = runOrigin(run);
  const raw = run.jobs.flatMap((j) => {
    if (j.startTime === null) return [];
    const start = toSeconds(j.startTime) - t0;
    const end = (j.endTime === null ? toSeconds(run.endedAt) : toSeconds(j.endTime)) - t0;
    return j.nodes.map((node) => ({ node, start, end: Math.max(start, end), job: j.id, state: j.state }));
  });
  // Schedulers account in whole seconds: a short job can start and end in the same second. Such bars get
  // a sliver of width (0.3 % of the span) so they are visible; the tooltip keeps the accounted times.
  const span = Math.max(1e-9, (maxOf(raw.map((v) => v.end)) ?? 0) - (minOf(raw.map((v) => v.start)) ?? 0));
  const values = raw.map((v) => ({ ...v, drawnEnd: Math.max(v.end, v.start + span * 0.003) }));
  const shown = values.slice(0, maxSegments);
  const nodes = run.nodes.length;
  const states = [...new Set(shown.map((v) => v.state))].sort();
  return {
    id: `timeline-${run.runId}-${run.workload.name}-r${run.repetition}`,
    title: `Timeline: ${runTitle(run)}`,
    caption:
      `Each bar is a job on a node, from its start to its end (s after the first submit, ${new Date(t0 * 1000).toISOString()}; jobs shorter than the accounting resolution drawn as slivers)` +
      (shown.length < values.length ? `; first ${shown.length} of ${values.length} shown.` : '.'),
    spec: {
      width: WIDTH,
      height: Math.max(60, 22 * nodes),
      data: { values: shown },
      layer: [
        {
          name: 'jobs',
          mark: { type: 'bar', tooltip: true, stroke: 'white', strokeWidth: 0.5 },
          encoding: {
            y: { field: 'node', type: 'nominal', title: 'node' },
            x: { field: 'start', type: 'quantitative', title: 'time (s)' },
            x2: { field: 'drawnEnd' },
            color: {
              field: 'state',
              type: 'nominal',
              scale: { domain: states, range: states.map((st) => STATE_COLOURS[st]) },
            },
          },
        },
      ],
    },
    expect: { jobs: shown.length },
  };
}

/** Sampled CPU busy per node over time. */
export function nodeUtilisation(run: RunResult): Chart | null {
  if (run.nodeSamples.length === 0) return null;
  // Same origin as the timeline, so the two charts of a run line up (samples before it are negative).
  const t0 = runOrigin(run);
  const values = run.nodeSamples.map((s) => ({ t: toSeconds(s.time) - t0, node: s.node, busy: s.cpuBusy }));
  const nodes = new Set(values.map((v) => v.node)).size;
  return {
    id: `util-${run.runId}-${run.workload.name}-r${run.repetition}`,
    title: `Node CPU busy: ${runTitle(run)}`,
    caption: `CPU busy fraction of each node's own vCPUs at every sample (${run.nodes[0]?.sources.cpu ?? 'unknown source'}).`,
    spec: {
      width: WIDTH,
      height: 160,
      data: { values },
      layer: [
        {
          name: 'lines',
          mark: { type: 'line', interpolate: 'step-before' },
          encoding: {
            x: { field: 't', type: 'quantitative', title: 'time (s)' },
            y: { field: 'busy', type: 'quantitative', title: 'CPU busy (0–1)' },
            color: { field: 'node', type: 'nominal' },
          },
        },
      ],
    },
    expect: { lines: nodes },
  };
}

/** What a CDF chart draws: the waits or the bounded slowdowns. */
export type CdfOf = 'wait' | 'slowdown';

const CDF_AXES: Record<CdfOf, { title: string; scale: { type: 'symlog' | 'log' }; caption: string }> = {
  wait: {
    title: 'wait: start − submit (s), symmetric log scale',
    scale: { type: 'symlog' },
    caption: 'every job that started',
  },
  slowdown: {
    title: 'bounded slowdown, τ = 10 s (log scale)',
    scale: { type: 'log' },
    caption: 'every job that completed',
  },
};

/** The empirical CDF of one cell's waits or bounded slowdowns, one line per scheduler; null when no job has one. */
export function cdfChart(cell: CellDistributions, of: CdfOf): Chart | null {
  const values = [...cell.bySchedulers].flatMap(([scheduler, s]) =>
    ecdfPoints(of === 'wait' ? s.waits : s.slowdowns).map((pt) => ({ scheduler, ...pt })),
  );
  if (values.length === 0) return null;
  const lines = new Set(values.map((v) => v.scheduler)).size;
  const counts = [...cell.bySchedulers]
    .map(([scheduler, s]) => `${scheduler} ${(of === 'wait' ? s.waits : s.slowdowns).length}`)
    .join(', ');
  const axis = CDF_AXES[of];
  return {
    id: `cdf-${of}-${cell.workload}-${cell.profile}`,
    title: `CDF of ${of === 'wait' ? 'wait' : 'bounded slowdown'}: ${cell.workload} · ${cell.profile}`,
    caption:
      `Share of jobs at or below each value, ${axis.caption}, pooled over the repetitions with status ok (jobs: ${counts})` +
      `${cell.replay ? "; a replay's warm-up and cool-down jobs left out" : ''}. A curve to the left and above is better.`,
    spec: {
      width: 380,
      height: 220,
      data: { values },
      layer: [
        {
          name: 'cdf',
          mark: { type: 'line', interpolate: 'step-after', tooltip: true },
          encoding: {
            x: { field: 'x', type: 'quantitative', title: axis.title, scale: axis.scale },
            y: { field: 'p', type: 'quantitative', title: 'share of jobs ≤ x', scale: { domain: [0, 1] } },
            color: {
              field: 'scheduler',
              type: 'nominal',
              scale: schedulerColours([...cell.bySchedulers.keys()]),
              legend: { orient: 'top', title: null },
            },
          },
        },
      ],
    },
    expect: { cdf: lines },
  };
}

/** How the scaling charts name and scale each figure of an emulated sweep. */
const SCALING_AXES: Record<ScalingFigure, { title: string; what: string }> = {
  startRateJobsPerSecond: { title: 'jobs started per second', what: 'scheduling throughput' },
  waitP50Seconds: { title: 'p50 submit → start (s)', what: 'median latency from submission to start' },
  waitP99Seconds: { title: 'p99 submit → start (s)', what: '99th percentile of that latency' },
  schedulerCpuSeconds: { title: 'scheduler CPU (s)', what: "the scheduler process's CPU time over the run" },
  schedulerRssMiB: { title: 'scheduler RSS (MiB)', what: "the scheduler process's largest resident memory" },
};

/**
 * One log-log chart of a figure of the emulated sweep against the emulated nodes: a line per scheduler (and
 * workload), a point per size (docs/scale.md). Null when no scheduler has that figure at two sizes or more.
 */
export function emulatedScalingChart(
  rows: readonly EmulatedScalingRow[],
  figure: ScalingFigure,
): Chart | null {
  const values = rows
    .filter((r) => r[figure] !== null && (r[figure] as number) > 0)
    .map((r) => ({
      series: `${r.scheduler} · ${r.workload}`,
      scheduler: r.scheduler,
      nodes: r.nodes,
      value: r[figure] as number,
      runs: r.runs,
    }));
  const bySeries = new Map<string, number>();
  for (const v of values) bySeries.set(v.series, (bySeries.get(v.series) ?? 0) + 1);
  const kept = values.filter((v) => (bySeries.get(v.series) ?? 0) >= 2);
  if (kept.length === 0) return null;
  const axis = SCALING_AXES[figure];
  return {
    id: `emulated-scaling-${figure}`,
    title: `Emulated scale: ${axis.title} against nodes`,
    caption:
      `${axis.what}, mean of the repetitions with status ok, against the number of emulated nodes the scheduler ` +
      'decided for (both axes logarithmic). Emulated: the scheduler is real, the nodes and the work are not ' +
      '(docs/scale.md); never compare these figures with real runs.',
    spec: {
      width: 380,
      height: 220,
      data: { values: kept },
      layer: [
        {
          name: 'scaling',
          mark: { type: 'line', point: false, tooltip: true },
          encoding: {
            x: { field: 'nodes', type: 'quantitative', title: 'emulated nodes', scale: { type: 'log' } },
            y: { field: 'value', type: 'quantitative', title: axis.title, scale: { type: 'log' } },
            color: {
              field: 'scheduler',
              type: 'nominal',
              scale: schedulerColours(kept.map((v) => v.scheduler)),
              legend: { orient: 'top', title: null },
            },
            detail: { field: 'series' },
          },
        },
        {
          name: 'sizes',
          mark: { type: 'point', filled: true, tooltip: true },
          encoding: {
            x: { field: 'nodes', type: 'quantitative', scale: { type: 'log' } },
            y: { field: 'value', type: 'quantitative', scale: { type: 'log' } },
            color: {
              field: 'scheduler',
              type: 'nominal',
              scale: schedulerColours(kept.map((v) => v.scheduler)),
            },
          },
        },
      ],
    },
    expect: { scaling: new Set(kept.map((v) => v.series)).size, sizes: kept.length },
  };
}
