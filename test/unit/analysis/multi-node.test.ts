// Metrics that follow multi-node, multi-task jobs on hand-made runs: gang skew and partial starts from the task
// records, slowdown and wait by job width, capacity with a job's CPUs split over its nodes, queue order (backfill and
// the delay it caused) — every expected figure worked out in the comment beside it — and the queue order's sweep
// against its all-pairs definition on random job lists.
import fc from 'fast-check';
import { analyse } from '../../../analysis/analyze';
import { jobTimes, type JobTimes } from '../../../analysis/job-times';
import { queueOrder, START_TOLERANCE_SECONDS } from '../../../analysis/metrics-backfill';
import { runMetrics } from '../../../analysis/metrics';
import { jobShapeNotes, reportHtml } from '../../../analysis/report/html';
import type { JobRecord, RunResult } from '../../../results/schema';
import { BASE_EPOCH_SECONDS, iso, job, node, runResult, type JobInput } from '../../helpers/sim';

interface Shape {
  requestedNodes?: number;
  requestedTasks?: number;
  /** Each task's start (s after the base epoch), on the job's nodes in turn. */
  taskStarts?: number[];
  gangSkewSeconds?: number | null;
}

/** A job record with a shape: nodes and tasks asked for, task records as the wrappers write them. */
function shaped(input: JobInput, index: number, shape: Shape): JobRecord {
  const base = job(input, index);
  const nodes = base.nodes.length > 0 ? base.nodes : ['n1'];
  const tasks = shape.taskStarts?.map((t, rank) => ({
    rank,
    node: nodes[rank % nodes.length] ?? null,
    startEpochS: BASE_EPOCH_SECONDS + t,
    endEpochS: input.end === undefined || input.end === null ? null : BASE_EPOCH_SECONDS + input.end,
    runSeconds: input.end === undefined || input.end === null ? null : input.end - t,
  }));
  return {
    ...base,
    requestedNodes: shape.requestedNodes,
    requestedTasks: shape.requestedTasks,
    ...(tasks === undefined ? {} : { tasks }),
    ...(shape.gangSkewSeconds === undefined ? {} : { gangSkewSeconds: shape.gangSkewSeconds }),
  };
}

const twoNodes = [node('n1', 4), node('n2', 4)];

describe('what a job of several tasks held', () => {
  it('tasks that ran one after the other on one node held their share each in turn, not the whole job throughout', () => {
    // A 2-task Job of 2 CPUs in all (1 each) whose pods both ran on n1, 0–10 then 10–20 (Kubernetes let the second
    // take the node the first left): 20 CPU-seconds held, not 2 CPUs × 20 s.
    const base = job({ submit: 0, start: 0, end: 20, cpus: 2, nodes: ['n1'] }, 0);
    const task = (rank: number, from: number, to: number) => ({
      rank,
      node: 'n1',
      startEpochS: BASE_EPOCH_SECONDS + from,
      endEpochS: BASE_EPOCH_SECONDS + to,
      runSeconds: to - from,
    });
    const record: JobRecord = {
      ...base,
      requestedNodes: 2,
      requestedTasks: 2,
      tasks: [task(0, 0, 10), task(1, 10, 20)],
    };
    const m = runMetrics(runResult({ nodes: [node('n1', 2), node('n2', 2)], jobs: [record] }));
    expect(m.utilisationAllocated).toBeCloseTo(20 / (4 * 20), 9);
    // Without task records, the job held its 2 CPUs from its start to its end.
    const whole = runMetrics(
      runResult({ nodes: [node('n1', 2), node('n2', 2)], jobs: [{ ...record, tasks: [] }] }),
    );
    expect(whole.utilisationAllocated).toBeCloseTo(40 / (4 * 20), 9);
  });
});

