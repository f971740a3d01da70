// Where a build script of components/kubernetes/build puts its output for the current inputs, without building:
// the script run with SCHEDBENCH_K8S_KEY_ONLY=1 prints that path (its key covers every input).
import { spawnSync } from 'child_process';
import * as path from 'path';

export const BUILD_DIR = path.join(__dirname, 'build');

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
