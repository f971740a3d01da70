// Loading: every RunResult under a directory tree, of any schema version (results/read.ts). A file that is not valid
// JSON or not a valid RunResult is reported with its path and reason and skipped; the rest are analysed.
// JSON files that are plainly something else (no runId, schemaVersion or jobs key: config snapshots,
// our own outputs) are ignored silently.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readRunResult } from '../results/read';
import type { RunResult } from '../results/schema';

export interface LoadedRun {
  path: string;
  run: RunResult;
}

export interface LoadProblem {
  path: string;
  reason: string;
}

export interface LoadOutcome {
  runs: LoadedRun[];
  problems: LoadProblem[];
  /** JSON files that are not RunResults at all. */
  ignored: string[];
}

export interface LoadOptions {
  /** Directories not to descend into (e.g. the analysis output directory). */
  exclude?: string[];
  /** Called once with the number of candidate files, then after each file. */
  onProgress?: (done: number, total: number) => void;
}

/** Every `*.json` under `dir` (sorted, so runs come in a stable order). */
export function findJsonFiles(
  dir: string,
  exclude: readonly string[] = [],
  problems: LoadProblem[] = [],
): string[] {
  const skip = new Set(exclude.map((e) => resolve(e)));
  const out: string[] = [];
  const walk = (d: string) => {
    if (skip.has(resolve(d))) return;
    let entries;
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch (err) {
      // An unreadable directory is named, not a crash that hides what else was there.
      problems.push({ path: d, reason: `directory could not be read: ${errorMessage(err)}` });
      return;
    }
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.isFile() && entry.name.endsWith('.json')) out.push(p);
    }
  };
  walk(dir);
  return out;
}

const looksLikeRunResult = (v: unknown): boolean =>
  typeof v === 'object' &&
  v !== null &&
  !Array.isArray(v) &&
  ('runId' in v || 'schemaVersion' in v || 'jobs' in v);

function errorMessage(err: unknown): string {
  return typeof err === 'object' && err !== null && 'message' in err ? String(err.message) : String(err);
}

/** Parses one file; returns the run, a problem, or 'ignored'. */
export function loadRunFile(path: string): LoadedRun | LoadProblem | 'ignored' {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    return { path, reason: `could not be read: ${errorMessage(err)}` };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { path, reason: `not valid JSON: ${errorMessage(err)}` };
  }
  if (!looksLikeRunResult(value)) return 'ignored';
  const read = readRunResult(value);
  return read.ok ? { path, run: read.result } : { path, reason: read.error };
}

export function loadRuns(dir: string, options: LoadOptions = {}): LoadOutcome {
  const outcome: LoadOutcome = { runs: [], problems: [], ignored: [] };
  const files = findJsonFiles(dir, options.exclude, outcome.problems);
  options.onProgress?.(0, files.length);
  files.forEach((path, i) => {
    const r = loadRunFile(path);
    if (r === 'ignored') outcome.ignored.push(path);
    else if ('run' in r) outcome.runs.push(r);
    else outcome.problems.push(r);
    options.onProgress?.(i + 1, files.length);
  });
  return outcome;
}
