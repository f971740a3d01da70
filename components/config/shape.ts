// Which keys a config object may have at a given path: walks the zod schema alongside the input,
// following defaults, optionals, arrays, records and discriminated unions.
import { z } from 'zod';

type Path = readonly PropertyKey[];

function childAt(value: unknown, key: PropertyKey): unknown {
  if (value !== null && typeof value === 'object' && typeof key !== 'symbol') {
    return (value as Record<string, unknown>)[String(key)];
  }
  return undefined;
}

function unwrap(schema: z.ZodType, input: unknown): z.ZodType {
  if (schema instanceof z.ZodDefault || schema instanceof z.ZodOptional || schema instanceof z.ZodNullable) {
    return unwrap(schema.unwrap() as z.ZodType, input);
  }
  if (schema instanceof z.ZodDiscriminatedUnion) {
    const discriminator = schema._zod.def.discriminator;
    const tag = childAt(input, discriminator);
    for (const option of schema.options) {
      const candidate = option as z.ZodType;
      if (candidate instanceof z.ZodObject) {
        const field = candidate.shape[discriminator];
        if (field instanceof z.ZodLiteral && field.values.has(tag as never)) return candidate;
      }
    }
  }
  return schema;
}

/** Valid keys of the object the schema expects at `path` (empty when it is not an object there). */
export function keysAt(schema: z.ZodType, path: Path, input: unknown): string[] {
  let current = unwrap(schema, input);
  let value = input;
  for (const key of path) {
    value = childAt(value, key);
    if (current instanceof z.ZodObject) {
      const next = current.shape[String(key)] as z.ZodType | undefined;
      if (next === undefined) return [];
      current = unwrap(next, value);
    } else if (current instanceof z.ZodArray) {
      current = unwrap(current.element as z.ZodType, value);
    } else if (current instanceof z.ZodRecord) {
      current = unwrap(current.valueType as z.ZodType, value);
    } else {
      return [];
    }
  }
  return current instanceof z.ZodObject ? Object.keys(current.shape) : [];
}
