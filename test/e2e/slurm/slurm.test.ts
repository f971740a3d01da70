// End to end through the product's own path: the local runner runs a program wired from the product's
// components (test/fixtures/slurm/program) on two NetnsNodes over real SSH. SLURM stands up, validates, runs
// every catalog workload and writes RunResult files that validate and are consistent; another local user's
// sbatch/srun is refused (no association in accounting); a second `up` repeats nothing; a slurmd killed mid-run
// gives NODE_FAIL and a degraded result; a run that outlives its bound is cancelled and recorded as timeout;
// `destroy` leaves no daemon, file or database behind. Needs root.
import { gangRun } from '../../helpers/gang';
import { execFileSync, spawnSync } from 'child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'fs';
import * as path from 'path';
import { parseRunResult } from '../../../results/read';
import type { RunResult } from '../../../results/schema';
import { expandWorkload } from '../../../workloads/catalog';
import type { ExtraRun } from '../../fixtures/program/extra';
import { REPO, runRunner, runRunnerAsync, type RunnerResult } from '../../helpers/runner';
import { writeNetnsStack } from '../../helpers/stack';

jest.setTimeout(900_000);

const PROGRAM = path.join(REPO, 'test', 'fixtures', 'program');
// Per-process stack (and so cluster, subnet, ports): two runs of this suite at once must not collide.
const STACK = `sl${process.pid % 100000}`;
const dir = path.join(REPO, 'test-artifacts', `slurm-${STACK}`);
const configFile = path.join(dir, `Pulumi.${STACK}.yaml`);
const resultsDir = path.join(dir, 'runs');
const STATE_ROOT = '/var/lib/schedbench';
const SLURM_ROOT = path.join(STATE_ROOT, STACK, 'slurm');
/** The RunResult writer as the stack's runs start it (schedbench:build:Bundle). */
const WRITER_BUNDLE = path.join(REPO, '.schedbench', 'build', STACK, 'write-result.cjs');

/** An extra run of `count` one-CPU stress jobs that claim `expectedSeconds` and run `runSeconds`. */
function stressRun(
  workload: string,
  count: number,
  expectedSeconds: number,
  runSeconds: number,
  timeoutFactor: number,
): ExtraRun {
  const spec = {
    count,
    nodes: 1,
    tasksPerNode: 1,
    priority: 'normal' as const,
    cpus: 1,
    memoryMiB: 64,
    expectedSeconds,
    kind: 'stress' as const,
    args: ['--cpu', '1', '--timeout', `${runSeconds}s`],
    arrival: { offsetSeconds: 0, intervalSeconds: 0 },
  };
  return { workload, timeoutFactor, specs: [spec] };
}
/** A calibration run: one job of `args` (stress-ng), with a known load, `seconds` long. */
function calibrationRun(workload: string, args: string[], seconds: number): ExtraRun {
  const spec = {
    count: 1,
    nodes: 1,
    tasksPerNode: 1,
    priority: 'normal' as const,
    cpus: 2,
    memoryMiB: 512,
    expectedSeconds: seconds,
    kind: 'stress' as const,
    args: [...args, '--timeout', `${seconds}s`],
    arrival: { offsetSeconds: 0, intervalSeconds: 0 },
  };
  return { workload, timeoutFactor: 4, specs: [spec], idleGapSeconds: 4 };
}
// One CPU at 60 % on a 2-vCPU node: the node sampler must read 0.3 of the node busier than at idle.
const CAL_CPU = calibrationRun('calcpu', ['--cpu', '1', '--cpu-load', '60'], 12);
// 256 MiB held: the node sampler must read 256 MiB more in use than before the job.
const CAL_MEM = calibrationRun(
  'calmem',
  ['--vm', '1', '--vm-bytes', '256M', '--vm-keep', '--vm-hang', '0'],
  10,
);
const CALIBRATION = [CAL_CPU, CAL_MEM];
/** Two jobs of both nodes, two one-CPU tasks on each (the whole cluster each): srun inside the batch script. */
const GANG: ExtraRun = gangRun('gang', { count: 2, memoryPerNodeMiB: 128, everySeconds: 0.5 });
/** The backfill preset as the product expands it for the suite's profile (2 nodes × 2 vCPUs × 2 GiB). */
const BACKFILL: ExtraRun = {
  workload: 'backfill',
  timeoutFactor: 4,
  specs: expandWorkload('backfill', { nodes: 2, vcpus: 2, memoryGiB: 2 }),
};
// Before the fault runs: the slurmd that test kills stays down, and these jobs need both nodes.
const MULTI_NODE = [GANG, BACKFILL];
// Long enough for slurmctld to declare the node down (SlurmdTimeout 5 s) while the jobs still run.
const FAULT = stressRun('fault', 4, 45, 45, 4);
// Claims 1 s but runs 120 s: the bound (1 s × factor 1 + the allowance) cancels it.
const LATE = stressRun('late', 1, 1, 120, 1);

