// Descriptive statistics, 95 % intervals of the mean (bootstrap percentile with a fixed seed for a metric with a
// range, which every catalogued metric has; Student t for bare numbers; none below 3 repetitions) and the
// Mann–Whitney U test with Cliff's delta: what the summary and the pairwise comparisons of repetitions are made of.
// Pure functions.

/** Smallest value (null when empty); a loop, not Math.min(...xs), which overflows the stack on big arrays. */
export function minOf(xs: ArrayLike<number>): number | null {
  if (xs.length === 0) return null;
  let m = Infinity;
  for (let i = 0; i < xs.length; i++) if (xs[i] < m) m = xs[i];
  return m;
}

/** Largest value (null when empty). */
export function maxOf(xs: ArrayLike<number>): number | null {
  if (xs.length === 0) return null;
  let m = -Infinity;
  for (let i = 0; i < xs.length; i++) if (xs[i] > m) m = xs[i];
  return m;
}

export function mean(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/** Quantile q ∈ [0, 1] by linear interpolation between closest ranks (Hyndman–Fan type 7, numpy's default). */
export function quantile(xs: readonly number[], q: number): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  return quantileSorted(s, q);
}

export function quantileSorted(sorted: ArrayLike<number>, q: number): number | null {
  const n = sorted.length;
  if (n === 0) return null;
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  const a = sorted[lo];
  const b = sorted[hi];
  return a + (h - lo) * (b - a);
}

/** Sample standard deviation (n − 1); null below two values. */
export function sampleStd(xs: readonly number[]): number | null {
  const m = mean(xs);
  if (m === null || xs.length < 2) return null;
  let ss = 0;
  for (const x of xs) ss += (x - m) ** 2;
  return Math.sqrt(ss / (xs.length - 1));
}

/** Two-sided 97.5 % quantiles of Student's t for 1..30 degrees of freedom. */
const T975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131,
  2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

/** t_{0.975, df}: the table up to 30, then the Cornish–Fisher expansion around z = 1.95996 (error < 1e-3). */
export function tCritical975(df: number): number {
  if (df < 1) return NaN;
  const fromTable = T975[df - 1];
  if (fromTable !== undefined) return fromTable;
  const z = 1.959964;
  return z + (z ** 3 + z) / (4 * df) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df ** 2);
}

/** Fewest repetitions for which an interval is given: below it, the spread of 1–2 values says nothing. */
export const MIN_REPETITIONS_FOR_INTERVAL = 3;

/** Resamples and seed of the bootstrap: fixed, so the same values always give the same interval. */
export const BOOTSTRAP_RESAMPLES = 4000;
export const BOOTSTRAP_SEED = 0x5eedbe7c;

// The bootstrap's inner loop calls these millions of times: bound once, since a global lookup per call is slow where
// the code runs inside a vm context (jest's test environment: 60,000 draws took 40 ms instead of under 1).
const { imul, floor } = Math;

/** mulberry32: a small, fast 32-bit PRNG; uniform in [0, 1). Deterministic for a seed. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = imul(t ^ (t >>> 15), t | 1);
    t ^= t + imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * 95 % bootstrap percentile interval of the mean: the 2.5th and 97.5th percentiles (type 7) of the means of
 * `resamples` resamples with replacement, drawn by a PRNG with a fixed seed. Every resample mean lies between the
 * smallest and largest value, so the interval never leaves the range of the data — nor, therefore, any bound the
 * data respect (a share in [0, 1] gets an interval in [0, 1]). Null for an empty sample.
 */
export function bootstrapMeanInterval(
  xs: readonly number[],
  resamples = BOOTSTRAP_RESAMPLES,
  seed = BOOTSTRAP_SEED,
): { low: number; high: number } | null {
  const n = xs.length;
  if (n === 0) return null;
  const lo = minOf(xs) as number;
  const hi = maxOf(xs) as number;
  // Every resample of a constant sample is that constant: skip the resampling (counts and sizes often are).
  if (lo === hi) return { low: lo, high: hi };
  const rnd = mulberry32(seed);
  const means = new Float64Array(resamples);
  for (let b = 0; b < resamples; b++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += xs[floor(rnd() * n)];
    means[b] = sum / n;
  }
  means.sort();
  const low = quantileSorted(means, 0.025) as number;
  const high = quantileSorted(means, 0.975) as number;
  // Summation order can put a resample's mean one ulp outside the data: keep the data's range.
  return { low: Math.min(hi, Math.max(lo, low)), high: Math.min(hi, Math.max(lo, high)) };
}

