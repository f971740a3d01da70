// The CLI through its bundle answers exactly as the TypeScript sources through tsx (SCHEDBENCH_TSX=1): same
// stdout, stderr and exit code; and a command loaded alone (`schedbench <name> …` loads only its module) says what
// it says among all of them (`schedbench help <name>` loads every module).
import { spawnSync } from 'child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';

const REPO = path.join(__dirname, '..', '..', '..');
const BIN = path.join(REPO, 'bin', 'schedbench.js');
const BAD = path.join('test', 'fixtures', 'config', 'bad');

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function schedbench(args: readonly string[], through: 'bundle' | 'tsx'): Run {
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (through === 'tsx') env.SCHEDBENCH_TSX = '1';
  else delete env.SCHEDBENCH_TSX;
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: REPO, encoding: 'utf8', env });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The run id's timestamp is the clock's: two runs a second apart differ there and only there. */
const withoutClock = (r: Run): Run => {
  const clock = (text: string) => text.replace(/\d{8}T\d{6}Z_/g, '<utc>_');
  return { ...r, stdout: clock(r.stdout), stderr: clock(r.stderr) };
};

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'schedbench-cli-same-'));
  const rows = Array.from({ length: 200 }, (_, i) => `${i},${(i * 37) % 101},${(i * 53) % 97}`);
  writeFileSync(path.join(dir, 'table.csv'), `id,a,b\n${rows.join('\n')}\n`);
  // The first run may build the bundle: not a difference worth a case of its own.
  schedbench(['--help'], 'bundle');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const badFiles = readdirSync(path.join(REPO, BAD))
  .filter((f) => f.endsWith('.yaml'))
  .slice(0, 2);

const cases: Array<[string, () => string[]]> = [
  ['--help', () => ['--help']],
  ['an unknown command', () => ['valdate']],
  ['validate of a good stack file', () => ['validate', 'Pulumi.local.yaml']],
  ...badFiles.map((f): [string, () => string[]] => [
    `validate of ${f}`,
    () => ['validate', path.join(BAD, f)],
  ]),
  ['hash', () => ['hash', 'Pulumi.local.yaml']],
  ['hash --json', () => ['hash', 'Pulumi.perlmutter.yaml', '--json']],
  [`hash of ${badFiles[0] ?? 'a bad file'}`, () => ['hash', path.join(BAD, badFiles[0] ?? '')]],
  [
    'pareto',
    () => ['pareto', path.join(dir, 'table.csv'), '--objective', 'a:min', '--objective', 'b:max', '--ranks'],
  ],
  ['pareto of an unknown column', () => ['pareto', path.join(dir, 'table.csv'), '--objective', 'c:min']],
];

describe('the bundle and the tsx path', () => {
  it('has bad stack files to compare on', () => expect(badFiles.length).toBeGreaterThan(0));

  it.each(cases)('answer the same: %s', (_, args) => {
    const bundle = withoutClock(schedbench(args(), 'bundle'));
    const tsx = withoutClock(schedbench(args(), 'tsx'));
    expect(bundle).toEqual(tsx);
    expect(bundle.stdout + bundle.stderr).not.toBe('');
  });
});

describe('commands loaded one at a time', () => {
  // Every command the overall help lists (`help` itself is commander's).
  const names = (): string[] => {
    const help = schedbench(['--help'], 'bundle').stdout;
    const listed = help.slice(help.indexOf('\nCommands:\n'));
    return [...listed.matchAll(/^ {2}([a-z0-9-]+)/gm)].map((m) => m[1] ?? '').filter((n) => n !== 'help');
  };

  it('lists every command', () => {
    expect(names()).toEqual(expect.arrayContaining(['validate', 'hash', 'pareto', 'metrics', 'analyze']));
  });

  it('answers `<name> --help` as `help <name>`, which loads them all', () => {
    for (const name of names()) {
      const alone = schedbench([name, '--help'], 'bundle');
      expect({ name, ...alone }).toEqual({ name, ...schedbench(['help', name], 'bundle') });
      expect(alone.stdout).toMatch(new RegExp(`^Usage: schedbench ${name} `));
    }
  });
});
