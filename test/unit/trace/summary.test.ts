// What `trace info` reports, on a log small enough to check by hand: counts and skips, span, quantiles, the load on
// the log's machine and on a profile (processors scaled and rounded up), a replay's duration at a scale, and the
// text those make.
import { profileLoad, replayDuration, scaledCpus } from '../../../workloads/trace/load';
import { formatDuration, formatTraceInfo } from '../../../workloads/trace/info';
import { summariseTrace } from '../../../workloads/trace/summary';
import { parseSwf } from '../../../workloads/trace/swf';

const line = (...fields: number[]) => [...fields, ...Array(18 - fields.length).fill(-1)].join(' ');

const LOG = [
  '; Computer: Test machine',
  '; UnixStartTime: 0',
  '; MaxNodes: 4',
  '; MaxProcs: 8',
  line(1, 0, -1, 100, 1),
  line(2, 50, -1, 200, 4),
  line(3, 100, -1, 10, 8),
  line(4, 120, -1, -1, 2), // run time unknown: skipped
].join('\n');

describe('summariseTrace', () => {
  const trace = parseSwf(LOG);
  const s = summariseTrace(trace);

  it('counts jobs and skips, and spans the arrivals', () => {
    expect(s).toMatchObject({ records: 4, jobs: 3, firstSubmitSeconds: 0, lastSubmitSeconds: 100 });
    expect(s.skipped['unknown run time']).toBe(1);
    expect(s.lastEndSeconds).toBe(250);
  });

  it('gives the size and run-time quantiles (type 7) and means', () => {
    expect(s.processors).toMatchObject({ min: 1, p25: 2.5, p50: 4, max: 8 });
    expect(s.processors?.mean).toBeCloseTo(13 / 3, 10);
    expect(s.runSeconds).toMatchObject({ min: 10, p50: 100, max: 200 });
  });

  it('offers its machine (MaxProcs) Σ processors × run time over processors × arrival span', () => {
    expect(s.machine).toEqual({ processors: 8, from: 'MaxProcs' });
    expect(s.processorSeconds).toBe(100 + 800 + 80);
    expect(s.loadOnMachine).toBeCloseTo(980 / (8 * 100), 10);
  });

  it('takes MaxNodes, or the widest job, when the header has no MaxProcs (and says which)', () => {
    expect(summariseTrace(parseSwf(LOG.replace('; MaxProcs: 8\n', ''))).machine).toEqual({
      processors: 4,
      from: 'MaxNodes',
    });
    expect(summariseTrace(parseSwf(LOG.replace(/; Max.*\n/g, ''))).machine).toEqual({
      processors: 8,
      from: 'widest job',
    });
  });

  it('has no span, distributions or load without jobs', () => {
    const empty = summariseTrace(parseSwf('; MaxProcs: 8\n'));
    expect(empty).toMatchObject({ jobs: 0, firstSubmitSeconds: null, processors: null, loadOnMachine: null });
    expect(replayDuration(empty, 1)).toBeNull();
  });
});

describe('a log on a profile', () => {
  const trace = parseSwf(LOG);

  it('scales processors to the profile’s CPUs, rounding up, at least one, at most all', () => {
    expect(scaledCpus(1, 8, 4)).toBe(1);
    expect(scaledCpus(4, 8, 4)).toBe(2);
    expect(scaledCpus(5, 8, 4)).toBe(3);
    expect(scaledCpus(8, 8, 4)).toBe(4);
    expect(scaledCpus(1, 128, 8)).toBe(1);
    expect(scaledCpus(300, 128, 8)).toBe(8);
  });

  it('offers the profile the scaled CPU-seconds over its CPUs and the arrival span', () => {
    const load = profileLoad(trace.jobs, 8, { nodes: 2, vcpus: 2, memoryGiB: 1 });
    // 1 → 1 CPU × 100 s, 4 → 2 × 200, 8 → 4 × 10: 540 CPU-s on 4 CPUs over 100 s.
    expect(load).toEqual({ profileCpus: 4, machineProcessors: 8, offeredLoad: 1.35, clippedJobs: 0 });
    expect(profileLoad(trace.jobs, 4, { nodes: 1, vcpus: 4, memoryGiB: 1 }).clippedJobs).toBe(1);
  });

  it('says a replay at scale 1/10 spans a tenth of the arrivals and of the last end', () => {
    expect(replayDuration(summariseTrace(trace), 1 / 10)).toEqual({ arrivalSeconds: 10, atLeastSeconds: 25 });
  });
});

describe('the text of trace info', () => {
  it('writes durations as a person reads them', () => {
    expect(formatDuration(6.24)).toBe('6.2 s');
    expect(formatDuration(247)).toBe('4m 07s');
    expect(formatDuration(13265)).toBe('3h 41m 05s');
    expect(formatDuration(7948936)).toBe('92d 00h 02m');
  });

  it('has one labelled line per fact, the profile and replay lines only when asked', () => {
    const trace = parseSwf(LOG);
    const s = summariseTrace(trace);
    const plain = formatTraceInfo('t.swf', trace.header, s);
    expect(plain.split('\n').map((l) => l.split(' ')[0])).toEqual([
      'trace',
      'machine',
      'start',
      'jobs',
      'span',
      'size',
      'run',
      'load',
      '',
    ]);
    expect(plain).toContain('machine   Test machine: 8 processors (MaxProcs)\n');
    expect(plain).toContain('jobs      3 of 4 records; skipped 1: unknown run time 1\n');
    expect(plain).toContain(
      'size      processors: min 1, p25 2.5, p50 4, p75 6, p90 7.2, p99 7.9, max 8; mean 4.3\n',
    );
    expect(plain).toContain('load      1.23 on its machine (8 processors)\n');
    const full = formatTraceInfo('t.swf', trace.header, s, {
      profile: {
        name: 'p',
        nodes: 2,
        vcpus: 2,
        load: profileLoad(trace.jobs, 8, { nodes: 2, vcpus: 2, memoryGiB: 1 }),
      },
      replay: { scale: '1/10', duration: replayDuration(s, 0.1) },
    });
    expect(full).toContain('offered load 1.35');
    expect(full).toContain('replay    at scale 1/10: arrivals over 10 s; at least 25 s to the last job');
  });
});
