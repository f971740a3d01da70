// schedbench: one stack = one scheduler on one resource profile. Reads like DESIGN's data flow:
// config → identity → nodes → scheduler → workload runs → results → analysis.
import * as path from 'path';
import * as pulumi from '@pulumi/pulumi';
import { AnalysisReport } from './analysis/component';
import { loadStackConfig } from './components/config/pulumi';
import { RunIdentity } from './components/identity/identity';
import { clusterNodes } from './components/nodes/backend';
import { assertSchedulerAvailable, benchmark } from './components/schedulers';

const config = loadStackConfig();
assertSchedulerAvailable(config);
const identity = new RunIdentity(config.clusterName, { config, projectDir: __dirname });
const cluster = clusterNodes(config);
const bench = config.stopAfter === 'nodes' ? undefined : benchmark(config, cluster, identity);
const lastRun = bench?.runs[bench.runs.length - 1];
const analysis =
  config.stopAfter === 'analysis' && lastRun !== undefined
    ? new AnalysisReport(`${config.clusterName}-analysis`, {
        resultsDir: path.resolve(__dirname, config.resultsDir),
        runId: identity.runId,
        stack: config.stack,
        objectives: config.analysis.objectives,
        scope: config.analysis.scope,
        power: config.host.power && { ...config.host.power, cores: config.host.cores },
        projectDir: __dirname,
        dependsOn: lastRun.done,
      })
    : undefined;

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
export const warnings = cluster.warnings;
export const clusterPrivateKey = pulumi.secret(cluster.privateKey);
export const scheduler = bench === undefined ? null : bench.outputs;
export const report =
  analysis === undefined
    ? null
    : { path: analysis.reportPath, front: analysis.front, headline: analysis.headline };