describe('gang skew and partial starts (task records)', () => {
  it('skew over multi-task jobs; partial-start CPU-seconds held by started tasks while siblings waited', () => {
    const m = runMetrics(
      runResult({
        nodes: twoNodes,
        jobs: [
          // 8 CPUs, 4 tasks (2 CPUs each) starting at 0, 0, 1, 3: skew 3; 2 × (3 + 3 + 2 + 0) = 16 CPU·s
          shaped({ submit: 0, start: 0, end: 20, cpus: 8, nodes: ['n1', 'n2'] }, 0, {
            requestedNodes: 2,
            requestedTasks: 4,
            taskStarts: [0, 0, 1, 3],
          }),
          // 2 tasks, skew recorded (1 s) but no task records: a skew, no partial-start figure
          shaped({ submit: 0, start: 0, end: 20, cpus: 2 }, 1, { requestedTasks: 2, gangSkewSeconds: 1 }),
          // one task: partial starts 0, and no skew
          shaped({ submit: 0, start: 5, end: 20, cpus: 1 }, 2, { requestedTasks: 1, taskStarts: [5] }),
        ],
      }),
    );
    expect(m.gangSkewMeanSeconds).toBe(2); // (3 + 1) / 2
    expect(m.gangSkewMaxSeconds).toBe(3);
    expect(m.partialStartCpuSeconds).toBe(16);
  });

  it('a wide Job whose pods start 30 s apart (as Kubernetes starts them) holds half its CPUs for 30 s', () => {
    const m = runMetrics(
      runResult({
        nodes: twoNodes,
        jobs: [
          shaped({ submit: 0, start: 10, end: 60, cpus: 4, nodes: ['n1', 'n2'] }, 0, {
            requestedNodes: 2,
            requestedTasks: 2,
            taskStarts: [10, 40],
          }),
        ],
      }),
    );
    expect(m.partialStartCpuSeconds).toBe(60); // pod 0: 4 / 2 CPUs × (40 − 10); pod 1: 0
    expect(m.gangSkewMaxSeconds).toBe(30);
  });

  it('more task records than tasks asked for (an older record): CPUs are split over the records', () => {
    // 3 CPUs, requestedTasks absent (1) but three tasks recorded at 0, 2, 2: 1 CPU × (2 + 0 + 0); skew 2
    const m = runMetrics(
      runResult({
        nodes: twoNodes,
        jobs: [shaped({ submit: 0, start: 0, end: 10, cpus: 3 }, 0, { taskStarts: [0, 2, 2] })],
      }),
    );
    expect(m.partialStartCpuSeconds).toBe(2);
    expect(m.gangSkewMeanSeconds).toBe(2);
  });

  it('without task records (older results) the figures are null, not 0', () => {
    const m = runMetrics(runResult({ nodes: twoNodes, jobs: [job({ submit: 0, start: 0, end: 10 }, 0)] }));
    expect(m.gangSkewMeanSeconds).toBeNull();
    expect(m.gangSkewMaxSeconds).toBeNull();
    expect(m.partialStartCpuSeconds).toBeNull();
  });

  it('a job the scheduler never started has no tasks, whatever a wrapper wrote', () => {
    const t = jobTimes(
      shaped({ submit: 0, state: 'CANCELLED' }, 0, { requestedTasks: 2, taskStarts: [1, 5] }),
    );
    expect(t.taskStarts).toBeNull();
    expect(t.gangSkewSeconds).toBeNull();
  });
});

