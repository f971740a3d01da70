// Flux's normaliser (the contract's pure side): what its stages printed → neutral job records, the submitted jobs
// Flux has no record of, scheduler samples and statistics. On outputs recorded from flux-core 0.88.0 / flux-sched
// 0.54.0 (test/fixtures/flux, see its README): every stage output of a real `mixed` run as the runner kept them,
// and Flux's own outputs recorded apart, in the envelopes collect.sh and sampler-stop.sh print them in (what those
// recordings lack — the plan's memory per spec, the job wrapper's files — is written in the formats their writers
// use, and says so).
import { readFileSync } from 'fs';
import * as path from 'path';
import { z } from 'zod';
import { fluxNormaliser } from '../../../components/flux/normalise';
import { SubmitOutput, WaitOutput, type StageOutputs } from '../../../components/schedulers/contract';

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'flux');
const fixture = (name: string): string => readFileSync(path.join(FIXTURES, name), 'utf8');

const RecordedJobs = z.strictObject({
  jobs: z.array(z.looseObject({ jobid: z.string(), name: z.string(), t_submit: z.number() })),
});
const recorded = (file: string) => RecordedJobs.parse(JSON.parse(fixture(file))).jobs;

const RANKS = ['fx25020-n1', 'fx25020-n2'];
const RUN = '20261130T155622Z_6af49cce5b53.fx25020.mixed-r1.';
/** The plan of the e2e's `mixed` run as renderPlan writes it (not recorded: its memory per spec is what is read). */
const PLAN = [
  '0 4 0 0 1 1 1 64 1 normal stress --cpu 1 --cpu-method matrixprod --timeout 3s',
  '1 4 1 0.5 1 1 1 512 1 normal stress --vm 1 --vm-bytes 256M --timeout 2s',
  '2 1 2 0 1 1 1 32 1 normal fail 3',
].join('\n');

/** sampler-stop.sh's document: the recorded sampler lines, and module stats snapshots out of time order. */
function samplerStop(): string {
  const times = fixture('sampler-samples.jsonl')
    .trim()
    .split('\n')
    .map((l) => z.looseObject({ t: z.number() }).parse(JSON.parse(l)).t);
  const snapshot = (phase: string, t: number) => ({
    phase,
    t,
    qmanager: fixture('module-stats-qmanager.json'),
    resource: fixture('module-stats-resource.json'),
    queue: fixture('queue-status.txt'),
  });
  return JSON.stringify({
    samples: fixture('sampler-samples.jsonl'),
    // stats_snapshots_json lists them by file name: after-…, before-…, during-….
    stats: [
      snapshot('after', Math.max(...times)),
      snapshot('before', Math.min(...times) - 1),
      snapshot('during', Math.min(...times) + 5),
    ],
    ranks: RANKS,
  });
}

/**
 * The `mixed` run of the e2e (its 9 jobs in jobs.json, spec index from the name), one job submitted that Flux has
 * no record of, wrapper times and stress-ng's figures for two jobs — one in the collect node's files, one read back
 * from another node, both named by the job id as Flux gives it to the job (`ƒ…`, UTF-8).
 */
function mixedRun(wait: WaitOutput = { timedOut: false, waitedSeconds: 12 }): StageOutputs {
  const jobs = recorded('jobs.json').filter((j) => j.name.startsWith(RUN));
  const jobsText = fixture('jobs.json');
  const utf8 = (id: string) => `ƒ${id.slice(1)}`;
  return {
    submit: {
      startedAt: '2026-11-30T15:57:00.000Z',
      endedAt: '2026-11-30T15:57:03.000Z',
      jobs: [
        ...jobs.map((j) => ({
          id: j.jobid,
          specIndex: Number(/\.s(\d+)-\d+$/.exec(j.name)?.[1]),
          name: j.name,
          submittedAt: j.t_submit,
        })),
        { id: 'fNeverSeen', specIndex: 2, name: `${RUN}s2-1` },
      ],
    },
    wait,
    collect: JSON.stringify({
      jobs: jobsText,
      plan: PLAN,
      metrics: {
        [utf8('fJaKwCv3')]:
          'metrics:\n    - stressor: cpu\n      bogo-ops: 84\n      wall-clock-time: 3.057396\n',
      },
      times: { [utf8('fJaKwCv3')]: 'start 1796054183000673441 2737.18\nend 1796054186552560483 2740.70\n' },
    }),
    samplerStop: samplerStop(),
    nodeJobFiles: [{ metrics: {}, times: { [utf8('fMMMyCJT')]: 'start 1796054184000000000 2738.00\n' } }],
  };
}

