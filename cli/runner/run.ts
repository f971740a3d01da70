// The local runner's three operations: `up` and `preview` run index.ts under the Pulumi runtime with the
// runner's monitor; `destroy` runs the recorded delete commands in reverse creation order.
import { randomUUID } from 'crypto';
import * as path from 'path';
import * as pulumi from '@pulumi/pulumi';
import { unknownValue } from '@pulumi/pulumi/runtime/rpc';
import * as debuggable from '@pulumi/pulumi/runtime/debuggable';
import * as settings from '@pulumi/pulumi/runtime/settings';
import { assertStackName } from '../../components/config/names';
import { readStackFile } from '../../components/config/stackfile';
import { UP_ID_VARIABLE } from '../../components/tracking/session';
import {
  defaultKubectl,
  deleteRecorded,
  Engine,
  isSecretWrapper,
  KubectlResolver,
  Logger,
  Mode,
  ResourceMeta,
} from './engine';
import { closeSshConnections } from './exec';
import { stallMessage, unlessStalled, watchForStall } from './stall';
import { readState, removeState, ResourceState, statePath, writeState } from './state';

export const BANNER =
  'schedbench local runner — NOT the Pulumi engine: it executes the program’s @pulumi/command resources for real ' +
  '(local ones with bash, remote ones over SSH), keeps its own state file, shows no diffs and does no refresh.';

export interface RunOptions {
  projectDir: string;
  stack: string;
  /** Program entry (default <projectDir>/index.ts). */
  program?: string;
  /** Stack config file (default <projectDir>/Pulumi.<stack>.yaml), as Pulumi's `--config-file`. */
  configFile?: string;
  log: Logger;
  /** Where kubectl is, asked when a Kubernetes object is applied or deleted (default: SCHEDBENCH_KUBECTL, PATH). */
  kubectl?: KubectlResolver;
}

export interface RunReport {
  ok: boolean;
  outputs: Record<string, unknown>;
  failures: { urn: string; message: string }[];
  counts: Record<string, number>;
  /** Every resource the program registered, in registration order (preview prints them as a tree). */
  resources: ResourceMeta[];
  /** URNs the state file already records as created. */
  existing: Set<string>;
}

const PROJECT = 'schedbench';

/** Resolves when the runtime has no RPC outstanding (internal to the SDK, hence not in its typings). */
const waitForRPCs = (settings as unknown as { waitForRPCs: () => Promise<void> }).waitForRPCs;
const setMockOptions = settings.setMockOptions;
/** Promises of the Pulumi runtime that have not settled (its own leak count, internal hence not in its typings). */
const pendingPromises = (): number =>
  (debuggable as unknown as { leakedPromises: () => [Set<unknown>, string] }).leakedPromises()[0].size;

/** Pulumi hands config to programs as strings; structured values JSON-encoded. */
function toPulumiConfig(config: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(config)) {
    if (value !== null && typeof value === 'object' && 'secure' in (value as Record<string, unknown>)) {
      throw new Error(
        `${key} is an encrypted Pulumi secret; the local runner cannot decrypt it (use the Pulumi CLI, or give the value in the clear in a stack file you keep private)`,
      );
    }
    const fullKey = key.includes(':') ? key : `${PROJECT}:${key}`;
    out[fullKey] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return out;
}

