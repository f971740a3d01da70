// The SWF reader: the 18 fields with -1 as unknown, the header kept by key (numeric keys parsed, indented lines
// continuing a Note), records a replay cannot use skipped and counted by reason, a malformed line refused with its
// line and field, .swf and .swf.gz files; and the real NASA iPSC/860 log when ../shared/traces has it.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { gzipSync } from 'zlib';
import { parseSwf, readSwfFile, SwfFormatError } from '../../../workloads/trace/swf';
import { SwfJob } from '../../../workloads/trace/swf-format';

const ROOT = path.join(__dirname, '..', '..', '..');
const NASA = path.join(ROOT, '..', 'shared', 'traces', 'NASA-iPSC-1993-3.1-cln.swf.gz');

/** A job line from its fields, the rest -1 (unknown). */
const line = (...fields: number[]) => [...fields, ...Array(18 - fields.length).fill(-1)].join(' ');

const HEADER = [
  '; Version: 2.2',
  '; Computer: Intel iPSC/860',
  '; UnixStartTime: 749458803',
  '; TimeZoneString: US/Pacific',
  '; MaxNodes: 128',
  '; MaxProcs: 128',
  '; Note: There is no information on wait times - the given submit',
  ';       times are actually start times',
  '; Note: group 1 is normal users',
  ';',
  '; Queue:  0  interactive',
  '; Queue:  1  batch',
].join('\n');

/** The error a text raises, for assertions on its fields. */
function refusal(text: string): SwfFormatError {
  try {
    parseSwf(text, 'log.swf');
  } catch (err) {
    if (err instanceof SwfFormatError) return err;
    throw err;
  }
  throw new Error('the text was accepted');
}

describe('the SWF reader on text', () => {
  it('reads the 18 fields in order, -1 as null', () => {
    const text =
      '1 10 5 100 4 90.5 2048 8 3600 4096 1 7 2 3 1 0 -1 60\n2 20 -1 30 1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 1 -1';
    const { jobs, records } = parseSwf(text);
    expect(records).toBe(2);
    expect(jobs[0]).toEqual({
      jobNumber: 1,
      submitSeconds: 10,
      waitSeconds: 5,
      runSeconds: 100,
      allocatedProcessors: 4,
      averageCpuSeconds: 90.5,
      usedMemoryKiB: 2048,
      requestedProcessors: 8,
      requestedSeconds: 3600,
      requestedMemoryKiB: 4096,
      status: 1,
      userId: 7,
      groupId: 2,
      executable: 3,
      queue: 1,
      partition: 0,
      precedingJob: null,
      thinkSeconds: 60,
    });
    expect(jobs[1]).toMatchObject({ jobNumber: 2, waitSeconds: null, status: null, precedingJob: 1 });
    // What the reader keeps satisfies the job schema a replay will trust.
    for (const job of jobs) expect(SwfJob.safeParse(job).success).toBe(true);
  });

  it('keeps the header by key: numbers parsed, indented lines continuing, repeated keys in order', () => {
    const { header } = parseSwf(`${HEADER}\n${line(1, 0, -1, 10, 1)}\n`);
    expect(header.numbers).toEqual({ UnixStartTime: 749458803, MaxNodes: 128, MaxProcs: 128 });
    expect(header.values.TimeZoneString).toEqual(['US/Pacific']);
    expect(header.values.Note).toEqual([
      'There is no information on wait times - the given submit times are actually start times',
      'group 1 is normal users',
    ]);
    expect(header.values.Queue).toEqual(['0  interactive', '1  batch']);
    expect(header.values.Version).toEqual(['2.2']);
    // A key that names a property every object has is still just a key.
    expect(parseSwf('; constructor: x\n; constructor: y\n').header.values.constructor).toEqual(['x', 'y']);
  });

  it('skips and counts records whose submit time, run time or size is unknown; the first reason counts', () => {
    const text = [
      line(1, 0, -1, 10, 2), // kept
      line(2, 5, -1, -1, 2), // run time unknown
      line(3, 6, -1, 10, -1, -1, -1, -1), // neither allocated nor requested processors
      line(4, 7, -1, 10, 0, -1, -1, 0), // zero of both: no size either
      line(5, 8, -1, 10, -1, -1, -1, 16), // requested processors stand in for allocated
      line(6, -1, -1, -1, -1), // submit time first
    ].join('\n');
    const trace = parseSwf(text);
    expect(trace.jobs.map((j) => j.jobNumber)).toEqual([1, 5]);
    expect(trace.records).toBe(6);
    expect(trace.skipped).toEqual({ 'unknown submit time': 1, 'unknown run time': 1, 'unknown size': 2 });
  });

  it.each([
    [
      'a word',
      `${line(1, 0, -1, 10, 1)}\n${line(2, 0, -1, 10, 1).replace(/^2 0 -1 10/, '2 0 -1 ten')}`,
      2,
      4,
      /"ten" is not a number/,
    ],
    [
      'a decimal in a whole-number field',
      `\n\n${line(7, 0, -1, 10, 1.5)}`,
      3,
      5,
      /"1\.5" is not a whole number/,
    ],
    ['a negative value other than -1', line(1, 0, -2), 1, 3, /-2 is negative; only -1/],
    ['an unknown job number', line(-1, 0, -1, 10, 1), 1, 1, /cannot be unknown/],
    ['a job number of 0', line(0, 0, -1, 10, 1), 1, 1, /0/],
    ['a short line', '1 0 -1 10 4 -1 -1', 1, 8, /missing: the line has 7 of 18 fields/],
  ])('refuses %s, naming the line and the field', (_what, text, lineNumber, fieldNumber, problem) => {
    const err = refusal(text);
    expect(err.line).toBe(lineNumber);
    expect(err.field?.number).toBe(fieldNumber);
    expect(err.problem).toMatch(problem);
    expect(err.message).toMatch(new RegExp(`^log\\.swf:${lineNumber}: field ${fieldNumber} \\(`));
  });

  it('refuses a line with more than 18 fields, and a numeric header key that is not a number', () => {
    const long = refusal(`${line(1, 0, -1, 10, 1)} 7`);
    expect(long.message).toBe('log.swf:1: 19 fields; an SWF line has 18');
    const header = refusal('; Version: 2\n; MaxProcs: many\n');
    expect(header.message).toBe('log.swf:2: header MaxProcs: "many" is not a number');
  });

  it('takes CRLF line ends and blank lines', () => {
    const { jobs } = parseSwf(`; MaxNodes: 8\r\n\r\n${line(1, 0, -1, 10, 2)}\r\n`);
    expect(jobs).toHaveLength(1);
  });
});

