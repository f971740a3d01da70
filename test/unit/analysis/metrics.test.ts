// Metrics on hand-computed runs: every expected figure below is worked out in the comment beside it.
import { boundedSlowdown } from '../../../analysis/metrics-jobs';
import { energyMetrics } from '../../../analysis/metrics-energy';
import { runDetails, runMetrics } from '../../../analysis/metrics';
import type { NodeSample } from '../../../results/schema';
import { iso, job, node, runResult } from '../../helpers/sim';

const power = { idleWatts: 100, maxWatts: 300, cores: 8, source: 'test' };

describe('job metrics on a four-job run (one 4-CPU node)', () => {
  // j1 0→0–10 2 CPUs; j2 0→0–20 2 CPUs; j3 5→10–15 2 CPUs; j4 5→20–40 4 CPUs.
  const run = runResult({
    nodes: [node('n1', 4)],
    jobs: [
      job({ submit: 0, start: 0, end: 10, cpus: 2, totalCpuSeconds: 18 }, 0),
      job({ submit: 0, start: 0, end: 20, cpus: 2, totalCpuSeconds: 40 }, 1),
      job({ submit: 5, start: 10, end: 15, cpus: 2, totalCpuSeconds: 5 }, 2),
      job({ submit: 5, start: 20, end: 40, cpus: 4, totalCpuSeconds: 80 }, 3),
    ],
  });
  const m = runMetrics(run, { power });

  it('makespan and throughput', () => {
    expect(m.makespanSeconds).toBe(40); // 40 − 0
    expect(m.throughputJobsPerHour).toBe(360); // 4 / 40 s × 3600
  });

  it('waits: mean, p50, p95 (type 7), max', () => {
    // waits 0, 0, 5, 15
    expect(m.waitMeanSeconds).toBe(5);
    expect(m.waitP50Seconds).toBe(2.5);
    expect(m.waitP95Seconds).toBeCloseTo(13.5, 10); // h = 3 × 0.95 = 2.85 → 5 + 0.85 × 10
    expect(m.waitMaxSeconds).toBe(15);
  });

  it('response and bounded slowdown (τ = 10 s)', () => {
    expect(m.responseMeanSeconds).toBe(18.75); // (10 + 20 + 10 + 35) / 4
    // j3: max(1, (5 + 5) / max(5, 10)) = 1; j4: (15 + 20) / 20 = 1.75
    expect(m.boundedSlowdownMean).toBe(1.1875);
    expect(boundedSlowdown(100, 1)).toBe(10.1); // short job: divided by τ, not by 1 s
    expect(boundedSlowdown(0, 0)).toBe(1);
  });

  it('CPU efficiency per job and overall', () => {
    // 18/20, 40/40, 5/10, 80/80
    expect(m.cpuEfficiencyMean).toBe((0.9 + 1 + 0.5 + 1) / 4);
    expect(m.cpuEfficiencyOverall).toBe(143 / 150);
  });

  it('allocated utilisation, no idle-while-pending, no fragmentation', () => {
    expect(m.utilisationAllocated).toBe(150 / 160); // (20 + 40 + 10 + 80) CPU·s / (4 × 40)
    // pending j3 [5,10) and j4 [5,20): idle is 0 until 15, then 2 < j4's 4 CPUs
    expect(m.idleWhilePendingShare).toBe(0);
    expect(m.fragmentation).toBe(0);
  });

  it('scheduler latency and rates', () => {
    expect(m.schedulerLatencySeconds).toBe(0);
    expect(m.startRateJobsPerSecond).toBe(3 / 20); // starts at 0, 0, 10, 20
    expect(m.completionRateJobsPerSecond).toBe(3 / 30); // ends at 10, 15, 20, 40
    expect(m.submitRateJobsPerSecond).toBe(4); // 4 submits between 0 and 1 s
  });
});

describe('fragmentation (two 2-CPU nodes)', () => {
  it('counts idle CPUs split across nodes while a 2-CPU job waits', () => {
    // a: n1 0–10 (1 CPU), b: n2 0–20 (1 CPU), c: 2 CPUs pending 0–10, then n1 10–20.
    // [0,10): 1 idle CPU on each node → 2 idle in total ≥ c's 2, but no node has 2 → fragmented: 2 × 10 CPU·s
    const m = runMetrics(
      runResult({
        nodes: [node('n1', 2), node('n2', 2)],
        jobs: [
          job({ submit: 0, start: 0, end: 10, cpus: 1, nodes: ['n1'] }, 0),
          job({ submit: 0, start: 0, end: 20, cpus: 1, nodes: ['n2'] }, 1),
          job({ submit: 0, start: 10, end: 20, cpus: 2, nodes: ['n1'] }, 2),
        ],
      }),
      { power },
    );
    expect(m.makespanSeconds).toBe(20);
    expect(m.fragmentation).toBe(20 / 80);
    expect(m.idleWhilePendingShare).toBe(20 / 80);
    expect(m.utilisationAllocated).toBe(50 / 80);
  });

  it('counts a job waiting with a whole node idle as idle-while-pending, not fragmentation', () => {
    // one 4-CPU node; a 2-CPU job submitted at 0 starts at 3: 4 idle CPUs × 3 s
    const m = runMetrics(
      runResult({ nodes: [node('n1', 4)], jobs: [job({ submit: 0, start: 3, end: 13, cpus: 2 }, 0)] }),
      { power },
    );
    expect(m.idleWhilePendingShare).toBe(12 / 52);
    expect(m.fragmentation).toBe(0);
    expect(m.schedulerLatencySeconds).toBe(3);
  });

  it('ignores jobs larger than any node and jobs not yet eligible', () => {
    // big (8 CPUs) can never fit a 4-CPU node; late is eligible only at 10, when its node is free anyway
    const m = runMetrics(
      runResult({
        nodes: [node('n1', 4)],
        jobs: [
          job({ submit: 0, start: 0, end: 10, cpus: 4 }, 0),
          job({ submit: 0, cpus: 8, state: 'PENDING' }, 1),
          job({ submit: 0, eligible: 10, start: 10, end: 20, cpus: 1 }, 2),
        ],
      }),
      { power },
    );
    expect(m.idleWhilePendingShare).toBe(0);
    expect(m.jobsNeverStarted).toBe(1);
    expect(m.jobsUnfinished).toBe(1);
  });
});

