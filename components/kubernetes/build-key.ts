// Where a build script of components/kubernetes/build puts its output for the current inputs, without building:
// the script run with SCHEDBENCH_K8S_KEY_ONLY=1 prints that path (its key covers every input).
import { spawnSync } from 'child_process';
import * as path from 'path';
import { debianMirror } from '../image/host-mirror';
import { REPO_ROOT } from '../repo-root';

export const BUILD_DIR = path.join(REPO_ROOT, 'components', 'kubernetes', 'build');

/** The suite images.sh builds the workload image from when SCHEDBENCH_K8S_SUITE is not set (its default). */
const DEFAULT_SUITE = 'bookworm';

/**
 * What the scripts that fetch Debian packages (images.sh, all.sh, bundle.sh) read their mirror from:
 * SCHEDBENCH_K8S_MIRROR when set, else the host's apt sources for the suite. Throws, naming the variable, when
 * neither has one: before anything is built.
 */
export function kubernetesMirrorEnvironment(env: NodeJS.ProcessEnv = process.env): {
  SCHEDBENCH_K8S_MIRROR: string;
} {
  const suite = env.SCHEDBENCH_K8S_SUITE || DEFAULT_SUITE;
  const mirror = debianMirror({
    override: env.SCHEDBENCH_K8S_MIRROR,
    suite,
    setting: 'SCHEDBENCH_K8S_MIRROR',
  });
  return { SCHEDBENCH_K8S_MIRROR: mirror };
}

/** The path `script` (a file of BUILD_DIR) prints for the current inputs; `environment` adds its parameters. */
export function keyedPath(script: string, environment: Record<string, string> = {}): string {
  const key = spawnSync('bash', [path.join(BUILD_DIR, script)], {
    env: { ...process.env, ...environment, SCHEDBENCH_K8S_KEY_ONLY: '1' },
    encoding: 'utf8',
  });
  if (key.status !== 0)
    throw new Error(`k8s ${script}: the cache key failed (exit ${String(key.status)}): ${key.stderr.trim()}`);
  return key.stdout.trim();
}
