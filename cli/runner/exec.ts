// Running one @pulumi/command step for real: local commands with a shell, remote ones over SSH (ssh2),
// the way the command provider does (environment as SSH env requests, stdin piped, exit code checked).
import { spawn, type ChildProcess } from 'child_process';
import { readdirSync, readFileSync } from 'fs';
import { Client, ClientChannel, type ServerHostKeyAlgorithm } from 'ssh2';
import { poolKey, SshPool } from './ssh-pool';

export interface StepResult {
  stdout: string;
  stderr: string;
}

export class StepError extends Error {
  constructor(
    message: string,
    readonly stdout: string,
    readonly stderr: string,
  ) {
    super(message);
    this.name = 'StepError';
  }
}

// Steps in flight, so that an interrupted runner (SIGINT/SIGTERM) stops what it started instead of leaving it.
const runningChildren = new Set<ChildProcess>();
const runningSessions = new Set<{ client: Client; stream?: ClientChannel }>();
let interruptedBy: string | undefined;

/** Every descendant of `pid` (children first found, then theirs), from /proc: a step's scripts and what they ran. */
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
  }
  const out: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift() ?? -1) ?? []) {
      out.push(child);
      queue.push(child);
    }
  }
  return out;
}

function signalAll(pids: readonly number[], signal: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

/**
 * Stops every step in flight, once: local commands and all they started get SIGTERM (SIGKILL after
 * `graceMs`), remote commands are sent SIGTERM over their SSH channel and their sessions closed. Steps not yet
 * started fail at once from now on. Resolves when the local processes are gone.
 */
export async function interruptSteps(reason: string, graceMs = 5000): Promise<void> {
  interruptedBy = reason;
  for (const session of runningSessions) {
    session.stream?.signal('TERM');
    session.client.end();
  }
  const pids = [...runningChildren].flatMap((c) =>
    c.pid === undefined ? [] : [c.pid, ...descendants(c.pid)],
  );
  signalAll(pids, 'SIGTERM');
  const alive = () =>
    pids.filter((pid) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    });
  const deadline = Date.now() + graceMs;
  while (alive().length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  signalAll(alive(), 'SIGKILL');
}

function refuseIfInterrupted(): void {
  if (interruptedBy !== undefined)
    throw new StepError(`not started: the runner was interrupted (${interruptedBy})`, '', '');
}

/** Receives stderr lines as they come, for live progress. */
export type LineSink = (line: string) => void;

function lineSplitter(sink: LineSink | undefined): (chunk: string) => void {
  let pending = '';
  return (chunk: string) => {
    if (sink === undefined) return;
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) sink(line);
  };
}

/** The provider drops one trailing newline from stdout and stderr. */
function trimNewline(text: string): string {
  return text.endsWith('\n') ? text.slice(0, -1) : text;
}

function tail(text: string, lines = 20): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

export interface LocalStep {
  command: string;
  environment: Record<string, string>;
  stdin?: string;
  dir?: string;
  interpreter?: string[];
}

/**
 * Names of the runner's own environment that hold secrets (the state's passphrase, MLflow's token and password,
 * cloud and CI tokens): a local command does not inherit them — nor, through it, anything it starts (a netns
 * node's sshd and the daemons it starts). A command that needs some names them in its own environment's
 * INHERIT_SECRETS_VARIABLE (the tracking command: MLflow's credentials); its `environment` itself is passed as is.
 */
export const SECRET_NAME = /(?:^|_)(?:TOKEN|PASSWORD|PASSPHRASE|SECRET|CREDENTIALS?)(?:_|$)/;
export const INHERIT_SECRETS_VARIABLE = 'SCHEDBENCH_INHERIT_SECRETS';

/** The environment of a local command: the runner's, without its secrets (unless asked for), then the step's own. */
export function localEnvironment(
  step: Pick<LocalStep, 'environment'>,
  inherited: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const wanted = new Set(
    (step.environment[INHERIT_SECRETS_VARIABLE] ?? '').split(/[\s,]+/).filter((n) => n !== ''),
  );
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(inherited))
    if (value !== undefined && (!SECRET_NAME.test(name) || wanted.has(name))) env[name] = value;
  return { ...env, ...step.environment };
}

export function runLocal(step: LocalStep, onStderr?: LineSink): Promise<StepResult> {
  const [program, ...args] = step.interpreter ?? ['/bin/sh', '-c'];
  return new Promise((resolve, reject) => {
    refuseIfInterrupted();
    const child = spawn(program, [...args, step.command], {
      cwd: step.dir,
      env: localEnvironment(step),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    runningChildren.add(child);
    let stdout = '';
    let stderr = '';
    const split = lineSplitter(onStderr);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      split(chunk);
    });
    child.on('error', (err) =>
      reject(new StepError(`could not start ${program}: ${err.message}`, stdout, stderr)),
    );
    child.on('close', (code, signal) => {
      runningChildren.delete(child);
      if (code === 0) resolve({ stdout: trimNewline(stdout), stderr: trimNewline(stderr) });
      else {
        const how = signal !== null ? `signal ${signal}` : `exit code ${String(code)}`;
        reject(new StepError(`local command failed with ${how}:\n${tail(stderr || stdout)}`, stdout, stderr));
      }
    });
    child.stdin.on('error', () => undefined); // a command that ignores stdin may close it early
    child.stdin.end(step.stdin ?? '');
  });
}