describe('edge cases', () => {
  it('one job with zero wait', () => {
    const m = runMetrics(
      runResult({ nodes: [node('n1', 4)], jobs: [job({ submit: 0, start: 0, end: 5 })] }),
      {
        power,
      },
    );
    expect(m.makespanSeconds).toBe(5);
    expect(m.waitMeanSeconds).toBe(0);
    expect(m.waitP95Seconds).toBe(0);
    expect(m.boundedSlowdownMean).toBe(1); // max(1, 5 / 10)
    expect(m.utilisationAllocated).toBe(0.25); // 5 CPU·s / (4 × 5)
    expect(m.throughputJobsPerHour).toBe(720);
    expect(m.startRateJobsPerSecond).toBeNull(); // one event has no rate
  });

  it('no jobs at all: figures are null, not NaN', () => {
    const m = runMetrics(runResult({ jobs: [] }), { power });
    expect(m.makespanSeconds).toBeNull();
    expect(m.waitMeanSeconds).toBeNull();
    expect(m.utilisationAllocated).toBeNull();
    expect(m.energyJoules).toBeNull();
    expect(m.energySource).toBe('none');
  });

  it('failed and cancelled jobs: counted where the definition says, excluded elsewhere', () => {
    // ok 0→0–10; failed 0→2–30 (ran, ended badly); cancelled while pending at 5 (never ran)
    const m = runMetrics(
      runResult({
        nodes: [node('n1', 4)],
        jobs: [
          job({ submit: 0, start: 0, end: 10 }, 0),
          job({ submit: 0, start: 2, end: 30, state: 'FAILED' }, 1),
          { ...job({ submit: 0, state: 'CANCELLED' }, 2), endTime: iso(5) },
        ],
      }),
      { power },
    );
    expect([m.jobsCompleted, m.jobsFailed, m.jobsCancelled, m.jobsNeverStarted]).toEqual([1, 1, 1, 1]);
    expect(m.makespanSeconds).toBe(30); // the failed job held the machine until 30
    expect(m.throughputJobsPerHour).toBe(120); // only completed jobs: 1 / 30 s × 3600
    expect(m.waitMeanSeconds).toBe(1); // waits of jobs that started: 0 and 2
    expect(m.responseMeanSeconds).toBe(10); // completed only
    expect(m.utilisationAllocated).toBe(38 / 120); // 10 + 28 CPU·s over 4 × 30
    // the cancelled job waited [0,5) with ≥ 2 idle CPUs: 3 idle × 2 s + 2 idle × 3 s
    expect(m.idleWhilePendingShare).toBe(12 / 120);
  });

  it('the window opens at the first submit of a job that ran: a job cancelled while pending opens nothing', () => {
    // pending job submitted at 0, cancelled at 60, never started; a 10-s job submitted at 60, ran 60–70
    const m = runMetrics(
      runResult({
        nodes: [node('n1', 4)],
        jobs: [
          { ...job({ submit: 0, state: 'CANCELLED' }, 0), endTime: iso(60) },
          job({ submit: 60, start: 60, end: 70 }, 1),
        ],
      }),
      { power },
    );
    expect(m.makespanSeconds).toBe(10); // 70 − 60, not 70 − 0
    expect(m.schedulerLatencySeconds).toBe(0); // 60 − 60, not 60
    expect(m.throughputJobsPerHour).toBe(360); // 1 / 10 s × 3600
    expect(m.utilisationAllocated).toBe(0.25); // 1 CPU × 10 s / (4 × 10)
    expect(m.idleWhilePendingShare).toBe(0); // its wait [0, 60) lies before the window
    expect([m.jobsCancelled, m.jobsNeverStarted]).toEqual([1, 1]);
  });

  it('a job still pending at collection neither opens nor closes the window', () => {
    const m = runMetrics(
      runResult({
        nodes: [node('n1', 4)],
        jobs: [job({ submit: 0, cpus: 2, state: 'PENDING' }, 0), job({ submit: 5, start: 7, end: 27 }, 1)],
      }),
      { power },
    );
    expect(m.makespanSeconds).toBe(22); // 27 − 5
    expect(m.schedulerLatencySeconds).toBe(2);
    // the pending 2-CPU job waits through the window beside 4 idle CPUs [5,7), then 3: 4 × 2 + 3 × 20 CPU·s
    expect(m.idleWhilePendingShare).toBe(68 / 88);
  });

  it('clock skew: a start before the submit is clamped and counted', () => {
    const m = runMetrics(
      runResult({
        nodes: [node('n1', 4)],
        jobs: [job({ submit: 10, start: 8, end: 20 }, 0), job({ submit: 0, start: 1, end: 0.5 }, 1)],
      }),
      { power },
    );
    expect(m.clockSkewJobs).toBe(2);
    expect(m.waitMeanSeconds).toBe(0.5); // 0 (clamped) and 1
    expect(m.makespanSeconds).toBe(20);
  });
});

