// The Flux parsers: job ids (f58, as flux-core's own test vectors have them), hostlists and idsets, states and
// signals, job records from `flux jobs --json` (64-bit ids kept exact, sub-second times kept), job counts, the
// per-rank allocation and Fluxion's module stats — against outputs recorded from flux-core 0.88.0 / flux-sched
// 0.54.0 (test/fixtures/flux, see its README), and a few hand-made edge cases (ids beyond 2^53).
import { readFileSync } from 'fs';
import * as path from 'path';
import {
  asciiJobId,
  epochToIsoMicro,
  expandHostlist,
  expandIdset,
  f58,
  jobRecords,
  jobSignal,
  normaliseState,
  parseFluxionStats,
  parseFluxJobs,
  parseJobStats,
  parseResourceList,
  planRequests,
  rlistCores,
} from '../../../components/flux/parse';

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'flux');
const fixture = (name: string): string => readFileSync(path.join(FIXTURES, name), 'utf8');

describe('job ids', () => {
  // src/common/libutil/test/fluid.c of flux-core 0.88.0.
  it.each([
    [0n, 'f1'],
    [57n, 'fz'],
    [3364n, 'f211'],
    [633528662n, 'fxyzzy'],
    [6731191091817518n, 'fuZZybuNNy'],
    [18446744073709551615n, 'fjpXCZedGfVQ'],
  ])('%s is %s', (id, text) => expect(f58(id)).toBe(text));
  it('the UTF-8 prefix becomes the ASCII one', () => expect(asciiJobId('ƒxyzzy')).toBe('fxyzzy'));
});

describe('hostlists, idsets, times', () => {
  it('expands RFC 29 hostlists and RFC 22 idsets', () => {
    expect(expandHostlist('fx1-n[1-2],gpu07')).toEqual(['fx1-n1', 'fx1-n2', 'gpu07']);
    expect(expandHostlist('')).toEqual([]);
    expect(expandIdset('0-2,5')).toEqual([0, 1, 2, 5]);
    expect(expandIdset('[3]')).toEqual([3]);
  });
  it('keeps microseconds', () =>
    expect(epochToIsoMicro(1700000000.123456)).toBe('2023-11-14T22:13:20.123456Z'));
});

describe('states and signals', () => {
  it.each([
    [{ state: 'SCHED' }, 'PENDING'],
    [{ state: 'RUN' }, 'RUNNING'],
    [{ state: 'INACTIVE', result: 'COMPLETED' }, 'COMPLETED'],
    [{ state: 'INACTIVE', result: 'FAILED' }, 'FAILED'],
    [{ state: 'INACTIVE', result: 'CANCELED', exception_type: 'cancel' }, 'CANCELLED'],
    [{ state: 'INACTIVE', result: 'TIMEOUT', exception_type: 'timeout' }, 'TIMEOUT'],
    [{ state: 'INACTIVE', result: 'FAILED', exception_type: 'node-failure' }, 'NODE_FAIL'],
    // flux-core 0.88, a rank's broker killed under the job (recorded by the fault matrix, test/e2e/flux).
    [
      {
        state: 'INACTIVE',
        result: 'FAILED',
        exception_type: 'exec',
        exception_note: 'node failure on fx21246-n2 (rank 1)',
      },
      'NODE_FAIL',
    ],
    [
      { state: 'INACTIVE', result: 'FAILED', exception_type: 'exec', exception_note: 'task 0: start failed' },
      'FAILED',
    ],
  ])('%j → %s', (job, state) => expect(normaliseState(job)).toBe(state));
  it('a signal from the wait status or a 128+n return code', () => {
    expect(jobSignal({ waitstatus: 9, returncode: 137 })).toBe(9);
    expect(jobSignal({ returncode: 143 })).toBe(15);
    expect(jobSignal({ waitstatus: 256, returncode: 1 })).toBeNull();
  });
});

