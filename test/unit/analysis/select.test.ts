// Analysis scoped to one campaign: only its results are analysed, the others under the directory are counted as left
// out, and a campaign id no result carries is an error naming the id, the directory and the campaigns found there.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyseResultsDir } from '../../../analysis/analyze-dir';
import type { LoadedRun, LoadOutcome } from '../../../analysis/load';
import { campaignsNewestFirst, NothingToAnalyseError, selectRuns } from '../../../analysis/select';
import { analysisSummaryText } from '../../../analysis/summary-text';
import { iso, writeCampaign, withDelays } from '../../helpers/sim';

const outcome = (runs: LoadedRun[]): LoadOutcome => ({ runs, problems: [], ignored: [] });

/** Two runs of a campaign whose runs ended `endedAt` seconds after the base epoch. */
const campaign = (id: string, endedAt: number): LoadedRun[] =>
  withDelays({ scheduler: 'slurm', campaignId: id }, [0, 1]).map(({ path, run }) => ({
    path,
    run: { ...run, endedAt: iso(endedAt) },
  }));

const message = (f: () => unknown): string => {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(NothingToAnalyseError);
    return (err as Error).message;
  }
  throw new Error('expected NothingToAnalyseError');
};

describe('selectRuns', () => {
  const singles = withDelays({ scheduler: 'flux' }, [0, 1, 2]);
  const loaded = outcome([...campaign('C-old', 100), ...campaign('C-new', 900), ...singles]);

  it('keeps one campaign’s results and counts the rest, single stacks included, as left out', () => {
    const { runs, scope } = selectRuns('/r', loaded, { campaign: 'C-new' });
    expect(runs.length).toBeGreaterThan(0);
    expect(runs.every(({ run }) => run.campaignId === 'C-new')).toBe(true);
    expect(scope).toEqual({
      campaignId: 'C-new',
      leftOut: { otherCampaigns: loaded.runs.length - runs.length, otherStacks: 0, otherRunIds: 0 },
    });
  });

  it('without --campaign, everything is analysed as before', () => {
    const { runs, scope } = selectRuns('/r', loaded, {});
    expect(runs).toEqual(loaded.runs);
    expect(scope.campaignId).toBeNull();
    expect(scope.leftOut).toEqual({ otherCampaigns: 0, otherStacks: 0, otherRunIds: 0 });
    expect(selectRuns('/r', loaded, { campaign: '' }).runs).toEqual(loaded.runs);
  });

  it('a campaign and a stack: the stack’s other runs in the campaign are counted apart', () => {
    const mixed = outcome([
      ...campaign('C1', 10),
      ...withDelays({ scheduler: 'flux', campaignId: 'C1' }, [0, 1, 2]),
      ...singles,
    ]);
    const { runs, scope } = selectRuns('/r', mixed, { campaign: 'C1', stack: 'flux-small' });
    expect(runs.map(({ run }) => [run.campaignId, run.stack])).toEqual(
      Array.from({ length: 3 }, () => ['C1', 'flux-small']),
    );
    expect(scope.leftOut).toEqual({ otherCampaigns: singles.length, otherStacks: 2, otherRunIds: 0 });
  });

  it('an unknown campaign: the id, the directory, and at most 5 campaigns found, newest first', () => {
    const ends = [300, 700, 100, 900, 500, 200, 800];
    const many = outcome([...ends.flatMap((t) => campaign(`C${t}`, t)), ...singles]);
    const newestFirst = [...ends].sort((a, b) => b - a).map((t) => `C${t}`);
    expect(campaignsNewestFirst(many.runs)).toEqual(newestFirst);
    const text = message(() => selectRuns('/results', many, { campaign: 'C-nope' }));
    expect(text).toContain("campaign 'C-nope'");
    expect(text).toContain('/results');
    expect(text).toContain(
      `campaigns found (newest first): ${newestFirst.slice(0, 5).join(', ')} and 2 older`,
    );
    expect(text).not.toContain(newestFirst[5] as string);
    expect(text).toContain(`(${singles.length} result(s) of single stacks)`);
  });

  it('an unknown campaign where no result belongs to one says that', () => {
    expect(message(() => selectRuns('/results', outcome(singles), { campaign: 'C1' }))).toMatch(
      /^analyze: no result of campaign 'C1' under \/results; no result there belongs to a campaign/,
    );
  });
});

describe('analyseResultsDir', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'schedbench-select-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const options = { repetitions: 2, jobsPerRun: 3, workloads: ['mixed'] };

  it('analyses one campaign of a shared results directory and says how many results it left out', () => {
    const runs = join(dir, 'runs');
    const mine = writeCampaign(runs, { ...options, campaignId: 'C-mine' });
    const theirs = writeCampaign(runs, { ...options, campaignId: 'C-theirs' });
    const single = writeCampaign(join(runs, 'singles'), { ...options, schedulers: ['slurm'] });
    mkdirSync(join(runs, 'broken'));
    writeFileSync(join(runs, 'broken', 'bad.json'), '{"runId": ');

    const problems: string[] = [];
    const a = analyseResultsDir(runs, { campaign: 'C-mine', onProblem: (p) => problems.push(p.path) });
    expect(a.rows).toHaveLength(mine.length);
    expect(new Set(a.runs.map((r) => r.campaignId))).toEqual(new Set(['C-mine']));
    const leftOut = theirs.length + single.length;
    expect(a.scope.leftOut.otherCampaigns).toBe(leftOut);
    expect(a.headline).toMatchObject({ campaignId: 'C-mine', leftOut: { otherCampaigns: leftOut } });
    expect(problems).toEqual([join(runs, 'broken', 'bad.json')]);
    // three schedulers on each profile: a verdict per profile × workload
    expect(a.verdicts).toHaveLength(new Set(mine.map(({ run }) => run.profile.name)).size);

    const text = analysisSummaryText(a, join(dir, 'out', 'report.html'));
    expect(text.split('\n')[0]).toBe(
      `campaign C-mine: ${mine.length} runs read, ${mine.length} averaged; ${leftOut} results of other campaigns left out; 1 file(s) skipped (unreadable or duplicate)`,
    );
    expect(text).toContain(`report: ${join(dir, 'out', 'report.html')}`);

    // the whole directory, as before: every result
    expect(analyseResultsDir(runs).rows).toHaveLength(mine.length + leftOut);
  });

  it('fails on an unknown campaign after naming the unreadable files, and on a missing directory', () => {
    const runs = join(dir, 'runs');
    const problems: string[] = [];
    expect(() =>
      analyseResultsDir(runs, { campaign: 'C-none', onProblem: (p) => problems.push(p.path) }),
    ).toThrow(/no result of campaign 'C-none' under .*; campaigns found \(newest first\): C-/);
    expect(problems).toHaveLength(1);
    expect(() => analyseResultsDir(join(dir, 'nowhere'))).toThrow(NothingToAnalyseError);
  });
});
