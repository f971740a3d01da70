// The command text of a Kubernetes script: the shared prelude, the stage library, Kubernetes' lib.sh, then the
// script, run as `bash -c`. The text is fixed; every parameter travels in environment variables, secrets on stdin
// (components/script.ts).
import * as path from 'path';
import { REPO_ROOT } from '../repo-root';
import { schedulerScript } from '../script';

export const KUBERNETES_SCRIPTS_DIR = path.join(REPO_ROOT, 'components', 'kubernetes', 'scripts');

/** A script of components/kubernetes/scripts, with its preludes. */
export function kubernetesScript(name: string): string {
  return schedulerScript(KUBERNETES_SCRIPTS_DIR, name);
}
