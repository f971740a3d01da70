// A workload's job specs in the line format every scheduler's submit.sh reads (PLAN): one line per spec,
// `specIndex count offsetSeconds intervalSeconds cpus memoryMiB timeLimitMinutes kind args…`. The time limit is the
// same whole minutes for every scheduler, so all bound a job alike. arrivalEvents is the submissions a submit stage
// makes of that plan, as the stage library's plan_arrivals (components/stages.sh) computes them on the node.
import { jobTimeLimitMinutes, type JobSpec } from './spec';

export function renderPlan(specs: readonly JobSpec[], timeoutFactor: number): string {
  return specs
    .map((s, i) =>
      [
        i,
        s.count,
        s.arrival.offsetSeconds,
        s.arrival.intervalSeconds,
        s.cpus,
        s.memoryMiB,
        jobTimeLimitMinutes(s, timeoutFactor),
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
  return Math.floor((arrival.offsetSeconds + arrival.intervalSeconds * k) * 1000000 + 0.5);
}

/** The submissions of a run in arrival order; ties keep the specs' order, then the copies'. */
export function arrivalEvents(
  specs: readonly Pick<JobSpec, 'count' | 'arrival'>[],
  mode: ArrivalMode,
): ArrivalEvent[] {
  const events = specs.flatMap((spec, i): ArrivalEvent[] => {
    if (mode === 'burst' && spec.arrival.intervalSeconds === 0)
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
