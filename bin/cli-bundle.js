'use strict';
// How `schedbench` starts: cli/main.ts and every project module it imports as one CommonJS file built by esbuild
// (npm packages stay external, required from node_modules at run time), so a command does not transform and load
// its TypeScript sources through tsx at every start. The bundle lives in .schedbench/cli/ (git-ignored).
// Its first line lists every file it was built from with its SHA-256; when one differs, or is gone, the bundle
// is built again before it runs, so an edited source never runs stale. When esbuild cannot build it, the sources
// run through tsx, as they did before the bundle, and stderr says so once. SCHEDBENCH_TSX=1 always runs the
// sources through tsx (the bench and the tests compare the two paths).
// Plain JavaScript: it must run before anything can load TypeScript.
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { pathToFileURL } = require('url');

/** The repository this file belongs to (bin/..): the bundle is made from its sources and lives in it. */
const ROOT = path.join(__dirname, '..');
const ENTRY = path.join(ROOT, 'cli', 'main.ts');
const BUNDLE = path.join(ROOT, '.schedbench', 'cli', 'main.cjs');
/** The first line of the bundle: this, then the JSON object {file relative to ROOT: SHA-256 of its bytes}. */
const HEADER = '// schedbench-cli-inputs ';
/**
 * What shapes the bundle besides the modules esbuild reads: its options (this file) and the compiler and package
 * settings esbuild takes from the tree. Hashed with the modules, so changing any of them rebuilds.
 */
const SETTINGS = [path.relative(ROOT, __filename), 'tsconfig.json', 'package.json'];
/** esbuild's loader for a source file by extension: a plugin that supplies the text must also name its loader. */
const LOADERS = {
  '.ts': 'ts',
  '.mts': 'ts',
  '.cts': 'ts',
  '.tsx': 'tsx',
  '.js': 'js',
  '.cjs': 'js',
  '.mjs': 'js',
  '.jsx': 'jsx',
  '.json': 'json',
};

const sha256 = (bytes) => crypto.createHash('sha256').update(bytes).digest('hex');

/**
 * Whether the bundle exists and every file it was built from still has the bytes it had: one read and one hash
 * per file (≈ 110 files, a few milliseconds). Comparing mtimes would save those milliseconds but miss an edit that
 * keeps its file's mtime (a copy that preserves times, two saves within the clock's resolution).
 */
function isFresh() {
  let text;
  try {
    text = fs.readFileSync(BUNDLE, 'utf8');
  } catch {
    return false;
  }
  if (!text.startsWith(HEADER)) return false;
  let inputs;
  try {
    inputs = JSON.parse(text.slice(HEADER.length, text.indexOf('\n')));
  } catch {
    return false;
  }
  if (inputs === null || typeof inputs !== 'object' || Object.keys(inputs).length === 0) return false;
  for (const [file, digest] of Object.entries(inputs)) {
    let bytes;
    try {
      bytes = fs.readFileSync(path.join(ROOT, file));
    } catch {
      return false;
    }
    if (sha256(bytes) !== digest) return false;
  }
  return true;
}

/**
 * Builds the bundle and writes it (atomically: a concurrent run reads the old file or the new one, never half of
 * one; the inputs it lists are in the same file, so they always describe the code beside them). The plugin reads
 * every module for esbuild and hashes exactly those bytes: a file edited during the build is listed with what was
 * bundled, and the next run sees that it changed.
 */
async function build() {
  const esbuild = require('esbuild');
  const inputs = {};
  for (const file of SETTINGS) inputs[file] = sha256(fs.readFileSync(path.join(ROOT, file)));
  const hashInputs = {
    name: 'schedbench-hash-inputs',
    setup(b) {
      b.onLoad({ filter: /.*/, namespace: 'file' }, async (args) => {
        const loader = LOADERS[path.extname(args.path)];
        if (loader === undefined) throw new Error(`no loader for ${args.path}`);
        const contents = await fs.promises.readFile(args.path);
        inputs[path.relative(ROOT, args.path)] = sha256(contents);
        return { contents, loader };
      });
    },
  };
  const result = await esbuild.build({
    entryPoints: [ENTRY],
    absWorkingDir: ROOT,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    // require()d from node_modules at run time: the bundle is small and quick to make, and packages load as usual.
    packages: 'external',
    // Classes and functions keep their names (esbuild renames clashes between modules): output that shows a
    // constructor's name stays what it is with tsx.
    keepNames: true,
    define: {
      // Where components/repo-root.ts finds the repository from the bundle's folder (its __dirname here).
      SCHEDBENCH_BUNDLE_TO_ROOT: JSON.stringify(path.relative(path.dirname(BUNDLE), ROOT)),
      // A module that is also a script (`if (require.main === module) main()`, e.g. the Kubernetes go.mod
      // writer) shares the bundle's one `module`: it must never take the bundle for its own script.
      'require.main': 'undefined',
    },
    legalComments: 'none',
    logLevel: 'silent',
    write: false,
    plugins: [hashInputs],
  });
  const output = result.outputFiles[0];
  if (output === undefined) throw new Error('esbuild wrote nothing');
  const sorted = Object.fromEntries(Object.entries(inputs).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  fs.mkdirSync(path.dirname(BUNDLE), { recursive: true });
  const tmp = `${BUNDLE}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(tmp, `${HEADER}${JSON.stringify(sorted)}\n${output.text}`);
    fs.renameSync(tmp, BUNDLE);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

/** esbuild's first error as one line (`file:line: text`), or the error's own first line. */
function describe(err) {
  const first =
    err !== null && typeof err === 'object' && Array.isArray(err.errors) ? err.errors[0] : undefined;
  if (first !== undefined && first !== null && typeof first.text === 'string') {
    const where = first.location ? `${first.location.file}:${first.location.line}: ` : '';
    return `${where}${first.text}`;
  }
  return String(err instanceof Error ? err.message : err).split('\n')[0];
}

/** The TypeScript sources through tsx, in this process: tsx's hooks for both require() and import(). */
async function runSources() {
  await import(pathToFileURL(require.resolve('tsx')).href);
  require(ENTRY);
}

/** Runs the CLI: the bundle when it is fresh, else after building it, else the sources through tsx. */
function start() {
  if (process.env.SCHEDBENCH_TSX === '1') return void runSources();
  if (isFresh()) return void require(BUNDLE);
  build().then(
    () => require(BUNDLE),
    (err) => {
      process.stderr.write(
        `schedbench: could not build the CLI bundle (${describe(err)}); running the TypeScript sources through tsx\n`,
      );
      return runSources();
    },
  );
}

module.exports = { start };
