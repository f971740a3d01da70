// Parsers of SLURM output, on outputs captured from the SLURM 22.05 this project runs, plus awkward cases.
import { readFileSync } from 'fs';
import * as path from 'path';
import {
  expandHostlist,
  jobRecords,
  normaliseState,
  parseDuration,
  parseExitCode,
  parseSacct,
  parseSdiag,
  parseSinfo,
  parseSizeMiB,
  requestedMemoryTotalMiB,
} from '../../../components/slurm/parse';

const fixture = (name: string) => readFileSync(path.join(__dirname, '../../fixtures/slurm', name), 'utf8');

describe('field parsers', () => {
  test.each([
    ['00:00:02', 2],
    ['00:00.444', 0.444],
    ['01:02:03', 3723],
    ['2-03:04:05', 2 * 86400 + 3 * 3600 + 4 * 60 + 5],
    ['12:34.5', 754.5],
  ])('duration %s = %p s', (text, seconds) => expect(parseDuration(text)).toBeCloseTo(seconds, 6));
  test.each(['', 'Unknown', 'None', 'INVALID'])('duration placeholder %p is null', (t) =>
    expect(parseDuration(t)).toBeNull(),
  );
  test('a malformed duration throws', () => expect(() => parseDuration('3 days')).toThrow(/duration/));

  test.each([
    ['16628K', 16628 / 1024],
    ['100M', 100],
    ['2G', 2048],
    ['1T', 1024 * 1024],
    ['4000Mc', 4000],
    ['1Gn', 1024],
    ['1048576', 1],
    ['16?', 16 / (1024 * 1024)],
    ['2048K?', 2],
    ['0', 0],
  ])('size %s = %p MiB', (text, mib) => expect(parseSizeMiB(text)).toBeCloseTo(mib, 6));
  test.each(['', 'Unknown'])('size placeholder %p is null', (t) => expect(parseSizeMiB(t)).toBeNull());
  test('a malformed size throws', () => expect(() => parseSizeMiB('12Q')).toThrow(/size/));

  test("a job's requested memory is its total: plain sizes as they are, per-node and per-CPU sizes multiplied", () => {
    expect(requestedMemoryTotalMiB('256M', 2, 4)).toBe(256);
    expect(requestedMemoryTotalMiB('128Mn', 2, 4)).toBe(256);
    expect(requestedMemoryTotalMiB('100Mc', 1, 4)).toBe(400);
    // Not started yet: no node list, so a per-node size counts once.
    expect(requestedMemoryTotalMiB('1Gn', 0, 1)).toBe(1024);
    expect(requestedMemoryTotalMiB('', 2, 4)).toBeNull();
  });

  test('exit codes and signals', () => {
    expect(parseExitCode('3:0')).toEqual({ exitCode: 3, signal: null });
    expect(parseExitCode('0:15')).toEqual({ exitCode: 0, signal: 15 });
    expect(parseExitCode('')).toEqual({ exitCode: null, signal: null });
  });

  test('states normalise, with the raw text kept elsewhere', () => {
    expect(normaliseState('CANCELLED by 0')).toBe('CANCELLED');
    expect(normaliseState('NODE_FAIL')).toBe('NODE_FAIL');
    expect(normaliseState('OUT_OF_MEMORY')).toBe('OUT_OF_MEMORY');
    expect(normaliseState('REQUEUED')).toBe('UNKNOWN');
  });

  test('hostlists expand, placeholders are empty', () => {
    expect(expandHostlist('local-n1')).toEqual(['local-n1']);
    expect(expandHostlist('n[1-3,5],gpu7')).toEqual(['n1', 'n2', 'n3', 'n5', 'gpu7']);
    expect(expandHostlist('node[08-10]')).toEqual(['node08', 'node09', 'node10']);
    expect(expandHostlist('None assigned')).toEqual([]);
  });
});

