// A workload's job specs in the line format every scheduler's submit.sh reads (PLAN): one line per spec,
//
//   specIndex count offsetSeconds intervalSeconds nodes tasksPerNode cpus memoryMiB timeLimitMinutes priority kind args…
//
// (cpus per task, memory per node). Jobs whose arrivals are explicit (a seeded random process's draws) carry their
// offsets as one comma-separated field in place of offsetSeconds, and `-` as intervalSeconds. The time limit is the
// same whole minutes for every scheduler, so all bound a job alike. arrivalEvents is the submissions a submit stage
// makes of that plan, as the stage library's plan_arrivals (components/stages.sh) computes them on the node.
import { arrivalSeconds, jobTimeLimitMinutes, type JobSpec } from './spec';

/** The plan's field numbers (1-based, as awk and a submit callback's FIELD… count them). */
export const PLAN_FIELDS = [
  'specIndex',
  'count',
  'offsetSeconds',
  'intervalSeconds',
  'nodes',
  'tasksPerNode',
  'cpus',
  'memoryMiB',
  'timeLimitMinutes',
  'priority',
  'kind',
] as const;

function arrivalFields(arrival: JobSpec['arrival']): [string, string] {
  if (arrival.offsets !== undefined) return [arrival.offsets.map(String).join(','), '-'];
  return [String(arrival.offsetSeconds), String(arrival.intervalSeconds)];
}

export function renderPlan(specs: readonly JobSpec[], timeoutFactor: number): string {
  return specs
    .map((s, i) =>
      [
        i,
        s.count,
        ...arrivalFields(s.arrival),
        s.nodes,
        s.tasksPerNode,
        s.cpus,
        s.memoryMiB,
        jobTimeLimitMinutes(s, timeoutFactor),
        s.priority,
        s.kind,
        ...s.args,
      ].join(' '),
    )
    .join('\n');
}

/**
 * How a submit stage groups a run's jobs into submissions: `each` job on its own, or `burst`: the jobs of a spec
 * that all arrive at once (interval 0) in one submission, so a burst measures the scheduler's ingest.
 */
export type ArrivalMode = 'each' | 'burst';

/** One submission: copies `firstCopy … firstCopy + copies − 1` of a spec, due `atMicroseconds` after the window opens. */
export interface ArrivalEvent {
  atMicroseconds: number;
  specIndex: number;
  firstCopy: number;
  copies: number;
  /** The spec's 0-based line in the plan (renderPlan writes spec i on line i). */
  lineNumber: number;
}

/**
 * When copy `k` of a spec arrives, in whole µs: the nearest, as floor(x + 0.5) of the same double operations the
 * node's awk does on the plan's text (which renders each number so that it reads back exactly), so both agree to
 * the µs.
 */
export function arrivalMicroseconds(arrival: JobSpec['arrival'], k: number): number {
  return Math.floor(arrivalSeconds(arrival, k) * 1000000 + 0.5);
}

/** Seconds rounded to the plan's resolution, the µs: an explicit offset so rounded travels through its text exactly. */
export function planSeconds(seconds: number): number {
  return Math.round(seconds * 1e6) / 1e6;
}

/** The submissions of a run in arrival order; ties keep the specs' order, then the copies'. */
export function arrivalEvents(
  specs: readonly Pick<JobSpec, 'count' | 'arrival'>[],
  mode: ArrivalMode,
): ArrivalEvent[] {
  const events = specs.flatMap((spec, i): ArrivalEvent[] => {
    if (mode === 'burst' && spec.arrival.offsets === undefined && spec.arrival.intervalSeconds === 0)
      return [
        {
          atMicroseconds: arrivalMicroseconds(spec.arrival, 0),
          specIndex: i,
          firstCopy: 0,
          copies: spec.count,
          lineNumber: i,
        },
      ];
    return Array.from({ length: spec.count }, (_, k) => ({
      atMicroseconds: arrivalMicroseconds(spec.arrival, k),
      specIndex: i,
      firstCopy: k,
      copies: 1,
      lineNumber: i,
    }));
  });
  // Array.prototype.sort is stable: equal times keep the order above, as `sort -s` does on the node.
  return events.sort((a, b) => a.atMicroseconds - b.atMicroseconds);
}
