// Builds report.html from an analysis: picks the charts, renders each to SVG headlessly, assembles the page.
import type { Analysis } from '../analyze';
import type { MetricName } from '../metrics';
import { jobDistributions } from '../distributions';
import { SCALING_FIGURES } from '../emulated-scaling';
import {
  barChart,
  cdfChart,
  emulatedScalingChart,
  nodeUtilisation,
  paretoScatter,
  representativeRuns,
  timeline,
  type Chart,
} from './charts';
import type { ReportGraph } from './graph';
import { reportHtml, type RenderedChart } from './html';
import { renderSvg } from './render';

const BAR_METRICS: MetricName[] = [
  'makespanSeconds',
  'throughputJobsPerHour',
  'waitMeanSeconds',
  'boundedSlowdownMean',
  'utilisationAllocated',
  'utilisationMeasured',
  'fragmentation',
  'schedulerLatencySeconds',
  'energyJoules',
];

export interface ReportLimits {
  /** Representative runs drawn as timelines (one per group). */
  timelines: number;
  /** Job segments drawn per timeline. */
  segmentsPerTimeline: number;
  /** Pareto 2-D projections drawn. */
  paretoPlots: number;
  /** Profile × workload cells whose wait and slowdown CDFs are drawn (replays first). */
  distributions: number;
}

export const DEFAULT_LIMITS: ReportLimits = {
  timelines: 12,
  segmentsPerTimeline: 2000,
  paretoPlots: 6,
  distributions: 8,
};

async function render(chart: Chart): Promise<RenderedChart> {
  return { chart, svg: await renderSvg(chart) };
}

export async function buildReport(
  a: Analysis,
  limits: ReportLimits = DEFAULT_LIMITS,
  graph?: ReportGraph,
): Promise<string> {
  const barMetrics = [...new Set([...a.objectives.map((o) => o.metric as MetricName), ...BAR_METRICS])];
  const bars = barMetrics.map((m) => barChart(a, m)).filter((c): c is Chart => c !== null);
  const pairs: [MetricName, MetricName][] = [];
  // Projections of the objectives the front used (an objective no run measured is left out, with a note).
  const used = a.pareto.objectives;
  used.forEach((o, i) => {
    for (const p of used.slice(i + 1)) pairs.push([o.metric as MetricName, p.metric as MetricName]);
  });
  const scatters = pairs
    .slice(0, limits.paretoPlots)
    .map(([x, y]) => paretoScatter(a, x, y))
    .filter((c): c is Chart => c !== null);
  const runs = representativeRuns(a, limits.timelines);
  const cells = jobDistributions(a.rows, a.runs)
    .sort((x, y) => Number(y.replay) - Number(x.replay))
    .slice(0, limits.distributions);
  const cdfs = cells
    .flatMap((c) => [cdfChart(c, 'wait'), cdfChart(c, 'slowdown')])
    .filter((c): c is Chart => c !== null);
  const emulated = SCALING_FIGURES.map((f) => emulatedScalingChart(a.emulatedScaling, f)).filter(
    (c): c is Chart => c !== null,
  );
  return reportHtml(a, {
    emulatedScaling: await Promise.all(emulated.map(render)),
    cdfs: await Promise.all(cdfs.map(render)),
    bars: await Promise.all(bars.map(render)),
    pareto: await Promise.all(scatters.map(render)),
    runs: await Promise.all(
      runs.map(async (r) => {
        const u = nodeUtilisation(r);
        return {
          timeline: await render(timeline(r, limits.segmentsPerTimeline)),
          utilisation: u === null ? null : await render(u),
        };
      }),
    ),
    graph,
  });
}
