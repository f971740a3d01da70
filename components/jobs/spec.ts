// The neutral job model every layer shares: a job spec — how many identical jobs, how many nodes and tasks each
// spans, the CPUs of each task and the memory on each node, the work they do, when they arrive and at which
// priority — as workloads/expand.ts writes it from a workload's job groups, the schedulers render it and the run
// loop bounds it. Below both components/ and workloads/, so a scheduler folder never imports the workloads.
import { z } from 'zod';

/** Plain argument characters: a spec's arguments travel through the plan's space-separated line format. */
export const PlainArg = z.string().regex(/^[A-Za-z0-9_.=:+/-]+$/, {
  message: 'plain argument characters only (letters, digits, _ . = : + / -)',
});

/** Priority classes every scheduler renders in its own terms (SLURM nice, Flux urgency, a PriorityClass). */
export const PRIORITIES = ['low', 'normal', 'high'] as const;
export type Priority = (typeof PRIORITIES)[number];

export const JobSpec = z
  .strictObject({
    /** How many identical jobs this spec stands for. */
    count: z.number().int().positive(),
    /** Nodes each job spans. */
    nodes: z.number().int().positive().default(1),
    /** Tasks on each of its nodes (a job has nodes × tasksPerNode tasks, each running the work once). */
    tasksPerNode: z.number().int().positive().default(1),
    /** CPUs per task. */
    cpus: z.number().int().positive(),
    /** Memory requested on each node of the job (MiB). */
    memoryMiB: z.number().int().positive(),
    /** How long one job is expected to run (s); bounds the run's timeout. */
    expectedSeconds: z.number().positive(),
    /** The job's time limit (s), when set explicitly; otherwise expectedSeconds × the stack's timeoutFactor. */
    timeLimitSeconds: z.number().positive().optional(),
    /**
     * `stress`: stress-ng with `args`; `noop`: a trivial job (scheduler throughput); `fail`: exits with args[0];
     * `command`: runs args[0] (a program of the workload image) with args[1…]; `sleep`: sleeps args[0] seconds
     * (emulated execution: the job lasts its time without load).
     */
    kind: z.enum(['stress', 'noop', 'fail', 'command', 'sleep']),
    /** The work's arguments: always a bounded amount of time or work. */
    args: z.array(PlainArg),
    /**
     * When the jobs arrive: the first at `offsetSeconds` after submission starts, then one every `intervalSeconds`;
     * or, with `offsets`, copy k at offsets[k] (one per job, non-decreasing: a seeded random process's draws).
     */
    arrival: z.strictObject({
      offsetSeconds: z.number().nonnegative(),
      intervalSeconds: z.number().nonnegative(),
      offsets: z.array(z.number().nonnegative()).optional(),
    }),
    priority: z.enum(PRIORITIES).default('normal'),
  })
  .superRefine((spec, ctx) => {
    // stress-ng reads a fractional timeout (`0.5s`) as 0: no timeout at all. Refuse it here, below every source.
    spec.args.forEach((arg, i) => {
      const next = spec.args[i + 1];
      if (
        spec.kind === 'stress' &&
        (arg === '--timeout' || arg === '-t') &&
        !/^[1-9][0-9]*[smhdy]?$/.test(next ?? '')
      )
        ctx.addIssue({
          code: 'custom',
          path: ['args', i + 1],
          message: `stress-ng --timeout ${next ?? '(none)'}: whole seconds (or m, h, d, y) of at least 1 only`,
        });
    });
    const offsets = spec.arrival.offsets;
    if (offsets === undefined) return;
    if (offsets.length !== spec.count)
      ctx.addIssue({
        code: 'custom',
        path: ['arrival', 'offsets'],
        message: `${offsets.length} offsets for ${spec.count} jobs: give one per job`,
      });
    if (offsets.some((o, k) => k > 0 && o < (offsets[k - 1] ?? 0)))
      ctx.addIssue({ code: 'custom', path: ['arrival', 'offsets'], message: 'offsets must not decrease' });
  });
export type JobSpec = z.infer<typeof JobSpec>;
/** A spec as written (defaults may be left out). */
export type JobSpecInput = z.input<typeof JobSpec>;

/** Tasks of one job of the spec. */
export function taskCount(spec: Pick<JobSpec, 'nodes' | 'tasksPerNode'>): number {
  return spec.nodes * spec.tasksPerNode;
}

/** CPUs one job of the spec holds over all its nodes. */
export function jobCpus(spec: Pick<JobSpec, 'nodes' | 'tasksPerNode' | 'cpus'>): number {
  return taskCount(spec) * spec.cpus;
}

/** Per-job time limit handed to the scheduler (whole minutes, at least 1). */
export function jobTimeLimitMinutes(spec: JobSpec, timeoutFactor: number): number {
  const seconds = spec.timeLimitSeconds ?? spec.expectedSeconds * timeoutFactor;
  return Math.max(1, Math.ceil(seconds / 60));
}

/** When copy `k` of a spec arrives (s after the submission window opens). */
export function arrivalSeconds(arrival: JobSpec['arrival'], k: number): number {
  return arrival.offsets?.[k] ?? arrival.offsetSeconds + arrival.intervalSeconds * k;
}
