// The stage library's locks and package installs (components/stages.sh), run by bash: with_lock serialises under a
// private lock directory and refuses one that is not (a symlink, a directory others can change, a planted lock
// file); install_packages installs only what dpkg says is missing, under the lock. SCHEDBENCH_LOCK_DIR points the
// library at a directory of the test's instead of /run/schedbench/lock; the checks are the same.
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { runBash, runBashAsync, standIn } from './bash';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'schedbench-lock-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const mode = (p: string) => statSync(p).mode & 0o7777;

describe('with_lock', () => {
  it('makes the lock directory (0700) and runs the command in this shell, holding the lock', () => {
    const lockDir = path.join(dir, 'run', 'lock');
    const r = runBash('with_lock apt set_it; echo "$it"', { SCHEDBENCH_LOCK_DIR: lockDir }, {});
    expect(r.stderr).toContain('set_it: command not found');
    const ok = runBash(
      'set_it() { it=done; if flock -n "$SCHEDBENCH_LOCK_DIR/apt.lock" true; then echo "not held"; fi; }\nwith_lock apt set_it\necho "$it"',
      {
        SCHEDBENCH_LOCK_DIR: lockDir,
      },
    );
    expect([ok.status, ok.stdout, ok.stderr]).toEqual([0, 'done\n', '']);
    expect(mode(lockDir)).toBe(0o700);
    expect(lstatSync(path.join(lockDir, 'apt.lock')).isFile()).toBe(true);
  });

  it("returns the command's status and releases the lock", () => {
    const env = { SCHEDBENCH_LOCK_DIR: path.join(dir, 'lock') };
    const r = runBash(
      'if with_lock x false; then echo held; else echo "status $?"; fi\nwith_lock x true && echo again',
      env,
    );
    expect(r.stdout).toBe('status 1\nagain\n');
  });

  it('one holder at a time: a second waits, and gives up after LOCK_WAIT_SECONDS saying so', async () => {
    const env = { SCHEDBENCH_LOCK_DIR: path.join(dir, 'lock') };
    const holder = runBashAsync(`with_lock apt bash -c 'touch "$1/held"; sleep 2' _ "${dir}"`, env);
    for (let i = 0; i < 100 && !existsSync(path.join(dir, 'held')); i++)
      await new Promise((r) => setTimeout(r, 20));
    const t0 = Date.now();
    const blocked = runBash('with_lock apt echo got it', { ...env, LOCK_WAIT_SECONDS: '1' });
    expect(blocked.status).toBe(1);
    expect(blocked.stdout).toBe('');
    expect(blocked.stderr).toContain('could not take');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
    // Another lock name is another lock.
    expect(runBash('with_lock other echo free', env).stdout).toBe('free\n');
    expect((await holder).status).toBe(0);
    expect(runBash('with_lock apt echo got it', env).stdout).toBe('got it\n');
  });

  it('refuses a symlinked lock directory, and touches nothing behind it', () => {
    const target = path.join(dir, 'elsewhere');
    mkdirSync(target, { mode: 0o755 });
    symlinkSync(target, path.join(dir, 'lock'));
    const r = runBash('with_lock apt echo ran', { SCHEDBENCH_LOCK_DIR: path.join(dir, 'lock') });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('is a symlink or not a directory');
    expect(mode(target)).toBe(0o755);
    expect(existsSync(path.join(target, 'apt.lock'))).toBe(false);
  });

  it('refuses a lock directory below a symlink', () => {
    mkdirSync(path.join(dir, 'real', 'lock'), { recursive: true, mode: 0o700 });
    chmodSync(path.join(dir, 'real', 'lock'), 0o700);
    symlinkSync(path.join(dir, 'real'), path.join(dir, 'link'));
    const r = runBash('with_lock apt echo ran', { SCHEDBENCH_LOCK_DIR: path.join(dir, 'link', 'lock') });
    expect([r.status, r.stdout]).toEqual([1, '']);
    expect(r.stderr).toContain(`${path.join(dir, 'link')} is a symlink`);
  });

  it('refuses a lock directory others may change, or one of another mode than 0700', () => {
    const open = path.join(dir, 'open');
    mkdirSync(open);
    chmodSync(open, 0o777);
    const below = runBash('with_lock apt echo ran', { SCHEDBENCH_LOCK_DIR: path.join(open, 'lock') });
    expect([below.status, below.stdout]).toEqual([1, '']);
    expect(below.stderr).toContain('may be changed by others');

    const wide = path.join(dir, 'wide');
    mkdirSync(wide);
    chmodSync(wide, 0o755);
    const r = runBash('with_lock apt echo ran', { SCHEDBENCH_LOCK_DIR: wide });
    expect([r.status, r.stdout]).toEqual([1, '']);
    expect(r.stderr).toContain('mode 755');
    expect(mode(wide)).toBe(0o755);
  });

  it('refuses a planted lock file (a symlink) and never writes through it', () => {
    const lockDir = path.join(dir, 'lock');
    mkdirSync(lockDir);
    chmodSync(lockDir, 0o700);
    symlinkSync(path.join(dir, 'victim'), path.join(lockDir, 'apt.lock'));
    const r = runBash('with_lock apt echo ran', { SCHEDBENCH_LOCK_DIR: lockDir });
    expect([r.status, r.stdout]).toEqual([1, '']);
    expect(r.stderr).toContain('a symlink or not a plain file');
    expect(existsSync(path.join(dir, 'victim'))).toBe(false);
  });

  it("the command sees the script's variables, not the library's (bash scopes dynamically)", () => {
    const r = runBash(
      'dir=mine name=mine file=mine status=mine d=mine mode=mine uid=mine\nshow() { echo "$dir $name $file $status $d $mode $uid"; }\nwith_lock apt show',
      { SCHEDBENCH_LOCK_DIR: path.join(dir, 'lock') },
    );
    expect([r.status, r.stdout]).toEqual([0, 'mine mine mine mine mine mine mine\n']);
  });

  it('refuses a lock name that is not a plain name, and a missing command', () => {
    const env = { SCHEDBENCH_LOCK_DIR: path.join(dir, 'lock') };
    expect(runBash('with_lock ../apt echo ran', env)).toMatchObject({ status: 2, stdout: '' });
    expect(runBash('with_lock apt', env)).toMatchObject({
      status: 2,
      stderr: expect.stringContaining('no command'),
    });
  });

  it('drop_lock removes the lock file (a cluster leaves nothing behind), and is quiet when there is none', () => {
    const env = { SCHEDBENCH_LOCK_DIR: path.join(dir, 'lock') };
    expect(runBash('drop_lock apt', env)).toMatchObject({ status: 0, stderr: '' });
    expect(existsSync(path.join(dir, 'lock'))).toBe(false);
    runBash('with_lock apt true', env);
    expect(existsSync(path.join(dir, 'lock', 'apt.lock'))).toBe(true);
    expect(runBash('drop_lock apt', env).status).toBe(0);
    expect(existsSync(path.join(dir, 'lock', 'apt.lock'))).toBe(false);
  });
});

