// End to end through the product's own path: the local runner runs test/fixtures/program with scheduler flux on
// two NetnsNodes over real SSH, from the installation SCHEDBENCH_FLUX_PREFIX points at. Flux stands up (one
// broker per node, Fluxion), validates, runs every catalog workload once with small counts, writes RunResult
// files that validate; `destroy` leaves no broker, file or certificate. Without an installation the suite says
// so visibly and checks that the registry refuses the stack with that reason. Needs root.
import { gangRun } from '../../helpers/gang';
import { execFileSync } from 'child_process';
import { existsSync, readdirSync, readFileSync } from 'fs';
import * as path from 'path';
import { backfillMetrics } from '../../../analysis/metrics-backfill';
import { jobTimes } from '../../../analysis/job-times';
import { fluxAvailability } from '../../../components/flux/availability';
import { parseRunResult } from '../../../results/read';
import type { ExtraRun } from '../../fixtures/program/extra';
import { recordFault } from '../../helpers/fault-matrix';
import { REPO, runRunner, startRunner, type RunnerResult } from '../../helpers/runner';
import { writeNetnsStack } from '../../helpers/stack';
import { DEFAULT_WORKLOADS } from '../../../workloads/names';

jest.setTimeout(900_000);

const PREFIX = process.env.SCHEDBENCH_FLUX_PREFIX ?? '';
const availability = fluxAvailability({ prefix: PREFIX === '' ? undefined : PREFIX, local: true });
const PROGRAM = path.join(REPO, 'test', 'fixtures', 'program');
const STACK = `fx${process.pid % 100000}`;
const dir = path.join(REPO, 'test-artifacts', `flux-${STACK}`);
const configFile = path.join(dir, `Pulumi.${STACK}.yaml`);
const resultsDir = path.join(dir, 'runs');
const FLUX_ROOT = path.join('/var/lib/schedbench', STACK, 'flux');

/** `count` jobs of a whole node (2 CPUs) for `seconds`, at once: one per node while both nodes are up. */
function wide(workload: string, count: number, seconds: number): ExtraRun {
  return {
    workload,
    timeoutFactor: 4,
    specs: [
      {
        count,
        nodes: 1,
        tasksPerNode: 1,
        priority: 'normal' as const,
        cpus: 2,
        memoryMiB: 64,
        expectedSeconds: seconds,
        kind: 'stress',
        args: ['--cpu', '2', '--timeout', `${seconds}s`],
        arrival: { offsetSeconds: 0, intervalSeconds: 0 },
      },
    ],
  };
}
const NODE_LOSS = wide('nodeloss', 2, 60);
const RANK0_LOSS = wide('rank0loss', 1, 60);
/** Two jobs of 2 nodes × 2 tasks of one CPU each: every job holds the whole cluster, so they run one after the other. */
const PAIRS: ExtraRun = gangRun('pairs', { count: 2, memoryPerNodeMiB: 64, everySeconds: 0 });
const NODES = [`${STACK}-n1`, `${STACK}-n2`];

/** The run's jobs Flux reports running now (from the host, through rank 0's local socket). */
function runningJobs(workload: string): number {
  try {
    return execFileSync(path.join(PREFIX, 'bin', 'flux'), ['jobs', '-n', '-f', 'running', '-o', '{name}'], {
      encoding: 'utf8',
      env: { ...process.env, FLUX_URI: `local://${FLUX_ROOT}/nodes/${STACK}-n1/run/local` },
    })
      .split('\n')
      .filter((n) => n.includes(`.${workload}-r1.`)).length;
  } catch {
    return 0;
  }
}

