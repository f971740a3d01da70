// The command text of a SLURM script: lib.sh (shared helpers) followed by the script, run as `bash -c`. The
// text is fixed; every parameter travels in environment variables, secrets on stdin (components/script.ts).
import { readFileSync } from 'fs';
import * as path from 'path';
import { bashCommand } from '../script';

export const SLURM_SCRIPTS_DIR = path.join(__dirname, 'scripts');

/** `bash -c '<lib.sh + dir/name>' name` — `$0` is the script's name, so its messages say which script spoke. */
export function scriptCommand(dir: string, name: string): string {
  const lib = readFileSync(path.join(SLURM_SCRIPTS_DIR, 'lib.sh'), 'utf8');
  const text = readFileSync(path.join(dir, name), 'utf8');
  return bashCommand(`${lib}\n${text}`, name);
}

/** A script of components/slurm/scripts. */
export function slurmScript(name: string): string {
  return scriptCommand(SLURM_SCRIPTS_DIR, name);
}
