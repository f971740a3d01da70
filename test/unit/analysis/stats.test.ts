// Statistics: hand-checked descriptive figures, t intervals and Mann–Whitney U (p-values checked with SciPy).
import {
  cliffsMagnitude,
  describe as describeValues,
  mannWhitneyU,
  quantile,
  tCritical975,
} from '../../../analysis/stats';

describe('describe', () => {
  it('count, mean, std (n − 1), min, max, median and the t interval', () => {
    const d = describeValues([1, 2, 3, 4, null]);
    expect(d.count).toBe(4);
    expect(d.mean).toBe(2.5);
    expect(d.std).toBeCloseTo(1.290994, 6);
    expect([d.min, d.max, d.median]).toEqual([1, 4, 2.5]);
    const half = (3.182 * 1.290994) / 2;
    expect(d.ci95Low).toBeCloseTo(2.5 - half, 4);
    expect(d.ci95High).toBeCloseTo(2.5 + half, 4);
  });

  it('one value has no spread and no interval; none has nothing', () => {
    expect(describeValues([7])).toMatchObject({ count: 1, mean: 7, std: null, ci95Low: null, median: 7 });
    expect(describeValues([])).toMatchObject({ count: 0, mean: null, min: null });
  });

  it('t quantiles: table and large-df expansion', () => {
    expect(tCritical975(2)).toBe(4.303);
    expect(tCritical975(60)).toBeCloseTo(2.0003, 3);
    expect(tCritical975(1000)).toBeCloseTo(1.9623, 3);
  });

  it('type-7 quantiles', () => {
    expect(quantile([10, 20, 30, 40, 50], 0.95)).toBeCloseTo(48, 10);
    expect(quantile([3, 1, 2], 0.5)).toBe(2);
  });
});

describe('mannWhitneyU', () => {
  it('three against three can never be significant: flagged', () => {
    const r = mannWhitneyU([1, 2, 3], [4, 5, 6]);
    expect(r.u).toBe(0);
    expect(r.method).toBe('exact');
    expect(r.p).toBeCloseTo(0.1, 10); // 2 × 1/20 (R: W = 0, p-value = 0.1)
    expect(r.cliffsDelta).toBe(-1);
    expect(r.tooFewSamples).toBe(true);
  });

  it('five against five, fully separated: exact p = 2/252', () => {
    const r = mannWhitneyU([6, 7, 8, 9, 10], [1, 2, 3, 4, 5]);
    expect(r.u).toBe(25);
    expect(r.p).toBeCloseTo(2 / 252, 10); // SciPy exact: 0.007937
    expect(r.cliffsDelta).toBe(1);
    expect(r.tooFewSamples).toBe(false);
    expect(cliffsMagnitude(r.cliffsDelta)).toBe('large');
  });

  it('exact p of an overlapping sample', () => {
    // x = 1,3,5,7 ; y = 2,4,6,8 → U = 6; SciPy exact: p = 0.685714
    const r = mannWhitneyU([1, 3, 5, 7], [2, 4, 6, 8]);
    expect(r.u).toBe(6);
    expect(r.p).toBeCloseTo(0.6857, 4);
  });

  it('ties use the normal approximation with tie correction', () => {
    // U = 0 + 2 × 0.5 + 1.5 + 2.5 = 5; SciPy mannwhitneyu(method='asymptotic', use_continuity=True): p = 0.135099
    const r = mannWhitneyU([1, 2, 2, 3, 4], [2, 3, 4, 5, 5]);
    expect(r.method).toBe('normal');
    expect(r.u).toBe(5);
    expect(r.p).toBeCloseTo(0.135099, 5);
  });

  it('empty samples say nothing', () => {
    expect(mannWhitneyU([], [1]).tooFewSamples).toBe(true);
  });
});
