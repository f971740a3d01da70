// Capacity metrics from the job records (the scheduler's own accounting, one clock): allocated
// utilisation, fragmentation and idle-while-pending, by an event sweep over submit/start/end.
//
// Definitions (t over the run window [first submit, last end], C = cluster CPUs):
//   F(t)      idle CPUs = C − CPUs held by running jobs (a job's CPUs split evenly over its nodes)
//   f_n(t)    idle CPUs of node n
//   P(t)      pending jobs: eligible ≤ t < start (never-started ones until they left the queue, else the window end)
//             that could run on one node at all (request ≤ the largest node)
//   r(t)      the smallest request in P(t)
//   idleWhilePendingShare = ∫ F(t)·[r(t) ≤ F(t)] dt / (C·makespan): capacity left idle while a pending job
//             would have fitted in the idle CPUs counted across nodes (scheduler latency + fragmentation)
//   fragmentation         = ∫ F(t)·[r(t) ≤ F(t) ∧ r(t) > max_n f_n(t)] dt / (C·makespan): the part of it
//             where the idle CPUs were there in total but split so that no node could take even the
//             smallest pending job
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

type Event = { t: number; kind: 0 | 1 | 2 | 3; job: number };
// Events at the same instant are all applied before the next interval is judged, so their order is moot.
const END = 0;
const START = 1;
const PENDING_END = 2;
const PENDING_BEGIN = 3;

export function capacityMetrics(
  jobs: readonly JobTimes[],
  nodes: readonly NodeCapacity[],
  window: RunWindow | null,
): CapacityMetrics {
  const clusterCpus = nodes.reduce((a, n) => a + n.cpus, 0);
  const empty = { clusterCpus, utilisationAllocated: null, idleWhilePendingShare: null, fragmentation: null };
  if (window === null || window.end <= window.start || clusterCpus === 0) return empty;
  const span = window.end - window.start;
  const maxNodeCpus = Math.max(...nodes.map((n) => n.cpus));
  const nodeIndex = new Map(nodes.map((n, i) => [n.name, i]));

  const events: Event[] = [];
  let allocatedCpuSeconds = 0;
  jobs.forEach((j, i) => {
    if (j.start !== null) {
      const end = j.end ?? window.end;
      const s = Math.max(j.start, window.start);
      const e = Math.min(end, window.end);
      if (e > s) allocatedCpuSeconds += j.cpus * (e - s);
      events.push({ t: j.start, kind: START, job: i }, { t: end, kind: END, job: i });
    }
    if (j.requestedCpus <= maxNodeCpus) {
      const pendingEnd = j.start ?? j.leftQueue ?? window.end;
      if (pendingEnd > j.eligible) {
        events.push(
          { t: j.eligible, kind: PENDING_BEGIN, job: i },
          { t: pendingEnd, kind: PENDING_END, job: i },
        );
      }
    }
  });
  events.sort((a, b) => a.t - b.t || a.kind - b.kind);

  const nodeUsed = new Float64Array(nodes.length);
  let used = 0;
  const pendingByRequest = new Map<number, number>();
  let idleWhilePending = 0;
  let fragmented = 0;
  let prevT = window.start;
  const accrue = (until: number) => {
    const a = Math.max(prevT, window.start);
    const b = Math.min(until, window.end);
    if (b <= a || pendingByRequest.size === 0) return;
    const idle = Math.max(0, clusterCpus - used);
    let smallest = Infinity;
    for (const r of pendingByRequest.keys()) smallest = Math.min(smallest, r);
    if (smallest > idle) return;
    idleWhilePending += idle * (b - a);
    let bestNodeIdle = 0;
    nodes.forEach((n, k) => {
      bestNodeIdle = Math.max(bestNodeIdle, n.cpus - nodeUsed[k]);
    });
    if (smallest > bestNodeIdle) fragmented += idle * (b - a);
  };
  const hold = (j: JobTimes, sign: 1 | -1) => {
    used += sign * j.cpus;
    const known = j.nodes.map((n) => nodeIndex.get(n)).filter((k): k is number => k !== undefined);
    for (const k of known) nodeUsed[k] = nodeUsed[k] + (sign * j.cpus) / j.nodes.length;
  };
  for (const ev of events) {
    accrue(ev.t);
    prevT = Math.max(prevT, ev.t);
    const j = jobs[ev.job];
    if (ev.kind === START) hold(j, 1);
    else if (ev.kind === END) hold(j, -1);
    else {
      const c = pendingByRequest.get(j.requestedCpus) ?? 0;
      const next = ev.kind === PENDING_BEGIN ? c + 1 : c - 1;
      if (next === 0) pendingByRequest.delete(j.requestedCpus);
      else pendingByRequest.set(j.requestedCpus, next);
    }
  }
  const capacity = clusterCpus * span;
  return {
    clusterCpus,
    utilisationAllocated: allocatedCpuSeconds / capacity,
    idleWhilePendingShare: idleWhilePending / capacity,
    fragmentation: fragmented / capacity,
  };
}
