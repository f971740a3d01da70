// Capacity metrics from the job records (the scheduler's own accounting, one clock): allocated
// utilisation, fragmentation and idle-while-pending, by an event sweep over submit/start/end.
//
// Definitions (t over the run window [first submit of a job that ran, last end], C = cluster CPUs):
//   F(t)      idle CPUs = C − CPUs held by running jobs (a job on k nodes holds its CPUs / k on each of them; a job
//             whose several tasks each recorded node, start and end holds, per task, its share on its node while
//             that task ran — Kubernetes starts and ends the pods of one Job on their own)
//   f_n(t)    idle CPUs of node n
//   P(t)      pending jobs: eligible ≤ t < start (never-started ones until they left the queue, else the window end)
//             that could run on the cluster at all; a job asking for k nodes and R CPUs needs R / k CPUs on each of
//             k nodes (k = 1 for single-node jobs: R on one node)
//   idleWhilePendingShare = ∫ F(t)·[∃ p ∈ P(t): R_p ≤ F(t)] dt / (C·makespan): capacity left idle while a pending
//             job would have fitted in the idle CPUs counted across nodes (scheduler latency + fragmentation)
//   fragmentation         = ∫ F(t)·[∃ p ∈ P(t): R_p ≤ F(t)] · [no p ∈ P(t) has k_p nodes with f_n(t) ≥ R_p / k_p] dt
//             / (C·makespan): the part of it where the idle CPUs were there in total but split so that no pending
//             job could be placed (for single-node jobs: no node could take even the smallest pending job)
import type { JobTimes } from './job-times';
import type { RunWindow } from './metrics-jobs';

export interface CapacityMetrics {
  clusterCpus: number;
  utilisationAllocated: number | null;
  idleWhilePendingShare: number | null;
  fragmentation: number | null;
}

interface NodeCapacity {
  name: string;
  cpus: number;
}

/** What a pending job needs: `nodes` nodes with `perNode` idle CPUs each (its request split evenly), `total` in all. */
interface Shape {
  nodes: number;
  perNode: number;
  total: number;
}

const shapeOf = (j: JobTimes): Shape => ({
  nodes: j.requestedNodes,
  perNode: j.requestedCpus / j.requestedNodes,
  total: j.requestedCpus,
});
const shapeKey = (s: Shape): string => `${s.nodes}x${s.perNode}`;

/** Slack for CPUs split over nodes (R / k summed k times need not give R exactly). */
const EPSILON = 1e-9;

/** Whether at least `shape.nodes` of the nodes have `shape.perNode` CPUs free. */
function placeable(free: ArrayLike<number>, shape: Shape): boolean {
  let found = 0;
  for (let k = 0; k < free.length && found < shape.nodes; k++)
    if (free[k] + EPSILON >= shape.perNode) found++;
  return found >= shape.nodes;
}

/** `piece`: the task of a job with pieces (analysis/job-times.ts), −1 for the job as a whole. */
type Event = { t: number; kind: 0 | 1 | 2 | 3; job: number; piece: number };
// Events at the same instant are all applied before the next interval is judged, so their order is moot.
const END = 0;
const START = 1;
const PENDING_END = 2;
const PENDING_BEGIN = 3;

/** Start/end events of jobs that ran, pending begin/end of jobs the cluster could run at all; and the CPU-seconds held. */
function capacityEvents(
  jobs: readonly JobTimes[],
  nodeCpus: readonly number[],
  window: RunWindow,
): { events: Event[]; allocatedCpuSeconds: number } {
  const events: Event[] = [];
  let allocatedCpuSeconds = 0;
  const held = (cpus: number, start: number, end: number) => {
    const s = Math.max(start, window.start);
    const e = Math.min(end, window.end);
    if (e > s) allocatedCpuSeconds += cpus * (e - s);
  };
  jobs.forEach((j, i) => {
    if (j.start !== null && j.pieces !== null) {
      j.pieces.forEach((p, k) => {
        held(p.cpus, p.start, p.end);
        events.push({ t: p.start, kind: START, job: i, piece: k }, { t: p.end, kind: END, job: i, piece: k });
      });
    } else if (j.start !== null) {
      const end = j.end ?? window.end;
      held(j.cpus, j.start, end);
      events.push({ t: j.start, kind: START, job: i, piece: -1 }, { t: end, kind: END, job: i, piece: -1 });
    }
    if (placeable(nodeCpus, shapeOf(j))) {
      const pendingEnd = j.start ?? j.leftQueue ?? window.end;
      if (pendingEnd > j.eligible) {
        events.push(
          { t: j.eligible, kind: PENDING_BEGIN, job: i, piece: -1 },
          { t: pendingEnd, kind: PENDING_END, job: i, piece: -1 },
        );
      }
    }
  });
  events.sort((a, b) => a.t - b.t || a.kind - b.kind);
  return { events, allocatedCpuSeconds };
}

