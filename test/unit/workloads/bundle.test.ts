// The writer's bundle (components/build): its digest follows what it bundles, the file it writes runs as the
// TypeScript does, and the run stages start it, or the TypeScript when it is gone.
import { spawnSync } from 'child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { bundleDigest } from '../../../components/build/bundle';
import { TS_ENVIRONMENT, TS_RUN } from '../../../components/tsx';

const REPO = path.join(__dirname, '..', '..', '..');
const WRITER = path.join(REPO, 'workloads', 'write-result.ts');
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'schedbench-bundle-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function bundler(entry: string, out: string) {
  return spawnSync('bash', ['-c', `${TS_RUN} "$SCHEDBENCH_BUNDLER" "$ENTRY" "$OUT"`], {
    encoding: 'utf8',
    env: {
      ...process.env,
      ...TS_ENVIRONMENT,
      SCHEDBENCH_BUNDLER: path.join(REPO, 'components', 'build', 'bundle-cli.ts'),
      ENTRY: entry,
      OUT: out,
    },
  });
}

describe('bundleDigest', () => {
  it('is the same for the same code and changes when an imported file changes', () => {
    const entry = path.join(dir, 'entry.ts');
    const dep = path.join(dir, 'dep.ts');
    writeFileSync(entry, "import { x } from './dep';\nconsole.log(x);\n");
    writeFileSync(dep, 'export const x = 1;\n');
    const first = bundleDigest(entry);
    expect(bundleDigest(entry)).toBe(first);
    writeFileSync(dep, 'export const x = 2;\n');
    expect(bundleDigest(entry)).not.toBe(first);
  });

  it('names the entry that does not build', () => {
    const broken = path.join(dir, 'broken.ts');
    writeFileSync(broken, "import { nothing } from './missing';\nconsole.log(nothing);\n");
    expect(() => bundleDigest(broken)).toThrow(/missing/);
  });
});

describe('bundle-cli.ts', () => {
  it('writes the bundle whose digest the program computed, and it answers as the TypeScript writer does', () => {
    const out = path.join(dir, 'stack', 'write-result.cjs');
    const written = bundler(WRITER, out);
    expect(written.status).toBe(0);
    expect(JSON.parse(written.stdout)).toEqual({ path: out, sha256: bundleDigest(WRITER) });
    const env = { ...process.env, RESULT_PATH: path.join(dir, 'none.json') };
    const fromBundle = spawnSync('node', [out, 'check'], { env, encoding: 'utf8' });
    const fromSource = spawnSync('bash', ['-c', `${TS_RUN} "$0" check`, WRITER], {
      env: { ...env, ...TS_ENVIRONMENT },
      encoding: 'utf8',
    });
    expect(fromBundle).toMatchObject({ status: 0, stdout: 'todo' });
    expect(fromSource).toMatchObject({ status: 0, stdout: 'todo' });
    // An unknown verb fails the same way through both.
    const bad = spawnSync('node', [out, 'frobnicate'], { env, encoding: 'utf8' });
    expect(bad.status).not.toBe(0);
    expect(readFileSync(out, 'utf8')).toContain('write-result');
  });

  it('fails naming the entry when it does not build, and writes nothing', () => {
    const out = path.join(dir, 'bad', 'x.cjs');
    const failed = bundler(path.join(dir, 'nope.ts'), out);
    expect(failed.status).not.toBe(0);
    expect(failed.stderr).toContain('nope.ts');
    expect(spawnSync('test', ['-e', out]).status).not.toBe(0);
  });
});
