// The words every layer shares, defined once: scheduler names, node backend kinds, the run-id format and where
// a run's result file lives. The config, the node backends, the run loop and the analysis all import them here.
import * as path from 'path';

/** Every scheduler schedbench knows (components/schedulers/registry.ts says which can be stood up). */
export const SCHEDULER_NAMES = ['slurm', 'kubernetes', 'flux'] as const;
export type SchedulerName = (typeof SCHEDULER_NAMES)[number];

/** Every node backend (components/nodes/backend.ts picks one). */
export const BACKEND_KINDS = ['netns', 'libvirt', 'hosts'] as const;
export type BackendKind = (typeof BACKEND_KINDS)[number];

/** `<UTC YYYYMMDDTHHMMSSZ>_<first 12 hex of the config hash>`. */
export const RUN_ID_PATTERN = /^(\d{8}T\d{6}Z)_([0-9a-f]{12})$/;

/** `20261126T080102Z` for the given instant (UTC). */
export function utcStamp(at: Date): string {
  return at
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
}

/** The run id of a config hash first brought up at `stamp`. */
export function formatRunId(stamp: string, hash: string): string {
  const id = `${stamp}_${hash.slice(0, 12)}`;
  if (!RUN_ID_PATTERN.test(id)) throw new Error(`run id ${id} is malformed (stamp ${stamp}, hash ${hash})`);
  return id;
}

/** A run within a stack: `<workload>-r<repetition>` (file names, stack output keys). */
export function runName(workload: string, repetition: number): string {
  return `${workload}-r${repetition}`;
}

/** A run anywhere: `<runId>/<stack>/<workload>-r<repetition>` (sampler directories, tracking, analysis keys). */
export function runKey(run: { runId: string; stack: string; workload: string; repetition: number }): string {
  return `${run.runId}/${run.stack}/${runName(run.workload, run.repetition)}`;
}

/** The directory of one stack's results of one run id: `<resultsDir>/<runId>/<stack>`. */
export function stackResultsDir(resultsDir: string, runId: string, stack: string): string {
  return path.join(resultsDir, runId, stack);
}

/** Where one run's RunResult is written. */
export function resultPath(
  resultsDir: string,
  run: { runId: string; stack: string; workload: string; repetition: number },
): string {
  return path.join(
    stackResultsDir(resultsDir, run.runId, run.stack),
    `${runName(run.workload, run.repetition)}.json`,
  );
}

/** A configured `resultsDir` made absolute against the project directory. */
export function resolveResultsDir(projectDir: string, resultsDir: string): string {
  return path.resolve(projectDir, resultsDir);
}
