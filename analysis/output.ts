// Writes an analysis to its output directory: metrics.csv (one row per run), summary.csv (one row per
// group × metric), summary.json (scope, headline, per-workload verdicts, groups, comparisons, …), pareto.json and
// report.html.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import type { Analysis } from './analyze';
import { METRIC_NAMES, METRICS, type RunMetrics } from './metrics';
import { buildReport, DEFAULT_LIMITS, type ReportLimits } from './report/build';
import { readReportGraph } from './report/graph';

const IDENTITY_COLUMNS: (keyof RunMetrics)[] = [
  'key',
  'runId',
  'stack',
  'scheduler',
  'schedulerVersion',
  'profile',
  'profileVcpus',
  'workload',
  'repetition',
  'status',
  'configHash',
  'energySource',
];

export function metricsCsv(rows: readonly RunMetrics[]): string {
  const columns = [...IDENTITY_COLUMNS, ...METRIC_NAMES];
  return stringify(
    rows.map((r) => columns.map((c) => r[c] ?? '')),
    { header: true, columns: columns.map(String) },
  );
}

export function summaryCsv(a: Analysis): string {
  const columns = [
    'scheduler',
    'profile',
    'workload',
    'metric',
    'unit',
    'count',
    'mean',
    'std',
    'min',
    'max',
    'median',
    'ci95Low',
    'ci95High',
    'ciMethod',
    'note',
    'runsExcluded',
    'energySource',
  ];
  const records = a.groups.flatMap((g) =>
    METRIC_NAMES.map((m) => {
      const d = g.metrics[m];
      return [
        g.scheduler,
        g.profile,
        g.workload,
        m,
        METRICS[m].unit,
        d.count,
        d.mean,
        d.std,
        d.min,
        d.max,
        d.median,
        d.ci95Low,
        d.ci95High,
        d.ciMethod,
        d.note,
        g.excluded.length,
        g.energySource,
      ].map((v) => v ?? '');
    }),
  );
  return stringify(records, { header: true, columns });
}

export function summaryJson(a: Analysis): unknown {
  return {
    createdAt: a.createdAt,
    scope: a.scope,
    headline: a.headline,
    verdicts: a.verdicts,
    powerModel: a.powerModel,
    groups: a.groups,
    comparisons: a.comparisons,
    scaling: a.scaling,
    problems: a.problems,
  };
}

export interface WrittenFiles {
  metricsCsv: string;
  summaryCsv: string;
  summaryJson: string;
  paretoJson: string;
  reportHtml: string;
  reportBytes: number;
}

export async function writeAnalysis(
  a: Analysis,
  outDir: string,
  limits: ReportLimits = DEFAULT_LIMITS,
): Promise<WrittenFiles> {
  const dir = resolve(outDir);
  mkdirSync(dir, { recursive: true });
  const files = {
    metricsCsv: join(dir, 'metrics.csv'),
    summaryCsv: join(dir, 'summary.csv'),
    summaryJson: join(dir, 'summary.json'),
    paretoJson: join(dir, 'pareto.json'),
    reportHtml: join(dir, 'report.html'),
  };
  const html = await buildReport(a, limits, readReportGraph(dir));
  writeFileSync(files.metricsCsv, metricsCsv(a.rows));
  writeFileSync(files.summaryCsv, summaryCsv(a));
  writeFileSync(files.summaryJson, `${JSON.stringify(summaryJson(a), null, 2)}\n`);
  writeFileSync(files.paretoJson, `${JSON.stringify(a.pareto, null, 2)}\n`);
  writeFileSync(files.reportHtml, html);
  return { ...files, reportBytes: Buffer.byteLength(html) };
}