describe('slowdown and wait by job width', () => {
  const jobs = [
    shaped({ submit: 0, start: 0, end: 10, cpus: 1 }, 0, {}), // narrow: wait 0, run 10 → 1
    shaped({ submit: 0, start: 10, end: 20, cpus: 1 }, 1, { requestedNodes: 1 }), // narrow: (10 + 10) / 10 = 2
    // wide: wait 30, run 10 → 4
    shaped({ submit: 0, start: 30, end: 40, cpus: 8, nodes: ['n1', 'n2'] }, 2, { requestedNodes: 2 }),
    // wide, failed: its wait (40) counts, its slowdown does not
    shaped({ submit: 0, start: 40, end: 45, cpus: 8, nodes: ['n1', 'n2'], state: 'FAILED' }, 3, {
      requestedNodes: 2,
    }),
  ];

  it('narrow = one node asked for, wide = more', () => {
    const m = runMetrics(runResult({ nodes: twoNodes, jobs }));
    expect(m.boundedSlowdownMeanNarrow).toBe(1.5);
    expect(m.boundedSlowdownMeanWide).toBe(4);
    expect(m.waitMeanSecondsWide).toBe(35); // (30 + 40) / 2
    expect(m.boundedSlowdownMean).toBeCloseTo(7 / 3, 12); // all completed: (1 + 2 + 4) / 3
  });

  it('an empty class is null', () => {
    const m = runMetrics(runResult({ nodes: twoNodes, jobs: jobs.slice(0, 2) }));
    expect(m.boundedSlowdownMeanNarrow).toBe(1.5);
    expect(m.boundedSlowdownMeanWide).toBeNull();
    expect(m.waitMeanSecondsWide).toBeNull();
  });
});

describe('capacity with multi-node allocations', () => {
  it("a job on two nodes holds half its CPUs on each: a 3-CPU job then fits neither node's free 2", () => {
    // W: 4 CPUs on n1 + n2 (2 each) 0–10; P: 3 CPUs on one node, waits 0–10, runs 10–20.
    // [0,10): 4 idle in total ≥ 3, but 2 + 2 → fragmented 4 × 10 CPU·s (all on n1 would leave n2 4 free: none)
    const m = runMetrics(
      runResult({
        nodes: twoNodes,
        jobs: [
          shaped({ submit: 0, start: 0, end: 10, cpus: 4, nodes: ['n1', 'n2'] }, 0, { requestedNodes: 2 }),
          shaped({ submit: 0, start: 10, end: 20, cpus: 3, nodes: ['n1'] }, 1, {}),
        ],
      }),
    );
    expect(m.fragmentation).toBe(40 / 160);
    expect(m.idleWhilePendingShare).toBe(40 / 160);
    expect(m.utilisationAllocated).toBe(70 / 160); // 4 × 10 + 3 × 10 over 8 CPUs × 20 s
  });

  it('a wide job needing 1 CPU on each of 2 nodes is placeable on 1 + 1 free CPUs: idle, not fragmented', () => {
    // 2 × 2 CPUs; a on n1 (1 CPU) 0–10, b on n2 (1 CPU) 0–20; W asks 2 nodes × 1 CPU, waits 0–10, runs 10–20.
    // [0,10): 1 free on each node, W fits in total and can be placed → idle while pending 2 × 10, fragmentation 0
    const m = runMetrics(
      runResult({
        nodes: [node('n1', 2), node('n2', 2)],
        jobs: [
          shaped({ submit: 0, start: 0, end: 10, cpus: 1, nodes: ['n1'] }, 0, {}),
          shaped({ submit: 0, start: 0, end: 20, cpus: 1, nodes: ['n2'] }, 1, {}),
          shaped({ submit: 0, start: 10, end: 20, cpus: 2, nodes: ['n1', 'n2'] }, 2, { requestedNodes: 2 }),
        ],
      }),
    );
    expect(m.idleWhilePendingShare).toBe(20 / 80);
    expect(m.fragmentation).toBe(0);
    expect(m.utilisationAllocated).toBe(50 / 80);
  });

  it('a wide job larger than any one node still counts while it waits beside enough idle nodes', () => {
    // 2 × 2 CPUs; W asks 2 nodes × 2 CPUs, submitted at 0, starts at 3: 4 idle CPUs × 3 s
    const m = runMetrics(
      runResult({
        nodes: [node('n1', 2), node('n2', 2)],
        jobs: [
          shaped({ submit: 0, start: 3, end: 13, cpus: 4, nodes: ['n1', 'n2'] }, 0, { requestedNodes: 2 }),
        ],
      }),
    );
    expect(m.idleWhilePendingShare).toBe(12 / 52);
    expect(m.fragmentation).toBe(0);
  });

  it('a wide job whose idle CPUs are there in total but on too few nodes is fragmentation', () => {
    // 3 × 2 CPUs; x on n1, y on n2 (1 CPU each) 0–10; W asks 2 nodes × 2 CPUs, waits 0–10.
    // [0,10): 4 idle ≥ 4, but only n3 has 2 free → fragmented 4 × 10 of 6 CPUs × 20 s
    const m = runMetrics(
      runResult({
        nodes: [node('n1', 2), node('n2', 2), node('n3', 2)],
        jobs: [
          shaped({ submit: 0, start: 0, end: 10, cpus: 1, nodes: ['n1'] }, 0, {}),
          shaped({ submit: 0, start: 0, end: 10, cpus: 1, nodes: ['n2'] }, 1, {}),
          shaped({ submit: 0, start: 10, end: 20, cpus: 4, nodes: ['n1', 'n2'] }, 2, { requestedNodes: 2 }),
        ],
      }),
    );
    expect(m.fragmentation).toBe(40 / 120);
    expect(m.idleWhilePendingShare).toBe(40 / 120);
  });

  it('ignores a wide job the cluster cannot run at all (more nodes, or more CPUs per node, than it has)', () => {
    const m = runMetrics(
      runResult({
        nodes: [node('n1', 2), node('n2', 2)],
        jobs: [
          shaped({ submit: 0, start: 0, end: 10, cpus: 1, nodes: ['n1'] }, 0, {}),
          shaped({ submit: 0, cpus: 6, state: 'PENDING' }, 1, { requestedNodes: 2 }), // 3 per node
          shaped({ submit: 0, cpus: 3, state: 'PENDING' }, 2, { requestedNodes: 3 }), // 3 nodes
        ],
      }),
    );
    expect(m.idleWhilePendingShare).toBe(0);
  });
});

