// The fault matrix, end to end through the product's own path: the local runner runs the test
// program (test/fixtures/program, the catalog left out) with SLURM on two netns nodes, and faults are injected
// while a workload runs. Each row asserts what is recorded, that results already on disk stay as they were, and
// its rows go to the one fault-matrix table the e2e teardown prints; the last step is a `destroy` that must leave nothing. Needs root.
import { execFileSync, spawnSync } from 'child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'fs';
import * as path from 'path';
import { parseRunResult } from '../../../results/read';
import type { RunResult } from '../../../results/schema';
import type { ExtraRun } from '../../fixtures/program/extra';
import { recordFault } from '../../helpers/fault-matrix';
import { REPO, runRunner, startRunner, type RunnerResult } from '../../helpers/runner';
import { writeNetnsStack } from '../../helpers/stack';

jest.setTimeout(900_000);

const isRoot = process.getuid?.() === 0;
const describeRoot = isRoot ? describe : describe.skip;

const PROGRAM = path.join(REPO, 'test', 'fixtures', 'program');
const STACK = `fm${process.pid % 100000}`;
const dir = path.join(REPO, 'test-artifacts', `faults-${STACK}`);
const configFile = path.join(dir, `Pulumi.${STACK}.yaml`);
const resultsDir = path.join(dir, 'runs');
const STATE_ROOT = '/var/lib/schedbench';
const SLURM_ROOT = path.join(STATE_ROOT, STACK, 'slurm');

/** `count` one-CPU jobs of `seconds` each, submitted at once. */
function run(workload: string, count: number, seconds: number): ExtraRun {
  return {
    workload,
    timeoutFactor: 3,
    specs: [
      {
        count,
        nodes: 1,
        tasksPerNode: 1,
        priority: 'normal' as const,
        cpus: 1,
        memoryMiB: 64,
        expectedSeconds: seconds,
        kind: 'stress',
        args: ['--cpu', '1', '--timeout', `${seconds}s`],
        arrival: { offsetSeconds: 0, intervalSeconds: 0 },
      },
    ],
  };
}

// Each row's runs come after the earlier rows' (a later `up` must leave those as they are).
const BASE = run('base', 2, 2);
const READONLY = run('readonly', 2, 2);
const CRASH = run('crash', 4, 15);
const AFTERCRASH = run('aftercrash', 1, 1);
const DBDOWN = run('dbdown', 2, 6);
const CTLDOWN = run('ctldown', 4, 60);

function writeConfig(extraRuns: ExtraRun[]): void {
  writeNetnsStack(configFile, {
    'schedbench:scheduler': 'slurm',
    'schedbench:idleGapSeconds': 0,
    'schedbench:resultsDir': resultsDir,
    'e2e:catalog': false,
    'e2e:extraRuns': extraRuns,
  });
}

function output(result: RunnerResult): string {
  return `${result.stdout}\n${result.stderr}`;
}

function expectOk(result: RunnerResult): void {
  if (result.status !== 0) throw new Error(`runner failed (${result.status}):\n${output(result)}`);
}

let runId = '';
const resultFile = (workload: string) => path.join(resultsDir, runId, STACK, `${workload}-r1.json`);
const readResult = (workload: string): RunResult =>
  parseRunResult(JSON.parse(readFileSync(resultFile(workload), 'utf8')));

/** Every result file of the stack, with its content and mtime: what a fault must leave untouched. */
function snapshotResults(): Map<string, { text: string; mtimeMs: number }> {
  const d = path.join(resultsDir, runId, STACK);
  return new Map(
    readdirSync(d)
      .filter((f) => f.endsWith('.json'))
      .map((f) => [
        f,
        { text: readFileSync(path.join(d, f), 'utf8'), mtimeMs: statSync(path.join(d, f)).mtimeMs },
      ]),
  );
}

function expectUnchanged(before: Map<string, { text: string; mtimeMs: number }>): void {
  const now = snapshotResults();
  for (const [file, was] of before) expect([file, now.get(file)]).toEqual([file, was]);
}

