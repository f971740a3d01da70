// The analysis pipeline, pure once the runs are loaded: metrics per run → statistics per group →
// pairwise comparisons and scaling → Pareto front and ranks over the objectives → per-workload verdicts and the
// headline. Schedulers are named by their label (analysis/scheduler-labels.ts), so variants stay apart.
import { DEFAULT_OBJECTIVES as OBJECTIVE_DEFAULTS } from './objectives';
import type { LoadedRun, LoadProblem } from './load';
import {
  METRICS,
  runDetails,
  type MetricName,
  type MetricOptions,
  type RunDetails,
  type RunMetrics,
} from './metrics';
import {
  frontRanksColumns,
  nonDominatedColumns,
  objectiveColumns,
  paretoFrontOf,
  type Objective,
} from './pareto';
import type { RunResult } from '../results/schema';
import { replayComparisons, type ReplayComparison } from './replay-jobs';
import { schedulerLabels } from './scheduler-labels';
import { emulatedScaling, type EmulatedScalingRow } from './emulated-scaling';
import { UNSCOPED, type AnalysisScope } from './select';
import {
  compareSchedulers,
  scaling,
  summarise,
  type Comparison,
  type GroupSummary,
  type ScalingRow,
} from './summary';
import { headlineVerdicts, workloadVerdicts, type HeadlineVerdict, type WorkloadVerdict } from './verdicts';

/** The default Pareto objectives (analysis/objectives.ts, also the config's default). */
export const DEFAULT_OBJECTIVES: Objective[] = OBJECTIVE_DEFAULTS.map((o) => ({ ...o }));

/** Metrics compared pairwise and charted, besides the objectives. */
export const KEY_METRICS: MetricName[] = [
  'makespanSeconds',
  'throughputJobsPerHour',
  'waitMeanSeconds',
  'waitP95Seconds',
  'boundedSlowdownMean',
  'utilisationAllocated',
  'utilisationMeasured',
  'fragmentation',
  'cpuEfficiencyMean',
  'schedulerLatencySeconds',
  'energyJoules',
];

export interface FrontMember {
  key: string;
  runId: string;
  stack: string;
  scheduler: string;
  profile: string;
  workload: string;
  repetition: number;
  values: Record<string, number>;
}

export interface ParetoOutcome {
  objectives: Objective[];
  /** Runs on the front (rank 0), in metrics order. */
  front: FrontMember[];
  /** Front rank of every run that took part. */
  ranks: { key: string; rank: number }[];
  /** Runs left out, with the reason (status not ok, an objective missing or NaN). */
  excluded: { key: string; reason: string }[];
  /** Objectives asked for but left out of the front because no run has a value for them (e.g. energy not measured). */
  droppedObjectives: { metric: string; reason: string }[];
  /** What a reader must know about the front (objectives dropped, and why). */
  notes: string[];
  /**
   * Per workload, the (scheduler, profile) configurations whose mean objective values no other
   * configuration of that workload dominates — the direct answer to "which scheduler, on which shape".
   */
  configurationFronts: { workload: string; front: ConfigurationPoint[]; dominated: ConfigurationPoint[] }[];
}

export interface ConfigurationPoint {
  scheduler: string;
  profile: string;
  /** Repetitions averaged. */
  runs: number;
  /** Mean of each objective over the repetitions. */
  means: Record<string, number>;
}

export interface Headline {
  /** The campaign analysed, or null when the analysis was not scoped to one. */
  campaignId: string | null;
  runs: number;
  runsAveraged: number;
  groups: number;
  badFiles: number;
  /** Results read but not analysed: of other campaigns or single stacks, of other stacks, of other run ids. */
  leftOut: AnalysisScope['leftOut'];
  frontSize: number;
  /** Per (profile, workload) with two or more schedulers and per key metric: the ranking and each pairwise verdict. */
  verdicts: HeadlineVerdict[];
  energySource: string;
}

