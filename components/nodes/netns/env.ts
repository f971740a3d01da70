// The parameters of each netns script, as the environment it reads: one place shared by the component and
// the script-level tests, so the tests run the scripts exactly as the component does.
import * as path from 'path';
import { preludedScript } from '../../script';
import { NODE_SSHD_DIRECTIVES, SSH_ENV_LIB, sshEnvironment } from '../ssh-env';
import { NetnsClusterPlan, NetnsNodePlan, renderHostsFile } from './plan';

/**
 * Root's private lock directory (0700, made and checked by the scripts): never world-writable /run/lock, where
 * anyone could plant a symlink for root to follow.
 */
export const LOCK_DIR = '/run/schedbench/lock';
/** Serialises host-wide network and cgroup changes of every netns cluster on this machine. */
export const HOST_LOCK_FILE = `${LOCK_DIR}/netns.lock`;

const SCRIPT_DIR = path.join(__dirname, 'scripts');

export type NetnsScript =
  'host-cores' | 'bridge-create' | 'bridge-delete' | 'node-create' | 'node-delete' | 'validate';

/** Absolute path of one of the backend's scripts. */
export function scriptPath(script: NetnsScript): string {
  return path.join(SCRIPT_DIR, `${script}.sh`);
}

/**
 * The command text the component gives a Command resource: `bash -c '<prelude + lib.sh + script>' <name>`
 * (components/prelude.sh, the backend's shared lib.sh; validate.sh, run over SSH, also ssh-env.sh).
 */
export function scriptCommand(script: NetnsScript): string {
  const libs = [...(script === 'validate' ? [SSH_ENV_LIB] : []), path.join(SCRIPT_DIR, 'lib.sh')];
  return preludedScript(SCRIPT_DIR, `${script}.sh`, libs);
}

/** What each node is given besides its place in the plan. */
export interface NodeResources {
  /** vCPUs: the node cgroup's CPU quota. */
  vcpus: number;
  /** Memory limit of the node cgroup (MiB). */
  memoryMiB: number;
}

export function bridgeEnvironment(plan: NetnsClusterPlan): Record<string, string> {
  return {
    CLUSTER: plan.cluster,
    SUBNET: plan.subnet,
    PREFIX: String(plan.prefix),
    HOST_ADDRESS: plan.hostAddress,
    BRIDGE: plan.bridge,
    STATE_ROOT: plan.stateRoot,
    CLUSTER_DIR: plan.clusterDir,
    HOSTS_FILE: plan.hostsFile,
    HOSTS_CONTENT: renderHostsFile(plan),
    CGROUP_PATH: plan.cgroup,
    LOCK_FILE: HOST_LOCK_FILE,
    STACK: plan.stack,
  };
}

/** Everything but the authorized key, which the component passes as an Output. */
export function nodeEnvironment(
  plan: NetnsClusterPlan,
  node: NetnsNodePlan,
  resources: NodeResources,
): Record<string, string> {
  return {
    CLUSTER: plan.cluster,
    NODE: node.name,
    ADDRESS: node.address,
    PREFIX: String(plan.prefix),
    BRIDGE: plan.bridge,
    NETNS: node.netns,
    VETH_HOST: node.vethHost,
    VETH_NODE: node.vethNode,
    NODE_DIR: node.stateDir,
    CLUSTER_DIR: plan.clusterDir,
    HOSTS_FILE: plan.hostsFile,
    CGROUP_PATH: node.cgroup,
    VCPUS: String(resources.vcpus),
    MEMORY_MIB: String(resources.memoryMiB),
    LOCK_FILE: HOST_LOCK_FILE,
    STACK: plan.stack,
    SSHD_DIRECTIVES: NODE_SSHD_DIRECTIVES,
  };
}

/** Sent over SSH, as SCHEDBENCH_* (the only names the node's sshd accepts). */
export function validateEnvironment(plan: NetnsClusterPlan, node: NetnsNodePlan): Record<string, string> {
  const peers = plan.nodes.filter((n) => n.name !== node.name).map((n) => n.name);
  return sshEnvironment({
    EXPECTED_NAME: node.name,
    EXPECTED_CGROUP: `/${node.cgroup}`,
    PEERS: peers.join(' '),
  });
}
