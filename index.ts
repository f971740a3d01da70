// schedbench: one stack = one scheduler on one resource profile. Reads like DESIGN's data flow:
// config → identity → nodes → scheduler → workload runs → results → analysis.
import * as pulumi from '@pulumi/pulumi';
import { loadStackConfig } from './components/config/pulumi';
import { RunIdentity } from './components/identity/identity';
import { clusterNodes } from './components/nodes/backend';
import { schedulerCluster } from './components/slurm';

const config = loadStackConfig();
const identity = new RunIdentity(config.clusterName, { config, projectDir: __dirname });
const cluster = clusterNodes(config);
const bench = config.stopAfter === 'nodes' ? undefined : schedulerCluster(config, cluster.nodes, identity);

export const runId = identity.runId;
export const configHash = identity.configHash;
export const configSnapshot = identity.snapshotPath;
export const nodes = cluster.nodes.map((n) => ({
  name: n.name,
  address: n.address,
  vcpus: n.vcpus,
  memoryMiB: n.memoryMiB,
}));
export const oversubscribed = cluster.oversubscribed;
export const virtualization = cluster.virtualization;
export const clusterPrivateKey = pulumi.secret(cluster.privateKey);
export const scheduler = bench === undefined ? null : bench.outputs;