export interface Analysis {
  createdAt: string;
  objectives: Objective[];
  details: RunDetails[];
  rows: RunMetrics[];
  /** The analysed results in the order of `rows`: runs[i] is the result rows[i] was computed from. */
  runs: RunResult[];
  groups: GroupSummary[];
  comparisons: Comparison[];
  scaling: ScalingRow[];
  /** Emulated runs (docs/scale.md): each scheduler's figures against the number of nodes it decided for. */
  emulatedScaling: EmulatedScalingRow[];
  pareto: ParetoOutcome;
  /** Per (profile, workload) with two or more schedulers: who is ahead on each key metric, and is it significant. */
  verdicts: WorkloadVerdict[];
  /** Per (profile, workload) that replayed a log: each log job under each scheduler, and paired comparisons. */
  replays: ReplayComparison[];
  /** Which results were analysed (a campaign, a stack, …) and how many were left out. */
  scope: AnalysisScope;
  problems: LoadProblem[];
  headline: Headline;
  /** The configured host power model, or a sentence saying there is none. */
  powerModel: string;
}

export interface AnalyzeOptions extends MetricOptions {
  objectives?: Objective[];
  /** Clock for the report's timestamp (tests pass a fixed one). */
  now?: Date;
  /** What the runs were selected from (analysis/select.ts selectRuns); default: everything that was read. */
  scope?: AnalysisScope;
}

export class UnknownObjectiveError extends Error {}

function checkObjectives(objectives: readonly Objective[]): void {
  for (const o of objectives) {
    if (!(o.metric in METRICS)) {
      throw new UnknownObjectiveError(
        `unknown objective metric '${o.metric}'; metrics are: ${Object.keys(METRICS).join(', ')}`,
      );
    }
  }
}

/** Per workload, the front of (scheduler, profile) groups by their mean objective values. */
export function configurationFronts(
  groups: readonly GroupSummary[],
  objectives: readonly Objective[],
): ParetoOutcome['configurationFronts'] {
  const byWorkload = new Map<string, ConfigurationPoint[]>();
  for (const g of groups) {
    const means = objectives.map((o) => g.metrics[o.metric as MetricName].mean);
    if (g.runs === 0 || means.some((m) => m === null)) continue;
    const point = {
      scheduler: g.scheduler,
      profile: g.profile,
      runs: g.runs,
      means: Object.fromEntries(objectives.map((o, i) => [o.metric, means[i] as number])),
    };
    byWorkload.set(g.workload, [...(byWorkload.get(g.workload) ?? []), point]);
  }
  return [...byWorkload].map(([workload, points]) => {
    const onFront = new Set(
      paretoFrontOf(
        points.map((p) => p.means),
        objectives,
      ),
    );
    return {
      workload,
      front: points.filter((_, i) => onFront.has(i)),
      dominated: points.filter((_, i) => !onFront.has(i)),
    };
  });
}

/**
 * The objectives the front can use: one whose metric is null for every run with status ok (energy where nothing
 * measured it and no model was configured) is dropped with a note, rather than excluding every run.
 */
export function usableObjectives(
  rows: readonly RunMetrics[],
  objectives: readonly Objective[],
): { usable: Objective[]; dropped: ParetoOutcome['droppedObjectives'] } {
  const ok = rows.filter((r) => r.status === 'ok');
  const usable: Objective[] = [];
  const dropped: ParetoOutcome['droppedObjectives'] = [];
  for (const o of objectives) {
    const hasValue = ok.some((r) => {
      const v = r[o.metric as MetricName];
      return v !== null && !Number.isNaN(v);
    });
    if (hasValue || ok.length === 0) usable.push(o);
    else
      dropped.push({
        metric: o.metric,
        reason:
          o.metric === 'energyJoules' || o.metric === 'powerMeanWatts'
            ? 'energy was not measured on any run (no pm_counters, RAPL or IPMI source, no host.power model configured)'
            : 'no run has a value for it',
      });
  }
  return { usable, dropped };
}