export function capacityMetrics(
  jobs: readonly JobTimes[],
  nodes: readonly NodeCapacity[],
  window: RunWindow | null,
): CapacityMetrics {
  const clusterCpus = nodes.reduce((a, n) => a + n.cpus, 0);
  const empty = { clusterCpus, utilisationAllocated: null, idleWhilePendingShare: null, fragmentation: null };
  if (window === null || window.end <= window.start || clusterCpus === 0) return empty;
  const span = window.end - window.start;
  const nodeCpus = nodes.map((n) => n.cpus);
  const nodeIndex = new Map(nodes.map((n, i) => [n.name, i]));
  const { events, allocatedCpuSeconds } = capacityEvents(jobs, nodeCpus, window);

  const nodeFree = Float64Array.from(nodeCpus);
  let used = 0;
  const pending = new Map<string, { shape: Shape; count: number }>();
  let idleWhilePending = 0;
  let fragmented = 0;
  let prevT = window.start;
  const accrue = (until: number) => {
    const a = Math.max(prevT, window.start);
    const b = Math.min(until, window.end);
    if (b <= a || pending.size === 0) return;
    const idle = Math.max(0, clusterCpus - used);
    let fitsInTotal = false;
    let placed = false;
    for (const { shape } of pending.values()) {
      if (shape.total > idle + EPSILON) continue;
      fitsInTotal = true;
      if (placeable(nodeFree, shape)) {
        placed = true;
        break;
      }
    }
    if (!fitsInTotal) return;
    idleWhilePending += idle * (b - a);
    if (!placed) fragmented += idle * (b - a);
  };
  // A job on k nodes holds its CPUs / k on each of them (on the nodes the run knows; the total counts them all).
  const hold = (j: JobTimes, piece: number, sign: 1 | -1) => {
    const p = piece < 0 ? undefined : j.pieces?.[piece];
    if (p !== undefined) {
      used += sign * p.cpus;
      const k = nodeIndex.get(p.node);
      if (k !== undefined) nodeFree[k] = nodeFree[k] - sign * p.cpus;
      return;
    }
    used += sign * j.cpus;
    for (const n of j.nodes) {
      const k = nodeIndex.get(n);
      if (k !== undefined) nodeFree[k] = nodeFree[k] - (sign * j.cpus) / j.nodes.length;
    }
  };
  const queue = (j: JobTimes, delta: 1 | -1) => {
    const shape = shapeOf(j);
    const key = shapeKey(shape);
    const count = (pending.get(key)?.count ?? 0) + delta;
    if (count === 0) pending.delete(key);
    else pending.set(key, { shape, count });
  };
  for (const ev of events) {
    accrue(ev.t);
    prevT = Math.max(prevT, ev.t);
    const j = jobs[ev.job];
    if (ev.kind === START) hold(j, ev.piece, 1);
    else if (ev.kind === END) hold(j, ev.piece, -1);
    else queue(j, ev.kind === PENDING_BEGIN ? 1 : -1);
  }
  const capacity = clusterCpus * span;
  return {
    clusterCpus,
    utilisationAllocated: allocatedCpuSeconds / capacity,
    idleWhilePendingShare: idleWhilePending / capacity,
    fragmentation: fragmented / capacity,
  };
}