/**
 * The recording's plan predates the plan's nodes, tasks per node and priority fields (`specIndex count offset
 * interval cpus memoryMiB minutes kind args…`): its lines as renderPlan writes them now, one node and one task each.
 */
function currentPlan(collect: string): string {
  const doc = z.looseObject({ plan: z.string() }).parse(JSON.parse(collect));
  const plan = doc.plan
    .split('\n')
    .map((line) => {
      const f = line.split(' ');
      return [...f.slice(0, 4), '1', '1', ...f.slice(4, 7), 'normal', ...f.slice(7)].join(' ');
    })
    .join('\n');
  return JSON.stringify({ ...doc, plan });
}

/** Every stage output of a recorded run (`<workload>-r1.stages.json`), as the result writer hands them over. */
function recordedStages(file = 'mixed-r1.stages.json'): StageOutputs {
  const stages = z
    .strictObject({ submit: z.string(), wait: z.string(), collect: z.string(), schedulerSampler: z.string() })
    .parse(JSON.parse(fixture(file)));
  return {
    submit: SubmitOutput.parse(JSON.parse(stages.submit)),
    wait: WaitOutput.parse(JSON.parse(stages.wait)),
    collect: file === 'mixed-r1.stages.json' ? currentPlan(stages.collect) : stages.collect,
    samplerStop: stages.schedulerSampler,
    nodeJobFiles: [],
  };
}

describe('every stage output of a real mixed run (mixed-r1.stages.json)', () => {
  const outputs = recordedStages();
  const run = fluxNormaliser.normalise(outputs);

  it('every submitted job is a completed record on one of the two nodes, none missing, no note', () => {
    expect(run.jobs.map((j) => j.id)).toEqual(outputs.submit.jobs.map((j) => j.id));
    expect(run.missing).toEqual([]);
    expect(run.notes).toEqual([]);
    for (const job of run.jobs) {
      expect(job).toMatchObject({ state: 'COMPLETED', exitCode: 0, signal: null, allocatedCpus: 1 });
      expect(['fx12984-n1', 'fx12984-n2']).toContain(job.nodes[0]);
      expect(job.nodes).toHaveLength(1);
    }
  });

  it("memory from the plan by spec, stress-ng's figures and the precise times for every job", () => {
    expect(run.jobs.map((j) => [j.specIndex, j.requestedMemoryMiB])).toEqual([
      ...Array<[number, number]>(4).fill([0, 64]),
      [2, 64],
      ...Array<[number, number]>(4).fill([1, 1024]),
    ]);
    for (const job of run.jobs) {
      expect(Object.keys(job.metrics).length).toBeGreaterThan(0);
      expect(job.precise).toMatchObject({
        submitEpochS: expect.any(Number),
        startEpochS: expect.any(Number),
        endEpochS: expect.any(Number),
        runSeconds: expect.any(Number),
      });
      // The wrapper starts after Flux says the job runs, and ends before Flux cleans up.
      const start = Date.parse(job.startTime ?? '') / 1000;
      const end = Date.parse(job.endTime ?? '') / 1000;
      expect(job.precise?.startEpochS ?? 0).toBeGreaterThanOrEqual(start - 0.001);
      expect(job.precise?.endEpochS ?? 0).toBeLessThanOrEqual(end + 0.001);
    }
  });

  it('samples from before the first submission to after the last job, both nodes named; before and after statistics', () => {
    const times = run.schedulerSamples.map((s) => Date.parse(s.time));
    const lastEnd = Math.max(...run.jobs.map((j) => Date.parse(j.endTime ?? '')));
    expect(Math.min(...times)).toBeLessThan(Date.parse(outputs.submit.startedAt));
    expect(Math.max(...times)).toBeGreaterThanOrEqual(lastEnd);
    for (const sample of run.schedulerSamples)
      expect(sample.nodes.map((n) => n.node)).toEqual(['fx12984-n1', 'fx12984-n2']);
    expect(Math.max(...run.schedulerSamples.map((s) => s.running))).toBeGreaterThan(0);
    expect(run.schedulerStats.map((s) => s.phase)).toEqual(['before', 'after']);
    const [before, after] = run.schedulerStats;
    expect((after?.cycles ?? 0) - (before?.cycles ?? 0)).toBe(outputs.submit.jobs.length);
  });
});

