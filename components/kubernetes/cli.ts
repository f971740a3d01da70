// `schedbench k8s build`: build (or find in the cache) the Kubernetes binaries and image archives ahead of `up`,
// as the cluster's build resource would; prints {binDir, imagesDir}. `--key` prints where they would be, building
// nothing.
import { spawnSync } from 'child_process';
import { existsSync } from 'fs';
import * as path from 'path';
import type { Command } from 'commander';
import { BUILD_DIR, keyedPath, kubernetesMirrorEnvironment } from './build-key';

export function registerKubernetes(program: Command): void {
  const k8s = program
    .command('k8s')
    .description('Kubernetes from Go modules: binaries and images (docs/kubernetes.md)');
  k8s
    .command('build')
    .description(
      'build the Kubernetes binaries and image archives into the cache (a cached build takes seconds)',
    )
    .option('--key', 'print the cache directory of the binaries for the current inputs; build nothing')
    .option('--kwok', "also KWOK's controller, which emulated clusters run (docs/scale.md)")
    .action((options: { key?: boolean; kwok?: boolean }) => {
      const keyOnly = options.key === true;
      const env = keyOnly
        ? { ...process.env, SCHEDBENCH_K8S_KEY_ONLY: '1' }
        : { ...process.env, ...kubernetesMirrorEnvironment() };
      const scripts = [keyOnly ? 'build.sh' : 'all.sh', ...(options.kwok === true ? ['kwok.sh'] : [])];
      for (const script of scripts) {
        const result = spawnSync('bash', [path.join(BUILD_DIR, script)], { stdio: 'inherit', env });
        if (result.status !== 0)
          throw new Error(`k8s build: ${script} failed (exit ${String(result.status)})`);
      }
    });
}

/** Where the binaries for the current inputs are, or would be, cached (build.sh's key: nothing is built). */
export function kubernetesBinDir(): string {
  return keyedPath('build.sh');
}

/**
 * The kubectl the local runner applies Kubernetes objects with: SCHEDBENCH_KUBECTL, else the cached build's for
 * the current inputs (the one the cluster runs), else `kubectl` on PATH (e.g. with `kubernetes.binDir`).
 */
export function kubectlForRunner(): string {
  const chosen = process.env.SCHEDBENCH_KUBECTL;
  if (chosen !== undefined && chosen !== '') return chosen;
  try {
    const built = path.join(kubernetesBinDir(), 'bin', 'kubectl');
    return existsSync(built) ? built : 'kubectl';
  } catch {
    return 'kubectl';
  }
}