export interface SshConnectionInputs {
  host: string;
  port?: number;
  user?: string;
  privateKey?: string;
  /** The server's host public key (`ssh-ed25519 AAAA…`): the only one accepted. */
  hostKey?: string;
  password?: string;
  dialErrorLimit?: number;
  perDialTimeout?: number;
}

export interface RemoteStep {
  connection: SshConnectionInputs;
  command: string;
  environment: Record<string, string>;
  stdin?: string;
  /** For deletes: a node that cannot be reached at all makes the step a no-op (noted) instead of a failure. */
  skipIfUnreachable?: boolean;
}

/** Thrown when a server presents another host key than the pinned one: never retried. */
export class HostKeyMismatch extends Error {}

/** No SSH connection could be made within the dial budget (refused, timed out, no route): not a script failure. */
export class NodeUnreachable extends StepError {}

/** The key blob of an OpenSSH public key line (`<type> <base64> [comment]`). */
export function hostKeyBlob(line: string): Buffer {
  const [type, base64] = line.trim().split(/\s+/);
  if (type === undefined || base64 === undefined || !/^[A-Za-z0-9+/]+={0,3}$/.test(base64))
    throw new Error(`not an SSH public key line: ${JSON.stringify(line.slice(0, 40))}`);
  const blob = Buffer.from(base64, 'base64');
  // The blob starts with its own type name: a line whose two halves disagree is refused.
  const nameLength = blob.length >= 4 ? blob.readUInt32BE(0) : -1;
  if (nameLength < 0 || blob.subarray(4, 4 + nameLength).toString('latin1') !== type)
    throw new Error(`SSH public key line of type ${type} holds another key type`);
  return blob;
}

/**
 * The host-key algorithms to offer for a pinned key: only its own, so a server that also holds keys of other types
 * (ed25519 beside a pinned ecdsa or rsa key) presents the pinned one. An RSA key signs with SHA-2 first.
 */
export function hostKeyAlgorithms(hostKey: string): ServerHostKeyAlgorithm[] {
  const type = hostKey.trim().split(/\s+/)[0] ?? '';
  if (type === 'ssh-rsa') return ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'];
  const single = SINGLE_HOST_KEY_ALGORITHMS.find((a) => a === type);
  if (single === undefined)
    throw new HostKeyMismatch(
      `pinned host key of type ${JSON.stringify(type)}: not one ssh2 checks (${['ssh-rsa', ...SINGLE_HOST_KEY_ALGORITHMS].join(', ')})`,
    );
  return [single];
}

const SINGLE_HOST_KEY_ALGORITHMS: ServerHostKeyAlgorithm[] = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
];

/**
 * ssh2's hostVerifier for a pinned key: true only for the same key blob. Without a pinned key the connection is
 * refused: the runner never sends a private key or a secret to a server it cannot identify.
 */
export function pinnedHostVerifier(
  connection: SshConnectionInputs,
  onMismatch: (presented: string) => void,
): (key: Buffer) => boolean {
  const where = `${connection.host}:${connection.port ?? 22}`;
  if (connection.hostKey === undefined || connection.hostKey.trim() === '')
    throw new HostKeyMismatch(`ssh ${where}: no host key pinned (connection.hostKey); refusing to connect`);
  const expected = hostKeyBlob(connection.hostKey);
  return (key: Buffer) => {
    if (key.equals(expected)) return true;
    onMismatch(key.toString('base64'));
    return false;
  };
}

function connectOnce(connection: SshConnectionInputs): Promise<Client> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    let mismatch: string | undefined;
    const hostVerifier = pinnedHostVerifier(connection, (presented) => (mismatch = presented));
    let serverHostKey: ServerHostKeyAlgorithm[];
    try {
      serverHostKey = hostKeyAlgorithms(connection.hostKey ?? '');
    } catch (err) {
      throw new HostKeyMismatch(
        `ssh ${connection.host}:${connection.port ?? 22}: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
    client
      .on('ready', () => resolve(client))
      .on('error', (err) =>
        reject(
          mismatch === undefined
            ? err
            : new HostKeyMismatch(
                `ssh ${connection.host}:${connection.port ?? 22}: the server's host key (${mismatch.slice(0, 24)}…) is not the pinned one; refusing to connect`,
              ),
        ),
      )
      .connect({
        hostVerifier,
        // pinnedHostVerifier has refused a connection without a pinned key.
        algorithms: { serverHostKey },
        host: connection.host,
        port: connection.port ?? 22,
        username: connection.user ?? 'root',
        privateKey: connection.privateKey,
        password: connection.password,
        readyTimeout: (connection.perDialTimeout ?? 15) * 1000,
      });
    // Without TCP_NODELAY every request/reply pair of a session (channel open, env, exec, EOF) can wait on
    // Nagle's algorithm against the server's delayed ACK: 40–90 ms each (docs/schedulers.md, "Harness time
    // per run").
    client.setNoDelay(true);
  });
}

