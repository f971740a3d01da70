// SWF text from a header and jobs: the header's `; Key: value` comments, then one line of 18 right-aligned fields
// per job, `-1` for unknown. What the reader reads back as the same header values and the same jobs. Pure.
import { SWF_FIELDS, UNKNOWN, type SwfHeader, type SwfRecord } from './swf-format';

/** Column widths, wide enough for the archive's logs; a longer value just widens its line. */
const WIDTHS: Record<(typeof SWF_FIELDS)[number]['key'], number> = {
  jobNumber: 7,
  submitSeconds: 10,
  waitSeconds: 7,
  runSeconds: 7,
  allocatedProcessors: 5,
  averageCpuSeconds: 7,
  usedMemoryKiB: 7,
  requestedProcessors: 5,
  requestedSeconds: 7,
  requestedMemoryKiB: 7,
  status: 2,
  userId: 4,
  groupId: 3,
  executable: 4,
  queue: 2,
  partition: 2,
  precedingJob: 5,
  thinkSeconds: 5,
};

/**
 * The header's comment lines: free comments first (after an entry they would read back as its continuation), then
 * the keys in the order they were given, each value of a key on its own line.
 */
export function headerLines(header: SwfHeader): string[] {
  const entries = Object.entries(header.values).flatMap(([key, values]) =>
    values.map((v) => `; ${key}: ${v}`),
  );
  return [...header.comments.map((c) => `; ${c}`), ...entries];
}

/** One job as an SWF line. */
export function jobLine(job: SwfRecord): string {
  return SWF_FIELDS.map(({ key }) => String(job[key] ?? UNKNOWN).padStart(WIDTHS[key])).join(' ');
}

/** The lines of a whole log, one at a time (no newline), so a large one can be streamed. */
export function* swfLines(header: SwfHeader, jobs: Iterable<SwfRecord>): Generator<string> {
  yield* headerLines(header);
  for (const job of jobs) yield jobLine(job);
}

/** A whole log as text, ending in a newline. */
export function formatSwf(header: SwfHeader, jobs: Iterable<SwfRecord>): string {
  return `${[...swfLines(header, jobs)].join('\n')}\n`;
}