// flux jobs --json prints ids as integers beyond 2^53.
const JOBS = `{"jobs": [
 {"id": 6731191091817518, "userid": 0, "urgency": 16, "priority": 16, "t_submit": 1700000000.123456,
  "t_depend": 1700000000.125, "t_run": 1700000000.5, "t_cleanup": 1700000003.75, "t_inactive": 1700000003.8,
  "state": "INACTIVE", "name": "r.s.cpu-r1.s0-0", "ntasks": 1, "ncores": 2, "nnodes": 1, "ranks": "1",
  "nodelist": "fx1-n2", "success": true, "result": "COMPLETED", "waitstatus": 0, "returncode": 0,
  "exception_occurred": false},
 {"id": 18446744073709551615, "t_submit": 1700000001.0, "t_depend": 1700000001.1, "t_cleanup": 1700000002.0,
  "t_inactive": 1700000002.1, "state": "INACTIVE", "name": "r.s.cpu-r1.s0-1", "ncores": 2, "result": "CANCELED",
  "exception_occurred": true, "exception_type": "cancel"}
]}`;

describe('job records', () => {
  const jobs = parseFluxJobs(JOBS);
  it('keeps 64-bit ids exact', () =>
    expect(jobs.map((j) => j.id)).toEqual(['6731191091817518', '18446744073709551615']));
  it('one object for a single id is accepted too', () =>
    expect(parseFluxJobs('{"id": 57, "t_submit": 1, "state": "RUN"}').map((j) => j.id)).toEqual(['57']));

  const { jobs: records, missing } = jobRecords(
    jobs,
    [
      { id: 'ƒuZZybuNNy', specIndex: 0, name: 'r.s.cpu-r1.s0-0' },
      { id: 'fjpXCZedGfVQ', specIndex: 0, name: 'r.s.cpu-r1.s0-1' },
      { id: 'f2', specIndex: 0, name: 'lost' },
    ],
    planRequests('0 2 0 0 1 1 2 64 1 normal stress --cpu 2'),
  );
  it('a completed job: sub-second times, node names, cores, the memory its spec requested', () => {
    expect(records[0]).toMatchObject({
      id: 'fuZZybuNNy',
      state: 'COMPLETED',
      rawState: 'COMPLETED',
      exitCode: 0,
      signal: null,
      submitTime: '2023-11-14T22:13:20.123456Z',
      eligibleTime: '2023-11-14T22:13:20.125000Z',
      startTime: '2023-11-14T22:13:20.500000Z',
      endTime: '2023-11-14T22:13:23.750000Z',
      elapsedSeconds: 3.25,
      requestedCpus: 2,
      requestedMemoryMiB: 64,
      allocatedCpus: 2,
      nodes: ['fx1-n2'],
    });
  });
  it('a job cancelled before it ran has no start, exit code or nodes', () => {
    expect(records[1]).toMatchObject({
      state: 'CANCELLED',
      rawState: 'CANCELED (cancel)',
      exitCode: null,
      startTime: null,
      endTime: null,
      nodes: [],
    });
  });
  it('a submitted job Flux has no record of is missing', () =>
    expect(missing.map((m) => m.id)).toEqual(['f2']));
});

describe('the plan: what one job of each spec requested in all', () => {
  it('CPUs over every task (nodes × tasks per node × CPUs per task), memory over every node', () => {
    const plan = [
      '0 4 0 0 1 1 2 64 1 normal stress --cpu 2',
      '1 2 0,1.5 - 2 2 1 512 2 high stress --cpu 1 --timeout 3s',
      '2 1 3 0 3 1 1 100 1 low noop',
    ].join('\n');
    expect(Object.fromEntries(planRequests(plan))).toEqual({
      0: { cpus: 2, memoryMiB: 64 },
      1: { cpus: 4, memoryMiB: 1024 },
      2: { cpus: 3, memoryMiB: 300 },
    });
  });
  it('skips what is not a plan line (an empty plan, a line of the older format without nodes and priority)', () => {
    expect(planRequests('').size).toBe(0);
    expect(planRequests('0 4 0 0 2 64 1 stress --cpu 2 --timeout 3s').size).toBe(0);
  });
});

describe('a multi-node job (the recorded validation job: 2 nodes, one task on each)', () => {
  const job = parseFluxJobs(fixture('jobs.json')).filter((j) => j.name === 'hostname');
  const { jobs: records } = jobRecords(
    job,
    [{ id: 'f27VTm11', specIndex: 0, name: 'hostname' }],
    planRequests('0 1 0 0 2 1 1 256 1 normal noop'),
  );
  it("names every node of its nodelist; the request is the spec's total, the allocation R's cores", () => {
    expect(records[0]).toMatchObject({
      state: 'COMPLETED',
      nodes: ['fx25020-n1', 'fx25020-n2'],
      requestedCpus: 2,
      allocatedCpus: 2,
      requestedMemoryMiB: 512,
    });
  });
});

