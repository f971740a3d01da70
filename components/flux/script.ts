// The command text of a Flux script: the shared prelude, the stage library, Flux's lib.sh, then the script, run as
// `bash -c`. The text is fixed; every parameter travels in environment variables, the certificate on stdin
// (components/script.ts).
import * as path from 'path';
import { REPO_ROOT } from '../repo-root';
import { schedulerScript } from '../script';

export const FLUX_SCRIPTS_DIR = path.join(REPO_ROOT, 'components', 'flux', 'scripts');

/** A script of components/flux/scripts, with its preludes. */
export function fluxScript(name: string): string {
  return schedulerScript(FLUX_SCRIPTS_DIR, name);
}