describe('queue order: backfill and the delay it caused', () => {
  // A (submitted 0) runs 0–100 on one node; J (submitted 1) needs both nodes; K (submitted 2) starts at 2 on the
  // node A left free: K overtook J.
  const run = (jobs: JobRecord[]) => runMetrics(runResult({ nodes: twoNodes, jobs }));
  const a = job({ id: 'A', submit: 0, start: 0, end: 100, nodes: ['n1'] }, 0);

  it('an overtaken job that started once the earlier work had drained: no delay', () => {
    const m = run([
      a,
      job({ id: 'J', submit: 1, start: 100, end: 150, cpus: 8, nodes: ['n1', 'n2'] }, 1),
      job({ id: 'K', submit: 2, start: 2, end: 50, nodes: ['n2'] }, 2),
    ]);
    expect(m.backfilledJobs).toBe(1); // K
    expect(m.backfillDelayedJobs).toBe(0); // J started at 100 = A's end
    expect(m.backfillDelaySecondsMax).toBe(0);
  });

  it('an overtaken job held back past the drain by the job that overtook it: delayed by the difference', () => {
    const m = run([
      a,
      job({ id: 'J', submit: 1, start: 130, end: 180, cpus: 8, nodes: ['n1', 'n2'] }, 1),
      job({ id: 'K', submit: 2, start: 2, end: 130, nodes: ['n2'] }, 2),
    ]);
    expect(m.backfilledJobs).toBe(1);
    expect(m.backfillDelayedJobs).toBe(1);
    expect(m.backfillDelaySecondsMax).toBe(30); // 130 − max(1, A's end 100)
  });

  it('first come, first served: nothing overtaken, no delay', () => {
    const m = run([
      a,
      job({ id: 'J', submit: 1, start: 100, end: 150 }, 1),
      job({ id: 'K', submit: 2, start: 150, end: 160 }, 2),
    ]);
    expect([m.backfilledJobs, m.backfillDelayedJobs, m.backfillDelaySecondsMax]).toEqual([0, 0, 0]);
  });

  it('starts of one scheduling pass a few ms out of submit order are no overtake', () => {
    const first = job({ id: 'A', submit: 0, start: 12.102, end: 18, nodes: ['n1'] }, 0);
    const pass = job({ id: 'B', submit: 0.5, start: 12.1, end: 18, nodes: ['n2'] }, 1);
    expect(run([first, pass]).backfilledJobs).toBe(0);
    const ahead = 12.102 - START_TOLERANCE_SECONDS - 0.01;
    expect(
      run([first, job({ id: 'B', submit: 0.5, start: ahead, end: 18, nodes: ['n2'] }, 1)]).backfilledJobs,
    ).toBe(1);
  });

  it('per job: who overtook, who was overtaken, and the delay', () => {
    const times = [
      a,
      job({ id: 'J', submit: 1, start: 130, end: 180 }, 1),
      job({ id: 'K', submit: 2, start: 2, end: 130 }, 2),
    ].map(jobTimes);
    expect(queueOrder(times)).toEqual({
      backfilled: [false, false, true],
      overtaken: [false, true, false],
      delaySeconds: [null, 30, null],
    });
  });

  it('a job cancelled while pending is overtaken only by jobs that started before it left the queue', () => {
    const cancelled = { ...job({ id: 'C', submit: 0, state: 'CANCELLED' }, 0), endTime: iso(5) };
    const early = run([cancelled, job({ id: 'K', submit: 1, start: 3, end: 10 }, 1)]);
    const late = run([cancelled, job({ id: 'K', submit: 1, start: 10, end: 20 }, 1)]);
    expect(early.backfilledJobs).toBe(1);
    expect(early.backfillDelaySecondsMax).toBe(0); // C was overtaken but never started: no delay
    expect(late.backfilledJobs).toBe(0);
  });

  it('a job still pending at collection is overtaken by every later job that started', () => {
    const m = run([
      job({ id: 'P', submit: 0, cpus: 16, state: 'PENDING' }, 0),
      job({ id: 'K', submit: 1, start: 1, end: 5 }, 1),
      job({ id: 'L', submit: 2, start: 9, end: 12 }, 2),
    ]);
    expect(m.backfilledJobs).toBe(2);
  });

  it('jobs submitted at the same instant have no order; an earlier job still running means no delay', () => {
    const m = run([
      job({ id: 'X', submit: 0, start: 0, state: 'RUNNING' }, 0), // never ended: its end is unknown (∞)
      job({ id: 'Y', submit: 1, start: 20, end: 30 }, 1),
      job({ id: 'Z', submit: 1, start: 10, end: 20 }, 2), // same submit as Y: not an overtake
      job({ id: 'W', submit: 2, start: 5, end: 8 }, 3), // overtook Y and Z
    ]);
    expect(m.backfilledJobs).toBe(1);
    expect(m.backfillDelayedJobs).toBe(0); // Y and Z started while X still ran
    expect(m.backfillDelaySecondsMax).toBe(0);
  });

  it('no job started: the delay is null, the counts 0', () => {
    const m = run([job({ submit: 0, state: 'PENDING' }, 0)]);
    expect([m.backfilledJobs, m.backfillDelayedJobs, m.backfillDelaySecondsMax]).toEqual([0, 0, null]);
  });
});

