// The neutral job model every layer shares: a job spec — how many identical jobs, their CPUs, memory, expected
// time, the work they do and when they arrive — as the catalog writes it, the schedulers render it and the run loop
// bounds it. Below both components/ and workloads/, so a scheduler folder never imports the workloads.
import { z } from 'zod';

export const JobSpec = z.strictObject({
  /** How many identical jobs this spec stands for. */
  count: z.number().int().positive(),
  /** CPUs per job (a single task with this many CPUs). */
  cpus: z.number().int().positive(),
  /** Memory requested per job (MiB). */
  memoryMiB: z.number().int().positive(),
  /** How long one job is expected to run (s); bounds the run's timeout. */
  expectedSeconds: z.number().positive(),
  /** `stress`: stress-ng with `args`; `noop`: a trivial job (scheduler throughput); `fail`: exits with args[0]. */
  kind: z.enum(['stress', 'noop', 'fail']),
  /** stress-ng arguments: always a bounded amount of time or work. */
  args: z.array(z.string().regex(/^[A-Za-z0-9_.=:+-]+$/, { message: 'plain argument characters only' })),
  /** When the jobs arrive: the first at `offsetSeconds` after submission starts, then one every `intervalSeconds`. */
  arrival: z.strictObject({
    offsetSeconds: z.number().nonnegative(),
    intervalSeconds: z.number().nonnegative(),
  }),
});
export type JobSpec = z.infer<typeof JobSpec>;

/** Per-job time limit handed to the scheduler (whole minutes, at least 1). */
export function jobTimeLimitMinutes(spec: JobSpec, timeoutFactor: number): number {
  return Math.max(1, Math.ceil((spec.expectedSeconds * timeoutFactor) / 60));
}
