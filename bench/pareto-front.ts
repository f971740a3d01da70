// Bench: Pareto front of 1,000,000 × 3 uniform random points, and the speed-up over the naive
// all-pairs loop measured on 20,000 points in the same run. Run: npx tsx bench/pareto-front.ts
import { performance } from 'node:perf_hooks';
import { frontRanksColumns, nonDominatedColumns } from '../analysis/pareto';

/** Deterministic xorshift so every run measures the same points. */
function random(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 2 ** 32;
  };
}

function columns(n: number, m: number, seed: number): Float64Array[] {
  const rnd = random(seed);
  return Array.from({ length: m }, () => Float64Array.from({ length: n }, rnd));
}

/** The baseline: every point compared with every other (all pairs, no early exit). */
function naiveAllPairs(cols: Float64Array[]): number[] {
  const n = cols[0]?.length ?? 0;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    let dominators = 0;
    for (let k = 0; k < n; k++) {
      let le = true;
      let lt = false;
      for (const c of cols) {
        const a = c[k];
        const b = c[i];
        if (a > b) le = false;
        if (a < b) lt = true;
      }
      if (le && lt) dominators++;
    }
    if (dominators === 0) out.push(i);
  }
  return out;
}

/** The naive loop as usually written: all pairs, but stop at the first dominator. */
function naiveFront(cols: Float64Array[]): number[] {
  const n = cols[0]?.length ?? 0;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    let dominated = false;
    for (let k = 0; k < n && !dominated; k++) {
      if (k === i) continue;
      let le = true;
      let lt = false;
      for (const c of cols) {
        const a = c[k];
        const b = c[i];
        if (a > b) {
          le = false;
          break;
        }
        if (a < b) lt = true;
      }
      dominated = le && lt;
    }
    if (!dominated) out.push(i);
  }
  return out;
}

/** Worst case: points on a simplex (Σ = 1), every one of them non-dominated. */
function simplex(n: number, m: number, seed: number): Float64Array[] {
  const rnd = random(seed);
  const cols = Array.from({ length: m }, () => new Float64Array(n));
  for (let i = 0; i < n; i++) {
    const v = Array.from({ length: m }, () => -Math.log(1 - rnd()));
    const sum = v.reduce((a, b) => a + b, 0);
    v.forEach((x, j) => (cols[j][i] = x / sum));
  }
  return cols;
}

function time<T>(f: () => T): [T, number] {
  const t0 = performance.now();
  const r = f();
  return [r, (performance.now() - t0) / 1000];
}

const big = columns(1_000_000, 3, 42);
const [front, tBig] = time(() => nonDominatedColumns(big));
const small = columns(20_000, 3, 7);
const [fastSmall, tFastSmall] = time(() => nonDominatedColumns(small));
const [naiveSmall, tNaive] = time(() => naiveAllPairs(small));
const [earlySmall, tEarly] = time(() => naiveFront(small));
for (const other of [naiveSmall, earlySmall]) {
  if (JSON.stringify(fastSmall) !== JSON.stringify(other)) throw new Error('fast and naive fronts differ');
}
const [ranks, tRanks] = time(() => frontRanksColumns(columns(100_000, 3, 9)));
const [simplex3, tSimplex3] = time(() => nonDominatedColumns(simplex(1_000_000, 3, 11)));
const [simplex4, tSimplex4] = time(() => nonDominatedColumns(simplex(100_000, 4, 12)));
const [simplex6, tSimplex6] = time(() => nonDominatedColumns(simplex(10_000, 6, 13)));
const figures = {
  front1e6x3Seconds: +tBig.toFixed(3),
  front1e6x3Size: front.length,
  front2e4x3Seconds: +tFastSmall.toFixed(4),
  naive2e4x3Seconds: +tNaive.toFixed(3),
  speedupVsNaiveAt2e4: Math.round(tNaive / tFastSmall),
  naiveEarlyExit2e4x3Seconds: +tEarly.toFixed(4),
  speedupVsNaiveEarlyExitAt2e4: +(tEarly / tFastSmall).toFixed(1),
  allOnFront1e6x3Seconds: +tSimplex3.toFixed(3),
  allOnFront1e6x3Size: simplex3.length,
  allOnFront1e5x4Seconds: +tSimplex4.toFixed(3),
  allOnFront1e5x4Size: simplex4.length,
  allOnFront1e4x6Seconds: +tSimplex6.toFixed(3),
  allOnFront1e4x6Size: simplex6.length,
  ranks1e5x3Seconds: +tRanks.toFixed(3),
  ranks1e5x3Fronts: Math.max(...ranks) + 1,
};
process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
