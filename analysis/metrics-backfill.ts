// Queue order: which jobs started ahead of a job submitted before them (backfill — or priority, or no queue order at
// all, as when Kubernetes starts pods as they fit), and how long each overtaken job waited past the moment the work
// submitted before it had drained. Exact, in O(n log n): a sweep over the jobs in submit order.
//
// With s the submit, b the start (null: never started), e the end (∞ while still running at collection) and
// p = b, else when the job left the queue, else ∞ (still pending at collection) — the end of its wait:
//   K overtook J  ⇔  s_K > s_J and b_K < p_J − τ (K started while J, submitted earlier, was still waiting)
//   backfilled K  ⇔  K overtook some J
//   delay(J)      =  max(0, b_J − max(s_J, max{ e_I : s_I < s_J, b_I < b_J })) for a started J that was overtaken:
//                    how long J waited after every job submitted before it and started before it had ended
//
// τ = START_TOLERANCE_SECONDS: jobs a scheduler starts in one pass launch a few ms apart, in no particular order (the
// job wrappers' clocks show Flux starting two jobs of one pass 2 ms out of submit order); a start less than τ
// before an earlier job's is the same pass, not an overtake.
import type { JobTimes } from './job-times';

/** Starts closer than this (s) count as one scheduling pass: no overtake between them. */
export const START_TOLERANCE_SECONDS = 0.5;

export interface BackfillMetrics {
  backfilledJobs: number;
  backfillDelayedJobs: number;
  backfillDelaySecondsMax: number | null;
}

/** Per job (in the order given): did it overtake, was it overtaken, and its delay (null: not overtaken or not started). */
export interface QueueOrder {
  backfilled: boolean[];
  overtaken: boolean[];
  delaySeconds: (number | null)[];
}

/** The end of a job's wait: its start, else when it left the queue, else never (still pending at collection). */
const waitedUntil = (j: JobTimes): number => j.start ?? j.leftQueue ?? Infinity;

/** First index of a sorted array whose value is ≥ x (the count of values < x). */
function lowerBound(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Largest value stored under a key below a given one (a Fenwick tree of maxima over fixed keys). */
class MaxBelow {
  private readonly keys: Float64Array;
  private readonly tree: Float64Array;

  constructor(keys: readonly number[]) {
    this.keys = Float64Array.from(new Set(keys)).sort();
    this.tree = new Float64Array(this.keys.length + 1).fill(-Infinity);
  }

  add(key: number, value: number): void {
    for (let i = lowerBound(this.keys, key) + 1; i < this.tree.length; i += i & -i)
      this.tree[i] = Math.max(this.tree[i], value);
  }

  /** The largest value added under a key strictly below `key`; −∞ when there is none. */
  below(key: number): number {
    let m = -Infinity;
    for (let i = lowerBound(this.keys, key); i > 0; i -= i & -i) m = Math.max(m, this.tree[i]);
    return m;
  }
}

/** Job indices grouped by submit time, earliest first: jobs submitted at the same instant have no order. */
function submitGroups(jobs: readonly JobTimes[]): number[][] {
  const order = jobs.map((_, i) => i).sort((a, b) => jobs[a].submit - jobs[b].submit);
  const groups: number[][] = [];
  for (const i of order) {
    const last = groups[groups.length - 1];
    if (last !== undefined && jobs[last[0]].submit === jobs[i].submit) last.push(i);
    else groups.push([i]);
  }
  return groups;
}

export function queueOrder(jobs: readonly JobTimes[]): QueueOrder {
  const groups = submitGroups(jobs);
  const backfilled = jobs.map(() => false);
  const overtaken = jobs.map(() => false);
  const drained = jobs.map(() => -Infinity);
  // Forward: what the jobs submitted earlier were doing when each job started.
  let earlierWaitedUntil = -Infinity;
  const endsByStart = new MaxBelow(jobs.flatMap((j) => (j.start === null ? [] : [j.start])));
  for (const group of groups) {
    for (const i of group) {
      const b = jobs[i].start;
      if (b === null) continue;
      backfilled[i] = b < earlierWaitedUntil - START_TOLERANCE_SECONDS;
      drained[i] = Math.max(jobs[i].submit, endsByStart.below(b));
    }
    for (const i of group) {
      const j = jobs[i];
      earlierWaitedUntil = Math.max(earlierWaitedUntil, waitedUntil(j));
      if (j.start !== null) endsByStart.add(j.start, j.end ?? Infinity);
    }
  }
  // Backward: did a job submitted later start while this one waited.
  let laterFirstStart = Infinity;
  for (let g = groups.length - 1; g >= 0; g--) {
    const group = groups[g];
    for (const i of group) overtaken[i] = laterFirstStart < waitedUntil(jobs[i]) - START_TOLERANCE_SECONDS;
    for (const i of group) laterFirstStart = Math.min(laterFirstStart, jobs[i].start ?? Infinity);
  }
  const delaySeconds = jobs.map((j, i) =>
    overtaken[i] && j.start !== null ? Math.max(0, j.start - drained[i]) : null,
  );
  return { backfilled, overtaken, delaySeconds };
}

export function backfillMetrics(jobs: readonly JobTimes[]): BackfillMetrics {
  const q = queueOrder(jobs);
  const delays = q.delaySeconds.filter((d): d is number => d !== null);
  const anyStarted = jobs.some((j) => j.start !== null);
  return {
    backfilledJobs: q.backfilled.filter(Boolean).length,
    backfillDelayedJobs: delays.filter((d) => d > 0).length,
    backfillDelaySecondsMax: anyStarted ? delays.reduce((a, b) => Math.max(a, b), 0) : null,
  };
}