async function untilRunning(workload: string, count: number): Promise<void> {
  const deadline = Date.now() + 240_000;
  while (runningJobs(workload) < count) {
    if (Date.now() > deadline)
      throw new Error(`${count} job(s) of ${workload}-r1 did not start within 240 s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const brokerPid = (node: string) =>
  Number(readFileSync(path.join(FLUX_ROOT, 'nodes', `${STACK}-${node}`, 'broker.pid'), 'utf8').trim());

interface Row {
  fault: string;
  expected: string;
  observed: string;
}
const matrix: Row[] = [];

function expectOk(result: RunnerResult): void {
  if (result.status !== 0)
    throw new Error(`runner failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
}

if (!availability.available) {
  describe('Flux on two netns nodes (skipped: no Flux installation)', () => {
    it(`skipped: no Flux installation — ${availability.reason}`, () => {
      // Visible in the test output; the product refuses the stack with the same reason before creating anything.
      console.log(`flux e2e skipped: ${availability.reason}`);
      expect(availability.reason).toMatch(/^no Flux installation/);
      recordFault({
        scheduler: 'flux',
        fault: 'broker killed (rank 1, rank 0)',
        expected: 'runs with a Flux installation (SCHEDBENCH_FLUX_PREFIX)',
        observed: `skipped: ${availability.reason}`.slice(0, 160),
      });
    });
  });
} else {
  describe(`Flux on two netns nodes through the local runner (${PREFIX})`, () => {
    let runId = '';
    beforeAll(() => writeConfig([]));
    afterAll(() => {
      runRunner('destroy', STACK, PROGRAM, configFile);
      for (const row of matrix) recordFault({ scheduler: 'flux', ...row });
    });

    // Fluxion with EASY backfilling: the catalog, then the backfill preset, then the 2-node × 2-task jobs (kept first
    // among the extra runs, so the fault runs chain after them and leave them be).
    const writeConfig = (extraRuns: ExtraRun[]) =>
      writeNetnsStack(configFile, {
        'schedbench:scheduler': 'flux',
        'schedbench:idleGapSeconds': 2,
        'schedbench:resultsDir': resultsDir,
        'schedbench:flux': { prefix: PREFIX, queuePolicy: 'easy' },
        'schedbench:workloads': [...DEFAULT_WORKLOADS, 'backfill'],
        'e2e:extraRuns': [PAIRS, ...extraRuns],
      });
    const result = (workload: string) =>
      parseRunResult(
        JSON.parse(readFileSync(path.join(resultsDir, runId, STACK, `${workload}-r1.json`), 'utf8')),
      );
    const snapshot = () =>
      readdirSync(path.join(resultsDir, runId, STACK))
        .filter((f) => f.endsWith('.json'))
        .sort()
        .map((f) => [f, readFileSync(path.join(resultsDir, runId, STACK, f), 'utf8')]);

    test('stands up a validated instance and runs every catalog workload with valid results', () => {
      const up = runRunner('up', STACK, PROGRAM, configFile);
      expectOk(up);
      runId = /runId: "(\d{8}T\d{6}Z_[0-9a-f]{12})"/.exec(up.stdout)?.[1] ?? '';
      expect(runId).not.toBe('');
      const files = readdirSync(path.join(resultsDir, runId, STACK)).filter((f) => f.endsWith('-r1.json'));
      expect(files.sort()).toEqual([
        'backfill-r1.json',
        'cpu_intensive-r1.json',
        'memory_intensive-r1.json',
        'mixed-r1.json',
        'pairs-r1.json',
        'throughput-r1.json',
      ]);
      for (const file of files) {
        const r = parseRunResult(JSON.parse(readFileSync(path.join(resultsDir, runId, STACK, file), 'utf8')));
        expect([r.workload.name, r.status]).toEqual([r.workload.name, 'ok']);
        expect(r.scheduler.name).toBe('flux');
        expect(r.jobs).toHaveLength(r.workload.specCount);
        for (const j of r.jobs) {
          expect(j.state).toBe('COMPLETED');
          expect(j.exitCode).toBe(0);
          expect(j.precise?.startEpochS).not.toBeNull();
          if (r.workload.name === 'pairs') continue;
          // One node per job, but the backfill preset's wide job, which spans both.
          expect(j.nodes).toEqual(j.requestedNodes === 2 ? NODES : [expect.stringMatching(/-n[12]$/)]);
        }
        expect(r.schedulerStats.map((s) => s.phase)).toEqual(expect.arrayContaining(['before', 'after']));
      }
    });

    test('a job of 2 nodes × 2 tasks: both nodes named, four tasks each with its node and times, the gang skew', () => {
      const r = result('pairs');
      expect(r.jobs).toHaveLength(2);
      for (const j of r.jobs) {
        expect(j).toMatchObject({
          state: 'COMPLETED',
          nodes: NODES,
          requestedNodes: 2,
          requestedTasks: 4,
          requestedCpus: 4,
          allocatedCpus: 4,
          requestedMemoryMiB: 128,
        });
        expect(j.tasks?.map((t) => t.rank)).toEqual([0, 1, 2, 3]);
        for (const t of j.tasks ?? []) {
          expect(NODES).toContain(t.node);
          expect(t.startEpochS).not.toBeNull();
          expect(t.endEpochS).not.toBeNull();
          expect(t.runSeconds).toBeGreaterThan(0);
        }
        // Flux spreads the tasks evenly: two on each node.
        expect(NODES.map((n) => j.tasks?.filter((t) => t.node === n).length)).toEqual([2, 2]);
        expect(j.gangSkewSeconds).toEqual(expect.any(Number));
        // The job's precise times span its tasks: the first start, the last end.
        expect(j.precise?.startEpochS).toBe(
          Math.min(...(j.tasks ?? []).map((t) => t.startEpochS ?? Infinity)),
        );
      }
      process.stdout.write(
        `pairs (Flux, 2 nodes × 2 tasks): gang skew ${r.jobs.map((j) => j.gangSkewSeconds?.toFixed(4)).join(', ')} s\n`,
      );
    });

    test('the backfill preset under EASY: short jobs start on the idle node ahead of the wide job', () => {
      const r = result('backfill');
      expect(r.scheduler.settings).toMatchObject({ queuePolicy: 'easy' });
      const times = r.jobs.map(jobTimes);
      const figures = backfillMetrics(times);
      const wide = r.jobs.find((j) => j.requestedNodes === 2);
      const shorts = r.jobs.filter((j) => j.specIndex === 2);
      const startedBeforeWide = shorts.filter((j) => (j.startTime ?? '') < (wide?.startTime ?? '')).length;
      process.stdout.write(
        `backfill (Flux, queuePolicy easy): backfilledJobs ${figures.backfilledJobs}, ` +
          `backfillDelaySecondsMax ${figures.backfillDelaySecondsMax?.toFixed(3)}, ` +
          `short jobs started before the wide job ${startedBeforeWide}/${shorts.length}\n`,
      );
      expect(figures.backfilledJobs).toBeGreaterThanOrEqual(1);
      expect(startedBeforeWide).toBeGreaterThanOrEqual(1);
    });

    test("a non-zero rank's broker killed mid-run: the run is degraded, its job on the lost node NODE_FAIL; earlier results unchanged", async () => {
      const before = snapshot();
      writeConfig([NODE_LOSS]);
      const runner = startRunner('up', STACK, PROGRAM, configFile);
      await untilRunning('nodeloss', 2);
      process.kill(brokerPid('n2'), 'SIGKILL');
      const up = await runner.done;
      expectOk(up);
      const r = result('nodeloss');
      const lost = r.jobs.filter((j) => j.state === 'NODE_FAIL');
      expect({ status: r.status, lost: lost.map((j) => j.nodes) }).toEqual({
        status: 'degraded',
        lost: [[`${STACK}-n2`]],
      });
      expect(r.jobs.filter((j) => j.state === 'COMPLETED').map((j) => j.nodes)).toEqual([[`${STACK}-n1`]]);
      expect(snapshot().filter(([f]) => before.some(([g]) => g === f))).toEqual(before);
      matrix.push({
        fault: 'rank 1 broker killed mid-run',
        expected: 'run degraded, job on the lost node NODE_FAIL',
        observed: `up exit ${up.status}; nodeloss-r1 ${r.status}: ${r.notes.join('; ')}`.slice(0, 160),
      });
    });

    test('the rank-0 broker killed mid-run: the run is recorded failed, naming the lost instance; nothing hangs', async () => {
      const before = snapshot();
      writeConfig([NODE_LOSS, RANK0_LOSS]);
      const runner = startRunner('up', STACK, PROGRAM, configFile);
      await untilRunning('rank0loss', 1);
      process.kill(brokerPid('n1'), 'SIGKILL');
      const up = await runner.done;
      const r = result('rank0loss');
      expect(r.status).toBe('failed');
      expect(r.notes.join(' ')).toContain('the scheduler stopped answering');
      expect(snapshot().filter(([f]) => before.some(([g]) => g === f))).toEqual(before);
      matrix.push({
        fault: 'rank 0 broker killed mid-run',
        expected: 'run recorded failed, lost instance named',
        observed: `up exit ${up.status}; rank0loss-r1 ${r.status}: ${r.notes.join('; ')}`.slice(0, 160),
      });
    });

    test('destroy leaves no broker, file or certificate behind; results stay', () => {
      expectOk(runRunner('destroy', STACK, PROGRAM, configFile));
      const left = execFileSync(
        'bash',
        ['-c', `pgrep -af '[${FLUX_ROOT[0]}]${FLUX_ROOT.slice(1)}' || true`],
        {
          encoding: 'utf8',
        },
      );
      expect(left).toBe('');
      expect(existsSync(path.join('/var/lib/schedbench', STACK))).toBe(false);
      expect(existsSync(path.join(resultsDir, runId, STACK, 'throughput-r1.json'))).toBe(true);
    });
  });
}
