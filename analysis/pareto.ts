// Pareto analysis over any number of objectives: the non-dominated set and NSGA-II style ranked fronts.
// Fast paths: 2 objectives O(n log n) (sort + sweep / binary search over fronts), 3 objectives
// O(n log n) expected (sort + 2-D staircase), more objectives a sort-filter skyline (each point is only
// compared with the current front). Everything is checked against an all-pairs reference in the tests.

export type Direction = 'min' | 'max';

export interface Objective {
  /** Metric (or column) name. */
  metric: string;
  direction: Direction;
}

/** A point with a NaN or missing objective value, named by the row/run it came from. */
export class ParetoInputError extends Error {}

/** Parses `name:min` / `name:max` (the CLI form of an objective). */
export function parseObjective(text: string): Objective {
  const m = /^(.+):(min|max)$/.exec(text);
  if (m === null || m[1] === undefined || m[2] === undefined) {
    throw new ParetoInputError(`objective '${text}' must be <name>:min or <name>:max`);
  }
  return { metric: m[1], direction: m[2] === 'min' ? 'min' : 'max' };
}

/**
 * Turns rows into a column-major minimisation problem (max objectives negated), rejecting NaN and
 * missing values with the label of the row they came from.
 */
export function objectiveColumns(
  rows: ReadonlyArray<Readonly<Record<string, number | null | undefined>>>,
  objectives: readonly Objective[],
  label: (index: number) => string = (i) => `row ${i}`,
): Float64Array[] {
  if (objectives.length === 0) throw new ParetoInputError('at least one objective is needed');
  return objectives.map(({ metric, direction }) => {
    const col = new Float64Array(rows.length);
    rows.forEach((row, i) => {
      const v = row[metric];
      if (v === null || v === undefined)
        throw new ParetoInputError(`${label(i)}: objective ${metric} is missing`);
      if (Number.isNaN(v)) throw new ParetoInputError(`${label(i)}: objective ${metric} is NaN`);
      col[i] = direction === 'min' ? v : -v;
    });
    return col;
  });
}

/** Row-major points (all objectives minimised) to columns, rejecting NaN. */
export function pointsToColumns(points: readonly (readonly number[])[]): Float64Array[] {
  const m = points[0]?.length ?? 0;
  const cols = Array.from({ length: m }, () => new Float64Array(points.length));
  points.forEach((p, i) => {
    if (p.length !== m) throw new ParetoInputError(`row ${i}: has ${p.length} objectives, expected ${m}`);
    p.forEach((v, j) => {
      if (Number.isNaN(v)) throw new ParetoInputError(`row ${i}: objective ${j} is NaN`);
      cols[j][i] = v;
    });
  });
  return cols;
}

/**
 * Indices (all, or just `subset`) sorted lexicographically by all objectives: every dominator of a point
 * precedes it.
 */
function lexOrder(cols: readonly Float64Array[], n: number, subset?: Uint32Array): Uint32Array {
  const order = subset ?? new Uint32Array(n);
  if (subset === undefined) for (let i = 0; i < n; i++) order[i] = i;
  const [c0, c1, c2] = cols;
  if (cols.length === 2) {
    order.sort((a, b) => c0[a] - c0[b] || c1[a] - c1[b] || a - b);
  } else if (cols.length === 3) {
    order.sort((a, b) => c0[a] - c0[b] || c1[a] - c1[b] || c2[a] - c2[b] || a - b);
  } else {
    order.sort((a, b) => {
      for (const c of cols) {
        const d = c[a] - c[b];
        if (d !== 0) return d;
      }
      return a - b;
    });
  }
  return order;
}

/**
 * Infinite values would make `a - b` NaN in the comparator; map them to ±MAX_VALUE×k preserving order.
 * (NaN never reaches here: the inputs are checked.)
 */