/** SLURM's view from the host (netns nodes share its filesystem and reach it on the bridge). */
function squeue(): string {
  try {
    return execFileSync('squeue', ['-h', '-t', 'R', '-o', '%j'], {
      encoding: 'utf8',
      env: { ...process.env, SLURM_CONF: path.join(SLURM_ROOT, 'etc', 'slurm.conf') },
    });
  } catch {
    return '';
  }
}

/** Bounded poll until one of the run's jobs is running. */
async function untilRunning(workload: string): Promise<void> {
  const deadline = Date.now() + 240_000;
  while (Date.now() < deadline) {
    if (squeue().includes(`.${workload}-r1.`)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`no job of ${workload}-r1 started within 240 s`);
}

function pidOf(file: string): number {
  return Number(readFileSync(file, 'utf8').trim());
}

/** `up` with `runs`; once the last run's jobs run, SIGKILL to the daemon whose pid file is `pidFile` (under SLURM's root). */
async function upKilling(runs: ExtraRun[], pidFile: string): Promise<RunnerResult> {
  writeConfig(runs);
  const runner = startRunner('up', STACK, PROGRAM, configFile);
  await untilRunning(runs[runs.length - 1]?.workload ?? '');
  process.kill(pidOf(path.join(SLURM_ROOT, pidFile)), 'SIGKILL');
  return runner.done;
}

interface Row {
  fault: string;
  expected: string;
  observed: string;
}
const matrix: Row[] = [];

describeRoot('fault matrix: SLURM on two netns nodes through the local runner', () => {
  afterAll(() => {
    spawnSync('umount', [resultsDir]);
    // The rows go to the one table the e2e teardown prints (test/helpers/fault-matrix.ts).
    for (const row of matrix) recordFault({ scheduler: 'slurm', ...row });
    runRunner('destroy', STACK, PROGRAM, configFile);
    rmSync(path.join(PROGRAM, '.schedbench'), { recursive: true, force: true });
  });

  test('baseline: the cluster stands up and a run is recorded ok', () => {
    writeConfig([BASE]);
    const up = runRunner('up', STACK, PROGRAM, configFile);
    expectOk(up);
    runId = /runId: "(\d{8}T\d{6}Z_[0-9a-f]{12})"/.exec(up.stdout)?.[1] ?? '';
    expect(runId).not.toBe('');
    expect(readResult('base').status).toBe('ok');
  });

  test('results directory read-only: the run fails naming the path, nothing half-written; writable again, it is done', () => {
    const before = snapshotResults();
    writeConfig([BASE, READONLY]);
    // Read-only for root too: a read-only bind mount (permissions alone do not stop root).
    execFileSync('mount', ['--bind', resultsDir, resultsDir]);
    let up: RunnerResult;
    try {
      execFileSync('mount', ['-o', 'remount,ro,bind', resultsDir]);
      up = runRunner('up', STACK, PROGRAM, configFile);
    } finally {
      execFileSync('umount', [resultsDir]);
    }
    expect(up.status).not.toBe(0);
    expect(output(up)).toContain('EROFS');
    expect(output(up)).toContain(path.join(resultsDir, runId, STACK));
    const left = readdirSync(path.join(resultsDir, runId, STACK));
    expect(left.filter((f) => f.startsWith('readonly'))).toEqual([]);
    expectUnchanged(before);

    const again = runRunner('up', STACK, PROGRAM, configFile);
    expectOk(again);
    expect(readResult('readonly').status).toBe('ok');
    expectUnchanged(before);
    matrix.push({
      fault: 'results directory read-only',
      expected: 'up fails naming the path; no partial file; next up does the run',
      observed: `up exit ${up.status} (EROFS, path named); no readonly-r1 file; next up: ${readResult('readonly').status}`,
    });
  });

  test('runner killed -9 mid-up: up again resumes (no finished run repeated), results intact', async () => {
    const before = snapshotResults();
    writeConfig([BASE, READONLY, CRASH, AFTERCRASH]);
    const runner = startRunner('up', STACK, PROGRAM, configFile);
    await untilRunning('crash');
    process.kill(-(runner.child.pid ?? 0), 'SIGKILL');
    const killed = await runner.done;
    expect(killed.status).not.toBe(0);
    expect(existsSync(resultFile('crash'))).toBe(false);

    const again = runRunner('up', STACK, PROGRAM, configFile);
    expectOk(again);
    expectUnchanged(before);
    const crash = readResult('crash');
    const after = readResult('aftercrash');
    expect(after.status).toBe('ok');
    // The crashed run's jobs were recorded (by the first submission or the second), every one accounted for.
    expect(crash.jobs.length).toBeGreaterThanOrEqual(4);
    expect(crash.jobs.every((j) => j.state === 'COMPLETED')).toBe(true);
    matrix.push({
      fault: 'runner kill -9 mid-up',
      expected: 'up again resumes; finished runs not repeated',
      observed: `re-up exit ${again.status}; earlier results unchanged; crash-r1 ${crash.status} (${crash.jobs.length} jobs); aftercrash-r1 ${after.status}`,
    });
  });

  test('MariaDB stopped before collect: the run is recorded failed, its jobs missing from accounting', async () => {
    const before = snapshotResults();
    const up = await upKilling(
      [BASE, READONLY, CRASH, AFTERCRASH, DBDOWN],
      path.join('mariadb', 'mariadb.pid'),
    );
    const db = readResult('dbdown');
    expect(db.status).toBe('failed');
    expect(db.notes.join(' ')).toMatch(/no accounting record/);
    expectUnchanged(before);
    matrix.push({
      fault: 'MariaDB stopped before collect',
      expected: 'run recorded failed, missing jobs named',
      observed: `up exit ${up.status}; dbdown-r1 ${db.status}: ${db.notes[0] ?? ''}`.slice(0, 120),
    });
  });

  test('slurmctld killed mid-run: the run is recorded failed, naming the lost controller', async () => {
    const before = snapshotResults();
    const up = await upKilling(
      [BASE, READONLY, CRASH, AFTERCRASH, DBDOWN, CTLDOWN],
      path.join('slurmctld', 'slurmctld.pid'),
    );
    const ctl = readResult('ctldown');
    expect(ctl.status).toBe('failed');
    expect(ctl.notes.join(' ')).toContain('the scheduler stopped answering');
    expectUnchanged(before);
    matrix.push({
      fault: 'slurmctld killed mid-run',
      expected: 'run recorded failed, lost controller named',
      observed:
        `up exit ${up.status}; ctldown-r1 ${ctl.status}: ${ctl.notes.find((n) => n.includes('stopped answering')) ?? ''}`.slice(
          0,
          120,
        ),
    });
  });

  test("a node's sshd killed: up fails naming the node; destroy skips what it cannot reach and leaves nothing", async () => {
    const before = snapshotResults();
    const victim = `${STACK}-n2`;
    const sshd = path.join(STATE_ROOT, STACK, victim, 'sshd', 'sshd.pid');
    const sshdPid = existsSync(sshd) ? pidOf(sshd) : 0;
    expect(sshdPid).toBeGreaterThan(0);
    process.kill(sshdPid, 'SIGKILL');
    writeConfig([BASE, READONLY, CRASH, AFTERCRASH, DBDOWN, CTLDOWN, run('nossh', 1, 1)]);
    const up = runRunner('up', STACK, PROGRAM, configFile);
    expect(up.status).not.toBe(0);
    expect(output(up)).toContain(victim);
    expectUnchanged(before);

    // The deletes that would run on the unreachable node are skipped, saying so; the node's own deletion (on the
    // host) stops what ran there.
    const down = runRunner('destroy', STACK, PROGRAM, configFile);
    expectOk(down);
    expect(output(down)).toMatch(/skipped: ssh root@[\d.]+:22: .*ECONNREFUSED/);
    const left = spawnSync('bash', ['-c', `pgrep -af '[${SLURM_ROOT[0]}]${SLURM_ROOT.slice(1)}' || true`], {
      encoding: 'utf8',
    }).stdout;
    expect(left).toBe('');
    expect(existsSync(path.join(STATE_ROOT, STACK))).toBe(false);
    expect(spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout).not.toContain(STACK);
    expectUnchanged(before);
    matrix.push({
      fault: "a node's sshd killed",
      expected: 'up fails naming the node; destroy clean',
      observed: `up exit ${up.status} (${victim} named); destroy exit ${down.status}, unreachable deletes skipped (noted), nothing left`,
    });
  });
});
