// `npm run up|preview|destroy` through the real Pulumi engine: the official CLI when `pulumi` is on PATH, else the
// one cli/engine/build.sh built from Go modules into .schedbench/pulumi/bin. A file backend under .schedbench/pulumi,
// a passphrase secrets provider, no Pulumi Cloud, no update check, no plugin downloads (built CLI). The program runs
// in this process and the engine reaches it over gRPC (`--client`, the Automation API's inline program), so no
// pulumi-language-nodejs binary is needed (the Go module proxy does not serve it).
import { randomBytes, randomUUID } from 'crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import * as path from 'path';
import { EngineEvent, LocalWorkspace, OutputMap, PulumiCommand, Stack } from '@pulumi/pulumi/automation';
import { parse, stringify } from 'yaml';
import { z } from 'zod';
import { pluginVersionVariable } from '../../components/schedulers/module';
import { schedulerModule } from '../../components/schedulers/registry';
import { SCHEDULER_NAMES } from '../../results/vocabulary';
import { readStackFile } from '../../components/config/stackfile';
import { UP_ID_VARIABLE } from '../../components/tracking/session';
import { keyDirectory } from '../runner/state';

export type EngineOperation = 'up' | 'preview' | 'destroy' | 'outputs';

export interface PulumiInstall {
  /** Directory holding bin/pulumi (PulumiCommand's root), or undefined for `pulumi` on PATH. */
  root?: string;
  /** Built here from Go modules (then its plugins live in our own PULUMI_HOME). */
  built: boolean;
}

export interface EngineRun {
  projectDir: string;
  stack: string;
  operation: EngineOperation;
  /** Stack config file instead of Pulumi.<stack>.yaml. */
  configFile?: string;
  /** preview: exit non-zero when the preview shows any change (`--expect-no-changes`). */
  expectNoChanges?: boolean;
  /** outputs: print secret values in clear (default: masked). */
  showSecrets?: boolean;
  /** preview: write the planned steps here as JSON (PlannedStep[]). */
  stepsFile?: string;
  /** Where the engine's own output goes (default: this process's stdout / stderr). */
  out?: (text: string) => void;
  err?: (text: string) => void;
}

/** One planned step of a preview, as `--steps-json` writes it (the runner writes the same shape). */
export interface PlannedStep {
  /** Pulumi's operation: create, same, update, replace, delete, … (the runner: create or same). */
  op: string;
  urn: string;
  type: string;
  /** Parent URN ('' for the stack itself). */
  parent: string;
}

export const ENGINE_PROJECT = 'schedbench';

export function engineDir(projectDir: string): string {
  return path.join(projectDir, '.schedbench', 'pulumi');
}

function onPath(binary: string): boolean {
  return (process.env.PATH ?? '')
    .split(path.delimiter)
    .some((dir) => dir !== '' && existsSync(path.join(dir, binary)));
}

/** The Pulumi CLI to use: the one on PATH, else ours; undefined when there is none (then the runner runs). */
export function findPulumi(projectDir: string): PulumiInstall | undefined {
  if (onPath('pulumi')) return { built: false };
  const root = engineDir(projectDir);
  return existsSync(path.join(root, 'bin', 'pulumi')) ? { root, built: true } : undefined;
}

/** The provider plugins the scheduler a stack file names needs besides @pulumi/command (its module says). */
function pluginsOf(config: Record<string, unknown>): readonly string[] {
  const scheduler = config['schedbench:scheduler'] ?? config.scheduler;
  const name = SCHEDULER_NAMES.find((n) => n === scheduler);
  return name === undefined ? [] : schedulerModule(name).providerPlugins;
}

/**
 * What the stack's program needs of the built engine and it lacks: the provider plugins of the stack's scheduler
 * (e.g. Kubernetes' in-cluster objects are @pulumi/kubernetes resources) that setup.sh did not build. Empty with
 * the official CLI, which acquires plugins itself. Asked before anything runs.
 */
export function missingPlugins(install: PulumiInstall, config: Record<string, unknown>): string[] {
  if (!install.built || install.root === undefined) return [];
  return pluginsOf(config).filter((plugin) => builtPlugin(install, plugin) === undefined);
}

