// One job line of an SWF log → a record, or the first field that breaks the format and why. Nothing is guessed: a
// value is a number in the field's form, `-1` is the only unknown, and a line has exactly 18 fields. Pure.
import { SWF_FIELDS, SwfRecord, UNKNOWN } from './swf-format';

/** A field by its place on the line (1-based, as the format numbers them) and its name. */
export interface FieldRef {
  number: number;
  name: string;
}

export type LineParse =
  { ok: true; record: SwfRecord } | { ok: false; field: FieldRef | null; problem: string };

const INTEGER = /^-?\d+$/;
const DECIMAL = /^-?\d+(\.\d+)?$/;

type FieldValue = { ok: true; value: number | null } | { ok: false; problem: string };

function fieldValue(token: string, field: (typeof SWF_FIELDS)[number]): FieldValue {
  if (!(field.integer ? INTEGER : DECIMAL).test(token))
    return {
      ok: false,
      problem: DECIMAL.test(token) ? `"${token}" is not a whole number` : `"${token}" is not a number`,
    };
  const value = Number(token);
  if (value === UNKNOWN) {
    return field.key === 'jobNumber'
      ? { ok: false, problem: 'the job number cannot be unknown (-1)' }
      : { ok: true, value: null };
  }
  if (value < 0) return { ok: false, problem: `${token} is negative; only -1 (unknown) may be` };
  const checked = field.schema.safeParse(value);
  if (!checked.success)
    return { ok: false, problem: `${token}: ${checked.error.issues[0]?.message ?? 'invalid'}` };
  return { ok: true, value };
}

/** Parse one job line (not a comment, not blank). */
export function parseJobLine(text: string): LineParse {
  const tokens = text.trim().split(/\s+/);
  if (tokens.length > SWF_FIELDS.length)
    return {
      ok: false,
      field: null,
      problem: `${tokens.length} fields; an SWF line has ${SWF_FIELDS.length}`,
    };
  const values: Partial<Record<string, number | null>> = {};
  for (const [index, field] of SWF_FIELDS.entries()) {
    const ref = { number: index + 1, name: field.name };
    const token = tokens[index];
    if (token === undefined)
      return {
        ok: false,
        field: ref,
        problem: `missing: the line has ${tokens.length} of ${SWF_FIELDS.length} fields`,
      };
    const parsed = fieldValue(token, field);
    if (!parsed.ok) return { ok: false, field: ref, problem: parsed.problem };
    values[field.key] = parsed.value;
  }
  // Every field was checked above: the schema only turns the keyed values into the record's type.
  return { ok: true, record: SwfRecord.parse(values) };
}
