// The job wrapper's task records: each task of a job of several writes <id>@<rank>.times with the node it ran on,
// a job of one task writes <id>.times; jobFileFigures turns them into the job's tasks, its precise times (first
// task start, last task end) and its gang skew. The wrapper runs for real (bash), as on a node.
import { spawnSync } from 'child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { jobFileFigures, withTasks } from '../../../components/schedulers/contract';
import { gangSkewSeconds, splitTaskKey, taskRecord } from '../../../components/jobs/times';
import type { JobRecord } from '../../../results/schema';

const WRAPPER = path.join(__dirname, '../../../components/jobs/scripts/job.sh');

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'schedbench-tasks-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the wrapper as a scheduler would start one task. */
function task(env: Record<string, string>, mode = 'noop', ...args: string[]) {
  return spawnSync('bash', [WRAPPER, dir, 'JOB', mode, ...args], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
    encoding: 'utf8',
  });
}

function files(): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = { metrics: {}, times: {} };
  for (const f of readdirSync(dir)) {
    const kind = f.endsWith('.yaml') ? 'metrics' : 'times';
    (out[kind] ??= {})[f.replace(/\.(yaml|times)$/, '')] = readFileSync(path.join(dir, f), 'utf8');
  }
  return out;
}

const record = (id: string): JobRecord => ({
  id,
  name: id,
  specIndex: 0,
  state: 'COMPLETED',
  rawState: 'COMPLETED',
  exitCode: 0,
  signal: null,
  submitTime: '2026-12-07T00:00:00Z',
  eligibleTime: null,
  startTime: null,
  endTime: null,
  elapsedSeconds: null,
  requestedCpus: 4,
  requestedMemoryMiB: 256,
  allocatedCpus: 4,
  nodes: ['n1', 'n2'],
  totalCpuSeconds: null,
  maxRssMiB: null,
  metrics: {},
  precise: null,
});

describe('the job wrapper, task by task', () => {
  test('four tasks of one job on two nodes: one file each, naming its node; the job gets them by rank', () => {
    for (const [rank, node] of [
      ['2', 'n2'],
      ['0', 'n1'],
      ['3', 'n2'],
      ['1', 'n1'],
    ]) {
      const r = task({
        JOB: '41',
        SCHEDBENCH_TASK_VAR: 'RANK',
        RANK: rank ?? '',
        SCHEDBENCH_NODE_VAR: 'WHERE',
        WHERE: node ?? '',
      });
      expect([r.status, r.stderr]).toEqual([0, '']);
    }
    expect(readdirSync(dir).sort()).toEqual(['41@0.times', '41@1.times', '41@2.times', '41@3.times']);
    const own = files();
    const submit = {
      startedAt: '2026-12-07T00:00:00Z',
      endedAt: '2026-12-07T00:00:00Z',
      jobs: [{ id: '41', specIndex: 0, name: 'j', submittedAt: 1e9 }],
    };
    const figures = jobFileFigures(
      { metrics: own.metrics ?? {}, times: own.times ?? {} },
      { submit, nodeJobFiles: [] },
    );
    const tasks = figures.tasks['41'] ?? [];
    expect(tasks.map((t) => [t.rank, t.node])).toEqual([
      [0, 'n1'],
      [1, 'n1'],
      [2, 'n2'],
      [3, 'n2'],
    ]);
    const starts = tasks.map((t) => t.startEpochS ?? 0);
    const ends = tasks.map((t) => t.endEpochS ?? 0);
    // The job's times: its first task's start, its last task's end; the skew between the first and last start.
    expect(figures.precise['41']?.startEpochS).toBe(Math.min(...starts));
    expect(figures.precise['41']?.endEpochS).toBe(Math.max(...ends));
    const job = withTasks(record('41'), figures.tasks);
    expect(job.tasks).toHaveLength(4);
    expect(job.gangSkewSeconds).toBeCloseTo(Math.max(...starts) - Math.min(...starts), 9);
  });

  test('a job of one task: <id>.times with its node, one task record, no skew', () => {
    const r = task({ JOB: '7', SCHEDBENCH_NODE_VAR: 'WHERE', WHERE: 'n1' });
    expect(r.status).toBe(0);
    const own = files();
    expect(Object.keys(own.times ?? {})).toEqual(['7']);
    const submit = {
      startedAt: '2026-12-07T00:00:00Z',
      endedAt: '2026-12-07T00:00:00Z',
      jobs: [{ id: '7', specIndex: 0, name: 'j' }],
    };
    const figures = jobFileFigures({ metrics: {}, times: own.times ?? {} }, { submit, nodeJobFiles: [] });
    const job = withTasks(record('7'), figures.tasks);
    expect(job.tasks?.map((t) => [t.rank, t.node])).toEqual([[0, 'n1']]);
    expect(job.gangSkewSeconds).toBeNull();
    expect(figures.precise['7']?.runSeconds).not.toBeNull();
  });

  test('command mode runs a program of the image with its arguments; its failure is the job’s', () => {
    expect(task({ JOB: '8' }, 'command', 'true').status).toBe(0);
    expect(task({ JOB: '9' }, 'command', 'false').status).toBe(1);
    expect(readFileSync(path.join(dir, '9.times'), 'utf8')).toMatch(
      /^node \S+\nstart \d+ [\d.]+\nend \d+ [\d.]+\n$/,
    );
  });
});

describe('task keys and records', () => {
  test('a key is <id>@<rank> for a task of several; ids with dots or letters stay whole', () => {
    expect(splitTaskKey('123@4')).toEqual({ id: '123', rank: 4 });
    expect(splitTaskKey('sb-abc-s0-1')).toEqual({ id: 'sb-abc-s0-1', rank: null });
    expect(splitTaskKey('ƒ2Jx@0')).toEqual({ id: 'ƒ2Jx', rank: 0 });
  });

  test('a wrapper file without a node line (written before tasks) gives a task of unknown node', () => {
    const t = taskRecord(0, 'start 1700000000000000000 10.00\nend 1700000002500000000 12.50\n');
    expect(t).toEqual({
      rank: 0,
      node: null,
      startEpochS: 1700000000,
      endEpochS: 1700000002.5,
      runSeconds: 2.5,
    });
    expect(gangSkewSeconds([t])).toBeNull();
  });
});
