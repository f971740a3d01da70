// A workload as data: a list of job groups, each saying how many jobs, how wide (nodes, tasks per node, CPUs per
// task, memory per node), what work each task does, its time limit, how the jobs arrive and at which priority.
// Users write these in the stack's config (`schedbench:workloadDefinitions`); the built-in workloads are presets in
// the same form (workloads/presets.ts). Sizes may be relative to the profile ("50%" of a node's vCPUs, `all`
// nodes, a count that fills the cluster), so one definition fits every profile. workloads/expand.ts turns a
// definition into the neutral job specs (components/jobs/spec.ts) for one profile.
import { z } from 'zod';
import { PlainArg, PRIORITIES } from '../components/jobs/spec';
import { TraceReplay } from './trace/replay';

/** Programs of the workload image (Debian minbase + stress-ng), present on every node kind too. */
export const IMAGE_PROGRAMS = ['stress-ng', 'dd', 'sha256sum', 'md5sum', 'gzip', 'true', 'false'] as const;

const Seconds = z.number().positive().max(86400);
/**
 * stress-ng's --timeout takes whole seconds only: it reads `0.5s` as 0, which means no timeout at all (a job that
 * never ends). Work stress-ng bounds in time therefore lasts whole seconds.
 */
const StressSeconds = z
  .number()
  .int({ message: 'whole seconds: stress-ng bounds its work in whole seconds' })
  .min(1)
  .max(86400);
const Offset = z.number().nonnegative().max(86400).default(0);
/** A share of a node's resource, `"<1–100>%"`. */
const Percent = z.string().regex(/^(100|[1-9][0-9]?)(\.[0-9]+)?%$/, {
  message: 'a whole number, or a share of the node as "1%"…"100%"',
});

/** The work each task of a job does. Always bounded: a duration or a fixed amount. */
export const Work = z.discriminatedUnion('kind', [
  z.strictObject({
    /** stress-ng CPU stressors for `seconds`: `workers` of them (default: the task's CPUs), method `method`. */
    kind: z.literal('cpu'),
    seconds: StressSeconds,
    workers: z.number().int().min(1).max(512).optional(),
    method: z
      .string()
      .regex(/^[a-z0-9]+$/)
      .default('matrixprod'),
  }),
  z.strictObject({
    /** A stress-ng VM stressor touching `share` of the task's memory (at most capMiB), for `seconds`. */
    kind: z.literal('memory'),
    seconds: StressSeconds,
    share: z.number().gt(0).max(1).default(0.75),
    capMiB: z.number().int().min(16).default(1024),
  }),
  z.strictObject({
    /** stress-ng with these arguments for `seconds` (schedbench adds `--timeout <seconds>s`). */
    kind: z.literal('stress'),
    args: z
      .array(PlainArg)
      .min(1)
      .refine((a) => !a.some((x) => x === '--timeout' || x === '-t'), {
        message: 'leave out --timeout: schedbench adds `--timeout <seconds>s`',
      }),
    seconds: StressSeconds,
  }),
  /** Nothing: the scheduler's own cost per job. */
  z.strictObject({ kind: z.literal('noop') }),
  /** Exits with `exitCode` at once (a failing job). */
  z.strictObject({ kind: z.literal('fail'), exitCode: z.number().int().min(1).max(255) }),
  z.strictObject({
    /** A program of the workload image with its arguments, expected to take `seconds`. */
    kind: z.literal('command'),
    argv: z.tuple([z.enum(IMAGE_PROGRAMS)], PlainArg),
    seconds: Seconds,
  }),
]);
export type Work = z.infer<typeof Work>;

