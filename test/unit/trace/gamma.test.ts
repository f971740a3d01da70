// The generator's randomness: a seed gives one stream and another seed another; Gamma samples (Marsaglia–Tsang,
// with the boost below shape 1) have the distribution's mean and variance; the Gamma CDF matches closed forms.
import { gammaCdf, lnGamma, sampleGamma } from '../../../workloads/trace/gamma';
import { MAX_SEED, seededRandom } from '../../../workloads/trace/random';

const draw = (seed: number, n: number) => {
  const random = seededRandom(seed);
  return Array.from({ length: n }, () => random.uniform());
};

describe('seeded uniforms', () => {
  it('repeat for a seed, differ for another, stay in [0, 1)', () => {
    expect(draw(5, 100)).toEqual(draw(5, 100));
    expect(draw(5, 100)).not.toEqual(draw(6, 100));
    expect(draw(0, 10)).not.toEqual(draw(MAX_SEED, 10));
    const outside = draw(9, 10000).filter((u) => !(u >= 0 && u < 1));
    expect(outside).toEqual([]);
  });

  it('refuse a seed outside 0 … 2³² − 1', () => {
    expect(() => seededRandom(-1)).toThrow(/seed -1/);
    expect(() => seededRandom(2 ** 32)).toThrow(/seed/);
    expect(() => seededRandom(1.5)).toThrow(/seed/);
  });
});

describe('Gamma(shape, scale)', () => {
  it('has the CDF of its closed forms (shape 1 and 2) and a log-Gamma that matches factorials', () => {
    for (const x of [0.1, 0.5, 1, 2, 5, 12]) {
      expect(gammaCdf(x, 1, 1)).toBeCloseTo(1 - Math.exp(-x), 10);
      expect(gammaCdf(x, 2, 1)).toBeCloseTo(1 - Math.exp(-x) * (1 + x), 10);
      expect(gammaCdf(3 * x, 2, 3)).toBeCloseTo(1 - Math.exp(-x) * (1 + x), 10);
    }
    expect(gammaCdf(0, 3, 1)).toBe(0);
    expect(lnGamma(10)).toBeCloseTo(Math.log(362880), 10);
    expect(lnGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 10);
  });

  it.each([
    [0.4, 2],
    [1, 1],
    [6.57, 0.823],
    [639.1, 0.0156],
  ])('samples Gamma(%p, %p) with its mean and variance', (shape, scale) => {
    const random = seededRandom(11);
    const n = 100000;
    const xs = Array.from({ length: n }, () => sampleGamma(random, shape, scale));
    const mean = xs.reduce((a, b) => a + b, 0) / n;
    const variance = xs.reduce((a, x) => a + (x - mean) ** 2, 0) / n;
    // Tolerances of several standard errors: a wrong shape or scale is off by far more.
    expect(Math.abs(mean - shape * scale)).toBeLessThan(0.02 * shape * scale);
    expect(Math.abs(variance - shape * scale * scale)).toBeLessThan(0.06 * shape * scale * scale);
    expect(Math.min(...xs)).toBeGreaterThan(0);
  });

  it('refuses a shape or scale that is not positive', () => {
    expect(() => sampleGamma(seededRandom(1), 0, 1)).toThrow(/shape 0/);
    expect(() => sampleGamma(seededRandom(1), 1, -1)).toThrow(/scale -1/);
  });
});
