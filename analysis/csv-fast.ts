// The fast path of `readColumns` (analysis/csv-table.ts): the objective columns of a CSV read straight from the
// file's bytes, each number parsed once, for the shape nearly every table has. It answers only where csv-parse,
// with csv-table.ts's options, would give the same table; on anything else (a cell that is not a plain decimal
// number, a quote where it expects none, a lone CR, a ragged row, a header it cannot use, a file that is not a
// regular file) it answers undefined, and readColumns reads the file through csv-parse, which gives the table or
// today's error. test/unit/analysis/csv-table-fast.test.ts holds the two readers to the same tables.
//
// What it handles: an optional UTF-8 BOM; LF or CRLF line endings (whichever ends the first line, as csv-parse
// decides); blank and whitespace-only lines; a header without quotes; spaces and tabs around numbers; quoted cells
// (doubled quotes, commas, line breaks) in the columns that are not read, when the quote opens the cell and ends it.
import { open, stat } from 'node:fs/promises';
import type { ColumnTable } from './csv-table';

const TAB = 0x09;
const LF = 0x0a;
const FF = 0x0c;
const CR = 0x0d;
const SPACE = 0x20;
const QUOTE = 0x22;
const PLUS = 0x2b;
const COMMA = 0x2c;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const UPPER_E = 0x45;
const LOWER_E = 0x65;

/** A scan ran into the end of the bytes read so far: read more and scan the record again. */
const NEED_MORE = -1;
/** csv-parse must decide (its answer may be an error, or a table this reader does not build). */
const GIVE_UP = -2;
/** The line is not blank: it is a record. */
const NOT_BLANK = -3;

/** Bytes read at a time. */
const CHUNK_BYTES = 1 << 20;
/** A record longer than this (a runaway quoted cell) goes to csv-parse rather than growing the buffer further. */
const MAX_RECORD_BYTES = 64 << 20;

/**
 * 10^k for k ≤ 22, each exact in a double. For an integer m < 2^53, m·10^k and m/10^k are then one correctly
 * rounded operation on exact operands — the double nearest the decimal, as Number() gives (Clinger's fast path).
 */
const EXACT_POWERS_OF_TEN = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));
/** Significant digits that keep the mantissa below 2^53 (10^15 < 2^53). */
const MAX_EXACT_DIGITS = 15;

/** A column that grows as rows are read (doubling), trimmed at the end. */
export class GrowableColumn {
  private data = new Float64Array(1024);
  length = 0;
  push(value: number): void {
    if (this.length === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = value;
  }
  done(): Float64Array {
    return this.data.slice(0, this.length);
  }
}

const isDigit = (byte: number): boolean => byte >= ZERO && byte <= NINE;
const isBlank = (byte: number): boolean => byte === SPACE || byte === TAB;

/** Scans records in a buffer of the file's bytes; positions in, positions (or NEED_MORE / GIVE_UP) out. */
class RecordScanner {
  buf: Buffer;
  /** Lines end with CRLF (else LF); a line ending of the other kind is left to csv-parse. */
  crlf = false;
  /** Fields per record, from the header. */
  fieldCount = 0;
  /** Per field: 1 when its cells are read as numbers. */
  parsed = new Uint8Array(0);
  /** The numbers of the record scanned last, by field. */
  values = new Float64Array(0);

  constructor(buf: Buffer) {
    this.buf = buf;
  }

  /** Where the line ending at `at` ends, when there is one there; NOT_BLANK when `at` holds no line ending. */
  private lineEnd(at: number, end: number, eof: boolean): number {
    const byte = this.buf[at];
    if (byte === LF) return this.crlf ? GIVE_UP : at + 1;
    if (byte !== CR) return NOT_BLANK;
    if (!this.crlf) return GIVE_UP;
    if (at + 1 === end) return eof ? GIVE_UP : NEED_MORE;
    return this.buf[at + 1] === LF ? at + 2 : GIVE_UP;
  }

