// Bench: the Kubernetes build (components/kubernetes/build/all.sh) — the cached time (what every `up`, setup.sh
// and CI run pays once the cache exists) and the cold time recorded by the build that filled the cache
// (manifest.json builtSeconds). `--cold` builds again from nothing into a temporary cache with empty Go module
// and build caches (tens of minutes on 2 cores; the module downloads are included, as on a fresh machine).
// Prints one JSON line.
// Usage: npx tsx bench/k8s-build.ts [--cold]
import { execFileSync } from 'child_process';
import { mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { z } from 'zod';
import { kubernetesMirrorEnvironment } from '../components/kubernetes/build-key';

const BUILD = path.join(__dirname, '..', 'components', 'kubernetes', 'build');
const Manifest = z.object({
  builtSeconds: z.number(),
  versions: z.record(z.string(), z.string()),
  go: z.string(),
});

function timedBuild(env: NodeJS.ProcessEnv): { seconds: number; binDir: string } {
  const t0 = Date.now();
  const out = execFileSync('bash', [path.join(BUILD, 'all.sh')], {
    encoding: 'utf8',
    env: { ...env, ...kubernetesMirrorEnvironment(env) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const binDir = z.object({ binDir: z.string() }).parse(JSON.parse(out)).binDir;
  return { seconds: (Date.now() - t0) / 1000, binDir };
}

function main(): void {
  if (process.argv.includes('--cold')) {
    const tmp = mkdtempSync(path.join(tmpdir(), 'k8-cold-'));
    try {
      const cold = timedBuild({
        ...process.env,
        SCHEDBENCH_K8S_CACHE: path.join(tmp, 'cache'),
        GOMODCACHE: path.join(tmp, 'mod'),
        GOCACHE: path.join(tmp, 'gocache'),
      });
      console.log(
        JSON.stringify({ coldSeconds: cold.seconds, note: 'empty module, build and output caches' }),
      );
    } finally {
      execFileSync('chmod', ['-R', 'u+w', tmp]);
      rmSync(tmp, { recursive: true, force: true });
    }
    return;
  }
  const cached = timedBuild(process.env);
  const manifest = Manifest.parse(
    JSON.parse(readFileSync(path.join(cached.binDir, 'manifest.json'), 'utf8')),
  );
  console.log(
    JSON.stringify({
      cachedSeconds: cached.seconds,
      coldBuildSecondsRecorded: manifest.builtSeconds,
      versions: manifest.versions,
      go: manifest.go,
      note: 'cold = binaries only, as recorded by the build that filled the cache; images are built separately',
    }),
  );
}

main();