/** Dial with the provider's retry budget: the node may still be booting. */
async function connect(connection: SshConnectionInputs): Promise<Client> {
  const limit = connection.dialErrorLimit ?? 10;
  let lastError: unknown;
  for (let attempt = 1; limit < 0 || attempt <= limit; attempt++) {
    try {
      return await connectOnce(connection);
    } catch (err) {
      if (err instanceof HostKeyMismatch) throw new StepError(err.message, '', '');
      lastError = err;
      await new Promise((r) => setTimeout(r, Math.min(5000, 500 * attempt)));
    }
  }
  const reason = lastError instanceof Error ? lastError.message : String(lastError);
  throw new NodeUnreachable(
    `ssh ${connection.user ?? 'root'}@${connection.host}:${connection.port ?? 22}: ${reason} (after ${limit} attempts)`,
    '',
    '',
  );
}

const pool = new SshPool();

/** Connections made and reused by this process's remote steps so far. */
export function sshCounts(): { dialled: number; reused: number } {
  return { ...pool.counts };
}

/** Closes the connections kept for reuse: the runner calls it when it is done. */
export function closeSshConnections(): void {
  pool.closeAll();
}

/** Thrown when the channel could not be opened on a connection (it may have died while idle). */
class ChannelRefused extends StepError {}

export async function runRemote(step: RemoteStep, onStderr?: LineSink): Promise<StepResult> {
  refuseIfInterrupted();
  const key = poolKey(step.connection);
  for (let attempt = 1; ; attempt++) {
    let lease: { client: Client; reused: boolean };
    try {
      lease = await pool.acquire(key, () => connect(step.connection));
    } catch (err) {
      // A delete on a node nobody can reach: there is nothing to run it on. What ran there ends with the node
      // (netns and VM nodes are deleted from the host); saying so beats a destroy that can never finish.
      if (!(err instanceof NodeUnreachable) || step.skipIfUnreachable !== true) throw err;
      const note = `skipped: ${err.message}; what this step would stop there ends with the node`;
      onStderr?.(note);
      return { stdout: '', stderr: note };
    }
    try {
      const result = await execOn(lease.client, step, onStderr);
      pool.release(key, lease.client);
      return result;
    } catch (err) {
      // A kept connection that died while idle (the node's sshd restarted): once more on a new one.
      if (err instanceof ChannelRefused && lease.reused && attempt === 1) {
        pool.discard(key, lease.client);
        continue;
      }
      // The command ran and failed: the connection is sound and serves again; anything else closes it.
      if (err instanceof StepError && !(err instanceof ChannelRefused) && interruptedBy === undefined)
        pool.release(key, lease.client);
      else pool.discard(key, lease.client);
      throw err;
    }
  }
}

/** Runs the step's command on one connection: environment as env requests, stdin piped, exit code checked. */
async function execOn(client: Client, step: RemoteStep, onStderr?: LineSink): Promise<StepResult> {
  const session: { client: Client; stream?: ClientChannel } = { client };
  runningSessions.add(session);
  try {
    refuseIfInterrupted();
    return await new Promise<StepResult>((resolve, reject) => {
      client.exec(
        step.command,
        { env: step.environment },
        (err: Error | undefined, stream: ClientChannel) => {
          if (err !== undefined) {
            reject(new ChannelRefused(`ssh exec on ${step.connection.host}: ${err.message}`, '', ''));
            return;
          }
          session.stream = stream;
          let stdout = '';
          let stderr = '';
          const split = lineSplitter(onStderr);
          stream.setEncoding('utf8');
          stream.on('data', (chunk: string) => (stdout += chunk));
          stream.stderr.setEncoding('utf8');
          stream.stderr.on('data', (chunk: string) => {
            stderr += chunk;
            split(chunk);
          });
          stream.on('close', (code: number | null, signal?: string) => {
            if (code === 0) resolve({ stdout: trimNewline(stdout), stderr: trimNewline(stderr) });
            else {
              const how =
                signal !== undefined && signal !== null ? `signal ${signal}` : `exit code ${String(code)}`;
              reject(
                new StepError(
                  `remote command on ${step.connection.host} failed with ${how}:\n${tail(stderr || stdout)}`,
                  stdout,
                  stderr,
                ),
              );
            }
          });
          stream.end(step.stdin ?? '');
        },
      );
    });
  } finally {
    runningSessions.delete(session);
  }
}
