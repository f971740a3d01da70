// Assembling RunResults from what real runs printed (bundles captured from the e2e on netns nodes), and the
// sampler conversions they rely on.
import { readFileSync } from 'fs';
import * as path from 'path';
import { RunResult } from '../../../results/schema';
import { parseJsonLines, RawNodeSample, toNodeSamples } from '../../../components/samplers/convert';
import { assembleRunResult, RunBundle, summarise } from '../../../workloads/result';
import { stressNgMetrics } from '../../../components/jobs/stress-ng';

const bundle = (name: string) =>
  RunBundle.parse(JSON.parse(readFileSync(path.join(__dirname, '../../fixtures/slurm', name), 'utf8')));

describe('assembleRunResult on captured runs', () => {
  test('cpu_intensive: a valid RunResult with one record per submitted job, samples and sdiag', () => {
    const b = bundle('bundle-cpu-intensive.json');
    const r = RunResult.parse(assembleRunResult(b));
    expect(r.status).toBe('ok');
    expect(r.jobs).toHaveLength(r.submission.count);
    expect(r.jobs.every((j) => j.state === 'COMPLETED' && (j.totalCpuSeconds ?? 0) > 0)).toBe(true);
    expect(r.jobs.every((j) => (j.metrics['cpu.bogo-ops'] ?? 0) > 0)).toBe(true);
    expect(r.nodeSamples.length).toBeGreaterThan(4);
    expect(r.schedulerSamples.length).toBeGreaterThan(4);
    expect(r.schedulerStats.map((s) => s.phase)).toEqual(['before', 'after']);
    expect(r.provenance.oversubscribed).toBe(true);
    expect(Date.parse(r.startedAt)).toBeLessThanOrEqual(Date.parse(r.submission.startedAt));
  });

  test('memory_intensive: MaxRSS comes from the batch step', () => {
    const r = assembleRunResult(bundle('bundle-memory-intensive.json'));
    expect(r.jobs.every((j) => (j.maxRssMiB ?? 0) > 100)).toBe(true);
  });

  test('a failed job makes the run failed and is named in the notes; a timeout wins over everything', () => {
    const b = bundle('bundle-cpu-intensive.json');
    const collect = JSON.parse(b.collect) as { sacct: string };
    const firstId = collect.sacct.split('\n')[0]?.split('|')[0] ?? '';
    const failedSacct = collect.sacct
      .split('\n')
      .map((l) => (l.startsWith(`${firstId}|`) ? l.replace('|COMPLETED|0:0|', '|FAILED|3:0|') : l))
      .join('\n');
    const failed = assembleRunResult({
      ...b,
      collect: JSON.stringify({ ...JSON.parse(b.collect), sacct: failedSacct }),
    });
    expect(failed.status).toBe('failed');
    expect(failed.notes.join(' ')).toContain(`${firstId} FAILED exit 3`);
    const timedOut = assembleRunResult({
      ...b,
      wait: JSON.stringify({ timedOut: true, waitedSeconds: 60, cancelled: ['9'] }),
    });
    expect(timedOut.status).toBe('timeout');
    expect(timedOut.notes.join(' ')).toContain('cancelled: 9');
  });

  test('a node that sent no samples is noted, the result is still written', () => {
    const b = bundle('bundle-cpu-intensive.json');
    const r = assembleRunResult({ ...b, nodeSamplers: {} });
    expect(r.nodeSamples).toEqual([]);
    expect(r.notes.some((n) => n.startsWith('no samples from node'))).toBe(true);
    expect(r.nodes.every((n) => n.sources.cpu === 'unknown')).toBe(true);
  });

  test("a job whose files are on another node (VMs) gets its precise times and metrics from that node's files", () => {
    const b = bundle('bundle-cpu-intensive.json');
    const collect = JSON.parse(b.collect) as {
      metrics: Record<string, string>;
      times: Record<string, string>;
    };
    const moved = Object.keys(collect.times)[0] ?? '';
    const own = {
      ...collect,
      metrics: Object.fromEntries(Object.entries(collect.metrics).filter(([id]) => id !== moved)),
      times: Object.fromEntries(Object.entries(collect.times).filter(([id]) => id !== moved)),
    };
    const elsewhere = {
      metrics: { [moved]: collect.metrics[moved] ?? '' },
      times: { [moved]: collect.times[moved] },
    };
    const without = assembleRunResult({ ...b, collect: JSON.stringify(own) });
    // Without its files a job has the harness's submit time only: no precise start or end.
    expect(without.jobs.find((j) => j.id === moved)?.precise?.startEpochS ?? null).toBeNull();
    const gathered = assembleRunResult({
      ...b,
      collect: JSON.stringify(own),
      nodeJobFiles: { 'other-n2': JSON.stringify(elsewhere) },
    });
    const whole = assembleRunResult(b);
    const job = (r: RunResult) => r.jobs.find((j) => j.id === moved);
    expect(job(gathered)?.precise?.startEpochS).toEqual(expect.any(Number));
    expect(job(gathered)?.precise).toEqual(job(whole)?.precise);
    expect(job(gathered)?.metrics).toEqual(job(whole)?.metrics);
    // A node whose gather printed nothing usable is named; its jobs keep the scheduler's times.
    const broken = assembleRunResult({
      ...b,
      collect: JSON.stringify(own),
      nodeJobFiles: { 'other-n2': '' },
    });
    expect(broken.notes).toContain(
      "no job files from node other-n2: its jobs have the scheduler's times only",
    );
    expect(job(broken)?.precise?.startEpochS ?? null).toBeNull();
  });

  test('every job record gets the nodes, tasks and priority its spec asked for (meta.jobShapes)', () => {
    const b = bundle('bundle-cpu-intensive.json');
    const plain = assembleRunResult(b);
    expect(plain.jobs.every((j) => j.requestedNodes === undefined)).toBe(true);
    const shaped = assembleRunResult({
      ...b,
      meta: { ...b.meta, jobShapes: [{ nodes: 2, tasksPerNode: 3, priority: 'high' }] },
    });
    expect(shaped.jobs.map((j) => [j.requestedNodes, j.requestedTasks, j.priority])).toEqual(
      plain.jobs.map(() => [2, 6, 'high']),
    );
    // The wrapper's files of these jobs (written before tasks) still give one task each.
    expect(shaped.jobs.every((j) => j.tasks?.length === 1 && j.gangSkewSeconds === null)).toBe(true);
  });

  test('summary: a job cancelled while pending opens no window', () => {
    const r = assembleRunResult(bundle('bundle-cpu-intensive.json'));
    const first = r.jobs[0];
    if (first === undefined) throw new Error('no job');
    const early = new Date(Date.parse(first.submitTime) - 60000).toISOString();
    const pending = {
      ...first,
      id: 'p',
      state: 'CANCELLED' as const,
      submitTime: early,
      startTime: null,
      endTime: early,
    };
    expect(summarise({ ...r, jobs: [...r.jobs, pending] }, '/x.json').makespanSeconds).toBe(
      summarise(r, '/x.json').makespanSeconds,
    );
  });

  test('summary: completed, failed, makespan from submit to last end', () => {
    const r = assembleRunResult(bundle('bundle-cpu-intensive.json'));
    const s = summarise(r, '/x.json');
    expect(s).toMatchObject({ path: '/x.json', status: 'ok', jobsCompleted: r.jobs.length, jobsFailed: 0 });
    expect(s.makespanSeconds).toBeGreaterThan(0);
  });
});