describe('sacct', () => {
  const rows = parseSacct(fixture('sacct-mixed.txt'));

  test('parses every job and step line of a real capture', () => {
    expect(rows.length).toBe(fixture('sacct-mixed.txt').trim().split('\n').length);
    expect(rows.find((r) => r.JobID === '6')?.Start).toBeNull();
    expect(rows.find((r) => r.JobID === '7')?.End).toBeNull();
    expect(rows.find((r) => r.JobID === '3')?.Submit).toBe('2026-11-26T08:10:15Z');
  });

  test('job records: TotalCPU summed from steps, MaxRSS from the batch step, failures keep state and exit code', () => {
    const submitted = ['3', '4', '5', '6', '8', '404'].map((id, i) => ({
      id,
      specIndex: i,
      name: `job${id}`,
    }));
    const { jobs, missing } = jobRecords(rows, submitted, { '3': { 'cpu.bogo-ops': 538 } });
    expect(missing.map((m) => m.id)).toEqual(['404']);
    const byId = new Map(jobs.map((j) => [j.id, j]));
    const ok = byId.get('3');
    expect(ok).toMatchObject({
      state: 'COMPLETED',
      exitCode: 0,
      nodes: ['sbtdev-n1'],
      requestedMemoryMiB: 100,
    });
    expect(ok?.totalCpuSeconds).toBeCloseTo(0.444, 6);
    expect(ok?.maxRssMiB).toBeCloseTo(16628 / 1024, 6);
    expect(ok?.metrics).toEqual({ 'cpu.bogo-ops': 538 });
    expect(byId.get('4')?.maxRssMiB).toBeCloseTo(209120 / 1024, 6);
    expect(byId.get('5')).toMatchObject({ state: 'FAILED', exitCode: 3, rawState: 'FAILED' });
    // Cancelled while pending: never started, no node, no exit code.
    expect(byId.get('6')).toMatchObject({
      state: 'CANCELLED',
      rawState: 'CANCELLED by 0',
      startTime: null,
      nodes: [],
      exitCode: null,
    });
    expect(byId.get('8')).toMatchObject({ state: 'CANCELLED', nodes: ['sbtdev-n1'] });
  });

  test('a node failure: NODE_FAIL on the job line, an empty exit code on the step line', () => {
    const { jobs } = jobRecords(parseSacct(fixture('sacct-node-fail.txt')), [
      { id: '9', specIndex: 0, name: 'nf' },
    ]);
    expect(jobs[0]).toMatchObject({ state: 'NODE_FAIL', nodes: ['sbtdev-n2'], elapsedSeconds: 30 });
  });

  test('awkward lines: placeholders, day durations, unit suffixes', () => {
    const line =
      '77|77|weird|TIMEOUT|0:15|2026-01-02T03:04:05|Unknown|2026-01-02T03:04:06|2026-01-04T06:08:11||2-03:04:05|8|4Gn|8|n[1-2]|1-00:00:01|1.5G';
    const [row] = parseSacct(line);
    const { jobs } = jobRecords(row === undefined ? [] : [row], [
      { id: '77', specIndex: null, name: 'weird' },
    ]);
    expect(jobs[0]).toMatchObject({
      state: 'TIMEOUT',
      signal: 15,
      eligibleTime: null,
      elapsedSeconds: 2 * 86400 + 3 * 3600 + 4 * 60 + 5,
      // 4 GiB per node on two nodes.
      requestedMemoryMiB: 8192,
      nodes: ['n1', 'n2'],
      totalCpuSeconds: 86401,
      maxRssMiB: 1536,
    });
  });

  test('jobs of several nodes (SLURM 22.05.8): every node, totals over the nodes, CPU time of the srun step too', () => {
    const { jobs } = jobRecords(
      parseSacct(fixture('sacct-multi-node.txt')),
      ['3', '5', '6', '18'].map((id) => ({ id, specIndex: 0, name: `job${id}` })),
    );
    const byId = new Map(jobs.map((j) => [j.id, j]));
    // 2 nodes × 2 tasks × 1 CPU, --mem=128M per node.
    expect(byId.get('3')).toMatchObject({
      state: 'COMPLETED',
      nodes: ['sbdev-n1', 'sbdev-n2'],
      requestedCpus: 4,
      allocatedCpus: 4,
      requestedMemoryMiB: 256,
    });
    // The batch step (0.017 s) and the srun step of the four tasks (5.888 s); the largest RSS of any step.
    expect(byId.get('3')?.totalCpuSeconds).toBeCloseTo(5.905, 6);
    expect(byId.get('3')?.maxRssMiB).toBeCloseTo(19572 / 1024, 6);
    // One node, one task of 2 CPUs: as before.
    expect(byId.get('5')).toMatchObject({ nodes: ['sbdev-n1'], requestedCpus: 2, requestedMemoryMiB: 64 });
    // 2 nodes × 1 task × 2 CPUs, 64 MiB per node.
    expect(byId.get('6')).toMatchObject({
      nodes: ['sbdev-n1', 'sbdev-n2'],
      requestedCpus: 4,
      requestedMemoryMiB: 128,
    });
    // A task exiting 3 ends the step (--kill-on-bad-exit) and the job with its code.
    expect(byId.get('18')).toMatchObject({ state: 'FAILED', exitCode: 3, nodes: ['sbdev-n1', 'sbdev-n2'] });
  });

  test('a line with the wrong number of fields is an error that shows the line', () => {
    expect(() => parseSacct('1|2|3')).toThrow(/has 3 fields, expected 17: 1\|2\|3/);
  });
});