/** The queue order straight from its definition, over all pairs. */
function naiveQueueOrder(jobs: readonly JobTimes[]): ReturnType<typeof queueOrder> {
  const waitedUntil = (j: JobTimes) => j.start ?? j.leftQueue ?? Infinity;
  const overtook = (k: JobTimes, j: JobTimes) =>
    k.submit > j.submit && k.start !== null && k.start < waitedUntil(j) - START_TOLERANCE_SECONDS;
  const overtaken = jobs.map((j) => jobs.some((k) => overtook(k, j)));
  return {
    backfilled: jobs.map((k) => jobs.some((j) => overtook(k, j))),
    overtaken,
    delaySeconds: jobs.map((j, i) => {
      if (!overtaken[i] || j.start === null) return null;
      const start = j.start;
      const ends = jobs
        .filter((e) => e.submit < j.submit && e.start !== null && e.start < start)
        .map((e) => e.end ?? Infinity);
      return Math.max(0, start - Math.max(j.submit, ...ends));
    }),
  };
}

describe('queue order sweep', () => {
  // Small integer times, so equal submits and starts are frequent; a job may never start (cancelled after a while,
  // or still pending) or never end (still running).
  const arbitraryJob = fc.record({
    submit: fc.integer({ min: 0, max: 12 }),
    wait: fc.option(fc.integer({ min: 0, max: 12 }), { nil: null }),
    run: fc.option(fc.integer({ min: 0, max: 12 }), { nil: null }),
    leftAfter: fc.option(fc.integer({ min: 0, max: 12 }), { nil: null }),
  });
  const record = (
    j: { submit: number; wait: number | null; run: number | null; leftAfter: number | null },
    i: number,
  ) => {
    if (j.wait === null) {
      const pending = job({ submit: j.submit, state: j.leftAfter === null ? 'PENDING' : 'CANCELLED' }, i);
      return j.leftAfter === null ? pending : { ...pending, endTime: iso(j.submit + j.leftAfter) };
    }
    const start = j.submit + j.wait;
    return job({ submit: j.submit, start, end: j.run === null ? null : start + j.run }, i);
  };

  it('agrees with the all-pairs definition', () => {
    fc.assert(
      fc.property(fc.array(arbitraryJob, { maxLength: 40 }), (js) => {
        const times = js.map(record).map(jobTimes);
        expect(queueOrder(times)).toEqual(naiveQueueOrder(times));
      }),
      { numRuns: 300 },
    );
  });
});

