// Writes an analysis to its output directory: metrics.csv (one row per run), summary.csv (one row per
// group × metric), summary.json (scope, headline, per-workload verdicts, groups, comparisons, …), pareto.json,
// replay-jobs.csv (when a log was replayed) and report.html.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
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
    emulatedScaling: a.emulatedScaling,
    replays: a.replays.map(({ jobs, ...rest }) => ({ ...rest, jobs: jobs.length })),
    problems: a.problems,
  };
}

/**
 * replay-jobs.csv: one row per replayed log job × scheduler, long form — the same job under each scheduler (its wait
 * and bounded slowdown, means over the repetitions with status ok).
 */
export function replayJobsCsv(a: Analysis): string {
  const columns = [
    'profile',
    'workload',
    'logJob',
    'phase',
    'processors',
    'logSubmitSeconds',
    'logRunSeconds',
    'scheduler',
    'repetitionsStarted',
    'waitMeanSeconds',
    'boundedSlowdownMean',
  ];
  const records = a.replays.flatMap((c) =>
    c.jobs.flatMap((j) =>
      c.schedulers.map((s) => {
        const u = j.under[s];
        return [
          c.profile,
          c.workload,
          j.logJob,
          j.phase,
          j.processors,
          j.logSubmitSeconds,
          j.logRunSeconds,
          s,
          u?.runs ?? 0,
          u?.waitSeconds ?? '',
          u?.boundedSlowdown ?? '',
        ];
      }),
    ),
  );
  return stringify(records, { header: true, columns });
}

export interface WrittenFiles {
  metricsCsv: string;
  summaryCsv: string;
  summaryJson: string;
  paretoJson: string;
  /** Written when a replay was analysed (else absent). */
  replayJobsCsv?: string;
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
  const replayJobs = join(dir, 'replay-jobs.csv');
  if (a.replays.length > 0) writeFileSync(replayJobs, replayJobsCsv(a));
  else rmSync(replayJobs, { force: true });
  return {
    ...files,
    ...(a.replays.length > 0 ? { replayJobsCsv: replayJobs } : {}),
    reportBytes: Buffer.byteLength(html),
  };
}
