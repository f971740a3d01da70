// The header of an SWF log, built from its comment lines (`; Key: value`): values kept by key in order, an
// indented line continuing the value above it (multi-line Notes), the numeric keys parsed. Pure.
import { NUMERIC_HEADER_KEYS, type NumericHeaderKey, type SwfHeader } from './swf-format';

/** `; Key: value`, the key starting right after the semicolon and its one space. */
const ENTRY = /^;\s?([A-Za-z][A-Za-z0-9_-]*):\s*(.*)$/;
/** A number, perhaps followed by a remark in parentheses (`; MaxProcs: 1152 (144 nodes)`). */
const NUMBER = /^(-?\d+(?:\.\d+)?)(?:\s+\(.*\))?$/;

const isNumericKey = (key: string): key is NumericHeaderKey =>
  (NUMERIC_HEADER_KEYS as readonly string[]).includes(key);

export class HeaderBuilder {
  private readonly values: Record<string, string[]> = {};
  private readonly numbers: SwfHeader['numbers'] = {};
  private readonly comments: string[] = [];
  /** The key an indented line continues; none after a bare `;`. */
  private open: string | null = null;

  /**
   * Take one comment line (starting with `;`). Returns a problem when a numeric key's value is not a number (the
   * caller says where).
   */
  add(line: string): string | null {
    const body = line.slice(1);
    const text = body.trim();
    if (text === '') {
      this.open = null;
      return null;
    }
    const indented = /^\s{2,}/.test(body);
    const entry = indented ? null : ENTRY.exec(line.trimEnd());
    if (entry !== null) return this.entry(entry[1] ?? '', (entry[2] ?? '').trim());
    const values = this.open === null ? undefined : this.values[this.open];
    if (values !== undefined && values.length > 0) values[values.length - 1] += ` ${text}`;
    else this.comments.push(text);
    return null;
  }

  private entry(key: string, value: string): string | null {
    // Own keys only: a log's `; constructor: …` must not find Object's.
    const values = Object.hasOwn(this.values, key) ? this.values[key] : undefined;
    if (values === undefined) this.values[key] = [value];
    else values.push(value);
    this.open = key;
    if (!isNumericKey(key) || this.numbers[key] !== undefined) return null;
    const number = NUMBER.exec(value);
    if (number === null) return `header ${key}: "${value}" is not a number`;
    this.numbers[key] = Number(number[1]);
    return null;
  }

  header(): SwfHeader {
    return {
      values: structuredClone(this.values),
      numbers: { ...this.numbers },
      comments: [...this.comments],
    };
  }
}

/** A header from `Key: value` entries, in order, as the reader would build it from their comment lines. */
export function swfHeader(entries: ReadonlyArray<readonly [string, string | number]>): SwfHeader {
  const builder = new HeaderBuilder();
  for (const [key, value] of entries) {
    const problem = builder.add(`; ${key}: ${value}`);
    if (problem !== null) throw new Error(problem);
  }
  return builder.header();
}
