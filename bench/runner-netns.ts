// Bench: `up` and `destroy` of 2 and 8 netns nodes through the local runner (stopAfter: nodes), the runner's
// peak memory, and `schedbench validate` on the perlmutter stack. Run as root: npx tsx bench/runner-netns.ts
import { spawnSync } from 'child_process';
import { mkdirSync, writeFileSync } from 'fs';
import * as path from 'path';
import { stringify } from 'yaml';
import { parseConfig } from '../components/config/parse';
import { readStackFile } from '../components/config/stackfile';

const REPO = path.join(__dirname, '..');
const TSX = path.join(REPO, 'node_modules', '.bin', 'tsx');

function timed(args: string[]): { seconds: number; stdout: string; status: number } {
  const started = process.hrtime.bigint();
  const result = spawnSync(TSX, args, {
    cwd: REPO,
    encoding: 'utf8',
    env: { ...process.env, SCHEDBENCH_RUNNER: 'local' },
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) throw new Error(`${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
  return { seconds, stdout: result.stdout, status: result.status };
}

function peakMiB(stdout: string): number {
  const match = /runner peak memory (\d+) MiB/.exec(stdout);
  return match === null ? NaN : Number(match[1]);
}

const dir = path.join(REPO, 'test-artifacts', 'bench');
mkdirSync(dir, { recursive: true });
const rows: string[] = [];
for (const nodes of [2, 8]) {
  const stack = `bench-n${nodes}`;
  const file = path.join(dir, `Pulumi.${stack}.yaml`);
  writeFileSync(
    file,
    stringify({
      config: {
        'schedbench:scheduler': 'slurm',
        'schedbench:profile': 'bench',
        'schedbench:profiles': { bench: { nodes, vcpus: 1, memoryGiB: 1 } },
        'schedbench:backend': { type: 'netns' },
        'schedbench:stopAfter': 'nodes',
      },
    }),
  );
  const run = (op: string) =>
    timed(['cli/pulumi.ts', op, '--stack', stack, '--config-file', file, '--local']);
  const up = run('up');
  const again = run('up');
  const down = run('destroy');
  rows.push(
    `${nodes} nodes: up ${up.seconds.toFixed(2)} s, second up (nothing to do) ${again.seconds.toFixed(2)} s, ` +
      `destroy ${down.seconds.toFixed(2)} s, runner peak memory ${Math.max(peakMiB(up.stdout), peakMiB(down.stdout))} MiB`,
  );
}
const validations = 5;
let total = 0;
for (let i = 0; i < validations; i++)
  total += timed(['bin/schedbench.js', 'validate', 'Pulumi.perlmutter.yaml']).seconds;
rows.push(
  `schedbench validate Pulumi.perlmutter.yaml: ${(total / validations).toFixed(2)} s (mean of ${validations}, process start included)`,
);
const inProcess = 200;
const started = process.hrtime.bigint();
for (let i = 0; i < inProcess; i++) {
  const { stack, config } = readStackFile(path.join(REPO, 'Pulumi.perlmutter.yaml'));
  if (!parseConfig(config, stack).ok) throw new Error('perlmutter stack does not validate');
}
const perValidationMs = Number(process.hrtime.bigint() - started) / 1e6 / inProcess;
rows.push(`  of which reading + validating the stack file in process: ${perValidationMs.toFixed(2)} ms`);
process.stdout.write(`${rows.join('\n')}\n`);