/** How an interval was made: bootstrap percentile for a value with a range (every metric), else Student t. */
export type IntervalMethod = 't' | 'bootstrap-percentile';

export interface Description {
  count: number;
  mean: number | null;
  std: number | null;
  min: number | null;
  max: number | null;
  median: number | null;
  /**
   * 95 % interval of the mean; null below MIN_REPETITIONS_FOR_INTERVAL values. With a range (every metric):
   * bootstrap percentile, which never leaves the data's range and so never the metric's. Without: Student t,
   * mean ± t(0.975, n−1)·s/√n.
   */
  ci95Low: number | null;
  ci95High: number | null;
  ciMethod: IntervalMethod | null;
  /** Why there is no interval (`too few repetitions (n=2)`), else null. */
  note: string | null;
}

export interface DescribeOptions {
  /**
   * Where the values lie ([lower, upper], upper null when unbounded; METRICS[m].range): the interval is then the
   * bootstrap percentile interval, inside this range. Absent: the Student t interval, which may leave any range.
   */
  range?: readonly [number, number | null];
}

/**
 * The bootstrap interval as printed: around the mean and inside the range. Both already hold for the percentile
 * interval of data inside the range (resample means lie between the data's min and max, and spread on both sides of
 * the mean — 20,000 random skewed samples found no exception); this only keeps a rounding error from ever printing
 * a share above 1 or an interval of the mean without the mean.
 */
function containedInterval(
  interval: { low: number; high: number },
  m: number,
  [lower, upper]: readonly [number, number | null],
): { low: number; high: number } {
  const clamp = (v: number) => Math.max(lower, upper === null ? v : Math.min(upper, v));
  return { low: clamp(Math.min(interval.low, m)), high: clamp(Math.max(interval.high, m)) };
}

/** `too few repetitions (n=2)`: the note of a figure without an interval. */
export const tooFewNote = (n: number): string => `too few repetitions (n=${n})`;

/** Describes the non-null values of a metric across repetitions. */
export function describe(values: readonly (number | null)[], options: DescribeOptions = {}): Description {
  const xs = values.filter((v): v is number => v !== null && Number.isFinite(v));
  const n = xs.length;
  const m = mean(xs);
  const s = sampleStd(xs);
  let interval: { low: number; high: number } | null = null;
  let ciMethod: IntervalMethod | null = null;
  if (n >= MIN_REPETITIONS_FOR_INTERVAL && m !== null && s !== null) {
    const boot = options.range === undefined ? null : bootstrapMeanInterval(xs);
    if (boot !== null && options.range !== undefined) {
      interval = containedInterval(boot, m, options.range);
      ciMethod = 'bootstrap-percentile';
    } else {
      const half = (tCritical975(n - 1) * s) / Math.sqrt(n);
      interval = { low: m - half, high: m + half };
      ciMethod = 't';
    }
  }
  return {
    count: n,
    mean: m,
    std: s,
    min: minOf(xs),
    max: maxOf(xs),
    median: quantile(xs, 0.5),
    ci95Low: interval?.low ?? null,
    ci95High: interval?.high ?? null,
    ciMethod,
    note: n > 0 && n < MIN_REPETITIONS_FOR_INTERVAL ? tooFewNote(n) : null,
  };
}

/**
 * Repetitions each side needs before a two-sided exact Mann–Whitney U test with equal sizes can reach p < alpha
 * at all: the smallest n with 2 / C(2n, n) < alpha (n = 4 for alpha = 0.05: 2/70 ≈ 0.029; n = 3 gives 2/20 = 0.1).
 */
export function mannWhitneyMinRepetitions(alpha = 0.05): number {
  let n = 1;
  while (2 / binomial(2 * n, n) >= alpha) n++;
  return n;
}

