// The command text of a SLURM script: the shared prelude, the stage library, SLURM's lib.sh, then the script, run
// as `bash -c`. The text is fixed; every parameter travels in environment variables, secrets on stdin
// (components/script.ts).
import * as path from 'path';
import { REPO_ROOT } from '../repo-root';
import { schedulerScript } from '../script';

export const SLURM_SCRIPTS_DIR = path.join(REPO_ROOT, 'components', 'slurm', 'scripts');

/** A script of components/slurm/scripts, with its preludes. */
export function slurmScript(name: string): string {
  return schedulerScript(SLURM_SCRIPTS_DIR, name);
}