async function runProgram(mode: Mode, options: RunOptions): Promise<RunReport> {
  const { stack, projectDir, log } = options;
  assertStackName(stack);
  // One id per `up`, inherited by its local commands: the tracking commands of one up share a time budget and
  // stop waiting on a server that did not answer (components/tracking/session.ts).
  if (mode === 'up') process.env[UP_ID_VARIABLE] = randomUUID();
  const stackFile = options.configFile ?? path.join(projectDir, `Pulumi.${stack}.yaml`);
  const { config } = readStackFile(stackFile, stack);
  const file = statePath(projectDir, stack);
  const state = readState(file, PROJECT, stack);
  const kubectl = options.kubectl ?? defaultKubectl;
  const engine = new Engine(mode, PROJECT, stack, state, file, log, kubectl);
  const existing = new Set(
    Object.values(state.resources)
      .filter((r) => r.status === 'created')
      .map((r) => r.urn),
  );

  pulumi.runtime.setAllConfig(toPulumiConfig(config));
  await pulumi.runtime.setMocks(
    { newResource: () => ({ id: undefined, state: {} }), call: () => ({}) },
    PROJECT,
    stack,
    mode === 'preview',
  );
  setMockOptions(engine.monitor(), PROJECT, stack, mode === 'preview');

  const failures: { urn: string; message: string }[] = [];
  const onRejection = (reason: unknown) => {
    const message = reason instanceof Error ? reason.message : String(reason);
    if (engine.failures.some((f) => message.includes(f.message))) return;
    if (failures.some((f) => f.message === message)) return;
    failures.push({ urn: '(program)', message });
    // Said at once: the rest of the program may go on for a long time, or never end.
    log.step('✗', '(program)', 'error', message);
  };
  process.on('unhandledRejection', onRejection);
  const cwd = process.cwd();
  process.chdir(projectDir);
  const watch = watchForStall();
  try {
    const program = options.program ?? path.join(projectDir, 'index.ts');
    const ran = pulumi.runtime.runInPulumiStack(
      async () => (await import(program)) as Record<string, unknown>,
    );
    let outcome = await unlessStalled(ran, watch).catch((err: unknown) => onRejection(err));
    if (outcome !== 'stalled') outcome = await unlessStalled(waitForRPCs(), watch).catch(onRejection);
    if (outcome !== 'stalled') {
      await engine.settle();
      // Resources still waiting for inputs once every step is done: the program ended without them (their input
      // failed, late). Wait until nothing is left to happen, so every failure is in, then say what it was.
      if (pendingPromises() > 0) {
        closeSshConnections();
        outcome = await watch.stalled;
        if (pendingPromises() === 0) outcome = undefined;
      }
    }
    if (outcome === 'stalled') {
      const message = stallMessage(engine.failures.length + failures.length);
      failures.push({ urn: '(program)', message });
      log.step('✗', '(program)', 'stalled', message);
    }
  } finally {
    watch.dispose();
    await engine.settle();
    process.chdir(cwd);
    // The handler stays: the runtime may reject the same failure again on a later tick (one operation per process).
  }
  const allFailures = [...engine.failures, ...failures];

  // Resources of an earlier `up` that the program no longer declares: delete them, as the engine would.
  if (mode === 'up' && allFailures.length === 0) {
    const stale = Object.values(state.resources).filter((r) => !engine.seen.has(r.urn));
    for (const resource of stale.sort((a, b) => b.seq - a.seq)) {
      await deleteOne(resource, log, kubectl);
      delete state.resources[resource.urn];
      writeState(file, state);
    }
  }
  return {
    ok: allFailures.length === 0,
    outputs: engine.stackOutputs ?? {},
    failures: allFailures,
    counts: mode === 'preview' ? { planned: engine.order.length } : { ...engine.counts },
    resources: engine.order,
    existing,
  };
}

async function deleteOne(resource: ResourceState, log: Logger, kubectl: KubectlResolver): Promise<void> {
  const started = Date.now();
  const done = await deleteRecorded(resource, kubectl, (line) => log.progress(resource.name, line));
  const took = `${((Date.now() - started) / 1000).toFixed(1)} s`;
  log.step('-', resource.type, resource.name, done === 'nothing to delete' ? done : `${done} (${took})`);
}

/** Runs an operation, then closes the SSH connections its steps kept for reuse (cli/runner/ssh-pool.ts). */
async function closingConnections(operation: Promise<RunReport>): Promise<RunReport> {
  try {
    return await operation;
  } finally {
    closeSshConnections();
  }
}

export function up(options: RunOptions): Promise<RunReport> {
  return closingConnections(runProgram('up', options));
}

export function preview(options: RunOptions): Promise<RunReport> {
  return closingConnections(runProgram('preview', options));
}

/** Delete everything the state file records, newest first; stops at the first failure (rerun to resume). */
export function destroy(options: RunOptions): Promise<RunReport> {
  return closingConnections(destroyAll(options));
}

async function destroyAll(options: RunOptions): Promise<RunReport> {
  assertStackName(options.stack);
  const file = statePath(options.projectDir, options.stack);
  const state = readState(file, PROJECT, options.stack);
  const resources = Object.values(state.resources).sort((a, b) => b.seq - a.seq);
  let deleted = 0;
  for (const resource of resources) {
    try {
      await deleteOne(resource, options.log, options.kubectl ?? defaultKubectl);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      options.log.step('✗', resource.type, resource.name, 'delete failed');
      return {
        ok: false,
        outputs: {},
        failures: [{ urn: resource.urn, message }],
        counts: { deleted },
        resources: [],
        existing: new Set(),
      };
    }
    delete state.resources[resource.urn];
    writeState(file, state);
    deleted++;
  }
  removeState(file);
  return { ok: true, outputs: {}, failures: [], counts: { deleted }, resources: [], existing: new Set() };
}

/** Stack outputs for a terminal: secrets masked. */
export function renderOutputs(outputs: Record<string, unknown>): string {
  const mask = (value: unknown): unknown => {
    if (isSecretWrapper(value)) return '[secret]';
    if (value === unknownValue) return '(known after up)';
    if (Array.isArray(value)) return value.map(mask);
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, mask(v)]),
      );
    }
    return value;
  };
  return Object.entries(outputs)
    .map(([key, value]) => `    ${key}: ${JSON.stringify(mask(value), null, 2).replace(/\n/g, '\n    ')}`)
    .join('\n');
}
