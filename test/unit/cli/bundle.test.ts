// The CLI bundle's life cycle (bin/cli-bundle.js) on a small source tree of its own in a temporary directory —
// never the real sources: built on first run, reused while its sources are unchanged, rebuilt when one changes
// (even with the same size and mtime), and the sources run through tsx, said once on stderr, when esbuild fails.
import { spawnSync } from 'child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';

const REPO = path.join(__dirname, '..', '..', '..');

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** A tree shaped like the repository: bin/ copied from it, node_modules linked, a CLI of two lines. */
function fakeTree(): {
  root: string;
  bundle: string;
  write: (file: string, text: string) => void;
  run: () => Run;
} {
  const root = mkdtempSync(path.join(tmpdir(), 'schedbench-cli-bundle-'));
  mkdirSync(path.join(root, 'bin'));
  mkdirSync(path.join(root, 'cli'));
  for (const file of ['schedbench.js', 'cli-bundle.js'])
    copyFileSync(path.join(REPO, 'bin', file), path.join(root, 'bin', file));
  copyFileSync(path.join(REPO, 'tsconfig.json'), path.join(root, 'tsconfig.json'));
  symlinkSync(path.join(REPO, 'node_modules'), path.join(root, 'node_modules'));
  const write = (file: string, text: string) => writeFileSync(path.join(root, file), text);
  write('package.json', '{ "name": "fake-schedbench", "private": true }\n');
  write(
    'cli/main.ts',
    [
      "import { message } from './message';",
      'async function main(): Promise<void> {',
      "  const { later } = await import('./later');",
      '  process.stdout.write(`${message} ${later}\\n`);',
      '}',
      'void main();',
      '',
    ].join('\n'),
  );
  write('cli/message.ts', "export const message: string = 'one';\n");
  write('cli/later.ts', "export const later: string = 'lazy';\n");
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.SCHEDBENCH_TSX;
  const run = (): Run => {
    const r = spawnSync(process.execPath, [path.join(root, 'bin', 'schedbench.js')], {
      cwd: root,
      encoding: 'utf8',
      env,
    });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  return { root, bundle: path.join(root, '.schedbench', 'cli', 'main.cjs'), write, run };
}

/** The bundle file's identity: a rebuild renames a new file into place, so the inode changes. */
const identity = (file: string): string => {
  const s = statSync(file, { bigint: true });
  return `${s.ino}:${s.mtimeNs}`;
};

describe('the CLI bundle', () => {
  let tree: ReturnType<typeof fakeTree>;
  beforeEach(() => {
    tree = fakeTree();
  });
  afterEach(() => rmSync(tree.root, { recursive: true, force: true }));

  it('is built on the first run and reused while its sources are unchanged', () => {
    expect(tree.run()).toEqual({ status: 0, stdout: 'one lazy\n', stderr: '' });
    const built = identity(tree.bundle);
    // The header lists every module bundled, the lazily imported one too, and the build settings.
    const header = readFileSync(tree.bundle, 'utf8').split('\n')[0] ?? '';
    for (const file of [
      'cli/main.ts',
      'cli/message.ts',
      'cli/later.ts',
      'tsconfig.json',
      'bin/cli-bundle.js',
    ])
      expect(header).toContain(`"${file}"`);
    expect(tree.run()).toEqual({ status: 0, stdout: 'one lazy\n', stderr: '' });
    expect(identity(tree.bundle)).toBe(built);
  });

  it('is rebuilt when a module it bundles changes, even keeping its size and mtime', () => {
    tree.run();
    const file = path.join(tree.root, 'cli', 'message.ts');
    const before = statSync(file);
    tree.write('cli/message.ts', "export const message: string = 'two';\n");
    utimesSync(file, before.atime, before.mtime);
    expect(statSync(file).size).toBe(before.size);
    expect(tree.run()).toEqual({ status: 0, stdout: 'two lazy\n', stderr: '' });
  });

  it('is rebuilt when a lazily imported module changes', () => {
    tree.run();
    tree.write('cli/later.ts', "export const later: string = 'edited';\n");
    expect(tree.run()).toEqual({ status: 0, stdout: 'one edited\n', stderr: '' });
  });

  it('is rebuilt when a build setting changes (tsconfig.json)', () => {
    tree.run();
    const built = identity(tree.bundle);
    tree.write('tsconfig.json', `${readFileSync(path.join(REPO, 'tsconfig.json'), 'utf8')}\n`);
    expect(tree.run()).toEqual({ status: 0, stdout: 'one lazy\n', stderr: '' });
    expect(identity(tree.bundle)).not.toBe(built);
  });

  it('is rebuilt when a module it bundles is gone, and imports resolve anew', () => {
    tree.run();
    rmSync(path.join(tree.root, 'cli', 'message.ts'));
    tree.write('cli/message.js', "exports.message = 'from js';\n");
    expect(tree.run()).toEqual({ status: 0, stdout: 'from js lazy\n', stderr: '' });
  });

  it('falls back to the sources through tsx when esbuild cannot build, saying so once', () => {
    tree.run();
    // Bundling must resolve every import; tsx only the ones that run. The stale bundle must not run.
    tree.write(
      'cli/main.ts',
      [
        "import { message } from './message';",
        "export const never = (): Promise<unknown> => import('./missing');",
        'process.stdout.write(`${message} through tsx\\n`);',
        '',
      ].join('\n'),
    );
    const r = tree.run();
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('one through tsx\n');
    const lines = r.stderr.split('\n').filter((l) => l !== '');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^schedbench: could not build the CLI bundle \(cli\/main\.ts:2: Could not resolve "\.\/missing"\); running the TypeScript sources through tsx$/,
    );
  });
});
