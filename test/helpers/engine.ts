// Runs `tsx cli/pulumi.ts <operation>` through the Pulumi engine (never the runner) as a user does, in a child
// process, and reads the engine's checkpoint of a stack (the file backend under .schedbench/pulumi).
import { spawnSync } from 'child_process';
import { readFileSync } from 'fs';
import * as path from 'path';
import { ENGINE_PROJECT, engineDir } from '../../cli/engine/drive';
import { REPO } from './runner';

const TSX = path.join(REPO, 'node_modules', '.bin', 'tsx');

export interface Ran {
  status: number;
  stdout: string;
  stderr: string;
}

/** One operation on `stack` with `configFile`, through the engine. */
export function viaEngine(operation: string, stack: string, configFile: string, ...extra: string[]): Ran {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.SCHEDBENCH_RUNNER;
  const result = spawnSync(
    TSX,
    [path.join(REPO, 'cli', 'pulumi.ts'), operation, '--stack', stack, '--config-file', configFile, ...extra],
    { cwd: REPO, encoding: 'utf8', env, timeout: 40 * 60 * 1000, maxBuffer: 64 * 1024 * 1024 },
  );
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** Asserts a zero exit status; on failure jest shows the end of the command's output. */
export function expectOk(ran: Ran): void {
  const tail = `${ran.stdout}\n${ran.stderr}`.trimEnd().split('\n').slice(-60).join('\n');
  expect(ran.status === 0 ? 'exit 0' : `exit ${ran.status}:\n${tail}`).toBe('exit 0');
}

export interface CheckpointResource {
  urn: string;
  type: string;
  custom: boolean;
  provider?: string;
  inputs?: Record<string, unknown>;
}

/** The engine's checkpoint of `stack`: its text and its resources. */
export function engineState(stack: string): { text: string; resources: CheckpointResource[] } {
  const file = path.join(engineDir(REPO), '.pulumi', 'stacks', ENGINE_PROJECT, `${stack}.json`);
  const text = readFileSync(file, 'utf8');
  const checkpoint = JSON.parse(text) as { checkpoint: { latest?: { resources?: CheckpointResource[] } } };
  return { text, resources: checkpoint.checkpoint.latest?.resources ?? [] };
}
