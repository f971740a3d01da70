// Where root writes results and the tracking queue (audit #29, N7): only in a directory nobody else can change —
// no symlink on the way, nobody else's, not group- or world-writable, though a sticky directory such as /tmp may
// be above it — made one level at a time; files through an exclusive temporary file of an unpredictable name,
// never through a link.
import { spawnSync } from 'child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import {
  assertTrustedDir,
  ensureTrustedDir,
  readFileNoFollow,
  UntrustedDirectoryError,
  writeFileTrusted,
} from '../../../results/trusted-dir';
import { TS_ENVIRONMENT, TS_RUN } from '../../../components/tsx';

const REPO = path.join(__dirname, '..', '..', '..');
/** Ownership by another user can only be set up as root. */
const asRoot = process.geteuid?.() === 0 ? it : it.skip;
const NOBODY = 65534;

let dir: string;
beforeEach(() => {
  // Under the system's temporary directory (sticky, mode 1777), as users' resultsDir may be.
  dir = mkdtempSync(path.join(tmpdir(), 'trust-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('trusted directories', () => {
  it('makes a missing directory tree under /tmp, each level a real directory of ours (0755)', () => {
    expect(statSync(tmpdir()).mode & 0o1777).toBe(0o1777); // the sticky world-writable case
    const made = ensureTrustedDir(path.join(dir, 'runs', 'id', 'stack'), 'resultsDir');
    expect(made).toBe(path.join(dir, 'runs', 'id', 'stack'));
    expect(statSync(made).mode & 0o7777).toBe(0o755);
    expect(() => assertTrustedDir(made, 'resultsDir')).not.toThrow();
    writeFileTrusted(path.join(made, 'r.json'), '{}\n', 'resultsDir');
    expect(readFileSync(path.join(made, 'r.json'), 'utf8')).toBe('{}\n');
  });

  it('refuses a path through a symlink, naming the setting and the link, and makes nothing behind it', () => {
    const elsewhere = path.join(dir, 'elsewhere');
    mkdirSync(elsewhere);
    symlinkSync(elsewhere, path.join(dir, 'runs'));
    expect(() => ensureTrustedDir(path.join(dir, 'runs', 'id'), 'schedbench:resultsDir')).toThrow(
      new RegExp(`^schedbench:resultsDir: .*: ${path.join(dir, 'runs')} is a symbolic link`),
    );
    expect(readdirSync(elsewhere)).toEqual([]);
  });

  it('refuses a group- or world-writable directory on the way that is not sticky', () => {
    const open = path.join(dir, 'open');
    mkdirSync(open);
    chmodSync(open, 0o775);
    expect(() => ensureTrustedDir(path.join(open, 'runs'), 'resultsDir')).toThrow(UntrustedDirectoryError);
    expect(() => ensureTrustedDir(path.join(open, 'runs'), 'resultsDir')).toThrow(
      /writable by its group or by others and not sticky \(mode 0775\)/,
    );
    expect(existsSync(path.join(open, 'runs'))).toBe(false);
  });

  it('a sticky world-writable directory is fine above, never as the directory written in', () => {
    const shared = path.join(dir, 'shared');
    mkdirSync(shared);
    chmodSync(shared, 0o1777);
    expect(() => ensureTrustedDir(path.join(shared, 'runs'), 'resultsDir')).not.toThrow();
    expect(() => writeFileTrusted(path.join(shared, 'r.json'), '{}\n', 'resultsDir')).toThrow(
      /shared is writable by its group or by others \(mode 1777\)/,
    );
    expect(() => assertTrustedDir(tmpdir(), 'resultsDir')).toThrow(UntrustedDirectoryError);
    expect(readdirSync(shared)).toEqual(['runs']);
  });

  asRoot('refuses a directory of another user, above or planted at a name it was to make', () => {
    const theirs = path.join(dir, 'theirs');
    mkdirSync(theirs, { mode: 0o755 });
    chownSync(theirs, NOBODY, NOBODY);
    expect(() => ensureTrustedDir(path.join(theirs, 'runs'), 'resultsDir')).toThrow(
      new RegExp(`${theirs} is owned by uid ${NOBODY}, not by root`),
    );
    expect(existsSync(path.join(theirs, 'runs'))).toBe(false);
    // In a sticky directory anyone may make the name first: what they made is theirs, and refused.
    const shared = path.join(dir, 'shared');
    mkdirSync(shared);
    chmodSync(shared, 0o1777);
    mkdirSync(path.join(shared, 'runs'));
    chownSync(path.join(shared, 'runs'), NOBODY, NOBODY);
    expect(() => writeFileTrusted(path.join(shared, 'runs', 'r.json'), '{}\n', 'resultsDir')).toThrow(
      /owned by uid 65534/,
    );
    expect(readdirSync(path.join(shared, 'runs'))).toEqual([]);
  });

  it('a file planted at the final name as a symlink is replaced, the file it pointed to untouched', () => {
    const victim = path.join(dir, 'victim');
    writeFileSync(victim, 'untouched\n');
    symlinkSync(victim, path.join(dir, 'result.json'));
    writeFileTrusted(path.join(dir, 'result.json'), '{}\n', 'resultsDir');
    expect(readFileSync(victim, 'utf8')).toBe('untouched\n');
    expect(readFileNoFollow(path.join(dir, 'result.json')).toString()).toBe('{}\n');
    // The temporary file is gone, and it never had the predictable `<file>.<pid>.tmp` name.
    expect(readdirSync(dir).sort()).toEqual(['result.json', 'victim']);
  });

  it('a link at the old predictable temporary name is not followed', () => {
    const victim = path.join(dir, 'victim');
    writeFileSync(victim, 'untouched\n');
    symlinkSync(victim, path.join(dir, `result.json.${process.pid}.tmp`));
    writeFileTrusted(path.join(dir, 'result.json'), 'new\n', 'resultsDir');
    expect(readFileSync(victim, 'utf8')).toBe('untouched\n');
    expect(readFileSync(path.join(dir, 'result.json'), 'utf8')).toBe('new\n');
  });

  it('reading never follows a link', () => {
    symlinkSync('/etc/hostname', path.join(dir, 'x.json'));
    expect(() => readFileNoFollow(path.join(dir, 'x.json'))).toThrow(/ELOOP/);
  });
});

describe('write-result.ts (runs as root on the results directory)', () => {
  const writer = (mode: string, resultPath: string) =>
    spawnSync('bash', ['-c', `${TS_RUN} "$WRITER" "$MODE"`], {
      encoding: 'utf8',
      env: {
        ...process.env,
        ...TS_ENVIRONMENT,
        WRITER: path.join(REPO, 'workloads', 'write-result.ts'),
        MODE: mode,
        RESULT_PATH: resultPath,
      },
    });

  it('refuses a results directory reached through a symlink: nothing there is moved aside or written', () => {
    const elsewhere = path.join(dir, 'elsewhere');
    mkdirSync(elsewhere);
    writeFileSync(path.join(elsewhere, 'r.json'), 'not a RunResult, and not schedbench’s\n');
    symlinkSync(elsewhere, path.join(dir, 'runs'));
    const result = writer('check', path.join(dir, 'runs', 'r.json'));
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('is a symbolic link');
    expect(readdirSync(elsewhere)).toEqual(['r.json']);
  });

  it('a result under /tmp is still checked as usual', () => {
    expect(writer('check', path.join(dir, 'runs', 'id', 'r.json'))).toMatchObject({
      status: 0,
      stdout: 'todo',
    });
  });
});