  /** After a blank line (nothing but spaces and tabs; csv-parse skips it) at `pos`, or NOT_BLANK. */
  blankLine(pos: number, end: number, eof: boolean): number {
    let at = pos;
    while (at < end && isBlank(this.buf[at])) at++;
    if (at === end) return eof ? end : NEED_MORE;
    return this.lineEnd(at, end, eof);
  }

  /**
   * The header's names, trimmed as csv-parse trims them: leading spaces, tabs and form feeds, then whatever
   * String.prototype.trimEnd removes. Gives up on a quote anywhere in the line.
   */
  header(pos: number, end: number, eof: boolean): { next: number; names: string[] } | number {
    const names: string[] = [];
    let start = pos;
    let at = pos;
    for (;;) {
      const byte = at < end ? this.buf[at] : -1;
      if (byte === QUOTE) return GIVE_UP;
      if (byte === -1 && !eof) return NEED_MORE;
      if (byte === COMMA || byte === LF || byte === CR || byte === -1) {
        let from = start;
        while (from < at && (isBlank(this.buf[from]) || this.buf[from] === FF)) from++;
        names.push(this.buf.toString('utf8', from, at).trimEnd());
        if (byte === COMMA) {
          start = ++at;
          continue;
        }
        if (byte === -1) return { next: end, names };
        const next = this.lineEnd(at, end, eof);
        return next < 0 ? next : { next, names };
      }
      at++;
    }
  }

  /** After the data record at `pos` (its numbers in `values`), or NEED_MORE / GIVE_UP. */
  record(pos: number, end: number, eof: boolean): number {
    const buf = this.buf;
    let at = pos;
    for (let field = 0; ; field++) {
      if (field === this.fieldCount) return GIVE_UP; // more fields than the header
      at = this.parsed[field] === 1 ? this.number(at, end, eof, field) : this.skipCell(at, end, eof);
      if (at < 0) return at;
      if (at === end) {
        if (!eof) return NEED_MORE;
        return field + 1 === this.fieldCount ? at : GIVE_UP;
      }
      const byte = buf[at];
      if (byte === COMMA) {
        at++;
        continue;
      }
      const next = this.lineEnd(at, end, eof);
      if (next === NOT_BLANK) return GIVE_UP; // text after a closing quote or after a number
      if (next < 0) return next;
      return field + 1 === this.fieldCount ? next : GIVE_UP;
    }
  }

  /** After a cell that is not read: quoted (the quote opens the cell) or plain, up to its comma or line ending. */
  private skipCell(pos: number, end: number, eof: boolean): number {
    const buf = this.buf;
    let at = pos;
    if (at < end && buf[at] === QUOTE) {
      at++;
      for (;;) {
        while (at < end && buf[at] !== QUOTE) at++;
        if (at + 1 >= end) return eof ? (at === end ? GIVE_UP : end) : NEED_MORE; // unclosed, or closed at EOF
        if (buf[at + 1] !== QUOTE) return at + 1; // the closing quote
        at += 2; // a doubled quote
      }
    }
    while (at < end) {
      const byte = buf[at];
      if (byte === COMMA || byte === LF || byte === CR) return at;
      if (byte === QUOTE) return GIVE_UP; // a quote inside a plain cell: csv-parse's error to give
      at++;
    }
    return eof ? end : NEED_MORE;
  }

