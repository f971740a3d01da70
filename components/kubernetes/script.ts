// The command text of a Kubernetes script: the shared prelude, Kubernetes' lib.sh, then the script, run as
// `bash -c`. The text is fixed; every parameter travels in environment variables, secrets on stdin.
import * as path from 'path';
import { REPO_ROOT } from '../repo-root';
import { remoteScript } from '../script';

export const KUBERNETES_SCRIPTS_DIR = path.join(REPO_ROOT, 'components', 'kubernetes', 'scripts');

/** A script of components/kubernetes/scripts, with its preludes. */
export function kubernetesScript(name: string): string {
  return remoteScript(KUBERNETES_SCRIPTS_DIR, name, [path.join(KUBERNETES_SCRIPTS_DIR, 'lib.sh')]);
}
