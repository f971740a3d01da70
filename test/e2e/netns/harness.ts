// Runs the netns backend's scripts exactly as its Command resources do (same command text, environment and
// stdin), and reaches nodes over real SSH with ssh2, the library the local runner uses.
import { spawn, spawnSync } from 'child_process';
import { Client } from 'ssh2';
import { pinnedHostVerifier } from '../../../cli/runner/exec';
import { DERIVE_PUBLIC_KEY_COMMAND, GENERATE_PRIVATE_KEY_COMMAND } from '../../../components/nodes/sshkey';
import {
  NetnsScript,
  bridgeEnvironment,
  nodeEnvironment,
  scriptCommand,
} from '../../../components/nodes/netns/env';
import { NetnsClusterPlan, NetnsPlanArgs, planCluster } from '../../../components/nodes/netns/plan';

export interface CommandResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** One local Command: `bash -c <create>` with the resource's environment on top of ours, stdin as given. */
export function runLocal(commandText: string, env: Record<string, string>, stdin?: string): CommandResult {
  const result = spawnSync('bash', ['-c', commandText], {
    env: { ...process.env, ...env },
    input: stdin ?? '',
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** runLocal without blocking, for resources the runner may run at the same time. */
export function runLocalAsync(
  commandText: string,
  env: Record<string, string>,
  stdin = '',
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', commandText], {
      env: { ...process.env, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    child.stdin.end(stdin);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ status: code ?? -1, stdout, stderr }));
  });
}

export function runScript(script: NetnsScript, env: Record<string, string>): CommandResult {
  return runLocal(scriptCommand(script), env);
}

/** Like runScript, but a failure throws with the script's stderr. */
export function mustRun(script: NetnsScript, env: Record<string, string>): unknown {
  const result = runScript(script, env);
  if (result.status !== 0) throw new Error(`${script} exited ${result.status}: ${result.stderr}`);
  return JSON.parse(result.stdout);
}

export interface ClusterKeys {
  privateKey: string;
  publicKey: string;
}

/** The ClusterKey resource's two commands (Pulumi keeps stdout without its trailing newline). */
export function makeKeys(comment: string): ClusterKeys {
  const priv = runLocal(GENERATE_PRIVATE_KEY_COMMAND, { KEY_COMMENT: comment });
  if (priv.status !== 0) throw new Error(`ssh-keygen: ${priv.stderr}`);
  const privateKey = priv.stdout.trimEnd();
  const pub = runLocal(DERIVE_PUBLIC_KEY_COMMAND, {}, privateKey);
  if (pub.status !== 0) throw new Error(`ssh-keygen -y: ${pub.stderr}`);
  return { privateKey, publicKey: pub.stdout.trimEnd() };
}

export interface TestCluster {
  plan: NetnsClusterPlan;
  keys: ClusterKeys;
  /** Each node's host key pair, as the HostKey resources make them. */
  hostKeys: ClusterKeys[];
  vcpus: number;
  memoryMiB: number;
}

/** Pinned host key per node address: ssh() accepts only that key, as the runner and the provider do. */
export const pinnedHostKeys = new Map<string, string>();

export function makeCluster(args: NetnsPlanArgs, keys: ClusterKeys, vcpus = 2, memoryMiB = 512): TestCluster {
  const plan = planCluster(args);
  const hostKeys = plan.nodes.map((n) => makeKeys(n.name));
  return { plan, keys, hostKeys, vcpus, memoryMiB };
}

export function nodeEnv(cluster: TestCluster, index: number): Record<string, string> {
  const node = cluster.plan.nodes[index];
  return {
    ...nodeEnvironment(cluster.plan, node, { vcpus: cluster.vcpus, memoryMiB: cluster.memoryMiB }),
    AUTHORIZED_KEY: cluster.keys.publicKey,
  };
}

/** Create in the component's order: bridge, then every node. Returns the node scripts' JSON. */
export function createCluster(cluster: TestCluster): unknown[] {
  mustRun('bridge-create', bridgeEnvironment(cluster.plan));
  return cluster.plan.nodes.map((_, i) => createNode(cluster, i));
}

/** node-create of one node, its host private key on stdin as the component gives it. */
export function createNode(cluster: TestCluster, index: number): unknown {
  const result = runLocal(
    scriptCommand('node-create'),
    nodeEnv(cluster, index),
    cluster.hostKeys[index].privateKey,
  );
  if (result.status !== 0) throw new Error(`node-create exited ${result.status}: ${result.stderr}`);
  pinnedHostKeys.set(cluster.plan.nodes[index].address, cluster.hostKeys[index].publicKey);
  return JSON.parse(result.stdout);
}

/** Create with every node at once (bridge first), as a runner that parallelises independent resources would. */
export async function createClusterConcurrently(cluster: TestCluster): Promise<unknown[]> {
  mustRun('bridge-create', bridgeEnvironment(cluster.plan));
  const results = await Promise.all(
    cluster.plan.nodes.map((_, i) =>
      runLocalAsync(scriptCommand('node-create'), nodeEnv(cluster, i), cluster.hostKeys[i].privateKey),
    ),
  );
  return results.map((r, i) => {
    if (r.status !== 0)
      throw new Error(`node-create ${cluster.plan.nodes[i].name} exited ${r.status}: ${r.stderr}`);
    pinnedHostKeys.set(cluster.plan.nodes[i].address, cluster.hostKeys[i].publicKey);
    return JSON.parse(r.stdout);
  });
}

/** Delete in reverse dependency order: nodes, then the bridge. */
export function deleteCluster(cluster: TestCluster): void {
  for (let i = cluster.plan.nodes.length - 1; i >= 0; i--) mustRun('node-delete', nodeEnv(cluster, i));
  mustRun('bridge-delete', bridgeEnvironment(cluster.plan));
}

/** Run a command on a node over SSH (as remote.Command does: environment as SSH env requests). */
export function ssh(
  host: string,
  privateKey: string,
  commandText: string,
  env: Record<string, string> = {},
  hostKey = pinnedHostKeys.get(host),
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    let hostVerifier: (key: Buffer) => boolean;
    try {
      hostVerifier = pinnedHostVerifier({ host, hostKey }, () => undefined);
    } catch (err) {
      reject(err);
      return;
    }
    const client = new Client();
    let stdout = '';
    let stderr = '';
    client
      .on('ready', () => {
        client.exec(commandText, { env }, (err, stream) => {
          if (err) {
            client.end();
            reject(err);
            return;
          }
          stream.on('data', (d: Buffer) => (stdout += d.toString()));
          stream.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
          stream.on('close', (code: number | null) => {
            client.end();
            resolve({ status: code ?? -1, stdout, stderr });
          });
        });
      })
      .on('error', reject)
      .connect({ host, port: 22, username: 'root', privateKey, hostVerifier, readyTimeout: 10_000 });
  });
}
