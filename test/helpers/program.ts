// Runs index.ts under `pulumi.runtime.setMocks` with a given stack config and records what it registered
// (type, name, parent, dependencies, inputs) and its stack outputs — the pulumi/examples way of unit-testing
// a program, plus the parent/dependency facts the plain mocks do not expose.
import * as path from 'path';
import { isSecretWrapper, type RegisterRequest } from '../../cli/runner/engine';

export interface Registered {
  type: string;
  name: string;
  urn: string;
  parent: string;
  dependencies: string[];
  custom: boolean;
  /** The provider reference (`<urn>::<id>`) of a resource given an explicit provider, else ''. */
  provider: string;
  /** Inputs the program sent as Pulumi secrets. */
  secretInputs: string[];
  inputs: Record<string, unknown>;
}

export interface ProgramRun {
  resources: Registered[];
  outputs: Record<string, unknown>;
  /** Names of the stack outputs that are Pulumi secrets. */
  secretOutputs: Set<string>;
  error: unknown;
}

/** Fake stdout of a command resource, by resource name (default `mock-<name>`). */
export type StdoutFor = (name: string, inputs: Record<string, unknown>) => string;

const INDEX = path.join(__dirname, '..', '..', 'index.ts');

export async function runProgram(
  config: Record<string, unknown>,
  stack: string,
  /** `secrets`: the monitor accepts secrets, as the engine does (inputs then arrive wrapped: see secretInputs). */
  options: { preview?: boolean; stdout?: StdoutFor; secrets?: boolean } = {},
): Promise<ProgramRun> {
  const resources: Registered[] = [];
  const outputs: Record<string, unknown> = {};
  const secretOutputs = new Set<string>();
  let error: unknown;
  await jest.isolateModulesAsync(async () => {
    const pulumi = await import('@pulumi/pulumi');
    const { MockMonitor } = await import('@pulumi/pulumi/runtime/mocks');
    const settings = await import('@pulumi/pulumi/runtime/settings');
    const stdoutFor: StdoutFor = options.stdout ?? ((name) => `mock-${name}`);
    const pending = new Map<string, Omit<Registered, 'inputs'>>();
    class RecordingMonitor extends MockMonitor {
      registerResource(
        req: RegisterRequest,
        callback: (err: unknown, response: unknown) => void,
      ): Promise<void> {
        pending.set(`${req.getType()}::${req.getName()}`, {
          type: req.getType(),
          name: req.getName(),
          urn: `${req.getParent()}/${req.getType()}::${req.getName()}`,
          parent: req.getParent(),
          dependencies: req.getDependenciesList(),
          custom: req.getCustom(),
          provider: req.getProvider(),
          secretInputs: Object.entries(req.getObject()?.toJavaScript() ?? {})
            .filter(([, value]) => isSecretWrapper(value))
            .map(([key]) => key),
        });
        return super.registerResource(req, callback);
      }
    }
    const monitor = new RecordingMonitor({
      newResource: (args) => {
        const meta = pending.get(`${args.type}::${args.name}`);
        const inputs = (args.inputs ?? {}) as Record<string, unknown>;
        if (meta !== undefined) resources.push({ ...meta, inputs });
        const isCommand = args.type.startsWith('command:');
        const state = isCommand ? { ...inputs, stdout: stdoutFor(args.name, inputs), stderr: '' } : inputs;
        return { id: args.custom === true ? `${args.name}-id` : undefined, state };
      },
      call: (args) => args.inputs as Record<string, unknown>,
    });
    pulumi.runtime.setAllConfig(
      Object.fromEntries(
        Object.entries(config).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
      ),
    );
    await pulumi.runtime.setMocks(
      { newResource: () => ({ id: undefined, state: {} }), call: () => ({}) },
      'schedbench',
      stack,
      options.preview === true,
    );
    settings.setMockOptions(monitor, 'schedbench', stack, options.preview === true);
    if (options.secrets === true) {
      const state = (await import('@pulumi/pulumi/runtime/state')) as unknown as {
        getStore(): { supportsSecrets: boolean };
      };
      state.getStore().supportsSecrets = true;
    }
    const onRejection = (reason: unknown) => (error = error ?? reason);
    process.on('unhandledRejection', onRejection);
    let exports: Record<string, unknown> = {};
    try {
      exports = (await import(INDEX)) as Record<string, unknown>;
    } catch (err) {
      error = err;
    }
    if (options.preview !== true) {
      for (const [key, value] of Object.entries(exports)) {
        if (key === 'default' || key === '__esModule') continue;
        const out: import('@pulumi/pulumi').Output<unknown> = pulumi.output(value as unknown);
        outputs[key] = await new Promise((resolve) => out.apply((v) => resolve(v)));
        if (await pulumi.isSecret(out)) secretOutputs.add(key);
      }
    }
    const wait = (settings as unknown as { waitForRPCs: () => Promise<void> }).waitForRPCs;
    await wait().catch((err: unknown) => (error = error ?? err));
    process.off('unhandledRejection', onRejection);
  });
  return { resources, outputs, secretOutputs, error };
}