export interface MannWhitney {
  /** U of the first sample: pairs (x, y) with x > y, plus half the ties. */
  u: number;
  /** Two-sided p-value: exact when there are no ties and n1·n2 is small, normal approximation otherwise. */
  p: number;
  method: 'exact' | 'normal';
  /** Cliff's delta = P(X > Y) − P(X < Y) ∈ [−1, 1] (equals the rank-biserial correlation). */
  cliffsDelta: number;
  /** Smallest two-sided p the sample sizes can produce; above α the test cannot say anything. */
  minAttainableP: number;
  /** True when even the most extreme outcome could not reach p < α (too few repetitions). */
  tooFewSamples: boolean;
}

/** Number of ways to get each U for sizes (n1, n2) without ties: the exact null distribution. */
function uDistribution(n1: number, n2: number): number[] {
  // f[i][j][u] via the recurrence f(i,j,u) = f(i−1,j,u−j) + f(i,j−1,u); rolled over i.
  const max = n1 * n2;
  let prev: number[][] = Array.from({ length: n2 + 1 }, () => {
    const row = new Array<number>(max + 1).fill(0);
    row[0] = 1;
    return row;
  });
  for (let i = 1; i <= n1; i++) {
    const cur: number[][] = [];
    for (let j = 0; j <= n2; j++) {
      const row = new Array<number>(max + 1).fill(0);
      for (let u = 0; u <= max; u++) {
        const a = u - j >= 0 ? prev[j][u - j] : 0;
        const b = j > 0 ? cur[j - 1][u] : 0;
        row[u] = a + b;
      }
      cur.push(row);
    }
    prev = cur;
  }
  return prev[n2];
}

/** Mann–Whitney U test of two independent samples (two-sided) with Cliff's delta as effect size. */
export function mannWhitneyU(xs: readonly number[], ys: readonly number[], alpha = 0.05): MannWhitney {
  const n1 = xs.length;
  const n2 = ys.length;
  if (n1 === 0 || n2 === 0) {
    return { u: NaN, p: NaN, method: 'exact', cliffsDelta: NaN, minAttainableP: 1, tooFewSamples: true };
  }
  let gt = 0;
  let lt = 0;
  for (const x of xs) {
    for (const y of ys) {
      if (x > y) gt++;
      else if (x < y) lt++;
    }
  }
  const ties = n1 * n2 - gt - lt;
  const u = gt + ties / 2;
  const cliffsDelta = (gt - lt) / (n1 * n2);
  const total = binomial(n1 + n2, n1);
  const minAttainableP = Math.min(1, 2 / total);
  const pooled = [...xs, ...ys];
  const hasTies = new Set(pooled).size !== pooled.length;
  let p: number;
  let method: 'exact' | 'normal';
  if (!hasTies && n1 * n2 <= 400) {
    const dist = uDistribution(n1, n2);
    const uMin = Math.min(u, n1 * n2 - u);
    let tail = 0;
    for (let k = 0; k <= uMin; k++) tail += dist[k];
    p = Math.min(1, (2 * tail) / total);
    method = 'exact';
  } else {
    // Normal approximation with tie correction and continuity correction.
    const n = n1 + n2;
    const counts = new Map<number, number>();
    for (const v of pooled) counts.set(v, (counts.get(v) ?? 0) + 1);
    let tieTerm = 0;
    for (const t of counts.values()) tieTerm += t ** 3 - t;
    const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
    const mu = (n1 * n2) / 2;
    const z = variance > 0 ? Math.max(0, Math.abs(u - mu) - 0.5) / Math.sqrt(variance) : 0;
    p = Math.min(1, 2 * (1 - normalCdf(z)));
    method = 'normal';
  }
  return { u, p, method, cliffsDelta, minAttainableP, tooFewSamples: minAttainableP >= alpha };
}

function binomial(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return Math.round(r);
}

/** Standard normal CDF (Abramowitz–Stegun 7.1.26 erf, |error| < 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const y =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) *
      t *
      Math.exp(-x * x);
  return z >= 0 ? (1 + y) / 2 : (1 - y) / 2;
}

/** Cliff's delta magnitude by Romano et al. (2006) thresholds. */
export function cliffsMagnitude(delta: number): 'negligible' | 'small' | 'medium' | 'large' {
  const d = Math.abs(delta);
  if (d < 0.147) return 'negligible';
  if (d < 0.33) return 'small';
  if (d < 0.474) return 'medium';
  return 'large';
}