describe('the SWF reader on files', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'schedbench-swf-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const text = `${HEADER}\n${line(1, 0, -1, 10, 2)}\n${line(2, 30, -1, -1, 2)}\n${line(3, 60, -1, 5, 128)}`;

  it('reads .swf and .swf.gz to the same result', async () => {
    writeFileSync(path.join(dir, 'log.swf'), text);
    writeFileSync(path.join(dir, 'log.swf.gz'), gzipSync(text));
    const plain = await readSwfFile(path.join(dir, 'log.swf'));
    const gz = await readSwfFile(path.join(dir, 'log.swf.gz'));
    expect(gz).toEqual(plain);
    expect(plain.jobs.map((j) => j.jobNumber)).toEqual([1, 3]);
    expect(plain.skipped['unknown run time']).toBe(1);
    expect(plain.header.numbers.MaxNodes).toBe(128);
  });

  it('names the file and the line of a malformed line in a .gz file', async () => {
    writeFileSync(path.join(dir, 'bad.swf.gz'), gzipSync(`${HEADER}\n${line(1, 0, -1, 10, 2)}\n1 2 3\n`));
    await expect(readSwfFile(path.join(dir, 'bad.swf.gz'))).rejects.toThrow(
      `${path.join(dir, 'bad.swf.gz')}:14: field 4 (run time): missing`,
    );
  });

  it('says which file is missing, or is not gzip', async () => {
    await expect(readSwfFile(path.join(dir, 'absent.swf.gz'))).rejects.toThrow(/absent\.swf\.gz: ENOENT/);
    writeFileSync(path.join(dir, 'plain.swf.gz'), text);
    await expect(readSwfFile(path.join(dir, 'plain.swf.gz'))).rejects.toThrow(/plain\.swf\.gz: .*header/);
  });
});

const nasaPresent = existsSync(NASA);
if (!nasaPresent)
  console.warn(`test/unit/trace: ${NASA} is not there; the test on the real NASA iPSC/860 log is skipped`);

describe('the NASA iPSC/860 log (Parallel Workloads Archive, cleaned version 3.1)', () => {
  (nasaPresent ? it : it.skip)(
    `reads all 18,239 jobs and its header${nasaPresent ? '' : ` — SKIPPED: ${NASA} is not there`}`,
    async () => {
      const trace = await readSwfFile(NASA);
      const skipped = Object.values(trace.skipped).reduce((a, b) => a + b, 0);
      expect(trace.records).toBe(18239);
      expect(trace.jobs).toHaveLength(18239 - skipped);
      expect(trace.header.numbers.MaxNodes).toBe(128);
      expect(trace.header.numbers.MaxProcs).toBe(128);
      expect(trace.header.numbers.UnixStartTime).toBe(749458803);
      expect(trace.header.values.TimeZoneString).toEqual(['US/Pacific']);
      expect(trace.jobs[0]).toMatchObject({
        jobNumber: 1,
        submitSeconds: 0,
        runSeconds: 1451,
        allocatedProcessors: 128,
      });
      for (const job of trace.jobs) expect(job.allocatedProcessors).toBeLessThanOrEqual(128);
    },
  );
});
