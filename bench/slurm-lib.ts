// Shared setup of the SLURM benches: real netns test nodes (test/e2e/slurm/testnodes.sh) and the command
// executor that runs the Pulumi program's command resources for real (test/e2e/slurm/executor.ts).
import { execFileSync } from 'child_process';
import { readFileSync, rmdirSync, rmSync } from 'fs';
import * as path from 'path';
import * as pulumi from '@pulumi/pulumi';
import type { Node } from '../components/nodes/types';
import { CommandExecutor, ReadyMarker } from '../test/e2e/slurm/executor';

const TESTNODES = path.join(__dirname, '..', 'test', 'e2e', 'slurm', 'testnodes.sh');

export interface BenchNodes {
  nodes: Node[];
  key: string;
  remove: () => void;
}

export function benchNodes(
  tag: string,
  octet: number,
  count: number,
  vcpus = 2,
  memoryMiB = 2048,
): BenchNodes {
  const env = {
    ...process.env,
    TAG: tag,
    COUNT: String(count),
    OCTET: String(octet),
    ROOT: `/tmp/schedbench-bench-${tag}`,
    VCPUS: String(vcpus),
    MEMORY_MIB: String(memoryMiB),
  };
  const run = (action: string) =>
    execFileSync('bash', [TESTNODES], { env: { ...env, ACTION: action }, encoding: 'utf8' });
  run('delete');
  const made = JSON.parse(run('create')) as {
    key: string;
    nodes: { name: string; address: string; interface: string; stateDir: string }[];
  };
  const key = readFileSync(made.key, 'utf8');
  const ready = new ReadyMarker(`ready-${tag}`);
  const nodes = made.nodes.map((n) => ({
    ...n,
    connection: { host: n.address, port: 22, user: 'root', privateKey: pulumi.secret(key) },
    vcpus,
    memoryMiB,
    backend: 'netns' as const,
    ready,
  }));
  return { nodes, key, remove: () => void run('delete') };
}

/** Mocks that execute command resources; call once per process before building resources. */
export function executingMocks(stack: string): CommandExecutor {
  const executor = new CommandExecutor();
  pulumi.runtime.setMocks(executor.mocks(), 'schedbench', stack, false);
  return executor;
}

export function seconds(fromMs: number): number {
  return (Date.now() - fromMs) / 1000;
}

const BENCH_STATE = '/var/lib/schedbench-bench';

/** The SLURM state directory of a bench cluster. */
export function benchStateDir(cluster: string): string {
  return `${BENCH_STATE}/${cluster}/slurm`;
}

/** Remove what the cluster's teardown leaves of the bench's own directories (the per-cluster parent). */
export function removeBenchState(cluster: string): void {
  rmSync(`${BENCH_STATE}/${cluster}`, { recursive: true, force: true });
  try {
    rmdirSync(BENCH_STATE);
  } catch {
    // Another bench still uses it.
  }
}

// A failed stage also rejects the resource registrations that depended on it; the bench reports the failure
// through the executor and still tears down, instead of dying on an unhandled rejection.
process.on('unhandledRejection', (err: unknown) => {
  console.error('stage failed:', err instanceof Error ? err.message.split('\n')[0] : String(err));
});
