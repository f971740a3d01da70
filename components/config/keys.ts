// Every key path the config schema accepts (`backend.subnet`, `profiles.<name>.vcpus`, `hosts[].address`),
// so docs/configuration.md and Pulumi.yaml can be checked against the schema.
import { z } from 'zod';
import { BenchConfigSchema } from './schema';

function walk(schema: z.ZodType, prefix: string, out: Set<string>): void {
  if (schema instanceof z.ZodDefault || schema instanceof z.ZodOptional || schema instanceof z.ZodNullable) {
    walk(schema.unwrap() as z.ZodType, prefix, out);
  } else if (schema instanceof z.ZodObject) {
    for (const [key, child] of Object.entries(schema.shape)) {
      const path = prefix === '' ? key : `${prefix}.${key}`;
      out.add(path);
      walk(child, path, out);
    }
  } else if (schema instanceof z.ZodDiscriminatedUnion || schema instanceof z.ZodUnion) {
    for (const option of schema.options) walk(option as z.ZodType, prefix, out);
  } else if (schema instanceof z.ZodArray) {
    walk(schema.element as z.ZodType, `${prefix}[]`, out);
  } else if (schema instanceof z.ZodRecord) {
    walk(schema.valueType as z.ZodType, `${prefix}.<name>`, out);
  }
}

export function configKeyPaths(): string[] {
  const out = new Set<string>();
  walk(BenchConfigSchema, '', out);
  return [...out].sort();
}
