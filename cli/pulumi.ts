// `npm run up|preview|destroy -- --stack <name>`: the Pulumi engine when there is one (the CLI on PATH, else the one
// cli/engine/build.sh built from Go modules; docs/engine.md), otherwise the local runner, which runs the same
// index.ts and executes its command resources for real.
import { existsSync, writeFileSync } from 'fs';
import * as path from 'path';
import { Command, Option } from 'commander';
import { assertStackName } from '../components/config/names';
import { readStackFile } from '../components/config/stackfile';
import { kubectlForRunner } from '../components/kubernetes/cli';
import {
  choosePath,
  EngineOperation,
  engineHasStack,
  findPulumi,
  missingPlugins,
  PlannedStep,
  runEngine,
} from './engine/drive';
import { Logger } from './runner/engine';
import { interruptSteps } from './runner/exec';
import { BANNER, destroy, preview, renderOutputs, RunReport, up } from './runner/run';
import { statePath } from './runner/state';
import { renderTree } from './runner/tree';

const defaultProjectDir = path.resolve(__dirname, '..');

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

/**
 * SIGINT/SIGTERM during a runner operation: the steps in flight are stopped (with what they started), no new
 * step starts, and the operation ends as a failed one — its state keeps every finished resource, so `up`
 * resumes and `destroy` removes. Exit 128 + the signal's number. A second signal exits at once.
 */
function stopOnSignals(): { exitCode: () => number | undefined } {
  let received: NodeJS.Signals | undefined;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      const code = signal === 'SIGINT' ? 130 : 143;
      if (received !== undefined) process.exit(code);
      received = signal;
      process.stderr.write(
        `\nrunner: ${signal}: stopping the steps in flight; finished resources stay in the state (\`up\` resumes, \`destroy\` removes)\n`,
      );
      void interruptSteps(signal);
    });
  }
  return { exitCode: () => (received === undefined ? undefined : received === 'SIGINT' ? 130 : 143) };
}

/** The runner's kubectl, found when a Kubernetes object first needs it. */
let foundKubectl: string | undefined;
const kubectl = (): string => (foundKubectl ??= kubectlForRunner());

async function local(
  projectDir: string,
  operation: string,
  stack: string,
  configFile?: string,
  stepsFile?: string,
): Promise<number> {
  const started = Date.now();
  process.stdout.write(`${BANNER}\n`);
  if (operation === 'destroy') {
    return finish(await destroy({ projectDir, stack, log: consoleLogger(false), kubectl }), started);
  }
  if (operation === 'preview') {
    const report = await preview({ projectDir, stack, configFile, log: consoleLogger(true) });
    const status = (urn: string) => (report.existing.has(urn) ? '=' : '+');
    if (stepsFile !== undefined) {
      const steps: PlannedStep[] = report.resources.map((r) => ({
        op: report.existing.has(r.urn) ? 'same' : 'create',
        urn: r.urn,
        type: r.type,
        parent: r.parent,
      }));
      writeFileSync(stepsFile, `${JSON.stringify(steps, null, 1)}\n`);
    }
    process.stdout.write(
      `Preview of stack ${stack} (+ to create, = exists; nothing was executed):\n${renderTree(report.resources, status)}\n` +
        'The runner cannot show diffs (which inputs change, what an update or replace would do): for those, run the ' +
        'Pulumi engine — `pulumi` on PATH or cli/engine/build.sh (docs/engine.md) — and `npm run preview` again.\n',
    );
    return finish(report, started);
  }
  return finish(await up({ projectDir, stack, configFile, log: consoleLogger(false), kubectl }), started);
}

function isOperation(operation: string): operation is EngineOperation {
  return ['up', 'preview', 'destroy', 'outputs'].includes(operation);
}

const program = new Command('schedbench-pulumi')
  .description(
    'Run `pulumi up|preview|destroy` for a stack; without the Pulumi CLI, the schedbench local runner does it',
  )
  .argument('<operation>', 'up, preview, destroy, or outputs (engine only: `pulumi stack output --json`)')
  .addOption(new Option('-s, --stack <name>', 'stack name (Pulumi.<name>.yaml)').default('local'))
  .option('--local', 'use the local runner even when the Pulumi CLI is installed')
  .option('--config-file <file>', 'use this stack config file instead of Pulumi.<stack>.yaml')
  .option('--expect-no-changes', 'preview through the engine: fail when anything would change')
  .option('--show-secrets', 'outputs: print secret values in clear')
  .option(
    '--steps-json <file>',
    'preview: write the planned steps (op, urn, type, parent) to this file as JSON',
  )
  .option('-C, --cwd <dir>', 'project directory (Pulumi.yaml, index.ts, stack files)', defaultProjectDir)
  .allowUnknownOption(true)
  .allowExcessArguments(true)
  .action(
    async (
      operation: string,
      options: {
        stack: string;
        local?: boolean;
        cwd: string;
        configFile?: string;
        expectNoChanges?: boolean;
        stepsJson?: string;
        showSecrets?: boolean;
      },
    ) => {
      const projectDir = path.resolve(options.cwd);
      // The stack name becomes file and directory names: refuse `../x` and friends before anything runs.
      assertStackName(options.stack);
      if (!isOperation(operation)) {
        process.stderr.write(`unknown operation ${operation}: use up, preview, destroy or outputs\n`);
        process.exitCode = 2;
        return;
      }
      const configFile = options.configFile && path.resolve(options.configFile);
      const forced = options.local === true || process.env.SCHEDBENCH_RUNNER === 'local';
      const install = forced ? undefined : findPulumi(projectDir);
      const stackFile = configFile ?? path.join(projectDir, `Pulumi.${options.stack}.yaml`);
      const chosen = choosePath({
        local: forced,
        install,
        missing:
          install === undefined || !existsSync(stackFile)
            ? []
            : missingPlugins(install, readStackFile(stackFile, options.stack).config),
        runnerHasStack: existsSync(statePath(projectDir, options.stack)),
        engineHasStack: install === undefined ? undefined : engineHasStack(projectDir, options.stack),
      });
      if (chosen.kind === 'runner' && chosen.why !== undefined)
        process.stderr.write(`schedbench: ${chosen.why}\n`);
      if (chosen.kind === 'engine') {
        process.exitCode = await runEngine(
          {
            projectDir,
            stack: options.stack,
            operation,
            configFile,
            expectNoChanges: options.expectNoChanges,
            stepsFile: options.stepsJson && path.resolve(options.stepsJson),
            showSecrets: options.showSecrets,
          },
          chosen.install,
        );
      } else if (operation === 'outputs') {
        process.stderr.write(
          'outputs: needs the Pulumi engine (the runner prints outputs at the end of `up`)\n',
        );
        process.exitCode = 2;
      } else {
        const stepsFile = options.stepsJson && path.resolve(options.stepsJson);
        const signals = stopOnSignals();
        const code = await local(projectDir, operation, options.stack, configFile, stepsFile);
        process.exitCode = signals.exitCode() ?? code;
      }
    },
  );

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