/** The version of provider plugin `name` the built engine has (the last by name when several), if any. */
export function builtPlugin(install: PulumiInstall, name: string): string | undefined {
  if (!install.built || install.root === undefined) return undefined;
  const plugins = path.join(install.root, 'home', 'plugins');
  const versions = (existsSync(plugins) ? readdirSync(plugins) : [])
    .map((d) => (d.startsWith(`resource-${name}-v`) ? d.slice(`resource-${name}-v`.length) : undefined))
    .filter(
      (v): v is string => v !== undefined && /^\d/.test(v) && !v.endsWith('.partial') && !v.endsWith('.lock'),
    )
    .sort();
  return versions.at(-1);
}

/** Whether the engine's default file backend holds the stack (undefined: another backend, not known here). */
export function engineHasStack(projectDir: string, stack: string): boolean | undefined {
  if (process.env.PULUMI_BACKEND_URL !== undefined) return undefined;
  return existsSync(path.join(engineDir(projectDir), '.pulumi', 'stacks', ENGINE_PROJECT, `${stack}.json`));
}

/** Which path runs an operation, and why when it is not the obvious one. */
export type Path = { kind: 'engine'; install: PulumiInstall } | { kind: 'runner'; why?: string };

/**
 * The path of an operation on a stack: the runner when asked (`--local`) or when there is no engine; the runner
 * too when the stack lives in the runner's state and not in the engine's (a stack is destroyed where it was made),
 * or when the built engine lacks a provider plugin the stack needs; the engine otherwise.
 */
export function choosePath(args: {
  local: boolean;
  install: PulumiInstall | undefined;
  missing: string[];
  runnerHasStack: boolean;
  engineHasStack: boolean | undefined;
}): Path {
  if (args.local || args.install === undefined) return { kind: 'runner' };
  if (args.runnerHasStack && args.engineHasStack === false)
    return {
      kind: 'runner',
      why: 'the stack was made by the local runner (its state is there), so it goes on there',
    };
  if (args.missing.length > 0)
    return {
      kind: 'runner',
      why:
        `the Pulumi engine built here has no ${args.missing.join(', ')} provider plugin, which this stack needs; ` +
        'the local runner runs it (to use the engine: SCHEDBENCH_ENGINE_KUBERNETES=1 cli/engine/build.sh, a long ' +
        'cold build — docs/engine.md)',
    };
  return { kind: 'engine', install: args.install };
}

/**
 * The passphrase generated for the engine's stacks when none is given: a 0600 file in the key directory
 * (cli/runner/state.ts: SCHEDBENCH_KEY_DIR, else root's ~/.schedbench/keys), named by a random id kept beside the
 * backend — not beside the state it protects, and found again from a moved clone. One generated by an earlier
 * version at `<backend>/passphrase` moves there. Returns the file and what to tell the user.
 */
export function generatedPassphrase(dir: string): { file: string; notes: string[] } {
  const idFile = path.join(dir, 'passphrase-id');
  let id = existsSync(idFile) ? readFileSync(idFile, 'utf8').trim() : '';
  if (!/^[0-9a-f]{24}$/.test(id)) {
    id = randomBytes(12).toString('hex');
    writeFileSync(idFile, `${id}\n`, { mode: 0o600 });
  }
  const keys = keyDirectory();
  const file = path.join(keys, `engine-${id}.passphrase`);
  const legacy = path.join(dir, 'passphrase');
  const notes: string[] = [];
  if (!existsSync(file)) {
    mkdirSync(keys, { recursive: true, mode: 0o700 });
    const value = existsSync(legacy)
      ? readFileSync(legacy, 'utf8')
      : `${randomBytes(24).toString('base64url')}\n`;
    writeFileSync(file, value, { mode: 0o600, flag: 'wx' });
  }
  chmodSync(file, 0o600);
  if (existsSync(legacy)) {
    if (readFileSync(legacy, 'utf8') === readFileSync(file, 'utf8')) {
      rmSync(legacy);
      notes.push(`secrets passphrase moved from ${legacy} (beside the state it protects) to ${file}`);
    } else {
      notes.push(`${legacy} differs from the passphrase in use (${file}) and is not used; remove it`);
    }
  }
  notes.push(
    `secrets passphrase: ${file} (generated, mode 0600; set PULUMI_CONFIG_PASSPHRASE to use your own)`,
  );
  return { file, notes };
}

