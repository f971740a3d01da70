// Loading: every RunResult under a directory tree, validated by the zod schema. A file that is not valid
// JSON or not a valid RunResult is reported with its path and reason and skipped; the rest are analysed.
// JSON files that are plainly something else (no runId, schemaVersion or jobs key: config snapshots,
// our own outputs) are ignored silently.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { RunResult } from './schema';

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
export function findJsonFiles(dir: string, exclude: readonly string[] = []): string[] {
  const skip = new Set(exclude.map((e) => resolve(e)));
  const out: string[] = [];
  const walk = (d: string) => {
    if (skip.has(resolve(d))) return;
    for (const entry of readdirSync(d, { withFileTypes: true }).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
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

function describeIssues(error: z.ZodError): string {
  const issues = error.issues
    .slice(0, 3)
    .map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`);
  const more = error.issues.length > 3 ? ` (+${error.issues.length - 3} more)` : '';
  return `not a valid RunResult: ${issues.join('; ')}${more}`;
}

/** Parses one file; returns the run, a problem, or 'ignored'. */
export function loadRunFile(path: string): LoadedRun | LoadProblem | 'ignored' {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    return { path, reason: `not valid JSON: ${err instanceof Error ? err.message : String(err)}` };
  }
  if (!looksLikeRunResult(value)) return 'ignored';
  const parsed = RunResult.safeParse(value);
  return parsed.success ? { path, run: parsed.data } : { path, reason: describeIssues(parsed.error) };
}

export function loadRuns(dir: string, options: LoadOptions = {}): LoadOutcome {
  const files = findJsonFiles(dir, options.exclude);
  const outcome: LoadOutcome = { runs: [], problems: [], ignored: [] };
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