describe('the report', () => {
  const wideRun = (name: 'slurm' | 'kubernetes', secondTask: number): RunResult =>
    runResult({
      scheduler: { name, version: '1', settings: {} },
      nodes: twoNodes,
      jobs: [
        shaped({ submit: 0, start: 0, end: 20, cpus: 8, nodes: ['n1', 'n2'] }, 0, {
          requestedNodes: 2,
          requestedTasks: 2,
          taskStarts: [0, secondTask],
        }),
      ],
    });

  it('notes partial starts for Kubernetes rows with partial starts, and for no other scheduler', () => {
    expect(jobShapeNotes('kubernetes', 60)).toEqual([
      'pods of one Job started independently (partial starts)',
    ]);
    expect(jobShapeNotes('kubernetes', 0)).toEqual([]);
    expect(jobShapeNotes('kubernetes', null)).toEqual([]);
    expect(jobShapeNotes('slurm', 60)).toEqual([]);
  });

  it('shows the multi-node table with every group and the Kubernetes note once', () => {
    const a = analyse(
      [
        { path: 'k.json', run: wideRun('kubernetes', 15) },
        { path: 's.json', run: { ...wideRun('slurm', 0.01), runId: '20260101T000000Z_aaaaaaaaaaaa' } },
      ],
      [],
      { now: new Date(0) },
    );
    const html = reportHtml(a, { bars: [], cdfs: [], pareto: [], runs: [] });
    expect(html).toContain('<h3>Multi-node jobs and queue order</h3>');
    expect(html).toContain('partialStartCpuSeconds (CPU·s) mean [95 % interval]');
    expect(html.split('pods of one Job started independently (partial starts)')).toHaveLength(2);
    const kubernetesRow = html.split('<tr>').find((r) => r.includes('pods of one Job'));
    expect(kubernetesRow).toContain('<td class="l">kubernetes</td>');
    expect(kubernetesRow).toContain('<td>60'); // 4 CPUs × 15 s
  });
});
