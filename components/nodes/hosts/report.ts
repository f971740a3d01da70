// What report.sh prints about a node, parsed at the edge, and the check of an existing host against the profile.
import * as path from 'path';
import { z } from 'zod';
import { preludedScript } from '../../script';
import { NODE_ACCEPT_ENV, SSH_ENV_LIB } from '../ssh-env';

/** report.sh as a remote command: its parameters arrive as SCHEDBENCH_* (ssh-env.sh maps them). */
export const REPORT_SCRIPT = preludedScript(path.join(__dirname, 'scripts'), 'report.sh', [SSH_ENV_LIB]);

export const NodeReport = z.strictObject({
  hostname: z.string(),
  vcpus: z.number().int().min(1),
  memoryMiB: z.number().int().min(0),
  kernel: z.string(),
  os: z.string(),
  /** Whether sshd passed the probe variable on (AcceptEnv): scheduler scripts take their parameters so. */
  acceptEnv: z.boolean(),
});
export type NodeReport = z.infer<typeof NodeReport>;

export function parseNodeReport(stdout: string, node: string): NodeReport {
  let json: unknown;
  try {
    json = JSON.parse(stdout.trim());
  } catch {
    throw new Error(`node ${node}: report.sh printed no JSON: ${stdout.slice(0, 200)}`);
  }
  const parsed = NodeReport.safeParse(json);
  if (!parsed.success) throw new Error(`node ${node}: unexpected report: ${parsed.error.message}`);
  return parsed.data;
}

/**
 * An existing machine must have at least what the profile promises the scheduler; returns the problems
 * (empty when it fits), each naming the node and both values.
 */
export function checkHostFits(node: string, report: NodeReport, vcpus: number, memoryMiB: number): string[] {
  const problems: string[] = [];
  if (!report.acceptEnv) {
    problems.push(
      `sshd on host ${node} drops the environment the scheduler's scripts need: add \`AcceptEnv ${NODE_ACCEPT_ENV}\` to its sshd_config (no wider: \`AcceptEnv *\` lets any SSH user set LD_PRELOAD or BASH_ENV)`,
    );
  }
  if (report.vcpus < vcpus)
    problems.push(`host ${node} has ${report.vcpus} CPUs, the profile gives each node ${vcpus}`);
  if (report.memoryMiB < memoryMiB) {
    problems.push(
      `host ${node} has ${report.memoryMiB} MiB of memory, the profile gives each node ${memoryMiB} MiB`,
    );
  }
  return problems;
}
