// The analysis of a results directory, as `schedbench analyze` and `schedbench campaign` run it: load every
// RunResult under the tree, keep those of the campaign / stack / run id asked for, analyse them. The impure edge
// (reading files) is here; selection and analysis stay pure.
import { existsSync, statSync } from 'node:fs';
import { analyse, type Analysis, type AnalyzeOptions } from './analyze';
import { loadRuns, type LoadProblem } from './load';
import { NothingToAnalyseError, selectRuns, type RunFilters } from './select';

export interface AnalyseDirOptions extends Omit<AnalyzeOptions, 'scope'>, RunFilters {
  /** Directories not to read (the analysis output directory, when it lies inside the results). */
  exclude?: string[];
  /** Called once with the number of candidate files, then after each file. */
  onProgress?: (done: number, total: number) => void;
  /** Called for every file that could not be read, before the filters apply (so it is named even when they fail). */
  onProblem?: (problem: LoadProblem) => void;
}

/**
 * Analyses the RunResults under `dir` that the filters keep. Throws NothingToAnalyseError, with what is there
 * instead, when the directory does not exist or nothing is left (a campaign id no result carries included).
 */
export function analyseResultsDir(dir: string, options: AnalyseDirOptions = {}): Analysis {
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new NothingToAnalyseError(`results directory ${dir} does not exist`);
  const { exclude, onProgress, onProblem, campaign, stack, runId, ...analyseOptions } = options;
  const loaded = loadRuns(dir, { exclude, onProgress });
  for (const p of loaded.problems) onProblem?.(p);
  const { runs, scope } = selectRuns(dir, loaded, { campaign, stack, runId });
  return analyse(runs, loaded.problems, { ...analyseOptions, scope });
}
