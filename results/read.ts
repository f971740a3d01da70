// Reading RunResult files of any version: the current schema, or an earlier one upgraded to it. Every reader
// of result files (the analysis, the run loop's check, tracking) goes through here.
import { z } from 'zod';
import { RunResult, SCHEMA_VERSION, type NodeInfo, type NodeSample, type SchedulerStats } from './schema';
import { RunResultV1, type NodeInfoV1, type NodeSampleV1, type SchedulerStatsV1 } from './schema-v1';

/** sdiag-shaped v1 statistics → the neutral core; the rest kept under `extra`. */
function upgradeStatsV1(s: SchedulerStatsV1): SchedulerStats {
  const extra: Record<string, number> = {};
  if (s.backfillCycleLastUs !== null) extra['backfill.lastUs'] = s.backfillCycleLastUs;
  if (s.backfillCycleMeanDepth !== null) extra['backfill.meanDepth'] = s.backfillCycleMeanDepth;
  for (const rpc of s.rpcs) {
    extra[`rpc.${rpc.type}.count`] = rpc.count;
    extra[`rpc.${rpc.type}.meanUs`] = rpc.meanUs;
  }
  return {
    time: s.time,
    phase: s.phase,
    cycles: s.mainCycles,
    cycleLastUs: s.mainCycleLastUs,
    cycleMaxUs: s.mainCycleMaxUs,
    cycleMeanUs: s.mainCycleMeanUs,
    cycleMeanDepth: s.mainCycleMeanDepth,
    backfillCycles: s.backfillCycles,
    backfillCycleMaxUs: s.backfillCycleMaxUs,
    backfillCycleMeanUs: s.backfillCycleMeanUs,
    extra,
  };
}

/** Where v1 power readings came from (the v1 sampler read RAPL only), as a v2 energy source. */
export const V1_ENERGY_SOURCE = 'rapl: v1 powerWatts integrated over time (trapezoid) on upgrade';

/**
 * v1 node samples carried instantaneous power (W); v2 carries cumulative energy (J). Per node, in time order:
 * energyJoules = Σ (P_{i−1} + P_i)/2 · (t_i − t_{i−1}) from the node's first sample — null throughout for a node
 * with any sample without power (then its source is `none`).
 */
function upgradeSamplesV1(
  nodes: readonly NodeInfoV1[],
  samples: readonly NodeSampleV1[],
): { nodes: NodeInfo[]; nodeSamples: NodeSample[] } {
  const measured = new Set(
    nodes
      .map((n) => n.name)
      .filter((name) => {
        const own = samples.filter((s) => s.node === name);
        return own.length > 0 && own.every((s) => s.powerWatts !== null);
      }),
  );
  const energyAt = new Map<NodeSampleV1, number>();
  for (const name of measured) {
    const own = samples
      .filter((s) => s.node === name)
      .sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
    let joules = 0;
    own.forEach((s, i) => {
      const prev = own[i - 1];
      if (prev !== undefined) {
        const dt = Math.max(0, (Date.parse(s.time) - Date.parse(prev.time)) / 1000);
        joules += (((prev.powerWatts ?? 0) + (s.powerWatts ?? 0)) / 2) * dt;
      }
      energyAt.set(s, joules);
    });
  }
  return {
    nodes: nodes.map((n) => ({
      ...n,
      sources: { ...n.sources, energy: measured.has(n.name) ? V1_ENERGY_SOURCE : 'none' },
    })),
    nodeSamples: samples.map((s) => ({
      time: s.time,
      node: s.node,
      cpuBusy: s.cpuBusy,
      memoryUsedMiB: s.memoryUsedMiB,
      diskReadBytes: s.diskReadBytes,
      diskWriteBytes: s.diskWriteBytes,
      netRxBytes: s.netRxBytes,
      netTxBytes: s.netTxBytes,
      energyJoules: energyAt.get(s) ?? null,
    })),
  };
}

function upgradeV1(v1: RunResultV1): RunResult {
  return {
    ...v1,
    ...upgradeSamplesV1(v1.nodes, v1.nodeSamples),
    schemaVersion: SCHEMA_VERSION,
    campaignId: null,
    scheduler: { ...v1.scheduler, settings: {} },
    schedulerStats: v1.schedulerStats.map(upgradeStatsV1),
    jobs: v1.jobs.map((j) => ({ ...j, precise: null })),
  };
}

const Versioned = z.looseObject({ schemaVersion: z.number() });

/** The first three issues, each with its path: enough to find the field, short enough for a log line. */
function describeIssues(error: z.ZodError): string {
  const issues = error.issues
    .slice(0, 3)
    .map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`);
  const more = error.issues.length > 3 ? ` (+${error.issues.length - 3} more)` : '';
  return `not a valid RunResult: ${issues.join('; ')}${more}`;
}

export type ReadResult = { ok: true; result: RunResult } | { ok: false; error: string };

/** A parsed JSON document as a current RunResult, upgrading earlier versions; the error says what is wrong. */
export function readRunResult(value: unknown): ReadResult {
  const version = Versioned.safeParse(value);
  if (!version.success)
    return { ok: false, error: 'not a valid RunResult: schemaVersion: missing or not a number' };
  switch (version.data.schemaVersion) {
    case 1: {
      const parsed = RunResultV1.safeParse(value);
      return parsed.success
        ? { ok: true, result: upgradeV1(parsed.data) }
        : { ok: false, error: describeIssues(parsed.error) };
    }
    case SCHEMA_VERSION: {
      const parsed = RunResult.safeParse(value);
      return parsed.success
        ? { ok: true, result: parsed.data }
        : { ok: false, error: describeIssues(parsed.error) };
    }
    default:
      return {
        ok: false,
        error: `not a valid RunResult: schemaVersion ${version.data.schemaVersion} is not one this version reads (1 … ${SCHEMA_VERSION})`,
      };
  }
}

/** As readRunResult, throwing the error. */
export function parseRunResult(value: unknown): RunResult {
  const read = readRunResult(value);
  if (!read.ok) throw new Error(read.error);
  return read.result;
}
