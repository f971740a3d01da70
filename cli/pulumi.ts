// `npm run up|preview|destroy -- --stack <name>`: the Pulumi CLI when it is on PATH (local file backend),
// otherwise the local runner, which runs the same index.ts and executes its command resources for real.
import { spawnSync } from 'child_process';
import { existsSync, mkdirSync } from 'fs';
import * as path from 'path';
import { Command, Option } from 'commander';
import { Logger } from './runner/engine';
import { BANNER, destroy, preview, renderOutputs, RunReport, up } from './runner/run';
import { renderTree } from './runner/tree';

const defaultProjectDir = path.resolve(__dirname, '..');

function onPath(binary: string): boolean {
  return (process.env.PATH ?? '')
    .split(path.delimiter)
    .some((dir) => dir !== '' && existsSync(path.join(dir, binary)));
}

function viaPulumiCli(projectDir: string, operation: string, stack: string, extra: string[]): number {
  const backend =
    process.env.PULUMI_BACKEND_URL ?? `file://${path.join(projectDir, '.schedbench', 'pulumi')}`;
  if (backend.startsWith('file://')) mkdirSync(backend.slice('file://'.length), { recursive: true });
  const env = { ...process.env, PULUMI_BACKEND_URL: backend };
  const select = spawnSync('pulumi', ['stack', 'select', '--create', stack], {
    cwd: projectDir,
    env,
    stdio: 'inherit',
  });
  if (select.status !== 0) return select.status ?? 1;
  const run = spawnSync('pulumi', [operation, '--stack', stack, ...extra], {
    cwd: projectDir,
    env,
    stdio: 'inherit',
  });
  return run.status ?? 1;
}

function consoleLogger(quietSteps: boolean): Logger {
  const started = Date.now();
  const stamp = () => `${((Date.now() - started) / 1000).toFixed(1).padStart(6)}s`;
  return {
    info: (line) => process.stdout.write(`${line}\n`),
    step: (symbol, type, name, detail) => {
      if (!quietSteps)
        process.stdout.write(
          `${stamp()} ${symbol} ${type.padEnd(24)} ${name}${detail !== '' ? `  ${detail}` : ''}\n`,
        );
    },
    progress: (name, line) => {
      if (!quietSteps && line.trim() !== '') process.stderr.write(`${stamp()}   │ ${name}: ${line}\n`);
    },
  };
}

function finish(report: RunReport, started: number): number {
  const counts = Object.entries(report.counts)
    .map(([k, v]) => `${v} ${k}`)
    .join(', ');
  if (Object.keys(report.outputs).length > 0)
    process.stdout.write(`Outputs:\n${renderOutputs(report.outputs)}\n`);
  for (const failure of report.failures) process.stderr.write(`error: ${failure.message}\n`);
  const peakMiB = (process.resourceUsage().maxRSS / 1024).toFixed(0);
  process.stdout.write(
    `Resources: ${counts}; ${((Date.now() - started) / 1000).toFixed(1)} s; runner peak memory ${peakMiB} MiB\n`,
  );
  return report.ok ? 0 : 1;
}

async function local(
  projectDir: string,
  operation: string,
  stack: string,
  configFile?: string,
): Promise<number> {
  const started = Date.now();
  process.stdout.write(`${BANNER}\n`);
  if (operation === 'destroy') {
    return finish(await destroy({ projectDir, stack, log: consoleLogger(false) }), started);
  }
  if (operation === 'preview') {
    const report = await preview({ projectDir, stack, configFile, log: consoleLogger(true) });
    const status = (urn: string) => (report.existing.has(urn) ? '=' : '+');
    process.stdout.write(
      `Preview of stack ${stack} (+ to create, = exists; nothing was executed):\n${renderTree(report.resources, status)}\n`,
    );
    return finish(report, started);
  }
  return finish(await up({ projectDir, stack, configFile, log: consoleLogger(false) }), started);
}

const program = new Command('schedbench-pulumi')
  .description(
    'Run `pulumi up|preview|destroy` for a stack; without the Pulumi CLI, the schedbench local runner does it',
  )
  .argument('<operation>', 'up, preview or destroy')
  .addOption(new Option('-s, --stack <name>', 'stack name (Pulumi.<name>.yaml)').default('local'))
  .option('--local', 'use the local runner even when the Pulumi CLI is installed')
  .option('--config-file <file>', 'use this stack config file instead of Pulumi.<stack>.yaml')
  .option('-C, --cwd <dir>', 'project directory (Pulumi.yaml, index.ts, stack files)', defaultProjectDir)
  .allowUnknownOption(true)
  .allowExcessArguments(true)
  .action(
    async (
      operation: string,
      options: { stack: string; local?: boolean; cwd: string; configFile?: string },
      command: Command,
    ) => {
      const projectDir = path.resolve(options.cwd);
      if (!['up', 'preview', 'destroy'].includes(operation)) {
        process.stderr.write(`unknown operation ${operation}: use up, preview or destroy\n`);
        process.exitCode = 2;
        return;
      }
      const extra = command.args.slice(1);
      if (options.configFile !== undefined) extra.push('--config-file', path.resolve(options.configFile));
      const useCli = options.local !== true && process.env.SCHEDBENCH_RUNNER !== 'local' && onPath('pulumi');
      process.exitCode = useCli
        ? viaPulumiCli(projectDir, operation, options.stack, extra)
        : await local(
            projectDir,
            operation,
            options.stack,
            options.configFile && path.resolve(options.configFile),
          );
    },
  );

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
