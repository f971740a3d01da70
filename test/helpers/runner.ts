// Runs the local runner as a user does (`tsx cli/pulumi.ts <operation>`), in a child process: the Pulumi
// runtime is process-global, so one operation per process, as with the real CLI.
import { spawnSync } from 'child_process';
import * as path from 'path';

export const REPO = path.join(__dirname, '..', '..');
const TSX = path.join(REPO, 'node_modules', '.bin', 'tsx');

export interface RunnerResult {
  status: number;
  stdout: string;
  stderr: string;
}

export function runRunner(
  operation: 'up' | 'preview' | 'destroy',
  stack: string,
  projectDir = REPO,
  configFile?: string,
  timeoutMs = 20 * 60 * 1000,
): RunnerResult {
  const args = [
    path.join(REPO, 'cli', 'pulumi.ts'),
    operation,
    '--stack',
    stack,
    '--cwd',
    projectDir,
    '--local',
  ];
  if (configFile !== undefined) args.push('--config-file', configFile);
  const result = spawnSync(TSX, args, {
    encoding: 'utf8',
    timeout: timeoutMs,
    env: { ...process.env, SCHEDBENCH_RUNNER: 'local' },
  });
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}