describe('sdiag, sinfo', () => {
  test('sdiag: main cycle figures and RPCs; no backfill cycle yet gives nulls, not zeros invented', () => {
    const s = parseSdiag(fixture('sdiag.txt'), '2026-11-26T08:10:35.000Z', 'after');
    expect(s).toMatchObject({
      cycleLastUs: 59,
      cycleMaxUs: 1358,
      cycles: 6,
      cycleMeanUs: 521,
      cycleMeanDepth: 1,
    });
    expect(s).toMatchObject({ backfillCycles: 0, backfillCycleMeanUs: null });
    expect(s.extra['backfill.lastUs']).toBe(0);
    expect(s.extra['rpc.REQUEST_SUBMIT_BATCH_JOB.count']).toBe(8);
    expect(s.extra['rpc.REQUEST_SUBMIT_BATCH_JOB.meanUs']).toBe(1063);
    expect(Object.keys(s.extra).filter((k) => k.startsWith('rpc.') && k.endsWith('.count'))).toHaveLength(10);
  });

  test('sdiag with backfill cycles', () => {
    const text =
      'Main schedule statistics (microseconds):\n\tLast cycle:   10\n\tTotal cycles: 2\nBackfilling stats\n\tTotal cycles: 4\n\tLast cycle: 300\n\tMax cycle:  900\n\tMean cycle: 450\n\tDepth Mean: 12\n';
    expect(parseSdiag(text, '2026-11-26T08:10:35Z', 'during')).toMatchObject({
      cycleLastUs: 10,
      cycles: 2,
      backfillCycles: 4,
      backfillCycleMaxUs: 900,
      backfillCycleMeanUs: 450,
      extra: { 'backfill.lastUs': 300, 'backfill.meanDepth': 12 },
    });
  });

  test('sinfo allocation per node, including a node that is down', () => {
    expect(parseSinfo(fixture('sinfo.txt'))).toEqual([
      { node: 'sbtdev-n1', state: 'mixed', allocatedCpus: 1, idleCpus: 1 },
      { node: 'sbtdev-n2', state: 'idle', allocatedCpus: 0, idleCpus: 2 },
    ]);
    expect(parseSinfo(fixture('sinfo-down.txt'))[1]).toEqual({
      node: 'sbtdev-n2',
      state: 'down*',
      allocatedCpus: 0,
      idleCpus: 0,
    });
    expect(parseSinfo('a|idle|0/4/0/4;b|alloc|4/0/0/4').map((n) => n.allocatedCpus)).toEqual([0, 4]);
    expect(() => parseSinfo('a|idle|garbage')).toThrow(/A\/I\/O\/T/);
  });
});
