// Test harness: Pulumi mocks that *execute* @pulumi/command resources for real (local ones with bash, remote
// ones over SSH), in the order the runtime releases them, and undo them in reverse order — a minimal stand-in
// for the lead's local runner (cli/runner/) so the SLURM components can be tested end to end before it lands.
import { spawn } from 'child_process';
import * as pulumi from '@pulumi/pulumi';
import { runRemote } from './remote';

interface Executed {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
  stdout: string;
  stderr: string;
}

const SECRET_SIG = '4dabf18193072939515e22adb298388d';

/** Inputs as plain values (the mock monitor hands secrets over wrapped). */
function unwrap(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(unwrap);
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if (SECRET_SIG in record && 'value' in record) return unwrap(record.value);
    return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, unwrap(v)]));
  }
  return value;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function runLocal(
  cmd: string,
  env: Record<string, string>,
  stdin?: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', cmd], {
      env: { ...process.env, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(stdin ?? '');
  });
}

export class CommandExecutor {
  readonly executed: Executed[] = [];
  readonly log: string[] = [];
  failure: Error | undefined;
  /** Rejects with the first failed create (outputs depending on it would never resolve). */
  readonly failed: Promise<never>;
  private rejectFailed: (err: Error) => void = () => undefined;

  constructor() {
    this.failed = new Promise<never>((_, reject) => (this.rejectFailed = reject));
    this.failed.catch(() => undefined);
  }

  private async exec(
    type: string,
    name: string,
    inputs: Record<string, unknown>,
    which: 'create' | 'delete',
    previous?: Executed,
  ) {
    const cmd = str(inputs[which]);
    if (cmd === undefined) return { stdout: '', stderr: '' };
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries((inputs.environment as Record<string, unknown> | undefined) ?? {})) {
      if (typeof v === 'string') env[k] = v;
    }
    if (previous !== undefined) {
      env.PULUMI_COMMAND_STDOUT = previous.stdout;
      env.PULUMI_COMMAND_STDERR = previous.stderr;
    }
    const stdin = which === 'create' ? str(inputs.stdin) : undefined;
    const t0 = Date.now();
    let result: { code: number; stdout: string; stderr: string };
    if (type === 'command:local:Command') {
      result = await runLocal(cmd, env, stdin);
    } else {
      const c = inputs.connection as Record<string, unknown>;
      result = await runRemote(
        {
          host: String(c.host),
          port: Number(c.port ?? 22),
          user: String(c.user ?? 'root'),
          privateKey: String(c.privateKey),
        },
        cmd,
        env,
        stdin,
      );
    }
    this.log.push(`${which} ${name}: exit ${result.code} in ${Date.now() - t0} ms`);
    if (result.code !== 0) {
      throw new Error(`${which} ${name} failed (exit ${result.code}): ${result.stderr.slice(-2000)}`);
    }
    return result;
  }

  mocks(): pulumi.runtime.Mocks {
    return {
      newResource: async (args) => {
        if (args.type !== 'command:local:Command' && args.type !== 'command:remote:Command') {
          return { id: `${args.name}-id`, state: args.inputs };
        }
        const inputs = unwrap(args.inputs) as Record<string, unknown>;
        try {
          const { stdout, stderr } = await this.exec(args.type, args.name, inputs, 'create');
          this.executed.push({ type: args.type, name: args.name, inputs, stdout, stderr });
          return { id: `${args.name}-id`, state: { ...args.inputs, stdout, stderr } };
        } catch (err) {
          this.failure ??= err as Error;
          this.rejectFailed(err as Error);
          throw err;
        }
      },
      call: (args) => args.inputs,
    };
  }

  /** Run every executed resource's delete command, newest first; returns the errors met (and keeps going). */
  async destroy(): Promise<string[]> {
    const errors: string[] = [];
    for (const r of [...this.executed].reverse()) {
      try {
        await this.exec(r.type, r.name, r.inputs, 'delete', r);
      } catch (err) {
        errors.push((err as Error).message);
      }
    }
    this.executed.length = 0;
    return errors;
  }
}

/** Resolve an Output in a test (or fail with the executor's first failed create). */
export function valueOf<T>(output: pulumi.Output<T>, executor?: CommandExecutor): Promise<T> {
  const value = new Promise<T>((resolve) => output.apply((v) => resolve(v)));
  return executor === undefined ? value : Promise.race([value, executor.failed]);
}

/** A stand-in for a backend's "node answers over SSH" resource (Node.ready). */
export class ReadyMarker extends pulumi.CustomResource {
  constructor(name: string) {
    super('test:index:Ready', name, {});
  }
}
