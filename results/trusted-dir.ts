// Writing results and the tracking queue as root without being led elsewhere: files go only into a directory that
// nobody else can change (owned by root — or by the user running schedbench, or by the repository's owner, who can
// change the code root runs anyway — and not writable by its group or others), reached without a symlink through directories that are just as trusted, except that a directory above
// it may be a sticky one such as /tmp or /var/tmp (mode 1777): there others may add their own entries but can
// neither remove nor rename ours, so what lies below stays ours — the rule the shell lock code applies
// (components/stages.sh, with_lock). Missing directories are made one level at a time (one someone else made
// first is refused), and files are written through a temporary file of an unpredictable name created with
// O_EXCL|O_NOFOLLOW in the target directory, then renamed into place (a rename replaces a link, it never follows it).
import { randomBytes } from 'crypto';
import {
  closeSync,
  constants,
  fstatSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'fs';
import * as path from 'path';
import { REPO_ROOT } from '../components/repo-root';

/** A directory refused as a place to write in (a symlink, someone else's, writable by others). */
export class UntrustedDirectoryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UntrustedDirectoryError';
  }
}

const errorText = (err: unknown): string =>
  typeof err === 'object' && err !== null && 'message' in err && typeof err.message === 'string'
    ? err.message
    : String(err);

/** An fs error's code (duck-typed: under jest, node's errors are not instances of the test realm's Error). */
const errorCode = (err: unknown): unknown =>
  typeof err === 'object' && err !== null && 'code' in err ? err.code : undefined;

const STICKY = 0o1000;

/**
 * The owner of the repository this code runs from: who can change the code root runs can already do anything root
 * does, so trusting their directories gives them nothing more — and a clone in a user's home, run with `sudo`,
 * keeps its `runs/`.
 */
function repositoryOwner(): number | undefined {
  try {
    return lstatSync(REPO_ROOT).uid;
  } catch {
    return undefined;
  }
}

/** Owners whose directories this process may write in: root, the user it runs as, the repository's owner. */
function trustedOwner(uid: number): boolean {
  return uid === 0 || uid === process.geteuid?.() || uid === repositoryOwner();
}

function ownersText(): string {
  const owners = new Set([0, process.geteuid?.() ?? 0, repositoryOwner() ?? 0]);
  return [...owners].map((uid) => (uid === 0 ? 'root' : `uid ${uid}`)).join(' or ');
}

/**
 * Why the existing path `dir` is not trusted, or undefined when it is: a real directory of a trusted owner, not
 * writable by its group or others — or, for a directory above the one written in (`above`), writable by them but
 * sticky.
 */
function problemOf(dir: string, above: boolean): string | undefined {
  const st = lstatSync(dir);
  if (st.isSymbolicLink()) return `${dir} is a symbolic link`;
  if (!st.isDirectory()) return `${dir} is not a directory`;
  if (!trustedOwner(st.uid)) return `${dir} is owned by uid ${st.uid}, not by ${ownersText()}`;
  const mode = (st.mode & 0o7777).toString(8).padStart(4, '0');
  if ((st.mode & 0o022) !== 0 && !(above && (st.mode & STICKY) !== 0))
    return above
      ? `${dir} is writable by its group or by others and not sticky (mode ${mode})`
      : `${dir} is writable by its group or by others (mode ${mode})`;
  return undefined;
}

/** `/`, `/a`, `/a/b`, … `dir` (absolute, normalised). */
function ancestry(dir: string): string[] {
  const absolute = path.resolve(dir);
  const parts = absolute.split(path.sep).filter((p) => p !== '');
  return [path.sep, ...parts.map((_, i) => path.sep + parts.slice(0, i + 1).join(path.sep))];
}

function refuse(label: string, dir: string, problem: string): never {
  throw new UntrustedDirectoryError(
    `${label}: ${path.resolve(dir)}: ${problem}; schedbench writes here only in a real directory (no symlink on ` +
      `its path) that only ${ownersText()} can change (owned so, not group- or world-writable), as must be every ` +
      'directory above it but a sticky one such as /tmp',
  );
}

/**
 * Checks that `dir` exists and that it and every directory above it is trusted (checked from `/` down, so a
 * symlink anywhere on the way is seen as one). `label` names the setting in the message.
 */
export function assertTrustedDir(dir: string, label: string): string {
  const steps = ancestry(dir);
  for (const [i, step] of steps.entries()) {
    let problem: string | undefined;
    try {
      problem = problemOf(step, i < steps.length - 1);
    } catch (err) {
      refuse(label, dir, `${step} cannot be examined (${errorText(err)})`);
    }
    if (problem !== undefined) refuse(label, dir, problem);
  }
  return path.resolve(dir);
}

/**
 * Makes `dir` (mode 0755, one level at a time, never through a link) under trusted directories, or checks the
 * existing one; returns its absolute path. Throws UntrustedDirectoryError naming `label` and the first problem.
 */
export function ensureTrustedDir(dir: string, label: string): string {
  const steps = ancestry(dir);
  for (const [i, step] of steps.entries()) {
    const above = i < steps.length - 1;
    let problem: string | undefined;
    try {
      problem = problemOf(step, above);
    } catch (err) {
      if (errorCode(err) !== 'ENOENT') refuse(label, dir, `${step} cannot be examined (${errorText(err)})`);
      try {
        mkdirSync(step, { mode: 0o755 });
      } catch (made) {
        if (errorCode(made) !== 'EEXIST')
          refuse(label, dir, `${step} could not be made (${errorText(made)})`);
      }
      // Made by us, or (EEXIST) by someone quicker: examined as any other, so someone else's is refused.
      try {
        problem = problemOf(step, above);
      } catch (again) {
        refuse(label, dir, `${step} cannot be examined (${errorText(again)})`);
      }
    }
    if (problem !== undefined) refuse(label, dir, problem);
  }
  return path.resolve(dir);
}

/**
 * Writes `file` atomically in a trusted directory (made when missing): a temporary file `.<name>.<random>.tmp`
 * created exclusively (O_EXCL|O_NOFOLLOW, `mode`) beside it, synced, then renamed over `file`.
 */
export function writeFileTrusted(file: string, data: string | Buffer, label: string, mode = 0o644): void {
  const dir = ensureTrustedDir(path.dirname(path.resolve(file)), label);
  const target = path.join(dir, path.basename(file));
  const temporary = path.join(dir, `.${path.basename(file)}.${randomBytes(12).toString('hex')}.tmp`);
  const fd = openSync(
    temporary,
    constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
    mode,
  );
  try {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    for (let written = 0; written < bytes.length;)
      written += writeSync(fd, bytes, written, bytes.length - written);
    fsyncSync(fd);
    closeSync(fd);
    renameSync(temporary, target);
  } catch (err) {
    try {
      closeSync(fd);
    } catch {
      // closed already
    }
    rmSync(temporary, { force: true });
    throw err;
  }
}

/** Reads a regular file without following a symlink at its last component (a link is an error, ELOOP). */
export function readFileNoFollow(file: string): Buffer {
  const fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    if (!fstatSync(fd).isFile()) throw new Error(`${file} is not a regular file`);
    return readFileSync(fd);
  } finally {
    closeSync(fd);
  }
}