describe('samples and statistics', () => {
  it('counts pending and running jobs from flux jobs --stats-only', () => {
    expect(parseJobStats('3 running, 10 completed, 0 failed, 7 pending, 0 inactive purged')).toEqual({
      pending: 7,
      running: 3,
    });
  });
  it('per-rank allocation from {state}|{rlist}, named by rank order', () => {
    expect(rlistCores('rank[0-1]/core[0-3] rank2/core0')).toEqual(
      new Map([
        [0, 4],
        [1, 4],
        [2, 1],
      ]),
    );
    expect(
      parseResourceList('free|rank0/core[2-3] rank1/core[0-3];allocated|rank0/core[0-1]', ['n1', 'n2']),
    ).toEqual([
      { node: 'n1', state: 'mixed', allocatedCpus: 2, idleCpus: 2 },
      { node: 'n2', state: 'free', allocatedCpus: 0, idleCpus: 4 },
    ]);
  });
  it("Fluxion's match figures: successful matches, max and mean match time in µs, the rest under extra", () => {
    const resource = JSON.stringify({
      V: 11,
      E: 20,
      'load-time': 0.01,
      match: {
        succeeded: {
          njobs: 40,
          'njobs-reset': 40,
          'max-match-jobid': 6731191091817518,
          stats: { min: 0.0001, max: 0.004, avg: 0.0005, variance: 0 },
        },
        failed: { njobs: 0, stats: { min: 0, max: 0, avg: 0, variance: 0 } },
      },
    });
    const qmanager = JSON.stringify({ queues: { default: { policy: 'fcfs', pending: 0 } } });
    const s = parseFluxionStats(
      { qmanager, resource, queue: 'default: Job submission is enabled' },
      '2023-11-14T22:13:20.000Z',
      'after',
    );
    expect(s).toMatchObject({ cycles: 40, cycleMaxUs: 4000, phase: 'after' });
    expect(s.cycleMeanUs).toBeCloseTo(500);
    expect(s.extra).toMatchObject({
      'resource.V': 11,
      'resource.match.failed.njobs': 0,
      'qmanager.queues.default.pending': 0,
    });
    expect(Object.keys(s.extra).some((k) => k.endsWith('jobid'))).toBe(false);
  });
});

