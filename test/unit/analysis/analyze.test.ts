// The pipeline on simulated runs whose answers the simulation knows, and loading with broken files.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyse } from '../../../analysis/analyze';
import { loadRuns } from '../../../analysis/load';
import { paretoFrontOf } from '../../../analysis/pareto';
import { parseAnalyzeJson } from '../../../analysis/report-output';
import { summaryText } from '../../../analysis/table';
import { simulate, writeCampaign } from '../../helpers/sim';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'schedbench-analyze-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('simulated runs', () => {
  it('metrics reproduce what the simulation knows', () => {
    const { run, answer } = simulate({
      scheduler: 'slurm',
      profile: { name: 'small', nodes: 2, vcpus: 4 },
      workload: 'mixed',
      repetition: 1,
      policy: 'fcfs',
      dispatchDelay: 2,
      jobs: [
        { submit: 0, cpus: 4, duration: 30 },
        { submit: 0, cpus: 4, duration: 10 },
        { submit: 1, cpus: 2, duration: 20 },
        { submit: 2, cpus: 3, duration: 5 },
      ],
    });
    const a = analyse([{ path: 'x', run }], []);
    const m = a.rows[0];
    expect(m?.makespanSeconds).toBeCloseTo(answer.makespanSeconds, 6);
    expect(m?.waitMeanSeconds).toBeCloseTo(answer.waits.reduce((x, y) => x + y, 0) / answer.waits.length, 6);
    expect(m?.utilisationAllocated).toBeCloseTo(answer.allocatedCpuSeconds / (8 * answer.makespanSeconds), 6);
    expect(m?.schedulerLatencySeconds).toBeCloseTo(2, 6);
  });

  it('loads a campaign, skips broken files with path and reason, groups, compares and finds the front', () => {
    const written = writeCampaign(join(dir, 'runs'), { repetitions: 3, jobsPerRun: 8 });
    const bad = join(dir, 'runs', 'broken');
    mkdirSync(bad, { recursive: true });
    writeFileSync(join(bad, 'truncated.json'), '{"runId": ');
    writeFileSync(join(bad, 'wrong.json'), JSON.stringify({ ...written[0]?.run, schemaVersion: 99 }));
    writeFileSync(join(bad, 'config-snapshot.json'), JSON.stringify({ scheduler: 'slurm' }));
    const loaded = loadRuns(join(dir, 'runs'));
    expect(loaded.runs).toHaveLength(written.length);
    expect(loaded.ignored).toEqual([join(bad, 'config-snapshot.json')]);
    expect(loaded.problems.map((p) => p.path)).toEqual([
      join(bad, 'truncated.json'),
      join(bad, 'wrong.json'),
    ]);
    expect(loaded.problems[0]?.reason).toMatch(/^not valid JSON/);
    expect(loaded.problems[1]?.reason).toMatch(/^not a valid RunResult: schemaVersion/);

    // Only the simulated flux nodes measure energy: a configured host model gives the others a figure.
    const power = { idleWatts: 100, maxWatts: 300, cores: null, source: 'test model' };
    const a = analyse(loaded.runs, loaded.problems, { now: new Date(0), power });
    expect(a.groups).toHaveLength(3 * 2 * 2);
    expect(a.groups.every((g) => g.runs === 3 && g.metrics.makespanSeconds.count === 3)).toBe(true);
    // three schedulers → three pairs per profile × workload cell, each for several metrics
    const pairs = new Set(a.comparisons.map((c) => `${c.profile}/${c.workload}/${c.a}/${c.b}`));
    expect(pairs.size).toBe(2 * 2 * 3);
    expect(a.comparisons.every((c) => c.tooFewSamples)).toBe(true); // 3 vs 3 can never reach p < 0.05
    expect(a.scaling.filter((s) => s.profile === 'medium')).toHaveLength(3 * 2);
    // the front is exactly the non-dominated set of the metrics table
    const expected = paretoFrontOf(
      a.rows.map((r) => r as unknown as Record<string, number | null>),
      a.objectives,
    ).map((i) => a.rows[i]?.key);
    expect(a.pareto.front.map((f) => f.key)).toEqual(expected);
    expect(a.headline.badFiles).toBe(2);
    // per workload, configurations on the front are dominated by none, the others by some configuration
    const better = (x: Record<string, number>, y: Record<string, number>) =>
      a.objectives.every((o) =>
        o.direction === 'min'
          ? (x[o.metric] ?? NaN) <= (y[o.metric] ?? NaN)
          : (x[o.metric] ?? NaN) >= (y[o.metric] ?? NaN),
      ) && a.objectives.some((o) => x[o.metric] !== y[o.metric]);
    expect(a.pareto.configurationFronts.map((w) => w.workload).sort()).toEqual(['cpu_intensive', 'mixed']);
    for (const w of a.pareto.configurationFronts) {
      const all = [...w.front, ...w.dominated];
      expect(all).toHaveLength(3 * 2);
      for (const p of w.front) expect(all.some((q) => better(q.means, p.means))).toBe(false);
      for (const p of w.dominated) expect(all.some((q) => better(q.means, p.means))).toBe(true);
    }
    expect(summaryText(a).split('\n')[0]).toMatch(/^scheduler\s+profile\s+workload\s+n\s+makespan s/);
  });

  it('a duplicated run is reported, not counted twice; failed runs are not averaged nor on the front', () => {
    const { run } = simulate({
      scheduler: 'flux',
      profile: { name: 'small', nodes: 1, vcpus: 2 },
      workload: 'mixed',
      repetition: 1,
      policy: 'fcfs',
      dispatchDelay: 0,
      jobs: [
        { submit: 0, cpus: 1, duration: 10 },
        { submit: 0, cpus: 4, duration: 10 }, // larger than the node: never starts → status failed
      ],
    });
    const a = analyse(
      [
        { path: 'a.json', run },
        { path: 'b.json', run },
      ],
      [],
    );
    expect(a.rows).toHaveLength(1);
    expect(a.problems).toEqual([
      { path: 'b.json', reason: expect.stringMatching(/^duplicate of run .* already read from a.json$/) },
    ]);
    expect(a.groups[0]?.runs).toBe(0);
    expect(a.groups[0]?.excluded).toEqual([{ key: a.rows[0]?.key, status: 'failed' }]);
    expect(a.pareto.front).toEqual([]);
    expect(a.pareto.excluded[0]?.reason).toBe('status failed');
  });

  it('rejects an unknown objective metric', () => {
    expect(() => analyse([], [], { objectives: [{ metric: 'makespan', direction: 'min' }] })).toThrow(
      /unknown objective metric 'makespan'/,
    );
  });

  it('parses the --json document, ignoring noise printed before it', () => {
    const doc = {
      reportPath: '/r.html',
      outDir: '/',
      objectives: [],
      front: [],
      headline: {
        campaignId: null,
        runs: 0,
        runsAveraged: 0,
        groups: 0,
        badFiles: 0,
        leftOut: { otherCampaigns: 0, otherStacks: 0, otherRunIds: 0 },
        frontSize: 0,
        verdicts: [],
        energySource: 'none',
      },
    };
    expect(parseAnalyzeJson(`npm warn x\n${JSON.stringify(doc)}\n`).reportPath).toBe('/r.html');
    // the headline an analysis makes is what the post-deploy step parses
    const { headline } = analyse([], []);
    expect(parseAnalyzeJson(JSON.stringify({ ...doc, headline })).headline).toEqual(headline);
    expect(() => parseAnalyzeJson('')).toThrow('printed nothing');
    expect(() => parseAnalyzeJson('oops')).toThrow(/stdout is not JSON/);
  });
});