describe('the e2e mixed run (jobs.json, sampler-samples.jsonl, module stats)', () => {
  const run = fluxNormaliser.normalise(mixedRun());

  it('one record per job Flux accounted for, each completed on one named node; the unknown one is missing', () => {
    expect(run.jobs).toHaveLength(9);
    expect(run.missing).toEqual(['fNeverSeen']);
    for (const job of run.jobs) {
      expect(job).toMatchObject({ state: 'COMPLETED', rawState: 'COMPLETED', exitCode: 0, signal: null });
      expect(job.nodes).toHaveLength(1);
      expect(RANKS).toContain(job.nodes[0]);
      expect(job.startTime).toMatch(/\.\d{6}Z$/);
    }
    expect(run.notes).toEqual([]);
  });

  it("each record has its spec's index and memory from the plan, and the cores Flux gave it", () => {
    const bySpec = new Map<number | null, number[]>();
    for (const j of run.jobs)
      bySpec.set(j.specIndex, [...(bySpec.get(j.specIndex) ?? []), j.requestedMemoryMiB]);
    expect(Object.fromEntries(bySpec)).toEqual({
      0: [64, 64, 64, 64],
      1: [512, 512, 512, 512],
      2: [32],
    });
    for (const j of run.jobs) expect([j.requestedCpus, j.allocatedCpus]).toEqual([1, 1]);
  });

  it("the wrapper's times and stress-ng's figures land on the job's ASCII id, from either node", () => {
    const job = (id: string) => run.jobs.find((j) => j.id === id);
    expect(job('fJaKwCv3')?.metrics).toMatchObject({ 'cpu.bogo-ops': 84 });
    expect(job('fJaKwCv3')?.precise?.startEpochS).toBeCloseTo(1796054183.000673, 6);
    expect(job('fJaKwCv3')?.precise?.endEpochS).toBeCloseTo(1796054186.55256, 6);
    expect(job('fJaKwCv3')?.precise?.runSeconds).toBeCloseTo(3.52, 6);
    expect(job('fMMMyCJT')?.precise).toMatchObject({ startEpochS: 1796054184, endEpochS: null });
    // Every submitted job has the harness's submit time, wrapper lines or not.
    for (const j of run.jobs) expect(j.precise?.submitEpochS).toEqual(expect.any(Number));
  });

  it('the sampler lines become samples: pending and running counts, allocation per node named by rank', () => {
    expect(run.schedulerSamples).toHaveLength(9);
    expect(run.schedulerSamples[0]).toEqual({
      time: '2026-11-30T15:57:05.964Z',
      pending: 0,
      running: 0,
      nodes: [
        { node: 'fx25020-n1', state: 'free', allocatedCpus: 0, idleCpus: 2 },
        { node: 'fx25020-n2', state: 'free', allocatedCpus: 0, idleCpus: 2 },
      ],
    });
    expect(run.schedulerSamples.some((s) => s.pending === 1 && s.running === 4)).toBe(true);
  });

  it("the module stats snapshots become statistics in time order: Fluxion's matches as cycles", () => {
    expect(run.schedulerStats.map((s) => s.phase)).toEqual(['before', 'during', 'after']);
    for (const s of run.schedulerStats) expect(s).toMatchObject({ cycles: 72, cycleLastUs: null });
    expect(run.schedulerStats[0]?.cycleMaxUs).toBeCloseTo(8732.812, 3);
  });

  it('reads nothing of the wait: a timeout with the cancelled listed, none ([]) or an old empty [""] is the same run', () => {
    const timedOut = (cancelled: string[]) =>
      fluxNormaliser.normalise(mixedRun({ timedOut: true, waitedSeconds: 90, cancelled }));
    expect(timedOut([])).toEqual(run);
    expect(timedOut([''])).toEqual(run);
    expect(timedOut(['fJaKwCv3'])).toEqual(run);
  });

  it('a skipped sampler (a run already written) gives no samples and no statistics', () => {
    const skipped = fluxNormaliser.normalise({ ...mixedRun(), samplerStop: '{"skipped":true}' });
    expect([skipped.schedulerSamples, skipped.schedulerStats]).toEqual([[], []]);
    expect(skipped.jobs).toEqual(run.jobs);
  });

  it('refuses a collect document that is not collect.sh', () => {
    expect(() => fluxNormaliser.normalise({ ...mixedRun(), collect: '{"jobs":[]}' })).toThrow();
  });
});