/** When the jobs of a group arrive, from the moment the run's submissions start. */
export const Arrival = z.discriminatedUnion('kind', [
  /** All at `offsetSeconds`. */
  z.strictObject({ kind: z.literal('atOnce'), offsetSeconds: Offset }),
  /** The first at `offsetSeconds`, then one every `everySeconds`. */
  z.strictObject({ kind: z.literal('interval'), everySeconds: Seconds, offsetSeconds: Offset }),
  /**
   * A Poisson process (exponential gaps, from the workload's seed) from `offsetSeconds`: `ratePerSecond` jobs a
   * second, or the rate at which the group alone offers `load` × the profile's CPUs (0.8: 80 % busy). With
   * `forSeconds` and no `count`, jobs arrive until that much time has passed.
   */
  z
    .strictObject({
      kind: z.literal('poisson'),
      ratePerSecond: z.number().positive().max(10000).optional(),
      load: z.number().positive().max(100).optional(),
      offsetSeconds: Offset,
      forSeconds: Seconds.optional(),
    })
    .refine((a) => (a.ratePerSecond === undefined) !== (a.load === undefined), {
      message: 'give exactly one of ratePerSecond and load',
    }),
  /** Explicit offsets (s), one per job, non-decreasing. */
  z.strictObject({
    kind: z.literal('offsets'),
    seconds: z
      .array(z.number().nonnegative().max(86400))
      .min(1)
      .refine((o) => o.every((x, i) => i === 0 || x >= (o[i - 1] ?? 0)), {
        message: 'offsets must not decrease',
      }),
  }),
]);
export type Arrival = z.infer<typeof Arrival>;

/** How many jobs: a number, `perNode` jobs per node of the profile, or `fill` × as many as run at once. */
export const Count = z.union([
  z.number().int().min(1).max(100000),
  z.strictObject({ perNode: z.number().int().min(1).max(10000) }),
  z.strictObject({ fill: z.number().positive().max(1000) }),
]);
export type Count = z.infer<typeof Count>;

export const JobGroup = z.strictObject({
  /** Its name in results and reports (default `g<index>`). */
  name: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,30}$/, { message: 'lower-case letters, digits and -, starting with a letter' })
    .optional(),
  /** Omitted only with a Poisson arrival `forSeconds` or explicit offsets (one job per offset). */
  count: Count.optional(),
  /** Nodes each job spans: a number or `all` of the profile's. */
  nodes: z.union([z.number().int().min(1).max(4096), z.literal('all')]).default(1),
  tasksPerNode: z.number().int().min(1).max(512).default(1),
  /** CPUs of each task: a number or a share of a node's vCPUs ("50%", rounded down, at least 1). */
  cpusPerTask: z.union([z.number().int().min(1).max(512), Percent]).default(1),
  /** Memory the job asks for on each node (MiB), or a share of a node's memory ("25%"). */
  memoryPerNodeMiB: z.union([z.number().int().min(16).max(4194304), Percent]).default(64),
  work: Work,
  /** The job's time limit: `seconds`, or `factor` × its expected time. Default: the stack's timeoutFactor. */
  timeLimit: z
    .union([
      z.strictObject({ seconds: z.number().positive().max(604800) }),
      z.strictObject({ factor: z.number().min(1).max(1000) }),
    ])
    .optional(),
  arrival: Arrival.default({ kind: 'atOnce', offsetSeconds: 0 }),
  priority: z.enum(PRIORITIES).default('normal'),
});
export type JobGroup = z.infer<typeof JobGroup>;
export type JobGroupInput = z.input<typeof JobGroup>;

export const WorkloadDefinition = z
  .strictObject({
    /** One line: what the workload is for (shown by `schedbench workloads`). */
    description: z.string().max(300).optional(),
    /** What a good scheduler does on it and which metric shows it (presets; shown by `schedbench workloads`). */
    expect: z.string().max(600).optional(),
    /** Seed of its random arrivals; default: the stack's `schedbench:seed`. */
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 32 - 1)
      .optional(),
    /** Its job groups; or, instead, `trace`. */
    groups: z.array(JobGroup).min(1).max(64).optional(),
    /** A log in the Standard Workload Format replayed (docs/traces.md); or, instead, `groups`. */
    trace: TraceReplay.optional(),
  })
  .refine((d) => (d.groups === undefined) !== (d.trace === undefined), {
    message: 'give either groups or trace',
  });
export type WorkloadDefinition = z.infer<typeof WorkloadDefinition>;
export type WorkloadDefinitionInput = z.input<typeof WorkloadDefinition>;

/** A workload's name: a config key and part of file and resource names. */
export const WorkloadNameText = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,39}$/, { message: 'lower-case letters, digits and _, starting with a letter' });
