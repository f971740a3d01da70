// The Gamma distribution, as the Lublin–Feitelson model uses it (shape α, scale β; mean αβ): sampling by
// Marsaglia & Tsang ("A simple method for generating gamma variables", ACM TOMS 26(3), 2000) and the CDF through
// the regularised incomplete gamma function (series below α + 1, continued fraction above; Press et al.,
// Numerical Recipes, §6.2). Pure given the random stream.
import { standardNormal, uniformPositive, type Random } from './random';

/** A Gamma(shape, scale) sample. */
export function sampleGamma(random: Random, shape: number, scale: number): number {
  if (!(shape > 0) || !(scale > 0))
    throw new Error(`gamma: shape ${shape} and scale ${scale} must be positive`);
  // Below shape 1 the method does not hold: Gamma(α) = Gamma(α + 1) · U^(1/α) (Marsaglia & Tsang's own remedy).
  if (shape < 1) return sampleGamma(random, shape + 1, scale) * uniformPositive(random) ** (1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = standardNormal(random);
    const v = (1 + c * x) ** 3;
    if (v <= 0) continue;
    const u = uniformPositive(random);
    // The squeeze accepts most draws without a logarithm; the exact test decides the rest.
    if (u < 1 - 0.0331 * x ** 4 || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v)))
      return d * v * scale;
  }
}

/** ln Γ(x) for x > 0 (Lanczos, g = 7, nine terms: about 15 significant digits). */
export function lnGamma(x: number): number {
  const g = 7;
  const p = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lnGamma(1 - x);
  const z = x - 1;
  let a = p[0] ?? 0;
  for (let i = 1; i < p.length; i++) a += (p[i] ?? 0) / (z + i);
  const t = z + g + 0.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

const MAX_ITERATIONS = 1000;
const EPSILON = 1e-14;
const TINY = 1e-300;

/** P(a, x), the regularised lower incomplete gamma function, by its series (converges fast for x < a + 1). */
function lowerSeries(a: number, x: number): number {
  let term = 1 / a;
  let sum = term;
  for (let n = 1; n <= MAX_ITERATIONS; n++) {
    term *= x / (a + n);
    sum += term;
    if (Math.abs(term) < Math.abs(sum) * EPSILON) break;
  }
  return sum * Math.exp(-x + a * Math.log(x) - lnGamma(a));
}

/** Q(a, x) = 1 − P(a, x) by its continued fraction (modified Lentz; converges fast for x ≥ a + 1). */
function upperFraction(a: number, x: number): number {
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i <= MAX_ITERATIONS; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const step = d * c;
    h *= step;
    if (Math.abs(step - 1) < EPSILON) break;
  }
  return Math.exp(-x + a * Math.log(x) - lnGamma(a)) * h;
}

/** The CDF of Gamma(shape, scale) at x. */
export function gammaCdf(x: number, shape: number, scale: number): number {
  if (x <= 0) return 0;
  const y = x / scale;
  return y < shape + 1 ? lowerSeries(shape, y) : 1 - upperFraction(shape, y);
}