  /**
   * After a number cell (a plain decimal number, spaces and tabs around it), its value in `values[field]`.
   * Anything parseCell would refuse gives up, so that csv-parse's path names the cell.
   */
  private number(pos: number, end: number, eof: boolean, field: number): number {
    const buf = this.buf;
    let at = pos;
    while (at < end && isBlank(buf[at])) at++;
    const start = at;
    const negative = at < end && buf[at] === MINUS;
    if (at < end && (negative || buf[at] === PLUS)) at++;
    let mantissa = 0;
    let significant = 0; // digits from the first non-zero one
    let digits = 0;
    while (at < end && isDigit(buf[at])) {
      const digit = buf[at++] - ZERO;
      if (significant > 0 || digit !== 0) significant++;
      mantissa = mantissa * 10 + digit;
      digits++;
    }
    let fraction = 0;
    if (at < end && buf[at] === DOT) {
      at++;
      while (at < end && isDigit(buf[at])) {
        const digit = buf[at++] - ZERO;
        if (significant > 0 || digit !== 0) significant++;
        mantissa = mantissa * 10 + digit;
        fraction++;
      }
    }
    if (digits + fraction === 0) return at === end && !eof ? NEED_MORE : GIVE_UP;
    let exponent = 0;
    let exponentDigits = 0;
    if (at < end && (buf[at] === LOWER_E || buf[at] === UPPER_E)) {
      at++;
      const negativeExponent = at < end && buf[at] === MINUS;
      if (at < end && (negativeExponent || buf[at] === PLUS)) at++;
      while (at < end && isDigit(buf[at])) {
        exponent = exponent * 10 + (buf[at++] - ZERO);
        exponentDigits++;
      }
      if (exponentDigits === 0) return at === end && !eof ? NEED_MORE : GIVE_UP;
      if (negativeExponent) exponent = -exponent;
    }
    const last = at;
    while (at < end && isBlank(buf[at])) at++;
    if (at === end && !eof) return NEED_MORE; // the cell may go on in the bytes not read yet
    let value: number;
    const scale = exponent - fraction;
    if (significant === 0) {
      value = negative ? -0 : 0; // every digit 0: zero, whatever the exponent
    } else if (significant <= MAX_EXACT_DIGITS && exponentDigits <= 5 && scale >= -22 && scale <= 22) {
      const magnitude =
        scale < 0 ? mantissa / EXACT_POWERS_OF_TEN[-scale] : mantissa * EXACT_POWERS_OF_TEN[scale];
      value = negative ? -magnitude : magnitude;
    } else {
      // Rare: long mantissas, large exponents. Out of range, or underflowing to 0, is parseCell's error to give.
      value = Number(buf.toString('latin1', start, last));
      if (!Number.isFinite(value) || value === 0) return GIVE_UP;
    }
    this.values[field] = value;
    return at;
  }
}

/** The file's bytes, read a buffer at a time; records are scanned in `buf[pos, end)`. */
class ChunkReader {
  buf: Buffer;
  pos = 0;
  end = 0;
  eof = false;

  constructor(
    private readonly read: (buf: Buffer, offset: number, length: number) => Promise<number>,
    chunkBytes: number,
  ) {
    this.buf = Buffer.allocUnsafe(chunkBytes);
  }

