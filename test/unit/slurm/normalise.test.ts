// The SLURM normaliser on a job of two nodes × two tasks as collect.sh prints it: sacct captured from SLURM 22.05.8
// (test/fixtures/slurm/sacct-multi-node.txt) and the wrapper files its four tasks wrote (`<id>@<rank>.times`).
import { readFileSync } from 'fs';
import * as path from 'path';
import type { StageOutputs } from '../../../components/schedulers/contract';
import { slurmNormaliser } from '../../../components/slurm/normalise';
import { SACCT_FIELDS } from '../../../components/slurm/parse';

const sacct = readFileSync(path.join(__dirname, '../../fixtures/slurm/sacct-multi-node.txt'), 'utf8');

/** A task's wrapper lines: its node, then start and end (wall ns, uptime s). */
function times(node: string, startS: number, endS: number): string {
  const ns = (s: number) => `${Math.round(s * 1e6)}000`;
  return `node ${node}\nstart ${ns(startS)} 100.00\nend ${ns(endS)} ${(100 + endS - startS).toFixed(2)}\n`;
}

const T = 1796643224;

function outputs(taskTimes: Record<string, string>): StageOutputs {
  return {
    submit: {
      startedAt: '2026-12-07T11:33:43Z',
      endedAt: '2026-12-07T11:33:44Z',
      jobs: [{ id: '3', specIndex: 0, name: 'gang.s0-0', submittedAt: T - 0.5 }],
    },
    wait: { timedOut: false, waitedSeconds: 5 },
    collect: JSON.stringify({
      fields: SACCT_FIELDS.join(','),
      sacct,
      metrics: { '3': 'metrics:\n' },
      times: taskTimes,
    }),
    samplerStop: JSON.stringify({ skipped: true }),
    nodeJobFiles: [],
  };
}

describe('slurmNormaliser, a job of two nodes × two tasks', () => {
  const run = slurmNormaliser.normalise(
    outputs({
      '3@0': times('sbdev-n1', T + 0.2, T + 3.2),
      '3@1': times('sbdev-n1', T + 0.21, T + 3.25),
      '3@2': times('sbdev-n2', T + 0.23, T + 3.3),
      '3@3': times('sbdev-n2', T + 0.22, T + 3.22),
    }),
  );
  const job = run.jobs[0];

  test('one record naming both nodes, with the totals of the job', () => {
    expect(run.jobs).toHaveLength(1);
    expect(run.missing).toEqual([]);
    expect(job).toMatchObject({
      id: '3',
      state: 'COMPLETED',
      nodes: ['sbdev-n1', 'sbdev-n2'],
      requestedCpus: 4,
      allocatedCpus: 4,
      requestedMemoryMiB: 256,
    });
  });

  test('its four tasks by rank, each with its node and times; the gang skew is the spread of their starts', () => {
    expect(job?.tasks?.map((t) => [t.rank, t.node])).toEqual([
      [0, 'sbdev-n1'],
      [1, 'sbdev-n1'],
      [2, 'sbdev-n2'],
      [3, 'sbdev-n2'],
    ]);
    expect(job?.tasks?.[2]?.runSeconds).toBeCloseTo(3.07, 6);
    expect(job?.gangSkewSeconds).toBeCloseTo(0.03, 5);
  });

  test("the job's precise times span its tasks: the first start, the last end", () => {
    expect(job?.precise?.submitEpochS).toBeCloseTo(T - 0.5, 6);
    expect(job?.precise?.startEpochS).toBeCloseTo(T + 0.2, 5);
    expect(job?.precise?.endEpochS).toBeCloseTo(T + 3.3, 5);
  });

  test('a job of one task (no @rank files) has one task and no gang skew', () => {
    const single = slurmNormaliser.normalise(outputs({ '3': times('sbdev-n1', T + 0.2, T + 3.2) })).jobs[0];
    expect(single?.tasks).toEqual([expect.objectContaining({ rank: 0, node: 'sbdev-n1' })]);
    expect(single?.gangSkewSeconds).toBeNull();
  });
});
