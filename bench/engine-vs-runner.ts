// Bench: the same small local stack (SLURM on two netns nodes, one `mixed` run) stood up and destroyed through the
// Pulumi engine (cli/engine/build.sh's CLI, or `pulumi` on PATH) and through the local runner, one after the
// other on the same host. Prints wall-clock seconds of `up` and `destroy` for each path.
// Usage: npx tsx bench/engine-vs-runner.ts   (root; stack eng-bench<pid>, config under test-artifacts/)
import { spawnSync } from 'child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'fs';
import * as path from 'path';
import { parse, stringify } from 'yaml';
import { findPulumi } from '../cli/engine/drive';

const REPO = path.resolve(__dirname, '..');
const STACK = `engbench${process.pid}`;
const dir = path.join(REPO, 'test-artifacts', `bench-${STACK}`);
const configFile = path.join(dir, `Pulumi.${STACK}.yaml`);

function timed(operation: string, local: boolean): number {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.SCHEDBENCH_RUNNER;
  const args = [
    path.join(REPO, 'cli', 'pulumi.ts'),
    operation,
    '--stack',
    STACK,
    '--config-file',
    configFile,
  ];
  if (local) args.push('--local');
  const started = Date.now();
  const result = spawnSync(path.join(REPO, 'node_modules', '.bin', 'tsx'), args, {
    cwd: REPO,
    env,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const seconds = (Date.now() - started) / 1000;
  if (result.status !== 0)
    throw new Error(
      `${local ? 'runner' : 'engine'} ${operation} failed:\n${result.stdout}\n${result.stderr}`,
    );
  return seconds;
}

function main(): void {
  if (findPulumi(REPO) === undefined) throw new Error('no Pulumi engine: run cli/engine/build.sh first');
  mkdirSync(dir, { recursive: true });
  const local = parse(readFileSync(path.join(REPO, 'Pulumi.local.yaml'), 'utf8')) as {
    config: Record<string, unknown>;
  };
  writeFileSync(
    configFile,
    stringify({
      config: {
        ...local.config,
        'schedbench:workloads': ['mixed'],
        'schedbench:repetitions': 1,
        'schedbench:resultsDir': path.join(dir, 'runs'),
      },
    }),
  );
  const rows: [string, number, number][] = [];
  for (const [label, viaRunner] of [
    ['engine', false],
    ['runner', true],
  ] as const) {
    const up = timed('up', viaRunner);
    const destroy = timed('destroy', viaRunner);
    rows.push([label, up, destroy]);
  }
  process.stdout.write(
    `stack ${STACK}: SLURM on 2 netns nodes, workload mixed x1\npath     up (s)  destroy (s)\n`,
  );
  for (const [label, up, destroy] of rows)
    process.stdout.write(
      `${label.padEnd(8)} ${up.toFixed(1).padStart(6)}  ${destroy.toFixed(1).padStart(11)}\n`,
    );
}

main();
