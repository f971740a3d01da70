// Runs the local runner as a user does (`tsx cli/pulumi.ts <operation>`), in a child process: the Pulumi
// runtime is process-global, so one operation per process, as with the real CLI.
import { spawn, spawnSync, type ChildProcess } from 'child_process';
import * as path from 'path';

export const REPO = path.join(__dirname, '..', '..');
const TSX = path.join(REPO, 'node_modules', '.bin', 'tsx');

export interface RunnerResult {
  status: number;
  stdout: string;
  stderr: string;
}

function runnerArgs(
  operation: 'up' | 'preview' | 'destroy',
  stack: string,
  projectDir: string,
  configFile: string | undefined,
): string[] {
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
  return args;
}

export function runRunner(
  operation: 'up' | 'preview' | 'destroy',
  stack: string,
  projectDir = REPO,
  configFile?: string,
  timeoutMs = 20 * 60 * 1000,
): RunnerResult {
  const args = runnerArgs(operation, stack, projectDir, configFile);
  const result = spawnSync(TSX, args, {
    encoding: 'utf8',
    timeout: timeoutMs,
    env: { ...process.env, SCHEDBENCH_RUNNER: 'local' },
  });
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** A runner started without blocking: the test can act on the system (inject a fault) while it works. */
export interface StartedRunner {
  /** The runner's process; it leads its own process group (`kill -9 -<pid>` ends it and its children). */
  child: ChildProcess;
  done: Promise<RunnerResult>;
}

export function startRunner(
  operation: 'up' | 'preview' | 'destroy',
  stack: string,
  projectDir = REPO,
  configFile?: string,
): StartedRunner {
  const child = spawn(TSX, runnerArgs(operation, stack, projectDir, configFile), {
    env: { ...process.env, SCHEDBENCH_RUNNER: 'local' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const done = new Promise<RunnerResult>((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) =>
      resolve({ status: code ?? (signal === null ? -1 : 128), stdout, stderr }),
    );
  });
  return { child, done };
}

/** As runRunner, without blocking: the test can act on the system (inject a fault) while the runner works. */
export function runRunnerAsync(
  operation: 'up' | 'preview' | 'destroy',
  stack: string,
  projectDir = REPO,
  configFile?: string,
): Promise<RunnerResult> {
  return startRunner(operation, stack, projectDir, configFile).done;
}
