// Reading Pulumi.<stack>.yaml: the `config:` map of a stack file, for the CLI and the local runner.
import { readFileSync } from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { z } from 'zod';
import { assertStackName } from './names';

const StackFile = z.object({ config: z.record(z.string(), z.unknown()).default({}) });

export interface StackFileConfig {
  /** Stack name, from the file name `Pulumi.<stack>.yaml`. */
  stack: string;
  /** The raw `namespace:key` → value map. */
  config: Record<string, unknown>;
}

/** Stack name of a `Pulumi.<stack>.yaml` path. */
export function stackNameOf(file: string): string {
  const match = /^Pulumi\.(.+)\.ya?ml$/.exec(path.basename(file));
  if (match === null) throw new Error(`${file}: a stack file is named Pulumi.<stack>.yaml`);
  try {
    return assertStackName(match[1]);
  } catch (err) {
    throw new Error(`${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Read a stack file; `stack` overrides the name taken from the file name (Pulumi's `--config-file`). */
export function readStackFile(file: string, stack: string = stackNameOf(file)): StackFileConfig {
  assertStackName(stack);
  let document: unknown;
  try {
    document = parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const parsed = StackFile.safeParse(document ?? {});
  if (!parsed.success) throw new Error(`${file}: the top level must be a mapping with a \`config:\` mapping`);
  return { stack, config: parsed.data.config };
}