describe('install_packages', () => {
  /** dpkg-query that knows the packages listed in $DIR/installed; apt-get that records its call and installs. */
  function standIns(): string {
    const bin = path.join(dir, 'bin');
    standIn(
      bin,
      'dpkg-query',
      `pkg="\${*: -1}"
if grep -qxF -- "$pkg" "$DIR/installed"; then
  case "$*" in *Status*) printf 'install ok installed' ;; *) printf '1.0-%s' "$pkg" ;; esac
else
  echo "dpkg-query: no packages found matching $pkg" >&2; exit 1
fi`,
    );
    standIn(
      bin,
      'apt-get',
      `if flock -n "$SCHEDBENCH_LOCK_DIR/apt.lock" true; then echo "not under the lock" >&2; fi
printf '%s\\n' "$*" >>"$DIR/apt-calls"
echo "RUNLEVEL=$RUNLEVEL DEBIAN_FRONTEND=$DEBIAN_FRONTEND" >>"$DIR/apt-calls"
for p in "\${@:6}"; do echo "$p" >>"$DIR/installed"; done
echo "apt says things on stdout"`,
    );
    return bin;
  }

  it('installs what is missing, under the lock, apt on stderr; then nothing more', () => {
    const bin = standIns();
    writeFileSync(path.join(dir, 'installed'), 'jq\n');
    const env = { DIR: dir, SCHEDBENCH_LOCK_DIR: path.join(dir, 'lock') };
    const r = runBash(
      'install_packages jq stress-ng munge; missing_packages jq stress-ng munge; echo done',
      env,
      { bin },
    );
    expect([r.status, r.stdout]).toEqual([0, 'done\n']);
    expect(r.stderr).toContain('installing stress-ng munge');
    expect(r.stderr).toContain('apt says things on stdout');
    expect(r.stderr).not.toContain('not under the lock');
    expect(readFileSync(path.join(dir, 'apt-calls'), 'utf8')).toBe(
      '-o DPkg::Lock::Timeout=600 install -y --no-install-recommends stress-ng munge\n' +
        'RUNLEVEL=1 DEBIAN_FRONTEND=noninteractive\n',
    );
    // All there: no apt, no lock taken (the lock directory is not even made).
    rmSync(path.join(dir, 'lock'), { recursive: true });
    const again = runBash('install_packages jq stress-ng munge; package_version munge', env, { bin });
    expect([again.status, again.stdout]).toEqual([0, '1.0-munge']);
    expect(existsSync(path.join(dir, 'lock'))).toBe(false);
  });

  it('machine_facts: this node as the install stages report it', () => {
    const r = runBash('machine_facts');
    expect(JSON.parse(r.stdout)).toEqual({
      os: expect.any(String),
      kernel: expect.any(String),
      host: expect.any(String),
      hostCpus: expect.any(Number),
    });
  });
});
