// The RunResult reader: files of schema version 1 (as schedbench wrote them before the neutral contract; the
// fixture was written by the v1 writer from a bundle captured on real netns nodes) load and upgrade to the
// current version; the current version round-trips; unknown versions and broken documents are refused with
// a reason.
import { readFileSync } from 'fs';
import * as path from 'path';
import { readRunResult, parseRunResult } from '../../../results/read';
import { RunResult, SCHEMA_VERSION } from '../../../results/schema';
import { runMetrics } from '../../../analysis/metrics';

const v1Text = readFileSync(
  path.join(__dirname, '../../fixtures/results/v1/memory_intensive-r1.json'),
  'utf8',
);

describe('readRunResult', () => {
  it('upgrades a committed v1 file: same jobs and samples, neutral statistics, sdiag extras kept', () => {
    const v1 = JSON.parse(v1Text) as {
      schemaVersion: number;
      jobs: unknown[];
      nodeSamples: unknown[];
      schedulerStats: {
        mainCycles: number | null;
        mainCycleMeanUs: number | null;
        rpcs: { type: string; count: number }[];
      }[];
    };
    expect(v1.schemaVersion).toBe(1);
    const r = parseRunResult(v1);
    expect(RunResult.parse(r)).toEqual(r);
    expect(r.schemaVersion).toBe(SCHEMA_VERSION);
    expect(r.campaignId).toBeNull();
    expect(r.scheduler.settings).toEqual({});
    expect(r.jobs).toEqual(v1.jobs.map((j) => ({ ...(j as object), precise: null })));
    // v1 power readings (all null in this file) become cumulative energy: null, and the source none.
    expect(r.nodeSamples).toEqual(
      (v1.nodeSamples as Record<string, unknown>[]).map(({ powerWatts, ...rest }) => {
        expect(powerWatts).toBeNull();
        return { ...rest, energyJoules: null };
      }),
    );
    expect(r.nodes.every((n) => n.sources.energy === 'none')).toBe(true);
    expect(r.schedulerStats).toHaveLength(v1.schedulerStats.length);
    r.schedulerStats.forEach((s, i) => {
      const old = v1.schedulerStats[i];
      expect(s.cycles).toBe(old?.mainCycles);
      expect(s.cycleMeanUs).toBe(old?.mainCycleMeanUs);
      for (const rpc of old?.rpcs ?? []) expect(s.extra[`rpc.${rpc.type}.count`]).toBe(rpc.count);
    });
  });

  it('the analysis computes the same figures from a v1 file as from its upgrade', () => {
    const r = parseRunResult(JSON.parse(v1Text));
    const m = runMetrics(r);
    expect(m.jobsTotal).toBe(r.jobs.length);
    expect(m.makespanSeconds).toBeGreaterThan(0);
    expect(m.schedulerCycleMeanMicroseconds).not.toBeNull();
  });

  it('refuses other versions and broken documents, saying why', () => {
    const value = JSON.parse(v1Text) as Record<string, unknown>;
    const future = readRunResult({ ...value, schemaVersion: 99 });
    expect(future).toEqual({
      ok: false,
      error: `not a valid RunResult: schemaVersion 99 is not one this version reads (1 … ${SCHEMA_VERSION})`,
    });
    expect(readRunResult({ jobs: [] })).toEqual({
      ok: false,
      error: 'not a valid RunResult: schemaVersion: missing or not a number',
    });
    const broken = readRunResult({ ...value, runId: 'yesterday' });
    expect(broken.ok).toBe(false);
    if (!broken.ok) expect(broken.error).toMatch(/^not a valid RunResult: runId: /);
  });

  it('a current file reads back as itself', () => {
    const r = parseRunResult(JSON.parse(v1Text));
    const again = readRunResult(JSON.parse(JSON.stringify(r)));
    expect(again).toEqual({ ok: true, result: r });
  });
});