function finiteCopy(cols: readonly Float64Array[]): Float64Array[] {
  if (!cols.some((c) => c.some((v) => !Number.isFinite(v)))) return [...cols];
  return cols.map((c) => {
    const finite = c.filter((v) => Number.isFinite(v));
    const lo = finite.reduce((a, v) => Math.min(a, v), finite.length ? Infinity : 0);
    const hi = finite.reduce((a, v) => Math.max(a, v), finite.length ? -Infinity : 0);
    return c.map((v) =>
      v === Infinity ? hi + 1 + Math.abs(hi) : v === -Infinity ? lo - 1 - Math.abs(lo) : v,
    );
  });
}

/**
 * Pivot filter (a classic skyline pre-pass): points dominated by one of a few good points — the best
 * normalised sum, and the lexicographic best for each objective first — cannot be on the front, so only the
 * survivors are sorted. On typical data this removes almost everything in O(n·m); it never changes the result.
 */
function pivotSurvivors(cols: readonly Float64Array[], n: number): Uint32Array {
  const m = cols.length;
  const lo = cols.map((c) => c.reduce((a, v) => Math.min(a, v), Infinity));
  const hi = cols.map((c) => c.reduce((a, v) => Math.max(a, v), -Infinity));
  const pivots = new Set<number>();
  let bestSum = Infinity;
  let bestSumAt = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < m; j++) {
      const span = hi[j] - lo[j];
      s += span > 0 ? cols[j][i] / span : 0;
    }
    if (s < bestSum) {
      bestSum = s;
      bestSumAt = i;
    }
  }
  pivots.add(bestSumAt);
  cols.forEach((c) => {
    let best = 0;
    for (let i = 1; i < n; i++) {
      if (c[i] < c[best]) best = i;
      else if (c[i] === c[best]) {
        // Ties on this objective: keep the lexicographically smaller point, so the pivot is itself on the front.
        for (let k = 0; k < m; k++) {
          const d = cols[k][i] - cols[k][best];
          if (d !== 0) {
            if (d < 0) best = i;
            break;
          }
        }
      }
    }
    pivots.add(best);
  });
  const pv = [...pivots];
  const keep = new Uint32Array(n);
  let count = 0;
  for (let i = 0; i < n; i++) {
    let dominated = false;
    for (const q of pv) {
      let le = true;
      let lt = false;
      for (let j = 0; j < m; j++) {
        const a = cols[j][q];
        const b = cols[j][i];
        if (a > b) {
          le = false;
          break;
        }
        if (a < b) lt = true;
      }
      if (le && lt) {
        dominated = true;
        break;
      }
    }
    if (!dominated) keep[count++] = i;
  }
  return keep.slice(0, count);
}

function sameAsPrevious(cols: readonly Float64Array[], a: number, b: number): boolean {
  for (const c of cols) if (c[a] !== c[b]) return false;
  return true;
}

/**
 * q precedes p in lexicographic order and differs from it; q dominates p iff q ≤ p on objectives 1..m-1
 * (objective 0 is already ≤ by the order, and q ≠ p makes one inequality strict).
 */
function dominatesLater(cols: readonly Float64Array[], q: number, p: number): boolean {
  for (let j = 1; j < cols.length; j++) {
    const c = cols[j];
    if (c[q] > c[p]) return false;
  }
  return true;
}

/** Indices (ascending) of the non-dominated points; columns are minimised. */
export function nonDominatedColumns(input: readonly Float64Array[]): number[] {
  const cols = finiteCopy(input);
  const n = cols[0]?.length ?? 0;
  if (n === 0) return [];
  if (cols.length === 1) {
    const c = cols[0];
    let best = Infinity;
    for (const v of c) if (v < best) best = v;
    const out: number[] = [];
    c.forEach((v, i) => {
      if (v === best) out.push(i);
    });
    return out;
  }
  const order = lexOrder(cols, n, pivotSurvivors(cols, n));
  const onFront = new Uint8Array(n);
  if (cols.length === 2) sweep2(cols, order, onFront);
  else if (cols.length === 3) staircase3(cols, order, onFront);
  else if (cols.length === 4) divideAndConquer4(cols, order, onFront);
  else sortFilter(cols, order, onFront);
  const out: number[] = [];
  for (let i = 0; i < n; i++) if (onFront[i]) out.push(i);
  return out;
}

