// The Standard Workload Format (SWF) of the Parallel Workloads Archive: its 18 fields, in order, with the rule each
// value obeys; the header keys whose values are numbers; and the zod types of a job and a header that the reader
// returns, the Lublin–Feitelson generator produces and the writer takes.
// The format: https://www.cs.huji.ac.il/labs/parallel/workload/swf.html (Chapin et al., JSSPP 1999).
import { z } from 'zod';

/** `-1` in any field: the value is unknown. */
export const UNKNOWN = -1;

/** A count or a time: a whole number, at least `min`. */
const whole = (min: number) => z.number().int().min(min);
/** A measure some logs give with decimals (CPU seconds, KiB). */
const measure = z.number().min(0);

/**
 * The 18 fields, in the order they appear on a line: the key they get in a job, the name the format gives them
 * (errors say it), and the schema of a known value. Every field may be `-1` (unknown → null) except the job number.
 */
export const SWF_FIELDS = [
  { key: 'jobNumber', name: 'job number', schema: whole(1), integer: true },
  { key: 'submitSeconds', name: 'submit time', schema: whole(0), integer: true },
  { key: 'waitSeconds', name: 'wait time', schema: whole(0), integer: true },
  { key: 'runSeconds', name: 'run time', schema: whole(0), integer: true },
  { key: 'allocatedProcessors', name: 'allocated processors', schema: whole(0), integer: true },
  { key: 'averageCpuSeconds', name: 'average CPU time', schema: measure, integer: false },
  { key: 'usedMemoryKiB', name: 'used memory', schema: measure, integer: false },
  { key: 'requestedProcessors', name: 'requested processors', schema: whole(0), integer: true },
  { key: 'requestedSeconds', name: 'requested time', schema: whole(0), integer: true },
  { key: 'requestedMemoryKiB', name: 'requested memory', schema: measure, integer: false },
  { key: 'status', name: 'status', schema: whole(0), integer: true },
  { key: 'userId', name: 'user', schema: whole(0), integer: true },
  { key: 'groupId', name: 'group', schema: whole(0), integer: true },
  { key: 'executable', name: 'executable', schema: whole(0), integer: true },
  { key: 'queue', name: 'queue', schema: whole(0), integer: true },
  { key: 'partition', name: 'partition', schema: whole(0), integer: true },
  { key: 'precedingJob', name: 'preceding job', schema: whole(1), integer: true },
  { key: 'thinkSeconds', name: 'think time', schema: whole(0), integer: true },
] as const;

export type SwfFieldKey = (typeof SWF_FIELDS)[number]['key'];

const nullable = <T extends z.ZodType>(schema: T) => schema.nullable();

/**
 * One line of a log, as written: every field but the job number may be null (unknown). Times in seconds (submit
 * time from the log's start), memory in KiB per processor, as the format defines them.
 */
export const SwfRecord = z.strictObject({
  jobNumber: whole(1),
  submitSeconds: nullable(whole(0)),
  waitSeconds: nullable(whole(0)),
  runSeconds: nullable(whole(0)),
  allocatedProcessors: nullable(whole(0)),
  averageCpuSeconds: nullable(measure),
  usedMemoryKiB: nullable(measure),
  requestedProcessors: nullable(whole(0)),
  requestedSeconds: nullable(whole(0)),
  requestedMemoryKiB: nullable(measure),
  /** 1 completed, 0 failed, 5 cancelled; 2–4 parts of a checkpointed job (the format's codes). */
  status: nullable(whole(0)),
  userId: nullable(whole(0)),
  groupId: nullable(whole(0)),
  executable: nullable(whole(0)),
  /** 0 is the interactive queue, by the format's convention. */
  queue: nullable(whole(0)),
  partition: nullable(whole(0)),
  precedingJob: nullable(whole(1)),
  thinkSeconds: nullable(whole(0)),
});
export type SwfRecord = z.infer<typeof SwfRecord>;

/** A job's size in processors: the allocated count, or the requested one when that is unknown; null when neither. */
export function jobProcessors(
  job: Pick<SwfRecord, 'allocatedProcessors' | 'requestedProcessors'>,
): number | null {
  if (job.allocatedProcessors !== null && job.allocatedProcessors > 0) return job.allocatedProcessors;
  if (job.requestedProcessors !== null && job.requestedProcessors > 0) return job.requestedProcessors;
  return null;
}

/**
 * A job that can be replayed: its submit time, run time and size are known (the reader skips, and counts, the
 * records where one is not).
 */
export const SwfJob = SwfRecord.extend({
  submitSeconds: whole(0),
  runSeconds: whole(0),
}).refine((job) => jobProcessors(job) !== null, {
  message: 'neither allocated nor requested processors is a positive number',
});
export type SwfJob = z.infer<typeof SwfJob>;

/** Why a record is not a job: which of the values a replay needs is unknown. Counted in this order, once each. */
export const SKIP_REASONS = ['unknown submit time', 'unknown run time', 'unknown size'] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];
export type SkipCounts = Record<SkipReason, number>;

export const noSkips = (): SkipCounts => ({
  'unknown submit time': 0,
  'unknown run time': 0,
  'unknown size': 0,
});

/** Header keys whose values the format defines as numbers: parsed, and refused when they are not. */
export const NUMERIC_HEADER_KEYS = [
  'MaxJobs',
  'MaxRecords',
  'UnixStartTime',
  'TimeZone',
  'MaxNodes',
  'MaxProcs',
  'MaxRuntime',
  'MaxMemory',
  'MaxQueues',
  'MaxPartitions',
] as const;
export type NumericHeaderKey = (typeof NUMERIC_HEADER_KEYS)[number];

/**
 * The header comments (`; Key: value`). `values` keeps every key's values in the order they came (Note, Queue and
 * Partition repeat; an indented comment line continues the value before it); `numbers` holds the numeric keys
 * parsed (the first value when one repeats); `comments` the comment lines that are neither.
 */
export const SwfHeader = z.strictObject({
  values: z.record(z.string(), z.array(z.string())),
  numbers: z.partialRecord(z.enum(NUMERIC_HEADER_KEYS), z.number()),
  comments: z.array(z.string()),
});
export type SwfHeader = z.infer<typeof SwfHeader>;

/** What the reader returns: the header, the replayable jobs in file order, and what it skipped, by reason. */
export interface SwfTrace {
  header: SwfHeader;
  jobs: SwfJob[];
  /** Job lines read (jobs + skipped). */
  records: number;
  skipped: SkipCounts;
}

/** The first value of a header key, or null. */
export function headerValue(header: SwfHeader, key: string): string | null {
  return header.values[key]?.[0] ?? null;
}
