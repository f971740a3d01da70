// A workload's job specs in the line format every scheduler's submit.sh reads (PLAN): one line per spec,
// `specIndex count offsetSeconds intervalSeconds cpus memoryMiB timeLimitMinutes kind args…`. The time limit is the
// same whole minutes for every scheduler, so all bound a job alike.
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