describe('recorded from flux-core 0.88.0 / flux-sched 0.54.0 (test/fixtures/flux)', () => {
  const RANKS = ['fx25020-n1', 'fx25020-n2'];
  const jobs = parseFluxJobs(fixture('jobs.json'));
  const submitted = jobs.map((j) => ({ id: f58(BigInt(j.id)), specIndex: 0, name: j.name ?? '' }));

  it('flux jobs --json: every job parses, ids match the jobid field Flux prints beside them', () => {
    expect(jobs).toHaveLength(72);
    const raw = JSON.parse(fixture('jobs.json')) as { jobs: { jobid: string }[] };
    expect(jobs.map((j) => f58(BigInt(j.id)))).toEqual(raw.jobs.map((j) => j.jobid));
  });

  it('flux jobs --json: completed jobs become records with sub-second times on one named node', () => {
    const { jobs: records, missing } = jobRecords(
      jobs,
      submitted,
      planRequests('0 1 0 0 1 1 1 64 1 normal noop'),
    );
    expect(missing).toEqual([]);
    expect(records.filter((r) => r.state === 'COMPLETED')).toHaveLength(72);
    const workload = records.filter((r) => r.name.includes('.throughput-r1.'));
    expect(workload).toHaveLength(50);
    for (const r of workload) {
      expect(r).toMatchObject({ exitCode: 0, signal: null, requestedCpus: 1, requestedMemoryMiB: 64 });
      expect(r.nodes).toHaveLength(1);
      expect(RANKS).toContain(r.nodes[0]);
      expect(r.startTime).toMatch(/\.\d{6}Z$/);
    }
    const first = jobs.find((j) => j.name?.endsWith('.throughput-r1.s0-49'));
    const rec = records.find((r) => r.name.endsWith('.throughput-r1.s0-49'));
    expect(rec).toMatchObject({
      id: 'fXBQD3tW',
      nodes: ['fx25020-n2'],
      submitTime: epochToIsoMicro(first?.t_submit ?? 0),
      startTime: epochToIsoMicro(first?.t_run ?? 0),
      endTime: epochToIsoMicro(first?.t_cleanup ?? 0),
    });
    // The validation job ran one task on each node.
    const hostname = records.find((r) => r.name === 'hostname');
    expect(hostname?.nodes).toEqual(RANKS);
  });

  it("flux jobs --json: failure, timeout and cancel (flux-core 0.88's nested exception object)", () => {
    const failed = parseFluxJobs(fixture('jobs-exceptions.json'));
    const byName = new Map(failed.map((j) => [j.name, j]));
    const state = (name: string) => {
      const j = byName.get(name);
      if (j === undefined) throw new Error(`no job ${name}`);
      return [normaliseState(j), j.exception_type ?? null, j.returncode, jobSignal(j)];
    };
    expect(state('fails')).toEqual(['FAILED', null, 1, null]);
    expect(state('times-out')).toEqual(['TIMEOUT', 'timeout', 142, 14]);
    expect(state('cancelled')).toEqual(['CANCELLED', 'cancel', 143, 15]);
  });

  it('the job eventlog carries the same sub-second times as flux jobs --json', () => {
    const events = fixture('eventlog.jsonl')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { timestamp: number; name: string });
    expect(events.map((e) => e.name)).toEqual([
      'submit',
      'validate',
      'depend',
      'priority',
      'alloc',
      'start',
      'finish',
      'release',
      'free',
      'clean',
    ]);
    const text = fixture('eventlog.txt').trim().split('\n');
    expect(text.map((l) => l.split(' ')[1])).toEqual(events.map((e) => e.name));
    const submit = events[0]?.timestamp ?? 0;
    const job = jobs.find((j) => Math.abs(j.t_submit - submit) < 1e-6);
    expect(job).toBeDefined();
    expect(job?.t_inactive).toBeCloseTo(events[events.length - 1]?.timestamp ?? 0, 6);
  });

  it('flux jobs --stats-only, flux resource list and the sampler lines', () => {
    expect(parseJobStats(fixture('jobs-stats-only.txt'))).toEqual({ pending: 0, running: 0 });
    expect(fixture('resource-list.txt')).toMatch(/^\s+free\s+2\s+4\s+0\s+fx25020-n\[1-2\]$/m);
    expect(parseResourceList(fixture('resource-rlist-idle.txt'), RANKS)).toEqual([
      { node: 'fx25020-n1', state: 'free', allocatedCpus: 0, idleCpus: 2 },
      { node: 'fx25020-n2', state: 'free', allocatedCpus: 0, idleCpus: 2 },
    ]);
    const busy = fixture('sampler-samples.jsonl')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { counts: string; nodes: string })
      .find((s) => s.counts.startsWith('4 running, 13 completed'));
    expect(busy).toBeDefined();
    expect(parseJobStats(busy?.counts ?? '')).toEqual({ pending: 1, running: 4 });
    expect(parseResourceList(busy?.nodes ?? '', RANKS)).toEqual([
      { node: 'fx25020-n1', state: 'mixed', allocatedCpus: 1, idleCpus: 1 },
      { node: 'fx25020-n2', state: 'mixed', allocatedCpus: 1, idleCpus: 1 },
    ]);
  });

  it("Fluxion's module stats and queue status", () => {
    const s = parseFluxionStats(
      {
        qmanager: fixture('module-stats-qmanager.json'),
        resource: fixture('module-stats-resource.json'),
        queue: fixture('queue-status.txt'),
      },
      '2026-11-30T15:57:59.000Z',
      'after',
    );
    expect(s).toMatchObject({ phase: 'after', cycles: 72 });
    expect(s.cycleMaxUs).toBeCloseTo(8732.812, 3);
    expect(s.cycleMeanUs).toBeCloseTo(686.535, 3);
    expect(s.extra).toMatchObject({
      'resource.V': 7,
      'resource.match.failed.njobs': 54,
      'qmanager.queues.default.action_counts.complete': 72,
      'qmanager.queues.default.queue_depth': 32,
    });
    expect(s.extra['queue.stopped']).toBeUndefined();
    expect(Object.keys(s.extra).some((k) => k.endsWith('jobid'))).toBe(false);
  });
});
