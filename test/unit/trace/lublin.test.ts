// The Lublin–Feitelson generator: one seed, one workload; sizes within the machine, with the model's serial and
// power-of-two shares; run times whose log has the hyper-Gamma's mean; arrivals following the daily cycle; the
// parameters sized for the machine; and its SWF text read back as the same jobs, with the model, its parameters and
// the seed in the header.
import {
  generateLublin,
  LUBLIN_BATCH,
  lublinParametersFor,
  MAX_LN_RUN_SECONDS,
} from '../../../workloads/trace/lublin';
import { parseSwf } from '../../../workloads/trace/swf';
import { formatSwf } from '../../../workloads/trace/swf-write';

const isPowerOfTwo = (n: number) => n > 1 && (n & (n - 1)) === 0;
const sizes = (jobs: { allocatedProcessors: number | null }[]) => jobs.map((j) => j.allocatedProcessors ?? 0);
const share = (xs: number[], keep: (x: number) => boolean) => xs.filter(keep).length / xs.length;

describe('generateLublin', () => {
  const many = generateLublin({ jobs: 20000, nodes: 128, seed: 2003 });

  it('gives the same jobs for the same seed, and others for another seed', () => {
    const a = generateLublin({ jobs: 500, nodes: 64, seed: 7 });
    expect(generateLublin({ jobs: 500, nodes: 64, seed: 7 })).toEqual(a);
    const b = generateLublin({ jobs: 500, nodes: 64, seed: 8 });
    expect(b.jobs.map((j) => j.runSeconds)).not.toEqual(a.jobs.map((j) => j.runSeconds));
    expect(b.jobs.map((j) => j.submitSeconds)).not.toEqual(a.jobs.map((j) => j.submitSeconds));
  });

  it('numbers the jobs from 1 and submits them in order', () => {
    const { jobs } = many;
    expect(jobs.map((j) => j.jobNumber)).toEqual(jobs.map((_, i) => i + 1));
    const backwards = jobs.filter((j, i) => i > 0 && j.submitSeconds < (jobs[i - 1]?.submitSeconds ?? 0));
    expect(backwards).toEqual([]);
  });

  it.each([128, 100, 24, 8, 2, 1])('keeps every size within a machine of %p processors', (nodes) => {
    const s = sizes(generateLublin({ jobs: 5000, nodes, seed: 1 }).jobs);
    expect(Math.min(...s)).toBe(1);
    expect(Math.max(...s)).toBeLessThanOrEqual(nodes);
    if (nodes >= 8) expect(Math.max(...s)).toBeGreaterThan(nodes / 4);
  });

  it('makes the serial and power-of-two shares of the parameters', () => {
    const s = sizes(many.jobs);
    // 20,000 jobs: a standard error under 0.004; bounds of 0.02 never flake and still catch a wrong branch.
    expect(Math.abs(share(s, (x) => x === 1) - LUBLIN_BATCH.serialProb)).toBeLessThan(0.02);
    // Power-of-two sizes: the pow2Prob share, plus the few the other parallel jobs round to by chance.
    const pow2 = share(s, isPowerOfTwo);
    expect(pow2).toBeGreaterThan(LUBLIN_BATCH.pow2Prob - 0.02);
    expect(pow2).toBeLessThan(
      LUBLIN_BATCH.pow2Prob + (1 - LUBLIN_BATCH.serialProb - LUBLIN_BATCH.pow2Prob) + 0.02,
    );
    // Most parallel sizes fall in the first uniform, below 2^uMed (+ rounding).
    const parallel = s.filter((x) => x > 1);
    expect(share(parallel, (x) => x <= 2 ** LUBLIN_BATCH.uMed)).toBeGreaterThan(LUBLIN_BATCH.uProb - 0.03);
  });

  it('draws run times whose log has the hyper-Gamma mean for the size, within the cap', () => {
    const serial = many.jobs.filter((j) => j.allocatedProcessors === 1);
    const p = LUBLIN_BATCH.pa * 1 + LUBLIN_BATCH.pb;
    const expected = p * LUBLIN_BATCH.a1 * LUBLIN_BATCH.b1 + (1 - p) * LUBLIN_BATCH.a2 * LUBLIN_BATCH.b2;
    const meanLn = serial.reduce((a, j) => a + Math.log(j.runSeconds), 0) / serial.length;
    // Whole seconds (floor) pull the mean down a little; 0.3 is far from any swapped shape or scale.
    expect(Math.abs(meanLn - expected)).toBeLessThan(0.3);
    const runs = many.jobs.map((j) => j.runSeconds);
    expect(Math.min(...runs)).toBeGreaterThanOrEqual(1);
    expect(Math.max(...runs)).toBeLessThanOrEqual(Math.exp(MAX_LN_RUN_SECONDS));
    // pa < 0: wide jobs run longer than serial ones.
    const wide = many.jobs.filter((j) => (j.allocatedProcessors ?? 0) >= 64);
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
    expect(median(wide.map((j) => j.runSeconds))).toBeGreaterThan(median(serial.map((j) => j.runSeconds)));
  });

  it('has more arrivals in the day (10:00–16:00) than in the night (01:00–07:00)', () => {
    const hourOfDay = (s: number) => (s % 86400) / 3600;
    const hours = many.jobs.map((j) => hourOfDay(j.submitSeconds));
    const day = share(hours, (h) => h >= 10 && h < 16);
    const night = share(hours, (h) => h >= 1 && h < 7);
    expect(day).toBeGreaterThan(2 * night);
  });

  it('refuses a request it cannot honour', () => {
    expect(() => generateLublin({ jobs: 0, nodes: 8, seed: 1 })).toThrow(/0 jobs/);
    expect(() => generateLublin({ jobs: 1, nodes: 0, seed: 1 })).toThrow(/0 nodes/);
    expect(() => generateLublin({ jobs: 1, nodes: 8, seed: -3 })).toThrow(/seed -3/);
    expect(() => generateLublin({ jobs: 1, nodes: 8, seed: 1, parameters: { serialProb: 2 } })).toThrow();
  });
});