describe('every stage output of a real run of two 2-node × 2-task jobs (pairs-r1.stages.json)', () => {
  const outputs = recordedStages('pairs-r1.stages.json');
  const run = fluxNormaliser.normalise(outputs);
  const NODES = ['fx29347-n1', 'fx29347-n2'];

  it("each job names both nodes; CPUs and memory are its totals; stress-ng's figures are rank 0's", () => {
    expect(run.jobs.map((j) => j.id)).toEqual(['fXFfnyx3', 'fXFfnyx4']);
    expect(run.missing).toEqual([]);
    for (const job of run.jobs) {
      expect(job).toMatchObject({
        state: 'COMPLETED',
        exitCode: 0,
        nodes: NODES,
        requestedCpus: 4,
        allocatedCpus: 4,
        requestedMemoryMiB: 128,
      });
      expect(job.metrics['cpu.bogo-ops']).toBeGreaterThan(0);
    }
  });

  it('four tasks per job, two on each node, each with its times; the job spans them; a small gang skew', () => {
    for (const job of run.jobs) {
      expect(job.tasks?.map((t) => [t.rank, t.node])).toEqual([
        [0, NODES[0]],
        [1, NODES[0]],
        [2, NODES[1]],
        [3, NODES[1]],
      ]);
      for (const t of job.tasks ?? []) {
        expect(t.runSeconds).toBeGreaterThanOrEqual(3);
        expect(t.startEpochS).toBeGreaterThanOrEqual(Date.parse(job.startTime ?? '') / 1000 - 0.001);
      }
      const starts = (job.tasks ?? []).map((t) => t.startEpochS ?? 0);
      const ends = (job.tasks ?? []).map((t) => t.endEpochS ?? 0);
      expect(job.gangSkewSeconds).toBeCloseTo(Math.max(...starts) - Math.min(...starts), 9);
      expect(job.gangSkewSeconds).toBeLessThan(1);
      expect([job.precise?.startEpochS, job.precise?.endEpochS]).toEqual([
        Math.min(...starts),
        Math.max(...ends),
      ]);
    }
    // Each holds the whole cluster: the second starts once the first has ended.
    const [first, second] = run.jobs;
    expect(Date.parse(second?.startTime ?? '')).toBeGreaterThanOrEqual(Date.parse(first?.endTime ?? ''));
  });
});

