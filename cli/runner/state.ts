// The local runner's state file: what it created, with the inputs needed to delete it, written after every
// step (atomically, mode 0600: it holds secrets such as the cluster's private key) so `destroy` works after a crash.
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'fs';
import * as path from 'path';
import { z } from 'zod';

export const ResourceState = z.object({
  urn: z.string(),
  type: z.string(),
  name: z.string(),
  parent: z.string(),
  custom: z.boolean(),
  /** creating: started, not known to have finished (a crash); created: done; failed: its create failed. */
  status: z.enum(['creating', 'created', 'failed']),
  /** Inputs with secrets unwrapped (the file is private). */
  inputs: z.record(z.string(), z.unknown()),
  /** SHA-256 of the canonical inputs: equal → the resource is unchanged. */
  inputsHash: z.string(),
  outputs: z.record(z.string(), z.unknown()),
  /** Creation order; destroy goes in reverse. */
  seq: z.number().int(),
  error: z.string().optional(),
  durationMs: z.number().optional(),
});
export type ResourceState = z.infer<typeof ResourceState>;

export const StateFile = z.object({
  version: z.literal(1),
  stack: z.string(),
  project: z.string(),
  nextSeq: z.number().int(),
  resources: z.record(z.string(), ResourceState),
});
export type StateFile = z.infer<typeof StateFile>;

export function statePath(projectDir: string, stack: string): string {
  return path.join(projectDir, '.schedbench', 'state', `${stack}.json`);
}

export function readState(file: string, project: string, stack: string): StateFile {
  if (!existsSync(file)) return { version: 1, stack, project, nextSeq: 1, resources: {} };
  const parsed = StateFile.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success)
    throw new Error(`${file}: not a schedbench runner state file (${parsed.error.issues[0]?.message ?? ''})`);
  return parsed.data;
}

export function writeState(file: string, state: StateFile): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.tmp-${process.pid}`;
  writeFileSync(temporary, `${JSON.stringify(state, null, 1)}\n`, { mode: 0o600 });
  chmodSync(temporary, 0o600);
  renameSync(temporary, file);
}

export function removeState(file: string): void {
  rmSync(file, { force: true });
}