function writeConfig(extraRuns: ExtraRun[]): void {
  writeNetnsStack(configFile, {
    'schedbench:scheduler': 'slurm',
    'schedbench:idleGapSeconds': 3,
    'schedbench:resultsDir': resultsDir,
    'schedbench:slurm': { slurmdTimeoutSeconds: 5 },
    'e2e:extraRuns': extraRuns,
  });
}

function expectOk(result: RunnerResult): void {
  if (result.status !== 0)
    throw new Error(`runner failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
}

function resultFile(runId: string, name: string): string {
  return path.join(resultsDir, runId, STACK, `${name}.json`);
}

function readResult(file: string): RunResult {
  return parseRunResult(JSON.parse(readFileSync(file, 'utf8')));
}

const SLURM_CONF = path.join(SLURM_ROOT, 'etc', 'slurm.conf');

/** SLURM commands from the host: netns nodes share its filesystem, and the host reaches them on the bridge. */
function slurmCommand(args: string[]): string {
  return execFileSync(args[0] ?? '', args.slice(1), {
    encoding: 'utf8',
    env: { ...process.env, SLURM_CONF },
  });
}

/** A SLURM command run by another local user (`nobody`) of the host, against the cluster's slurm.conf. */
function asNobody(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('runuser', ['-u', 'nobody', '--', ...args], {
    cwd: '/',
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, SLURM_CONF },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('SLURM on two netns nodes through the local runner', () => {
  let runId = '';

  beforeAll(() => {
    writeConfig([]);
  });

  afterAll(() => {
    runRunner('destroy', STACK, PROGRAM, configFile);
  });

  test('stands up a validated cluster and runs every catalog workload with consistent results', () => {
    const up = runRunner('up', STACK, PROGRAM, configFile);
    expectOk(up);
    runId = /runId: "(\d{8}T\d{6}Z_[0-9a-f]{12})"/.exec(up.stdout)?.[1] ?? '';
    expect(runId).not.toBe('');
    expect(up.stdout).toMatch(/"version": "\d+\.\d+\.\d+/);
    const files = readdirSync(path.join(resultsDir, runId, STACK)).filter((f) => f.endsWith('-r1.json'));
    expect(files.sort()).toEqual([
      'cpu_intensive-r1.json',
      'memory_intensive-r1.json',
      'mixed-r1.json',
      'throughput-r1.json',
    ]);
    for (const file of files) {
      const r = readResult(path.join(resultsDir, runId, STACK, file));
      const label = `${r.workload.name}-r${r.repetition}`;
      expect([label, r.status, r.notes]).toEqual([label, 'ok', []]);
      expect(r.scheduler).toMatchObject({
        name: 'slurm',
        settings: { tuning: 'default', partition: 'batch' },
      });
      expect(r.jobs).toHaveLength(r.workload.specCount);
      expect(r.submission.count).toBe(r.workload.specCount);
      expect(new Set(r.jobs.map((j) => j.id)).size).toBe(r.jobs.length);
      for (const j of r.jobs) {
        expect(j.state).toBe('COMPLETED');
        expect(j.exitCode).toBe(0);
        expect(j.name.startsWith(`${runId}.${STACK}.${label}.`)).toBe(true);
        expect(Date.parse(j.startTime ?? '')).toBeGreaterThanOrEqual(Date.parse(j.submitTime));
        expect(Date.parse(j.endTime ?? '')).toBeGreaterThanOrEqual(Date.parse(j.startTime ?? ''));
        expect(j.nodes.length).toBe(1);
        // Sub-second times from the harness and the job wrapper agree with SLURM's whole seconds: the wrapper
        // starts after slurmctld's start (a launch later) and ends before slurmctld records the end.
        const p = j.precise;
        expect(p).not.toBeNull();
        const sec = (t: string | null) => Date.parse(t ?? '') / 1000;
        expect(p?.submitEpochS).toBeGreaterThanOrEqual(sec(j.submitTime) - 3);
        expect(p?.submitEpochS).toBeLessThan(sec(j.submitTime) + 1);
        expect(p?.startEpochS).toBeGreaterThanOrEqual(sec(j.startTime));
        expect(p?.startEpochS).toBeLessThan(sec(j.startTime) + 5);
        expect(p?.endEpochS).toBeLessThan(sec(j.endTime) + 1);
        expect(p?.endEpochS).toBeGreaterThan(sec(j.endTime) - 5);
        expect(p?.runSeconds).toBeGreaterThanOrEqual(0);
      }
      for (const n of r.nodes) expect(n.sources.cpu).toMatch(/^cgroup-v[12]:/);
      expect(r.schedulerStats.map((s) => s.phase)).toEqual(expect.arrayContaining(['before', 'after']));
      expect(r.schedulerStats.some((s) => s.cycles !== null)).toBe(true);
      expect(r.schedulerSamples.some((s) => s.running > 0 || s.pending > 0)).toBe(true);
      expect(r.provenance.backend).toBe('netns');

      if (r.workload.name !== 'throughput') {
        // Node CPU samples show load while jobs run and near idle in the gap before submission.
        // Every node a job ran on (SLURM may pack a small workload onto one node).
        for (const n of r.nodes.filter((node) => r.jobs.some((j) => j.nodes.includes(node.name)))) {
          const mine = r.nodeSamples.filter((s) => s.node === n.name);
          const before = mine.filter((s) => Date.parse(s.time) < Date.parse(r.submission.startedAt));
          const firstStart = Math.min(...r.jobs.map((j) => Date.parse(j.startTime ?? '')));
          const lastEnd = Math.max(...r.jobs.map((j) => Date.parse(j.endTime ?? '')));
          const during = mine.filter((s) => Date.parse(s.time) > firstStart && Date.parse(s.time) <= lastEnd);
          expect(before.length).toBeGreaterThan(0);
          // The host's cores are shared with whatever else runs here: assert a clear rise, not a level.
          const idle = Math.min(...before.map((s) => s.cpuBusy));
          expect(idle).toBeLessThan(0.1);
          expect(Math.max(...during.map((s) => s.cpuBusy))).toBeGreaterThan(idle + 0.1);
        }
        for (const j of r.jobs) expect(Object.keys(j.metrics).length).toBeGreaterThan(0);
      }
      if (r.workload.name === 'memory_intensive') {
        for (const j of r.jobs) expect(j.maxRssMiB ?? 0).toBeGreaterThan(100);
      }
    }
  });

  test('another local user cannot submit: only root, who submits the runs, has an association in accounting', () => {
    const users = slurmCommand(['sacctmgr', '-n', '-P', 'show', 'assoc', `cluster=${STACK}`, 'format=user'])
      .split('\n')
      .filter((u) => u !== '');
    expect(users).toEqual(['root']);
    try {
      // Held: a job accepted by mistake never runs (and is cancelled below).
      const sbatch = asNobody(['sbatch', '--parsable', '--hold', '-o', '/dev/null', '--wrap', 'true']);
      expect(sbatch).toMatchObject({
        status: 1,
        stdout: '',
        stderr: expect.stringContaining(
          'sbatch: error: Batch job submission failed: Invalid account or account/partition combination specified',
        ),
      });
      const srun = asNobody(['srun', '-N', '1', 'true']);
      expect(srun).toMatchObject({
        status: 1,
        stderr: expect.stringContaining(
          'srun: error: Unable to allocate resources: Invalid account or account/partition combination specified',
        ),
      });
      expect(slurmCommand(['squeue', '-h', '-u', 'nobody', '-o', '%i'])).toBe('');
    } finally {
      slurmCommand(['scancel', '-u', 'nobody']);
    }
  });

  test('calibration: the node sampler reads a known CPU load and a known allocation within ±10 %', () => {
    writeConfig(CALIBRATION);
    expectOk(runRunner('up', STACK, PROGRAM, configFile));
    /** The job's node's samples strictly inside the job's run, trimmed by one interval at each end. */
    const during = (r: RunResult) => {
      const j = r.jobs[0];
      if (j === undefined || j.precise?.startEpochS == null || j.precise.endEpochS == null)
        throw new Error('no job times');
      const [from, to] = [j.precise.startEpochS + 1.5, j.precise.endEpochS - 0.5];
      const node = j.nodes[0] ?? '';
      const mine = r.nodeSamples.filter((s) => s.node === node);
      const inside = mine.filter((s) => Date.parse(s.time) / 1000 > from && Date.parse(s.time) / 1000 <= to);
      const before = mine.filter((s) => Date.parse(s.time) / 1000 <= (j.precise?.submitEpochS ?? from));
      return { inside, before };
    };
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const cpu = readResult(resultFile(runId, 'calcpu-r1'));
    expect(cpu.status).toBe('ok');
    const c = during(cpu);
    expect(c.inside.length).toBeGreaterThanOrEqual(5);
    expect(c.before.length).toBeGreaterThanOrEqual(2);
    // The node's own daemons (slurmd, munged, sshd, the sampler) cost a little: the job's load is the rise over
    // the idle level (the median before submission: the first sample may still hold the previous run's tail).
    const idle =
      [...c.before.map((s) => s.cpuBusy)].sort((a, b) => a - b)[Math.floor(c.before.length / 2)] ?? 0;
    const rise = mean(c.inside.map((s) => s.cpuBusy)) - idle;
    const expected = (1 * 0.6) / 2;
    expect(Math.abs(rise - expected) / expected).toBeLessThanOrEqual(0.1);

    const mem = readResult(resultFile(runId, 'calmem-r1'));
    expect(mem.status).toBe('ok');
    const m = during(mem);
    expect(m.inside.length).toBeGreaterThanOrEqual(3);
    const baseline = Math.min(...m.before.map((s) => s.memoryUsedMiB));
    const held = Math.max(...m.inside.map((s) => s.memoryUsedMiB)) - baseline;
    expect(Math.abs(held - 256) / 256).toBeLessThanOrEqual(0.1);
  });

  test('a job of two nodes × two tasks runs its four tasks with srun: every node and task recorded, its gang skew', () => {
    writeConfig([...CALIBRATION, ...MULTI_NODE]);
    const up = runRunner('up', STACK, PROGRAM, configFile);
    expectOk(up);
    runId ||= /runId: "(\d{8}T\d{6}Z_[0-9a-f]{12})"/.exec(up.stdout)?.[1] ?? '';
    const r = readResult(resultFile(runId, 'gang-r1'));
    expect([r.status, r.notes]).toEqual(['ok', []]);
    expect(r.jobs).toHaveLength(2);
    const both = [`${STACK}-n1`, `${STACK}-n2`];
    for (const j of r.jobs) {
      expect(j.state).toBe('COMPLETED');
      expect([...j.nodes].sort()).toEqual(both);
      expect(j).toMatchObject({ requestedNodes: 2, requestedTasks: 4, requestedCpus: 4, allocatedCpus: 4 });
      expect(j.requestedMemoryMiB).toBe(256);
      const tasks = j.tasks ?? [];
      expect(tasks.map((t) => t.rank)).toEqual([0, 1, 2, 3]);
      // Two tasks on each node, each with its own times inside the job's.
      expect(tasks.map((t) => t.node ?? '').sort()).toEqual([both[0], both[0], both[1], both[1]]);
      for (const t of tasks) {
        expect(t.startEpochS).not.toBeNull();
        expect(t.endEpochS ?? 0).toBeGreaterThanOrEqual(t.startEpochS ?? Infinity);
        expect(t.runSeconds ?? 0).toBeGreaterThan(2);
      }
      expect(j.precise?.startEpochS).toBe(Math.min(...tasks.map((t) => t.startEpochS ?? Infinity)));
      expect(j.gangSkewSeconds).not.toBeNull();
      expect(j.gangSkewSeconds ?? -1).toBeGreaterThanOrEqual(0);
      expect(Object.keys(j.metrics).length).toBeGreaterThan(0);
    }
  });

  test('the backfill preset: short jobs start in the hole before the wide job submitted ahead of them', () => {
    const r = readResult(resultFile(runId, 'backfill-r1'));
    expect([r.status, r.notes]).toEqual(['ok', []]);
    expect(r.scheduler.settings).toMatchObject({
      schedulerParameters: expect.stringContaining('bf_interval=1'),
    });
    const times = r.jobs.map((j) => ({
      spec: j.specIndex,
      submit: j.precise?.submitEpochS ?? Infinity,
      start: j.precise?.startEpochS ?? Infinity,
      nodes: j.nodes,
    }));
    // Backfilled: started before a job submitted earlier had started.
    const backfilled = times.filter((k) => times.some((j) => j.submit < k.submit && k.start < j.start));
    expect(backfilled.length).toBeGreaterThan(0);
    const wide = times.find((t) => t.spec === 1);
    expect(wide?.nodes).toHaveLength(2);
    // The jobs that overtook it were the short ones, never the wide job itself.
    expect(backfilled.every((k) => k.spec === 2)).toBe(true);
    expect(backfilled.every((k) => k.start < (wide?.start ?? 0))).toBe(true);
  });

  test('a slurmd killed mid-run gives NODE_FAIL records and a degraded run; finished runs are not repeated', async () => {
    const earlier = resultFile(runId, 'cpu_intensive-r1');
    const earlierText = readFileSync(earlier, 'utf8');
    const earlierMtime = statSync(earlier).mtimeMs;
    writeConfig([...CALIBRATION, ...MULTI_NODE, FAULT]);
    const up = runRunnerAsync('up', STACK, PROGRAM, configFile);
    const victim = `${STACK}-n2`;
    // Kill the victim's slurmd once one of the run's jobs runs there (a bounded poll of squeue).
    let killed = false;
    let lastSeen = '';
    const deadline = Date.now() + 180_000;
    while (!killed && Date.now() < deadline) {
      let queue = '';
      try {
        queue = slurmCommand(['squeue', '-h', '-t', 'R', '-o', '%j|%N']);
        lastSeen = queue;
      } catch (err) {
        // the controller may still be starting the run
        lastSeen = err instanceof Error ? err.message : String(err);
      }
      if (queue.split('\n').some((l) => l.includes('.fault-r1.') && l.endsWith(`|${victim}`))) {
        const pid = readFileSync(path.join(SLURM_ROOT, 'nodes', victim, 'slurmd.pid'), 'utf8').trim();
        process.kill(Number(pid), 'SIGKILL');
        killed = true;
      } else {
        await new Promise((r) => setTimeout(r, 250));
      }
    }
    expect({ killed, lastSeen }).toMatchObject({ killed: true });
    const done = await up;
    expectOk(done);
    const result = readResult(resultFile(runId, 'fault-r1'));
    expect(result.status).toBe('degraded');
    const failed = result.jobs.filter((j) => j.state === 'NODE_FAIL');
    expect(failed.length).toBeGreaterThan(0);
    for (const j of failed) expect(j.nodes).toEqual([victim]);
    expect(result.jobs.filter((j) => j.state === 'COMPLETED').every((j) => !j.nodes.includes(victim))).toBe(
      true,
    );
    expect(result.notes.join(' ')).toContain(victim);
    expect(done.stdout).toMatch(/"status": "degraded"/);
    // The catalog's runs were done before: the second `up` left their results as they were.
    expect(readFileSync(earlier, 'utf8')).toBe(earlierText);
    expect(statSync(earlier).mtimeMs).toBe(earlierMtime);
  });

  test('a run that outlives its bound is cancelled and recorded as timeout', () => {
    writeConfig([...CALIBRATION, ...MULTI_NODE, FAULT, LATE]);
    const up = runRunner('up', STACK, PROGRAM, configFile);
    expectOk(up);
    const result = readResult(resultFile(runId, 'late-r1'));
    expect(result.status).toBe('timeout');
    expect(result.jobs).toHaveLength(1);
    expect(result.jobs[0]?.state).toBe('CANCELLED');
    expect(result.notes.join(' ')).toMatch(/hit its \d+s bound; cancelled: \d+/);
  });

  test("a run's check stage moves a corrupt result aside (kept) and marks the run to do again", () => {
    const file = resultFile(runId, 'late-r1');
    const good = readFileSync(file, 'utf8');
    writeFileSync(file, '{"truncated": ');
    const check = spawnSync('node', [WRITER_BUNDLE, 'check'], {
      env: { ...process.env, RESULT_PATH: file },
      encoding: 'utf8',
    });
    expect(check.status).toBe(0);
    expect(check.stdout).toBe('todo');
    expect(check.stderr).toMatch(/late-r1\.json is not valid JSON .*kept as .*late-r1\.json\.invalid-\d+/);
    const aside = readdirSync(path.dirname(file)).filter((f) => f.startsWith('late-r1.json.invalid-'));
    expect(aside).toHaveLength(1);
    expect(readFileSync(path.join(path.dirname(file), aside[0] ?? ''), 'utf8')).toBe('{"truncated": ');
    expect(existsSync(file)).toBe(false);
    writeFileSync(file, good);
    const again = spawnSync('node', [WRITER_BUNDLE, 'check'], {
      env: { ...process.env, RESULT_PATH: file },
      encoding: 'utf8',
    });
    expect(again.stdout).toBe('done');
  });

  test('destroy leaves no daemon, file or database behind; results stay', () => {
    expectOk(runRunner('destroy', STACK, PROGRAM, configFile));
    const left = execFileSync(
      'bash',
      ['-c', `pgrep -af '[${SLURM_ROOT[0]}]${SLURM_ROOT.slice(1)}' || true`],
      {
        encoding: 'utf8',
      },
    );
    expect(left).toBe('');
    expect(existsSync(path.join(STATE_ROOT, STACK))).toBe(false);
    expect(existsSync(path.dirname(WRITER_BUNDLE))).toBe(false);
    expect(existsSync(resultFile(runId, 'cpu_intensive-r1'))).toBe(true);
    rmSync(path.join(PROGRAM, '.schedbench'), { recursive: true, force: true });
  });
});