/** Two objectives: a point is on the front iff its second value beats every earlier one (or duplicates the best). */
function sweep2(cols: readonly Float64Array[], order: Uint32Array, onFront: Uint8Array): void {
  const c1 = cols[1];
  let best = -1;
  for (const p of order) {
    if (best < 0 || c1[p] < c1[best]) {
      best = p;
      onFront[p] = 1;
    } else if (sameAsPrevious(cols, p, best)) {
      onFront[p] = 1;
    }
  }
}

/**
 * A 2-D staircase: the minimal points (x ascending, y strictly descending) of the points added so far.
 * `covers(x, y)` says whether some added point is ≤ (x, y) in both coordinates.
 */
class Staircase {
  private readonly xs: number[] = [];
  private readonly ys: number[] = [];

  /** Index of the first step with xs > x. */
  private after(x: number): number {
    let lo = 0;
    let hi = this.xs.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.xs[mid] <= x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  covers(x: number, y: number): boolean {
    const k = this.after(x) - 1;
    return k >= 0 && this.ys[k] <= y;
  }

  /** Adds (x, y) unless it is covered; drops the steps it covers. */
  add(x: number, y: number): void {
    const lo = this.after(x);
    const k = lo - 1;
    if (k >= 0 && this.ys[k] <= y) return;
    let end = lo;
    while (end < this.ys.length && this.ys[end] >= y) end++;
    const start = k >= 0 && this.xs[k] === x ? k : lo;
    this.xs.splice(start, end - start, x);
    this.ys.splice(start, end - start, y);
  }
}

/**
 * Three objectives: sweep in lexicographic order keeping the (f1, f2) staircase of the front so far;
 * p is dominated iff the staircase covers its (f1, f2).
 */
function staircase3(cols: readonly Float64Array[], order: Uint32Array, onFront: Uint8Array): void {
  const c1 = cols[1];
  const c2 = cols[2];
  const stair = new Staircase();
  let prev = -1;
  for (const p of order) {
    if (prev >= 0 && sameAsPrevious(cols, p, prev)) {
      onFront[p] = onFront[prev];
      continue;
    }
    prev = p;
    if (stair.covers(c1[p], c2[p])) continue;
    onFront[p] = 1;
    stair.add(c1[p], c2[p]);
  }
}

/**
 * Four objectives: divide and conquer over the lexicographic order (Kung, Luccio & Preparata). Every point
 * of the first half precedes every point of the second, so the front is front(first) plus the points of
 * front(second) that no point of front(first) weakly dominates on objectives 1..3 (points are distinct
 * here: duplicates were folded beforehand). That filter is a sweep over objective 1 with a staircase on
 * objectives 2 and 3, so the whole is O(n log² n) even when every point is on the front.
 */
function divideAndConquer4(cols: readonly Float64Array[], order: Uint32Array, onFront: Uint8Array): void {
  const unique: number[] = [];
  const twinOf: number[] = [];
  let prev = -1;
  for (const p of order) {
    if (prev >= 0 && sameAsPrevious(cols, p, prev)) twinOf.push(p, prev);
    else {
      unique.push(p);
      prev = p;
    }
  }
  const c1 = cols[1];
  const c2 = cols[2];
  const c3 = cols[3];
  const filter = (left: number[], right: number[]): number[] => {
    // Sweep over objective 1; at equal values the left (possible dominator) goes first: weak dominance.
    const events = [...left.map((i) => [i, 0] as const), ...right.map((i) => [i, 1] as const)].sort(
      (a, b) => c1[a[0]] - c1[b[0]] || a[1] - b[1],
    );
    const stair = new Staircase();
    const keep = new Set<number>();
    for (const [i, side] of events) {
      if (side === 0) stair.add(c2[i], c3[i]);
      else if (!stair.covers(c2[i], c3[i])) keep.add(i);
    }
    return right.filter((i) => keep.has(i));
  };
  const front = (from: number, to: number): number[] => {
    if (to - from <= 32) {
      const out: number[] = [];
      for (let k = from; k < to; k++) {
        const p = unique[k];
        if (!out.some((q) => dominatesLater(cols, q, p))) out.push(p);
      }
      return out;
    }
    const mid = (from + to) >>> 1;
    const left = front(from, mid);
    return [...left, ...filter(left, front(mid, to))];
  };
  for (const p of front(0, unique.length)) onFront[p] = 1;
  // Duplicates share the verdict of the first of their group (pairs are in order, so chains resolve).
  for (let k = 0; k < twinOf.length; k += 2) onFront[twinOf[k]] = onFront[twinOf[k + 1]];
}

/** Any number of objectives: compare each point only with the front so far (sort-filter skyline). */
function sortFilter(cols: readonly Float64Array[], order: Uint32Array, onFront: Uint8Array): void {
  const front: number[] = [];
  let prev = -1;
  for (const p of order) {
    if (prev >= 0 && sameAsPrevious(cols, p, prev)) {
      onFront[p] = onFront[prev];
      continue;
    }
    prev = p;
    let dominated = false;
    for (let i = front.length - 1; i >= 0; i--) {
      if (dominatesLater(cols, front[i], p)) {
        dominated = true;
        break;
      }
    }
    if (!dominated) {
      front.push(p);
      onFront[p] = 1;
    }
  }
}

/**
 * Non-dominated sorting (NSGA-II fronts): rank 0 is the non-dominated set, rank k the non-dominated set
 * once ranks < k are removed. Efficient non-dominated sort with binary search over fronts (Zhang et al.
 * 2015): points in lexicographic order, each placed in the first front none of whose members dominates it.
 * Two objectives: only a front's last member needs checking, so O(n log n).
 */
export function frontRanksColumns(input: readonly Float64Array[]): number[] {
  const cols = finiteCopy(input);
  const n = cols[0]?.length ?? 0;
  const rank = new Int32Array(n);
  if (n === 0) return [];
  const order = lexOrder(cols, n);
  const fronts: number[][] = [];
  const two = cols.length === 2;
  const oneObjective = cols.length === 1;
  // Fronts are never empty (one is added only to take a point at once): front[0] and its last member exist.
  const dominatedBy = (front: number[], p: number): boolean => {
    if (oneObjective) return cols[0][front[0]] !== cols[0][p];
    if (two) {
      const last = front[front.length - 1];
      return dominatesLater(cols, last, p);
    }
    for (let i = front.length - 1; i >= 0; i--) if (dominatesLater(cols, front[i], p)) return true;
    return false;
  };
  let prev = -1;
  for (const p of order) {
    if (prev >= 0 && sameAsPrevious(cols, p, prev)) {
      const r = rank[prev];
      rank[p] = r;
      fronts[r].push(p);
      continue;
    }
    prev = p;
    let lo = 0;
    let hi = fronts.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (dominatedBy(fronts[mid], p)) lo = mid + 1;
      else hi = mid;
    }
    if (lo === fronts.length) fronts.push([]);
    fronts[lo].push(p);
    rank[p] = lo;
  }
  return Array.from(rank);
}

/** Front indices (ascending) of row-major points, all objectives minimised. */
export function paretoFront(points: readonly (readonly number[])[]): number[] {
  return nonDominatedColumns(pointsToColumns(points));
}

/** Front rank of each row-major point (0 = non-dominated), all objectives minimised. */
export function paretoRanks(points: readonly (readonly number[])[]): number[] {
  return frontRanksColumns(pointsToColumns(points));
}

/** Front of named rows under objectives with directions; errors name the row via `label`. */
export function paretoFrontOf(
  rows: ReadonlyArray<Readonly<Record<string, number | null | undefined>>>,
  objectives: readonly Objective[],
  label?: (index: number) => string,
): number[] {
  return nonDominatedColumns(objectiveColumns(rows, objectives, label));
}

/** Front ranks of named rows under objectives with directions. */
export function paretoRanksOf(
  rows: ReadonlyArray<Readonly<Record<string, number | null | undefined>>>,
  objectives: readonly Objective[],
  label?: (index: number) => string,
): number[] {
  return frontRanksColumns(objectiveColumns(rows, objectives, label));
}
