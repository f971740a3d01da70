// schedbench: one stack = one scheduler on one resource profile. Reads like the data flow:
// config → identity → nodes → scheduler → workload runs → results → analysis.
import * as pulumi from '@pulumi/pulumi';
import { AnalysisReport } from './analysis/component';
import { loadStackConfig } from './components/config/pulumi';
import { RunIdentity } from './components/identity/identity';
import { Tracking } from './components/tracking/component';
import { clusterNodes } from './components/nodes/backend';
import { resolveResultsDir } from './results/vocabulary';
import { benchmark } from './workloads/benchmark';

const config = loadStackConfig();
const identity = new RunIdentity(config.clusterName, { config, projectDir: __dirname });
const cluster = clusterNodes(config);
const bench =
  config.stopAfter === 'nodes'
    ? undefined
    : benchmark({ config, nodes: cluster, identity, projectDir: __dirname });
const lastRun = bench?.runs[bench.runs.length - 1];
const analysis =
  config.stopAfter === 'analysis' && lastRun !== undefined
    ? new AnalysisReport(`${config.clusterName}-analysis`, {
        resultsDir: resolveResultsDir(__dirname, config.resultsDir),
        runId: identity.runId,
        stack: config.stack,
        objectives: config.analysis.objectives,
        scope: config.analysis.scope,
        power: config.host.power && { ...config.host.power, cores: config.host.cores },
        projectDir: __dirname,
        dependsOn: lastRun.done,
        // Analyse again when a run wrote a new result, not on every `up`: a second `up` changes nothing.
        trigger: pulumi.all(bench?.runs.map((r) => r.summary) ?? []).apply((s) => JSON.stringify(s)),
      })
    : undefined;
// One MLflow run per RunResult, the report attached; off unless schedbench:tracking is set.
const tracking =
  config.tracking && bench
    ? new Tracking(`${config.clusterName}-tracking`, {
        uri: config.tracking.mlflow.uri,
        experiment: config.tracking.experiment,
        runs: bench.runs,
        resultsDir: resolveResultsDir(__dirname, config.resultsDir),
        stack: config.stack,
        runId: identity.runId,
        campaignId: config.campaignId,
        report: analysis && { reportPath: analysis.reportPath, command: analysis.command },
      })
    : undefined;
export const tracked = tracking ? { runs: tracking.runs, report: tracking.report } : null;

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
