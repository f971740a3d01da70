// The command text of a SLURM script: the shared prelude, the stage library, SLURM's lib.sh, then the script, run
// as `bash -c`. The text is fixed; every parameter travels in environment variables, secrets on stdin
// (components/script.ts).
import { readFileSync } from 'fs';
import * as path from 'path';
import { REPO_ROOT } from '../repo-root';
import { schedulerScript } from '../script';

export const SLURM_SCRIPTS_DIR = path.join(REPO_ROOT, 'components', 'slurm', 'scripts');

/** A script of components/slurm/scripts, with its preludes. */
export function slurmScript(name: string): string {
  return schedulerScript(SLURM_SCRIPTS_DIR, name);
}

/**
 * The batch script of a job of several tasks (scripts/tasks.sh): configure.sh installs it beside the job wrapper on
 * every node; it starts the wrapper once per task with srun.
 */
export const TASKS_SCRIPT = readFileSync(path.join(SLURM_SCRIPTS_DIR, 'tasks.sh'), 'utf8');