describe('sampler conversions', () => {
  const raw = parseJsonLines(
    [
      '{"t":100,"cpuNs":0,"memBytes":1048576,"diskReadBytes":10,"diskWriteBytes":20,"netRxBytes":30,"netTxBytes":40}',
      '{"t":101,"cpuNs":1000000000,"memBytes":2097152,"diskReadBytes":20,"diskWriteBytes":20,"netRxBytes":130,"netTxBytes":40}',
      '{"t":103,"cpuNs":1000000000,"memBytes":2097152,"diskReadBytes":20,"diskWriteBytes":20,"netRxBytes":130,"netTxBytes":45}',
      '{"t":104,"cpuNs":',
    ].join('\n'),
    RawNodeSample,
  );

  test('a truncated last line is dropped, the rest parsed', () => expect(raw).toHaveLength(3));

  test('CPU busy is per node vCPU over the interval; counters are relative to the first sample', () => {
    const s = toNodeSamples('n1', 2, raw);
    expect(s.map((x) => x.cpuBusy)).toEqual([0.5, 0]);
    expect(s[0]).toMatchObject({
      node: 'n1',
      memoryUsedMiB: 2,
      diskReadBytes: 10,
      netRxBytes: 100,
      time: '1970-01-01T00:01:41.000Z',
    });
    expect(s[1]?.netTxBytes).toBe(5);
  });

  test('stress-ng YAML metrics flatten to numbers', () => {
    const yaml =
      'metrics:\n    - stressor: cpu\n      bogo-ops: 538\n      wall-clock-time: 2.0\n      name: x\n';
    expect(stressNgMetrics(yaml)).toEqual({ 'cpu.bogo-ops': 538, 'cpu.wall-clock-time': 2 });
    expect(stressNgMetrics('not: [yaml')).toEqual({});
  });
});