  /**
   * Keep the unscanned bytes (a record cut by the end of the buffer), growing the buffer when they fill it, and
   * read until the buffer is full or the file ends. False when a record outgrows MAX_RECORD_BYTES (or, which no
   * caller does, when the file has ended already).
   */
  async more(): Promise<boolean> {
    if (this.eof) return false;
    const kept = this.end - this.pos;
    if (kept === this.buf.length) {
      if (kept >= MAX_RECORD_BYTES) return false;
      const bigger = Buffer.allocUnsafe(this.buf.length * 2);
      this.buf.copy(bigger, 0, this.pos, this.end);
      this.buf = bigger;
    } else if (this.pos > 0) {
      this.buf.copy(this.buf, 0, this.pos, this.end);
    }
    this.pos = 0;
    this.end = kept;
    while (this.end < this.buf.length && !this.eof) {
      const bytesRead = await this.read(this.buf, this.end, this.buf.length - this.end);
      if (bytesRead === 0) this.eof = true;
      else this.end += bytesRead;
    }
    return true;
  }
}

/**
 * How the first line ends, which csv-parse's auto-detection takes for the whole file: 'crlf' or 'lf'; 'csv-parse'
 * when csv-parse must read the file (a quote before the first line ending, a lone CR); NEED_MORE when the bytes
 * read so far hold no line ending.
 */
function lineEnding(
  buf: Buffer,
  pos: number,
  end: number,
  eof: boolean,
): 'crlf' | 'lf' | 'csv-parse' | number {
  for (let at = pos; at < end; at++) {
    const byte = buf[at];
    if (byte === QUOTE) return 'csv-parse';
    if (byte === LF) return 'lf';
    if (byte === CR) {
      if (at + 1 === end) return eof ? 'csv-parse' : NEED_MORE;
      return buf[at + 1] === LF ? 'crlf' : 'csv-parse';
    }
  }
  return eof ? 'lf' : NEED_MORE; // one line and no line ending: either will do
}

/**
 * The named columns of the CSV at `path`, or undefined when csv-parse must read it (see the top of this file).
 * Never throws for the file's content or for an unreadable file: those are csv-parse's path's to report.
 */
export async function readColumnsFast(
  path: string,
  columns: readonly string[],
  chunkBytes: number = CHUNK_BYTES,
): Promise<ColumnTable | undefined> {
  // Only a regular file: a pipe or a device cannot be read a second time by csv-parse.
  const isFile = await stat(path).then(
    (s) => s.isFile(),
    () => false,
  );
  if (!isFile) return undefined;
  const handle = await open(path, 'r').catch(() => undefined);
  if (handle === undefined) return undefined;
  try {
    const reader = new ChunkReader(
      async (buf, offset, length) => (await handle.read(buf, offset, length, null)).bytesRead,
      Math.max(chunkBytes, 4), // the first read must hold a BOM, as csv-parse's does
    );
    return await scanFile(reader, columns);
  } catch (err) {
    // A read error (EISDIR, EIO) is csv-parse's path's to report; a bug in this file is not hidden.
    if (typeof err === 'object' && err !== null && 'syscall' in err) return undefined;
    throw err;
  } finally {
    await handle.close();
  }
}

async function scanFile(reader: ChunkReader, columns: readonly string[]): Promise<ColumnTable | undefined> {
  await reader.more();
  // csv-parse strips a UTF-8 BOM, and after a UTF-16LE one reads the file as UTF-16.
  if (reader.end >= 3 && reader.buf[0] === 0xef && reader.buf[1] === 0xbb && reader.buf[2] === 0xbf)
    reader.pos = 3;
  if (reader.end >= 2 && reader.buf[0] === 0xff && reader.buf[1] === 0xfe) return undefined;
  let ending = lineEnding(reader.buf, reader.pos, reader.end, reader.eof);
  while (ending === NEED_MORE) {
    if (!(await reader.more())) return undefined;
    ending = lineEnding(reader.buf, reader.pos, reader.end, reader.eof);
  }
  if (ending !== 'crlf' && ending !== 'lf') return undefined;
  const scanner = new RecordScanner(reader.buf);
  scanner.crlf = ending === 'crlf';
  const out = columns.map(() => new GrowableColumn());
  let index: number[] | undefined;
  let rows = 0;
  for (;;) {
    scanner.buf = reader.buf;
    const { pos, end, eof } = reader;
    if (pos === end) {
      if (eof) break;
      if (!(await reader.more())) return undefined;
      continue;
    }
    let next = scanner.blankLine(pos, end, eof);
    if (next === NOT_BLANK) {
      if (index === undefined) {
        const header = scanner.header(pos, end, eof);
        if (typeof header === 'number') next = header;
        else {
          index = headerIndex(header.names, columns);
          if (index === undefined) return undefined;
          scanner.fieldCount = header.names.length;
          scanner.parsed = new Uint8Array(header.names.length);
          for (const i of index) scanner.parsed[i] = 1;
          scanner.values = new Float64Array(header.names.length);
          next = header.next;
        }
      } else {
        next = scanner.record(pos, end, eof);
        if (next >= 0) {
          for (let k = 0; k < index.length; k++) out[k].push(scanner.values[index[k]]);
          rows++;
        }
      }
    }
    if (next === GIVE_UP) return undefined;
    if (next === NEED_MORE) {
      if (!(await reader.more())) return undefined;
      continue;
    }
    reader.pos = next;
  }
  if (index === undefined) return undefined; // no header: csv-parse's path says the file is empty
  return { columns: out.map((c) => c.done()), rows };
}

/** Where each named column is in the header; undefined when a name is missing or the header repeats one. */
function headerIndex(names: readonly string[], columns: readonly string[]): number[] | undefined {
  if (new Set(names).size !== names.length) return undefined;
  const index = columns.map((c) => names.indexOf(c));
  return index.includes(-1) ? undefined : index;
}
