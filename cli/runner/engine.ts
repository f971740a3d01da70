// The local runner's engine: Pulumi's mock monitor, but every @pulumi/command resource the runtime releases is
// executed for real (local ones with a shell, remote ones over SSH) and recorded in the state file.
// `kubernetes:*` resources of @pulumi/kubernetes are applied with kubectl under their provider's kubeconfig
// (cli/runner/kubernetes.ts). It is not the Pulumi engine: no diffs, no refresh, no other providers.
import { createHash } from 'crypto';
import { MockMonitor, MockResourceArgs, MockResourceResult } from '@pulumi/pulumi/runtime/mocks';
import { specialSecretSig, specialSigKey } from '@pulumi/pulumi/runtime/rpc';
import { canonicalJson } from '../../components/config/identity';
import { LineSink, runLocal, runRemote, SshConnectionInputs, StepResult } from './exec';
import {
  applyManifest,
  deleteManifest,
  isKubernetesObject,
  KUBERNETES_PROVIDER,
  manifestOf,
  ProviderConfig,
  providerConfigOf,
  providerKeyOf,
} from './kubernetes';
import { ResourceState, StateFile, writeState } from './state';

/** The parts of Pulumi's RegisterResourceRequest the runner (and the tests' recording monitor) read. */
export interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getDependenciesList(): string[];
  getAdditionalsecretoutputsList(): string[];
  getReplaceonchangesList(): string[];
  getProvider(): string;
  getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
}

interface RegisterOutputsRequest {
  getUrn(): string;
  getOutputs(): { toJavaScript(): Record<string, unknown> } | undefined;
}

type Callback = (err: unknown, response: unknown) => void;

export interface ResourceMeta {
  urn: string;
  type: string;
  name: string;
  parent: string;
  custom: boolean;
  dependencies: string[];
  secretOutputs: string[];
  /** Input names whose change replaces the resource (the `replaceOnChanges` option). */
  replaceOnChanges: string[];
}

export type Mode = 'up' | 'preview';

export interface Logger {
  info(line: string): void;
  step(symbol: string, type: string, name: string, detail: string): void;
  progress(name: string, line: string): void;
}

export function isSecretWrapper(value: unknown): value is { value: unknown } {
  return (
    value !== null &&
    typeof value === 'object' &&
    (value as Record<string, unknown>)[specialSigKey] === specialSecretSig
  );
}

/** Replace Pulumi's secret wrappers by their values (for executing and hashing). */
export function unwrapSecrets(value: unknown): unknown {
  if (isSecretWrapper(value)) return unwrapSecrets(value.value);
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, unwrapSecrets(v)]),
    );
  }
  return value;
}

function secretWrap(value: unknown): Record<string, unknown> {
  return { [specialSigKey]: specialSecretSig, value };
}

function urnOf(stack: string, project: string, parent: string, type: string, name: string): string {
  let qualified = type;
  // As the engine: the type is qualified by the parent's whole qualified type (every ancestor but the stack).
  // (Pulumi's mock monitor names a component under the stack `pulumi:pulumi:Stack$<type>`: the engine does not.)
  const parentQualified = (parent.split('::')[2] ?? '').replace(/^pulumi:pulumi:Stack\$/, '');
  if (parent !== '' && parentQualified !== 'pulumi:pulumi:Stack') qualified = `${parentQualified}$${type}`;
  return `urn:pulumi:${stack}::${project}::${qualified}::${name}`;
}