describe('node averages and energy', () => {
  // Cumulative energy at `watts` from 0 at t = 0 (null: not measured).
  const samples = (n: string, busy: number, watts: number | null): NodeSample[] =>
    [0, 10].map((t) => ({
      time: iso(t),
      node: n,
      cpuBusy: busy,
      memoryUsedMiB: 100 + t,
      diskReadBytes: t * 100,
      diskWriteBytes: t * 200,
      netRxBytes: t * 10,
      netTxBytes: t * 20,
      energyJoules: watts === null ? null : watts * t,
    }));

  it('measured utilisation, rates from cumulative counters, estimated energy', () => {
    const d = runDetails(
      runResult({
        nodes: [node('n1', 4), node('n2', 4)],
        jobs: [job({ submit: 0, start: 0, end: 10, cpus: 2, nodes: ['n1'] })],
        nodeSamples: [...samples('n1', 0.5, null), ...samples('n2', 0, null)],
      }),
      { power },
    );
    const m = d.metrics;
    expect(m.utilisationMeasured).toBe(0.25); // (0.5 × 4 + 0 × 4) / 8
    expect(m.nodeDiskReadBytesPerSecond).toBe(100);
    expect(m.nodeNetTxBytesPerSecond).toBe(20);
    expect(m.nodeMemoryUsedMeanMiB).toBe(105);
    // n1: 4/8 × (100 + 200 × 0.5) = 100 W; n2: 4/8 × 100 = 50 W; × 10 s
    expect(m.energySource).toBe('model');
    expect(m.energyJoules).toBe(1500);
    expect(d.perNode.map((n) => n.cpuBusyMean)).toEqual([0.5, 0]);
  });

  it('measured energy when every node reports it, labelled with its source; the model is not used', () => {
    const rapl = { ...node('n1', 4).sources, energy: 'rapl: test' };
    const m = runMetrics(
      runResult({
        nodes: [
          { ...node('n1', 4), sources: rapl },
          { ...node('n2', 4), sources: rapl },
        ],
        jobs: [job({ submit: 0, start: 0, end: 10, cpus: 2, nodes: ['n1'] })],
        nodeSamples: [...samples('n1', 0.5, 60), ...samples('n2', 0, 40)],
      }),
      { power },
    );
    expect(m.energySource).toBe('rapl');
    expect(m.energyJoules).toBe(1000); // (60 + 40) W × 10 s
    expect(m.powerMeanWatts).toBe(100);
  });

  it('without a source and without a configured model, energy is not measured: null, source none', () => {
    const m = runMetrics(
      runResult({
        nodes: [node('n1', 4)],
        jobs: [job({ submit: 0, start: 0, end: 10, cpus: 2, nodes: ['n1'] })],
        nodeSamples: samples('n1', 0.5, null),
      }),
    );
    expect(m.energySource).toBe('none');
    expect(m.energyJoules).toBeNull();
    expect(m.powerMeanWatts).toBeNull();
  });

  it('a run measured on only some of its nodes is not measured (nor mixed with the model silently)', () => {
    const rapl = { ...node('n1', 4).sources, energy: 'rapl: test' };
    const nodes = [{ ...node('n1', 4), sources: rapl }, node('n2', 4)];
    const nodeSamples = [...samples('n1', 0.5, 60), ...samples('n2', 0, null)];
    const jobs = [job({ submit: 0, start: 0, end: 10, cpus: 2, nodes: ['n1'] })];
    expect(runMetrics(runResult({ nodes, jobs, nodeSamples })).energySource).toBe('none');
    expect(runMetrics(runResult({ nodes, jobs, nodeSamples }), { power }).energySource).toBe('model');
  });

  it('falls back to allocated utilisation when nothing was sampled', () => {
    const e = energyMetrics(
      [{ cpus: 8, busy: null, powerMeanWatts: null, energySource: 'none' }],
      10,
      0.5,
      power,
    );
    expect(e).toEqual({ energyJoules: 2000, energySource: 'model', powerMeanWatts: 200 });
  });
});