export function paretoOfRuns(
  rows: readonly RunMetrics[],
  asked: readonly Objective[],
  groups: readonly GroupSummary[] = [],
): ParetoOutcome {
  const { usable: objectives, dropped } = usableObjectives(rows, asked);
  const notes = dropped.map((d) => `objective ${d.metric} left out of the Pareto front: ${d.reason}`);
  if (objectives.length === 0) {
    return {
      objectives: [],
      front: [],
      ranks: [],
      excluded: rows.map((r) => ({ key: r.key, reason: 'no usable objective' })),
      droppedObjectives: dropped,
      notes,
      configurationFronts: [],
    };
  }
  const excluded: ParetoOutcome['excluded'] = [];
  const eligible = rows.filter((r) => {
    if (r.status !== 'ok') {
      excluded.push({ key: r.key, reason: `status ${r.status}` });
      return false;
    }
    const missing = objectives.filter((o) => {
      const v = r[o.metric as MetricName];
      return v === null || Number.isNaN(v);
    });
    if (missing.length > 0) {
      excluded.push({ key: r.key, reason: `missing or NaN: ${missing.map((o) => o.metric).join(', ')}` });
      return false;
    }
    return true;
  });
  const cols = objectiveColumns(
    eligible.map((r) => r as unknown as Record<string, number | null>),
    objectives,
    (i) => `run ${eligible[i].key}`,
  );
  const front = nonDominatedColumns(cols).map((i) => {
    const r = eligible[i];
    return {
      key: r.key,
      runId: r.runId,
      stack: r.stack,
      scheduler: r.scheduler,
      profile: r.profile,
      workload: r.workload,
      repetition: r.repetition,
      values: Object.fromEntries(objectives.map((o) => [o.metric, r[o.metric as MetricName] as number])),
    };
  });
  const ranks = frontRanksColumns(cols).map((rank, i) => ({ key: eligible[i].key, rank }));
  return {
    objectives: [...objectives],
    front,
    ranks,
    excluded,
    droppedObjectives: dropped,
    notes,
    configurationFronts: configurationFronts(groups, objectives),
  };
}

function headline(
  rows: readonly RunMetrics[],
  groups: readonly GroupSummary[],
  pareto: ParetoOutcome,
  verdicts: readonly WorkloadVerdict[],
  scope: AnalysisScope,
  problems: number,
): Headline {
  const sources = [...new Set(rows.map((r) => r.energySource))];
  return {
    campaignId: scope.campaignId,
    runs: rows.length,
    runsAveraged: rows.filter((r) => r.status === 'ok').length,
    groups: groups.length,
    badFiles: problems,
    leftOut: { ...scope.leftOut },
    frontSize: pareto.front.length,
    verdicts: headlineVerdicts(verdicts),
    energySource: sources.length === 1 ? sources[0] : sources.length ? 'mixed' : 'none',
  };
}

/** Each run's metrics under its scheduler label (the name, or name and variant settings). */
function labelled(details: readonly RunDetails[], runs: readonly RunResult[]): RunDetails[] {
  const labels = schedulerLabels(runs);
  return details.map((d, i) => ({
    ...d,
    metrics: { ...d.metrics, scheduler: labels[i] ?? d.metrics.scheduler },
  }));
}

export function analyse(
  loaded: readonly LoadedRun[],
  problemsIn: readonly LoadProblem[],
  options: AnalyzeOptions = {},
): Analysis {
  const objectives = options.objectives ?? DEFAULT_OBJECTIVES;
  checkObjectives(objectives);
  const problems = [...problemsIn];
  const seen = new Map<string, string>();
  const runs: RunResult[] = [];
  const details: RunDetails[] = [];
  for (const { path, run } of loaded) {
    const d = runDetails(run, options);
    const earlier = seen.get(d.metrics.key);
    if (earlier !== undefined) {
      problems.push({ path, reason: `duplicate of run ${d.metrics.key} already read from ${earlier}` });
      continue;
    }
    seen.set(d.metrics.key, path);
    runs.push(run);
    details.push(d);
  }
  const named = labelled(details, runs);
  const rows = named.map((d) => d.metrics);
  const groups = summarise(rows);
  const compared = [...new Set([...objectives.map((o) => o.metric as MetricName), ...KEY_METRICS])];
  const comparisons = compareSchedulers(rows, compared);
  const pareto = paretoOfRuns(rows, objectives, groups);
  const verdicts = workloadVerdicts(groups, comparisons);
  const scope = options.scope ?? UNSCOPED;
  return {
    createdAt: (options.now ?? new Date()).toISOString(),
    objectives: [...objectives],
    details: named,
    rows,
    runs,
    groups,
    comparisons,
    scaling: scaling(groups),
    emulatedScaling: emulatedScaling(runs, rows),
    pareto,
    verdicts,
    replays: replayComparisons(rows, runs),
    scope,
    problems,
    headline: headline(rows, groups, pareto, verdicts, scope, problems.length),
    powerModel: options.power?.source ?? 'none configured (host.power): energy is measured or not at all',
  };
}