function stringRecord(value: unknown): Record<string, string> {
  if (value === null || typeof value !== 'object') return {};
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function connectionOf(value: unknown): SshConnectionInputs {
  const c = (value ?? {}) as Record<string, unknown>;
  if (typeof c.host !== 'string') throw new Error('remote command without connection.host');
  return {
    host: c.host,
    port: typeof c.port === 'number' ? c.port : undefined,
    user: optionalString(c.user),
    privateKey: optionalString(c.privateKey),
    hostKey: optionalString(c.hostKey),
    password: optionalString(c.password),
    dialErrorLimit: typeof c.dialErrorLimit === 'number' ? c.dialErrorLimit : undefined,
    perDialTimeout: typeof c.perDialTimeout === 'number' ? c.perDialTimeout : undefined,
  };
}

const COMMAND_TYPES = new Set(['command:local:Command', 'command:remote:Command']);

/**
 * Where a Kubernetes object's record keeps its provider's settings (kubeconfig: sealed with the rest): its delete
 * needs them after the program is gone, and a new cluster (another kubeconfig) is a change of the object.
 */
const PROVIDER_INPUT = '__schedbenchProvider';

/** Finds kubectl when a Kubernetes object is applied or deleted (RunOptions.kubectl). */
export type KubectlResolver = () => string;
export const defaultKubectl: KubectlResolver = () => process.env.SCHEDBENCH_KUBECTL ?? 'kubectl';

/** A recorded Kubernetes object's manifest and provider (from its state record). */
function kubernetesOf(resource: Pick<ResourceState, 'type' | 'name' | 'urn' | 'inputs'>) {
  const { [PROVIDER_INPUT]: provider, ...inputs } = resource.inputs;
  return {
    manifest: manifestOf(resource.type, resource.name, resource.urn, inputs),
    provider: ProviderConfig.parse(provider),
  };
}

/** Same object in the cluster: kind, name and namespace. */
function sameObject(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const identity = (m: Record<string, unknown>) => {
    const meta = (m.metadata ?? {}) as Record<string, unknown>;
    return canonicalJson([m.apiVersion, m.kind, meta.name, meta.namespace]);
  };
  return identity(a) === identity(b);
}

/**
 * Deletes one recorded resource: a command's `delete` (undefined when it has none), a Kubernetes object with
 * kubectl. Returns what was done, for the log.
 */
export async function deleteRecorded(
  resource: ResourceState,
  kubectl: KubectlResolver,
  onStderr?: LineSink,
): Promise<string> {
  if (resource.type.startsWith('pulumi:providers:')) return 'nothing to delete';
  if (isKubernetesObject(resource.type)) {
    const { manifest, provider } = kubernetesOf(resource);
    const how = await deleteManifest(manifest, { kubectl: kubectl(), provider, onStderr });
    return how === 'deleted' ? 'deleted' : 'forgotten (cluster unreachable; deleteUnreachable)';
  }
  const env = {
    PULUMI_COMMAND_STDOUT: String(resource.outputs.stdout ?? ''),
    PULUMI_COMMAND_STDERR: String(resource.outputs.stderr ?? ''),
  };
  const result = await runCommandStep(resource.type, resource.inputs, 'delete', env, onStderr);
  return result === undefined ? 'nothing to delete' : 'deleted';
}

/** Run one of a command resource's lifecycle commands (`create`, `update` or `delete`). */
export async function runCommandStep(
  type: string,
  inputs: Record<string, unknown>,
  which: 'create' | 'update' | 'delete',
  extraEnv: Record<string, string>,
  onStderr?: LineSink,
): Promise<StepResult | undefined> {
  const command = optionalString(inputs[which]);
  if (command === undefined) return undefined;
  const environment = { ...stringRecord(inputs.environment), ...extraEnv };
  const stdin = which === 'delete' ? undefined : optionalString(inputs.stdin);
  if (type === 'command:local:Command') {
    const interpreter = Array.isArray(inputs.interpreter) ? inputs.interpreter.map(String) : undefined;
    return runLocal({ command, environment, stdin, dir: optionalString(inputs.dir), interpreter }, onStderr);
  }
  return runRemote(
    {
      connection: connectionOf(inputs.connection),
      command,
      environment,
      stdin,
      skipIfUnreachable: which === 'delete',
    },
    onStderr,
  );
}

export class Engine {
  readonly failures: { urn: string; message: string }[] = [];
  readonly seen = new Set<string>();
  readonly order: ResourceMeta[] = [];
  readonly counts = { created: 0, updated: 0, unchanged: 0, failed: 0 };
  stackOutputs: Record<string, unknown> | undefined;
  private readonly meta = new Map<string, ResourceMeta>();
  private readonly inFlight = new Set<Promise<unknown>>();
  /** Kubernetes providers' inputs by `<type>::<name>` (parsed when an object uses one). */
  private readonly providers = new Map<string, Record<string, unknown>>();

  constructor(
    private readonly mode: Mode,
    private readonly project: string,
    private readonly stack: string,
    private readonly state: StateFile,
    private readonly stateFile: string,
    private readonly log: Logger,
    private readonly kubectl: KubectlResolver = defaultKubectl,
  ) {}

  /** A MockMonitor that tells the engine each resource's parent, dependencies and secret outputs. */
  monitor(): MockMonitor {
    const noteRegistration = (req: RegisterRequest) => this.noteRegistration(req);
    const noteStackOutputs = (outputs: Record<string, unknown> | undefined) => (this.stackOutputs = outputs);
    class RunnerMonitor extends MockMonitor {
      registerResource(req: RegisterRequest, callback: Callback): Promise<void> {
        noteRegistration(req);
        return super.registerResource(req, callback);
      }
      registerResourceOutputs(req: RegisterOutputsRequest, callback: Callback): void {
        if (req.getUrn().includes('::pulumi:pulumi:Stack::'))
          noteStackOutputs(req.getOutputs()?.toJavaScript());
        super.registerResourceOutputs(req, callback);
      }
    }
    return new RunnerMonitor({
      newResource: (args) => this.track(this.newResource(args)),
      call: (args) => args.inputs as Record<string, unknown>,
    });
  }

  /** Wait until every step the runtime released has finished. */
  async settle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private track<T>(promise: Promise<T>): Promise<T> {
    this.inFlight.add(promise);
    const done = () => this.inFlight.delete(promise);
    promise.then(done, done);
    return promise;
  }

  private noteRegistration(req: RegisterRequest): void {
    const key = `${req.getType()}::${req.getName()}`;
    if (this.meta.has(key)) {
      throw new Error(
        `two resources named ${req.getName()} of type ${req.getType()}: the runner needs them distinct`,
      );
    }
    const meta: ResourceMeta = {
      urn: urnOf(this.stack, this.project, req.getParent(), req.getType(), req.getName()),
      type: req.getType(),
      name: req.getName(),
      // The parent as the engine names it (the mock monitor qualifies a component under the stack by its type).
      parent: req.getParent().replace(/::pulumi:pulumi:Stack\$/, '::'),
      custom: req.getCustom(),
      dependencies: req.getDependenciesList(),
      secretOutputs: req.getAdditionalsecretoutputsList(),
      replaceOnChanges: req.getReplaceonchangesList(),
    };
    this.meta.set(key, meta);
    this.order.push(meta);
  }

  private save(): void {
    if (this.mode === 'up') writeState(this.stateFile, this.state);
  }

  private async newResource(args: MockResourceArgs): Promise<MockResourceResult> {
    const meta = this.meta.get(`${args.type}::${args.name}`);
    if (meta === undefined)
      throw new Error(`runner: ${args.type} ${args.name} was not announced by the monitor`);
    this.seen.add(meta.urn);
    const rawInputs = (args.inputs ?? {}) as Record<string, unknown>;
    let inputs = unwrapSecrets(rawInputs) as Record<string, unknown>;
    if (args.type === KUBERNETES_PROVIDER) this.providers.set(`${args.type}::${args.name}`, inputs);
    if (!meta.custom) return { id: undefined, state: {} };

    const provider = args.type.startsWith('pulumi:providers:');
    const kubernetes = isKubernetesObject(args.type);
    if (kubernetes) {
      // In a preview the kubeconfig may not be known yet: the object is then planned as a change.
      const config = this.mode === 'up' ? this.providerOf(args) : this.knownProviderOf(args);
      if (config !== undefined) inputs = { ...inputs, [PROVIDER_INPUT]: config };
    }
    const inputsHash = createHash('sha256').update(canonicalJson(inputs)).digest('hex');
    const prior = this.state.resources[meta.urn];
    const unchanged = prior !== undefined && prior.status === 'created' && prior.inputsHash === inputsHash;

    if (this.mode === 'preview') {
      this.log.step(unchanged ? '=' : prior !== undefined ? '~' : '+', args.type, args.name, '');
      return { id: undefined, state: unchanged && !provider ? { ...rawInputs, ...prior.outputs } : {} };
    }
    if (provider) {
      // Nothing to execute, but recorded (its settings sealed) so that `preview` shows it as existing and a
      // changed one (another cluster's kubeconfig) as a change.
      if (!unchanged) {
        this.state.resources[meta.urn] = this.recordOf(args, meta, inputs, inputsHash, prior, 'created');
        this.save();
      }
      return { id: undefined, state: {} };
    }
    if (!COMMAND_TYPES.has(args.type) && !kubernetes) {
      throw new Error(
        `${args.type} ${args.name}: the local runner executes only @pulumi/command resources and Kubernetes objects; this one needs the Pulumi engine (pulumi up)`,
      );
    }
    if (unchanged) {
      this.counts.unchanged++;
      this.log.step('=', args.type, args.name, 'unchanged');
      return { id: args.name, state: this.withSecrets({ ...rawInputs, ...prior.outputs }, meta) };
    }
    return this.execute(args, meta, rawInputs, inputs, inputsHash, prior);
  }

  /** The settings of the Kubernetes provider `args` names (objects need an explicit one). */
  private providerOf(args: MockResourceArgs): ProviderConfig {
    const key = providerKeyOf(args.provider);
    const inputs = key === undefined ? undefined : this.providers.get(key);
    if (key === undefined || inputs === undefined || !key.startsWith(`${KUBERNETES_PROVIDER}::`))
      throw new Error(
        `${args.type} ${args.name}: the local runner applies Kubernetes objects only through an explicit k8s.Provider with a kubeconfig (the \`provider\` resource option)`,
      );
    return providerConfigOf(key.slice(KUBERNETES_PROVIDER.length + 2), inputs);
  }

  private knownProviderOf(args: MockResourceArgs): ProviderConfig | undefined {
    try {
      return this.providerOf(args);
    } catch {
      return undefined;
    }
  }

  /** A resource's new state entry, keeping its place (`seq`) when it had one. */
  private recordOf(
    args: MockResourceArgs,
    meta: ResourceMeta,
    inputs: Record<string, unknown>,
    inputsHash: string,
    prior: ResourceState | undefined,
    status: 'creating' | 'created',
  ): ResourceState {
    return {
      urn: meta.urn,
      type: args.type,
      name: args.name,
      parent: meta.parent,
      custom: true,
      status,
      inputs,
      inputsHash,
      outputs: {},
      seq: prior?.seq ?? this.state.nextSeq++,
    };
  }

  private withSecrets(state: Record<string, unknown>, meta: ResourceMeta): Record<string, unknown> {
    const out = { ...state };
    for (const key of meta.secretOutputs)
      if (key in out && !isSecretWrapper(out[key])) out[key] = secretWrap(out[key]);
    return out;
  }

  private async execute(
    args: MockResourceArgs,
    meta: ResourceMeta,
    rawInputs: Record<string, unknown>,
    inputs: Record<string, unknown>,
    inputsHash: string,
    prior: ResourceState | undefined,
  ): Promise<MockResourceResult> {
    const started = Date.now();
    const onStderr = (line: string) => this.log.progress(args.name, line);
    const kubernetes = isKubernetesObject(args.type);
    // A changed, already-created command, as the command provider does it: a change of `triggers` (or of an
    // input named in `replaceOnChanges`) replaces it — its `delete`, then its `create`; any other change runs
    // its `update`, or its `create` again when it has none.
    let which: 'create' | 'update' = 'create';
    if (kubernetes) {
      // Server-side apply updates in place; an object renamed (or moved, or of another kind) is another object.
      if (prior !== undefined && prior.status === 'created') {
        which = 'update';
        const before = kubernetesOf(prior);
        if (!sameObject(before.manifest, kubernetesOf({ ...meta, inputs }).manifest)) {
          await deleteRecorded(prior, this.kubectl, onStderr);
          which = 'create';
        }
      }
    } else if (prior !== undefined && prior.status === 'created') {
      const changed = (key: string) => canonicalJson(prior.inputs[key]) !== canonicalJson(inputs[key]);
      const replace = changed('triggers') || meta.replaceOnChanges.some((key) => key === '*' || changed(key));
      if (replace) {
        await deleteRecorded(prior, this.kubectl, onStderr);
      } else if (typeof inputs.update === 'string') {
        which = 'update';
      }
    }
    const record = this.recordOf(args, meta, inputs, inputsHash, prior, 'creating');
    this.state.resources[meta.urn] = record;
    this.save();
    try {
      if (kubernetes) {
        const { manifest, provider } = kubernetesOf(record);
        record.outputs = await applyManifest(manifest, { kubectl: this.kubectl(), provider, onStderr });
      } else {
        const result = (await runCommandStep(args.type, inputs, which, {}, onStderr)) ?? {
          stdout: '',
          stderr: '',
        };
        record.outputs = { stdout: result.stdout, stderr: result.stderr };
      }
      record.status = 'created';
      record.durationMs = Date.now() - started;
      delete record.error;
      this.save();
      this.counts[which === 'update' ? 'updated' : 'created']++;
      this.log.step(
        which === 'update' ? '~' : '+',
        args.type,
        args.name,
        `${which}d (${((Date.now() - started) / 1000).toFixed(1)} s)`,
      );
      return { id: args.name, state: this.withSecrets({ ...rawInputs, ...record.outputs }, meta) };
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      record.status = 'failed';
      record.error = message;
      record.durationMs = Date.now() - started;
      this.save();
      this.counts.failed++;
      this.failures.push({ urn: meta.urn, message: `${args.name}: ${message}` });
      this.log.step('✗', args.type, args.name, `failed (${((Date.now() - started) / 1000).toFixed(1)} s)`);
      throw new Error(`${args.name}: ${message}`);
    }
  }
}