/**
 * The environment of every engine command. The passphrase comes from PULUMI_CONFIG_PASSPHRASE(_FILE), else from
 * a file generated once in the key directory (generatedPassphrase); `notes` says which. Each operation gets its own
 * SCHEDBENCH_UP_ID, which its local commands inherit (the tracking commands' shared budget).
 */
export function engineEnv(
  projectDir: string,
  install: PulumiInstall,
): { env: Record<string, string>; notes: string[] } {
  const dir = engineDir(projectDir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const env: Record<string, string> = {
    PULUMI_SKIP_UPDATE_CHECK: '1',
    PULUMI_BACKEND_URL: process.env.PULUMI_BACKEND_URL ?? `file://${dir}`,
    PULUMI_DIY_BACKEND_NO_LEGACY_WARNING: 'true',
    [UP_ID_VARIABLE]: randomUUID(),
  };
  const notes: string[] = [];
  if (install.built) {
    env.PULUMI_HOME = path.join(dir, 'home');
    env.PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION = 'true';
  }
  if (
    process.env.PULUMI_CONFIG_PASSPHRASE === undefined &&
    process.env.PULUMI_CONFIG_PASSPHRASE_FILE === undefined
  ) {
    const generated = generatedPassphrase(dir);
    env.PULUMI_CONFIG_PASSPHRASE_FILE = generated.file;
    notes.push(...generated.notes);
  }
  return { env, notes };
}

/** The program, run in this process when the engine asks for it (once per operation: one operation per process). */
function inlineProgram(projectDir: string): () => Promise<Record<string, unknown>> {
  return async () => {
    process.chdir(projectDir);
    return (await import(path.join(projectDir, readMain(projectDir)))) as Record<string, unknown>;
  };
}

function readMain(projectDir: string): string {
  return (
    ProjectFile.parse(parse(readFileSync(path.join(projectDir, 'Pulumi.yaml'), 'utf8'))).main ?? 'index.ts'
  );
}

const ProjectFile = z.looseObject({ name: z.string(), main: z.string().optional() });
const StackFile = z.looseObject({
  config: z.record(z.string(), z.unknown()).optional(),
  encryptionsalt: z.string().optional(),
  secretsprovider: z.string().optional(),
  encryptedkey: z.string().optional(),
});
const SECRETS_SETTINGS = ['encryptionsalt', 'secretsprovider', 'encryptedkey'] as const;

/**
 * The directory the CLI runs in: the project's Pulumi.yaml without its `config:` block, and Pulumi.<stack>.yaml
 * = the stack's config file plus the stack's secrets settings (the salt the engine writes when it creates the
 * stack). Why not the project directory itself: Pulumi.yaml's `config:` block declares optional keys without a
 * `default`, and the engine treats those as required (it refuses the stack); and creating a stack writes its
 * salt into Pulumi.<stack>.yaml, which would litter the clone (and `--config-file` stacks would lose it).
 */
export function prepareWorkspace(projectDir: string, stack: string, configFile: string | undefined): string {
  const workDir = path.join(engineDir(projectDir), 'project');
  mkdirSync(workDir, { recursive: true, mode: 0o700 });
  const project = ProjectFile.parse(parse(readFileSync(path.join(projectDir, 'Pulumi.yaml'), 'utf8')));
  const withoutSchema = Object.fromEntries(Object.entries(project).filter(([key]) => key !== 'config'));
  // `main` must exist for the CLI; the program itself runs inline (inlineProgram).
  const main = path.relative(workDir, path.join(projectDir, project.main ?? 'index.ts'));
  writeFileSync(path.join(workDir, 'Pulumi.yaml'), stringify({ ...withoutSchema, main }));
  const source = configFile ?? path.join(projectDir, `Pulumi.${stack}.yaml`);
  const theirs = existsSync(source) ? StackFile.parse(parse(readFileSync(source, 'utf8')) ?? {}) : {};
  const target = path.join(workDir, `Pulumi.${stack}.yaml`);
  const ours = existsSync(target) ? StackFile.parse(parse(readFileSync(target, 'utf8')) ?? {}) : {};
  const merged: Record<string, unknown> = { ...theirs };
  // The stack file's own secrets settings win (values it encrypted need them); else the ones the engine made.
  if (theirs.encryptionsalt === undefined && theirs.secretsprovider === undefined)
    for (const key of SECRETS_SETTINGS) if (ours[key] !== undefined) merged[key] = ours[key];
  writeFileSync(target, stringify(merged), { mode: 0o600 });
  return workDir;
}

function maskSecrets(outputs: OutputMap, show: boolean): OutputMap {
  return Object.fromEntries(
    Object.entries(outputs).map(([key, o]) => [
      key,
      o.secret && !show ? { value: '[secret]', secret: true } : o,
    ]),
  );
}

export async function openStack(
  run: EngineRun,
  install: PulumiInstall,
): Promise<{ stack: Stack; notes: string[] }> {
  const { env, notes } = engineEnv(run.projectDir, install);
  // The program runs in this process: its Providers ask for the plugin versions this engine has.
  for (const name of pluginsOf(
    readStackFile(run.configFile ?? path.join(run.projectDir, `Pulumi.${run.stack}.yaml`), run.stack).config,
  )) {
    const version = builtPlugin(install, name);
    if (version !== undefined) process.env[pluginVersionVariable(name)] = version;
  }
  const pulumiCommand = await PulumiCommand.get({ root: install.root, skipVersionCheck: true });
  const workspace = await LocalWorkspace.create({
    workDir: prepareWorkspace(run.projectDir, run.stack, run.configFile),
    program: inlineProgram(run.projectDir),
    envVars: env,
    pulumiCommand,
    secretsProvider: 'passphrase',
  });
  return { stack: await Stack.createOrSelect(run.stack, workspace), notes };
}

/** Runs one operation through the engine; resolves to the process exit code. Pulumi's own output is passed on. */
export async function runEngine(run: EngineRun, install: PulumiInstall): Promise<number> {
  const out = run.out ?? ((text: string) => process.stdout.write(text));
  const err = run.err ?? ((text: string) => process.stderr.write(text));
  const { stack, notes } = await openStack(run, install);
  out(
    `schedbench: the Pulumi engine (${install.built ? `built from Go modules, ${install.root}/bin/pulumi` : 'pulumi on PATH'}), stack ${run.stack}, backend ${process.env.PULUMI_BACKEND_URL ?? `file://${engineDir(run.projectDir)}`}\n`,
  );
  for (const note of notes) out(`schedbench: ${note}\n`);
  const common = { onOutput: out, onError: err, color: 'auto' as const };
  try {
    switch (run.operation) {
      case 'preview': {
        const steps: PlannedStep[] = [];
        const onEvent = (event: EngineEvent) => {
          const step = event.resourcePreEvent?.metadata;
          if (step === undefined) return;
          const parent = step.new?.parent ?? step.old?.parent ?? '';
          steps.push({ op: step.op, urn: step.urn, type: step.type, parent });
        };
        try {
          await stack.preview({ ...common, diff: true, expectNoChanges: run.expectNoChanges, onEvent });
        } finally {
          if (run.stepsFile !== undefined)
            writeFileSync(run.stepsFile, `${JSON.stringify(steps, null, 1)}\n`);
        }
        break;
      }
      case 'up':
        await stack.up(common);
        break;
      case 'destroy':
        await stack.destroy(common);
        break;
      case 'outputs':
        out(`${JSON.stringify(maskSecrets(await stack.outputs(), run.showSecrets === true), null, 2)}\n`);
        break;
      default: {
        const never: never = run.operation;
        throw new Error(`unknown operation ${String(never)}`);
      }
    }
    return 0;
  } catch (e) {
    // The CLI's own messages have already been passed on; add only the one-line reason.
    const message =
      e instanceof Error ? (e.message.split('\n').find((l) => l.trim() !== '') ?? e.message) : String(e);
    err(`schedbench: pulumi ${run.operation} failed: ${message}\n`);
    return 1;
  }
}