describe('lublinParametersFor', () => {
  it('is the batch defaults on their own 128-processor machine', () => {
    expect(lublinParametersFor(128)).toEqual(LUBLIN_BATCH);
  });

  it('sizes the two-stage uniform for a smaller machine, keeping uLow ≤ uMed ≤ uHi', () => {
    expect(lublinParametersFor(16)).toMatchObject({ uLow: 1.2, uMed: 2, uHi: 4 });
    expect(lublinParametersFor(8)).toMatchObject({ uLow: 1.2, uMed: 2.1, uHi: 3 });
    expect(lublinParametersFor(2)).toMatchObject({ uLow: 1, uMed: 1, uHi: 1 });
    expect(lublinParametersFor(8, { uProb: 0.7 }).uProb).toBe(0.7);
  });
});

describe('the generator through the SWF writer and reader', () => {
  it('reads back as the same jobs, with the model, its parameters and the seed in the header', () => {
    const { header, jobs } = generateLublin({ jobs: 300, nodes: 32, seed: 99 });
    const back = parseSwf(formatSwf(header, jobs));
    expect(back.jobs).toEqual(jobs);
    expect(back.header).toEqual(header);
    expect(back.skipped).toEqual({ 'unknown submit time': 0, 'unknown run time': 0, 'unknown size': 0 });
    expect(back.header.numbers).toMatchObject({ MaxNodes: 32, MaxProcs: 32, MaxJobs: 300 });
    expect(back.header.values.Seed).toEqual(['99']);
    expect(back.header.values.Model?.[0]).toMatch(/Lublin & Feitelson 2003/);
    expect(back.header.values.Parameters?.[0]).toMatch(
      /serialProb=0\.2927 pow2Prob=0\.6686 uLow=1\.2 uMed=3 uHi=5 /,
    );
  });
});
