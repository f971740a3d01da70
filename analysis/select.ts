// Which of the loaded results an analysis covers: one campaign's (`--campaign`), one stack's, one run id's, or all of
// them; what was left out is counted so the analysis can say so. A filter that matches nothing is an error that
// names what is there instead, never an empty report.
import type { LoadedRun, LoadOutcome } from './load';

export interface RunFilters {
  /** Only results of this campaign (RunResult `campaignId`); absent or empty: every result. */
  campaign?: string;
  /** Only results of this stack; absent or empty: every stack. */
  stack?: string;
  /** Only results with this run id; absent or empty: every run id. */
  runId?: string;
}

/** What an analysis covers, as it reports it. */
export interface AnalysisScope {
  /** The campaign analysed, or null when the analysis is not scoped to one. */
  campaignId: string | null;
  /** Results read but not analysed: of other campaigns or single stacks (with `campaign`), other stacks, run ids. */
  leftOut: { otherCampaigns: number; otherStacks: number; otherRunIds: number };
}

export const UNSCOPED: AnalysisScope = {
  campaignId: null,
  leftOut: { otherCampaigns: 0, otherStacks: 0, otherRunIds: 0 },
};

/** The analysis has nothing to work on; the message says why and what is there. */
export class NothingToAnalyseError extends Error {}

/** How many campaign ids a no-match error lists. */
const CAMPAIGNS_LISTED = 5;

/** Campaign ids among the runs, newest first: by the latest end of any of their runs, then by id. */
export function campaignsNewestFirst(runs: readonly LoadedRun[]): string[] {
  const latest = new Map<string, number>();
  for (const { run } of runs) {
    if (run.campaignId === null) continue;
    const end = Date.parse(run.endedAt);
    latest.set(run.campaignId, Math.max(latest.get(run.campaignId) ?? -Infinity, end));
  }
  return [...latest].sort(([a, ta], [b, tb]) => tb - ta || b.localeCompare(a)).map(([id]) => id);
}

function noSuchCampaign(campaign: string, dir: string, runs: readonly LoadedRun[]): string {
  const found = campaignsNewestFirst(runs);
  const singles = runs.filter(({ run }) => run.campaignId === null).length;
  const listed =
    found.length === 0
      ? 'no result there belongs to a campaign'
      : `campaigns found (newest first): ${found.slice(0, CAMPAIGNS_LISTED).join(', ')}` +
        (found.length > CAMPAIGNS_LISTED ? ` and ${found.length - CAMPAIGNS_LISTED} older` : '');
  return (
    `analyze: no result of campaign '${campaign}' under ${dir}; ${listed}` +
    (singles > 0 ? ` (${singles} result(s) of single stacks)` : '')
  );
}

/** Why a stack or run-id filter left nothing (the campaign filter has its own message), or why nothing was read. */
export function nothingToAnalyse(
  dir: string,
  loaded: LoadOutcome,
  selected: number,
  filters: RunFilters,
): string | undefined {
  if (selected > 0) return undefined;
  const { runs, problems, ignored } = loaded;
  if (runs.length > 0) {
    const wanted = [
      filters.campaign ? `campaign '${filters.campaign}'` : '',
      filters.stack ? `stack '${filters.stack}'` : '',
      filters.runId ? `run id '${filters.runId}'` : '',
    ].filter((w) => w !== '');
    const stacks = [...new Set(runs.map(({ run }) => run.stack))].sort();
    const ids = [...new Set(runs.map(({ run }) => run.runId))].sort();
    return (
      `analyze: no run of ${wanted.join(' and ')} under ${dir}; ` +
      `its ${runs.length} run(s) are of stack(s) ${stacks.join(', ')} (run ids ${ids.join(', ')})`
    );
  }
  if (problems.length > 0)
    return `analyze: nothing analysed: none of the ${problems.length} RunResult file(s) under ${dir} could be read (each is named above)`;
  if (ignored.length > 0)
    return `analyze: nothing analysed: the ${ignored.length} JSON file(s) under ${dir} are not RunResults (e.g. ${ignored[0]})`;
  return `analyze: nothing analysed: ${dir} holds no *.json files`;
}

/**
 * The runs the filters keep, and the scope to report. Throws NothingToAnalyseError when nothing is left: a campaign
 * id that matches no result names the directory and the campaigns found there (newest first, at most 5).
 */
export function selectRuns(
  dir: string,
  loaded: LoadOutcome,
  filters: RunFilters = {},
): { runs: LoadedRun[]; scope: AnalysisScope } {
  const campaign = filters.campaign || undefined;
  const inCampaign =
    campaign === undefined ? loaded.runs : loaded.runs.filter(({ run }) => run.campaignId === campaign);
  if (campaign !== undefined && inCampaign.length === 0 && loaded.runs.length > 0)
    throw new NothingToAnalyseError(noSuchCampaign(campaign, dir, loaded.runs));
  const ofStack = filters.stack ? inCampaign.filter(({ run }) => run.stack === filters.stack) : inCampaign;
  const runs = filters.runId ? ofStack.filter(({ run }) => run.runId === filters.runId) : ofStack;
  const nothing = nothingToAnalyse(dir, { ...loaded, runs: inCampaign }, runs.length, filters);
  if (nothing !== undefined) throw new NothingToAnalyseError(nothing);
  return {
    runs,
    scope: {
      campaignId: campaign ?? null,
      leftOut: {
        otherCampaigns: loaded.runs.length - inCampaign.length,
        otherStacks: inCampaign.length - ofStack.length,
        otherRunIds: ofStack.length - runs.length,
      },
    },
  };
}
