// SIGPIPE under pipefail: a consumer that stops reading early (`head`, `grep -q`, `sed …q`, awk's
// `exit`) kills a producer that is still writing, and `set -o pipefail` turns that into a failed pipeline (141),
// by a race. Every shell script of the repository is scanned for such pipelines; the race is reproduced for
// sure with a producer that writes far more than a pipe holds, and the rewritten forms are run against it.
import { execFileSync, spawnSync } from 'child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { earlyExitPipes } from '../../helpers/pipefail-scan';

const root = path.join(__dirname, '..', '..', '..');

/** Every shell script of the work tree (tracked or new, not ignored): *.sh and extension-less files with a shebang. */
function shellScripts(): string[] {
  const listed = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: root,
    encoding: 'utf8',
  })
    .split('\0')
    .filter((f) => f !== '' && existsSync(path.join(root, f)));
  const shebang = (f: string) =>
    /^#!\S*\/(env\s+)?(ba)?sh\b/.test(readFileSync(path.join(root, f), 'utf8').slice(0, 100));
  return [...new Set(listed)]
    .filter((f) => f.endsWith('.sh') || (!path.basename(f).includes('.') && shebang(f)))
    .sort();
}

/** `script` run by bash under `set -euo pipefail`: its exit status and stdout. */
function underPipefail(script: string, cwd: string): { status: number | null; stdout: string } {
  const r = spawnSync('bash', ['-c', `set -euo pipefail\n${script}`], { cwd, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout.trim() };
}

describe('no pipeline of a shell script can fail by SIGPIPE', () => {
  const scripts = shellScripts();

  it('finds the scripts: *.sh and the extension-less ones with a shebang', () => {
    expect(scripts).toEqual(
      expect.arrayContaining([
        'setup.sh',
        '.ci/run',
        'components/kubernetes/build/images.sh',
        'components/prelude.sh',
      ]),
    );
  });

  it('no consumer stops reading before its producer ends', () => {
    const found = scripts.flatMap((file) =>
      earlyExitPipes(readFileSync(path.join(root, file), 'utf8')).map(
        (p) => `${file}:${p.line}: \`${p.consumer.split('\n')[0]}\` — ${p.why}`,
      ),
    );
    // Rewrite: capture the producer first and give the consumer a here-string (`grep -q X <<<"$(cmd)"`), give the
    // consumer the file itself, or read everything (`sed -n 1p`, awk without `exit`).
    expect(found).toEqual([]);
  });
});

describe('the scanner', () => {
  const lines = (script: string) => earlyExitPipes(script).map((p) => p.line);

  it('finds the early consumers, also across lines and inside substitutions', () => {
    expect(lines("x=$(tar -xOf t ./s | awk '/a/{print $2; exit}')")).toEqual([1]);
    expect(lines('a\nb=$(cmd |\n  sed -n 1p | head -n1)\n')).toEqual([3]);
    expect(lines('if ! virsh list | grep -qxF "$n"; then :; fi')).toEqual([1]);
    expect(lines('f() { scontrol ping 2>/dev/null | grep -m1 UP; }')).toEqual([1]);
    expect(lines("v=\"$(sed -n 's/x/y/p' f | sed '/y/q')\"")).toEqual([1]);
    expect(lines('cmd | read -r first')).toEqual([1]);
    expect(lines('cmd | grep --quiet x')).toEqual([1]);
  });

  it('leaves alone consumers that read to the end, quoted bars, case patterns, here-documents and comments', () => {
    const clean = [
      "tar -xOf t ./s | awk '/a/{v = $2} END {print v; exit}'",
      "findmnt | awk -v d=x 'index($0, d) == 1 { f = 1 } END { exit !f }'",
      'gcc --version | sed -n 1p',
      'grep -q x <<<"$(cmd)"',
      'sed -n \'/x/{s//y/p;q;}\' <<<"$info"',
      "jq -r '.[] | .a' f | sort -u | tail -n 1",
      "grep -c . f | grep -v '^0$'",
      'case "$s" in Succeeded | Failed) ;; *) head=1 ;; esac',
      'case "$h" in\n  */cpu | */memory) continue ;;\nesac\ncmd | sort',
      'cat <<EOF\ncmd | head -n1\nEOF\nx=1',
      '# cmd | head -n1',
      'echo "a | head" \'b | grep -q c\'',
      'echo $(( (a << 24) | (b << 16) ))',
      'cmd | head -n1 || true',
      'stranded | while read -r pod _; do kubectl delete pod "$pod"; done',
      'x=${y:-a|b} && cmd | tr a b',
    ];
    for (const script of clean) expect([script, earlyExitPipes(script)]).toEqual([script, []]);
  });
});

describe('the race, reproduced: a producer writing far more than a pipe holds, a consumer that stops early', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'schedbench-sigpipe-'));
    // images.sh's input: a dpkg status file of ~2 MiB in a tar, the stress-ng stanza first.
    const status = path.join(dir, 'root', 'var', 'lib', 'dpkg');
    mkdirSync(status, { recursive: true });
    const stanzas = ['Package: stress-ng\nVersion: 0.15.06-2\n'];
    for (let k = 0; k < 40000; k++) stanzas.push(`Package: filler-${k}\nVersion: 1.${k}\n`);
    writeFileSync(path.join(status, 'status'), stanzas.join('\n'));
    execFileSync('tar', ['-C', path.join(dir, 'root'), '-cf', path.join(dir, 'stress-root.tar'), './var']);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // images.sh's stress-ng statement with an awk that exits at its match, and as images.sh has it (read from
  // the script).
  const earlyExit = `stress_version=$(tar -xOf "$tmp/stress-root.tar" ./var/lib/dpkg/status | awk '/^Package: stress-ng$/{p=1} p && /^Version:/{print $2; exit}')`;
  const imagesSh = readFileSync(path.join(root, 'components/kubernetes/build/images.sh'), 'utf8').split('\n');
  const from = imagesSh.findIndex((l) => l.startsWith('stress_version=$('));
  let to = from;
  while (to < imagesSh.length && /[|\\]$/.test(imagesSh[to])) to++;
  const inScript = imagesSh.slice(from, to + 1).join('\n');

  const TIMES = 20;
  const repeated = (statement: string, result: string) =>
    `tmp=.\nfor _ in $(seq ${TIMES}); do\n${statement}\ndone\nprintf '%s\\n' "${result}"`;

  it("images.sh's stress-ng version: an awk that exits early fails with SIGPIPE, the script's statement never", () => {
    expect(from).toBeGreaterThanOrEqual(0);
    const early = underPipefail(repeated(earlyExit, '$stress_version'), dir);
    expect(early.status).not.toBe(0); // 141 = 128 + SIGPIPE: tar was killed writing to the exited awk
    expect(earlyExitPipes(earlyExit)).toHaveLength(1);

    const scripted = underPipefail(repeated(inScript, '$stress_version'), dir);
    expect(scripted).toEqual({ status: 0, stdout: '0.15.06-2' });
    expect(earlyExitPipes(inScript)).toEqual([]);
  });

  // Each early consumer against a ~3.4 MB producer (seq), and the form the scripts use instead.
  const pairs: { name: string; old: string; fixed: string; result: string }[] = [
    {
      name: 'head -n1 → sed -n 1p (build.sh)',
      old: 'first=$(seq 1 500000 | head -n1)',
      fixed: 'first=$(seq 1 500000 | sed -n 1p)',
      result: '$first',
    },
    {
      name: 'producer | grep -q → grep -q on a here-string (start-controller.sh, accel.sh, …)',
      old: "seq 1 500000 | grep -q '^1$'",
      fixed: 'grep -q \'^1$\' <<<"$(seq 1 500000)"',
      result: 'found',
    },
    {
      name: 'producer | sed …q → output captured first (build.sh)',
      old: "first=$(seq 1 500000 | sed -n '/^1$/{p;q;}')",
      fixed: 'out=$(seq 1 500000)\nfirst=$(sed -n \'/^1$/{p;q;}\' <<<"$out")',
      result: '$first',
    },
  ];
  it.each(pairs)('$name', ({ old, fixed, result }) => {
    expect(underPipefail(repeated(old, result), dir).status).not.toBe(0);
    expect(earlyExitPipes(old)).toHaveLength(1);
    expect(underPipefail(repeated(fixed, result), dir)).toEqual({
      status: 0,
      stdout: result === 'found' ? 'found' : '1',
    });
    expect(earlyExitPipes(fixed)).toEqual([]);
  });
});
