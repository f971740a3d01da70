// The SWF reader: a log (`.swf`, or `.swf.gz` through node's zlib) streamed line by line into its header, the jobs
// a replay can use, and the counts of the records it skipped, by reason. A malformed line stops the read with an
// error that names the file, the line and the field; nothing is guessed.
import { createReadStream } from 'fs';
import type { Readable } from 'stream';
import { pipeline } from 'stream';
import { createGunzip } from 'zlib';
import { HeaderBuilder } from './swf-header';
import {
  jobProcessors,
  noSkips,
  type SkipReason,
  type SwfJob,
  type SwfRecord,
  type SwfTrace,
} from './swf-format';
import { parseJobLine, type FieldRef } from './swf-line';

/** A line the format refuses: where (source, 1-based line, the field when one is to blame) and why. */
export class SwfFormatError extends Error {
  constructor(
    readonly source: string,
    readonly line: number,
    readonly field: FieldRef | null,
    readonly problem: string,
  ) {
    super(`${source}:${line}: ${field === null ? '' : `field ${field.number} (${field.name}): `}${problem}`);
    this.name = 'SwfFormatError';
  }
}

/** The record as a job a replay can use, or why it cannot be one (the first reason in SKIP_REASONS' order). */
function asJob(record: SwfRecord): SwfJob | SkipReason {
  const { submitSeconds, runSeconds } = record;
  if (submitSeconds === null) return 'unknown submit time';
  if (runSeconds === null) return 'unknown run time';
  if (jobProcessors(record) === null) return 'unknown size';
  return { ...record, submitSeconds, runSeconds };
}

/** Reads a log one line at a time; `trace()` gives what it read. */
export class SwfReader {
  private readonly header = new HeaderBuilder();
  private readonly jobs: SwfTrace['jobs'] = [];
  private readonly skipped = noSkips();
  private records = 0;
  private lineNumber = 0;

  /** `source` names the log in errors (its path, or what the caller calls it). */
  constructor(private readonly source: string) {}

  line(text: string): void {
    this.lineNumber++;
    const trimmed = text.trim();
    if (trimmed === '') return;
    if (trimmed.startsWith(';')) {
      const problem = this.header.add(trimmed);
      if (problem !== null) throw new SwfFormatError(this.source, this.lineNumber, null, problem);
      return;
    }
    const parsed = parseJobLine(trimmed);
    if (!parsed.ok) throw new SwfFormatError(this.source, this.lineNumber, parsed.field, parsed.problem);
    this.records++;
    const job = asJob(parsed.record);
    if (typeof job === 'string') this.skipped[job]++;
    else this.jobs.push(job);
  }

  /** What was read (the reader's own job list: read no further lines after this). */
  trace(): SwfTrace {
    return {
      header: this.header.header(),
      jobs: this.jobs,
      records: this.records,
      skipped: { ...this.skipped },
    };
  }
}

/** A log given as text (tests, a generator's output). */
export function parseSwf(text: string, source = '<text>'): SwfTrace {
  const reader = new SwfReader(source);
  for (const line of text.split('\n')) reader.line(line);
  return reader.trace();
}

/** The lines of a text stream, one at a time (the last one even without a final newline). */
async function* linesOf(stream: Readable): AsyncGenerator<string> {
  stream.setEncoding('utf8');
  let rest = '';
  for await (const chunk of stream) {
    const parts = (rest + String(chunk)).split('\n');
    rest = parts.pop() ?? '';
    yield* parts;
  }
  if (rest !== '') yield rest;
}

/** The text of a log file, gunzipped on the way when its name ends in `.gz`. */
function openLog(file: string): Readable {
  const raw = createReadStream(file);
  if (!file.endsWith('.gz')) return raw;
  // pipeline() destroys the gunzip stream with the file's error (a missing file, say), so the reader sees it.
  return pipeline(raw, createGunzip(), () => undefined);
}

/** Read an SWF log file (`.swf` or `.swf.gz`), streaming: only the jobs are kept. */
export async function readSwfFile(file: string): Promise<SwfTrace> {
  const reader = new SwfReader(file);
  try {
    for await (const line of linesOf(openLog(file))) reader.line(line);
  } catch (err) {
    if (err instanceof SwfFormatError) throw err;
    // Not `instanceof Error`: errors from node's streams may come from another realm (jest's sandbox, say).
    const message =
      typeof err === 'object' && err !== null && 'message' in err ? String(err.message) : String(err);
    throw new Error(`${file}: ${message}`);
  }
  return reader.trace();
}