describe('a job of 2 nodes × 2 tasks (the recorded 2-node validation job, given 4 tasks)', () => {
  const recordedJob = z
    .array(z.looseObject({ name: z.string() }))
    .parse(JSON.parse(fixture('jobs.json')).jobs)
    .find((j) => j.name === 'hostname');
  // Four tasks of one core: what Flux reports of `-N 2 -n 4 -c 1`.
  const jobsText = JSON.stringify({ jobs: [{ ...recordedJob, ntasks: 4, ncores: 4 }] });
  const task = (node: string, start: string, end: string) => `node ${node}\nstart ${start}\nend ${end}\n`;
  const run = fluxNormaliser.normalise({
    submit: {
      startedAt: '2026-11-30T15:56:31.000Z',
      endedAt: '2026-11-30T15:56:32.000Z',
      jobs: [{ id: 'f27VTm11', specIndex: 0, name: 'hostname', submittedAt: 1796054191.52 }],
    },
    wait: { timedOut: false, waitedSeconds: 1 },
    collect: JSON.stringify({
      jobs: jobsText,
      plan: '0 1 0 0 2 2 1 256 1 normal stress --cpu 1 --timeout 3s',
      metrics: { ƒ27VTm11: 'metrics:\n    - stressor: cpu\n      bogo-ops: 84\n' },
      // Each task's wrapper writes <id>@<FLUX_TASK_RANK>.times with the node it ran on (the id as Flux gives it).
      times: {
        'ƒ27VTm11@0': task('fx25020-n1', '1796054191560000000 100.00', '1796054194560000000 103.00'),
        'ƒ27VTm11@1': task('fx25020-n1', '1796054191561000000 100.01', '1796054194570000000 103.01'),
        'ƒ27VTm11@3': task('fx25020-n2', '1796054191575000000 200.02', '1796054194590000000 203.03'),
      },
    }),
    samplerStop: '{"skipped":true}',
    // The second node's task files, read back from it.
    nodeJobFiles: [
      {
        metrics: {},
        times: {
          'ƒ27VTm11@2': task('fx25020-n2', '1796054191570000000 200.00', '1796054194580000000 203.01'),
        },
      },
    ],
  });
  const job = run.jobs[0];

  it("names both nodes; CPUs and memory are the job's totals over its nodes", () => {
    expect(run.jobs).toHaveLength(1);
    expect(job).toMatchObject({
      state: 'COMPLETED',
      nodes: ['fx25020-n1', 'fx25020-n2'],
      requestedCpus: 4,
      allocatedCpus: 4,
      requestedMemoryMiB: 512,
      metrics: { 'cpu.bogo-ops': 84 },
    });
  });

  it('has its four tasks in rank order, each with its node and times; the gang skew is the spread of their starts', () => {
    expect(job?.tasks?.map((t) => [t.rank, t.node])).toEqual([
      [0, 'fx25020-n1'],
      [1, 'fx25020-n1'],
      [2, 'fx25020-n2'],
      [3, 'fx25020-n2'],
    ]);
    for (const t of job?.tasks ?? []) expect(t.runSeconds).toBeCloseTo(3, 1);
    expect(job?.gangSkewSeconds).toBeCloseTo(0.015, 6);
    // The job's precise times: the first task's start, the last task's end.
    expect(job?.precise?.startEpochS).toBeCloseTo(1796054191.56, 6);
    expect(job?.precise?.endEpochS).toBeCloseTo(1796054194.59, 6);
  });
});

describe('failure, timeout and cancel (jobs-exceptions.json)', () => {
  const jobs = recorded('jobs-exceptions.json');
  const outputs = (text: string): StageOutputs => ({
    submit: {
      startedAt: '2026-11-30T14:58:27.000Z',
      endedAt: '2026-11-30T14:58:28.000Z',
      jobs: jobs.map((j) => ({ id: j.jobid, specIndex: 0, name: j.name })),
    },
    wait: { timedOut: false, waitedSeconds: 3 },
    collect: JSON.stringify({ jobs: text, plan: '0 3 0 0 1 1 1 100 1 normal noop', metrics: {}, times: {} }),
    samplerStop: '{"skipped":true}',
    nodeJobFiles: [],
  });

  it("each ends in its neutral state, with Flux's result and exception type as the raw state", () => {
    const run = fluxNormaliser.normalise(outputs(fixture('jobs-exceptions.json')));
    const byName = Object.fromEntries(
      run.jobs.map((j) => [j.name, [j.state, j.rawState, j.exitCode, j.signal, j.requestedMemoryMiB]]),
    );
    expect(byName).toEqual({
      fails: ['FAILED', 'FAILED', 1, null, 100],
      'times-out': ['TIMEOUT', 'TIMEOUT (timeout)', 142, 14, 100],
      cancelled: ['CANCELLED', 'CANCELED (cancel)', 143, 15, 100],
    });
    expect(run.notes).toEqual([]);
  });

  it('a job ended by a lost node is NODE_FAIL and noted (the failed job, its exception changed to node-failure)', () => {
    const text = fixture('jobs-exceptions.json').replace(
      '"exception": {"occurred": false}',
      '"exception": {"occurred": true, "severity": 0, "type": "node-failure", "note": "lost rank 0"}',
    );
    const run = fluxNormaliser.normalise(outputs(text));
    expect(run.jobs.find((j) => j.name === 'fails')?.state).toBe('NODE_FAIL');
    expect(run.notes).toEqual(['node failure: jobs ended NODE_FAIL on vm']);
  });
});
