// schedbench: one stack = one scheduler on one resource profile. Reads like DESIGN's data flow:
// config → identity → nodes → scheduler → workload runs → results → analysis.
import { loadStackConfig } from './components/config/pulumi';
import { RunIdentity } from './components/identity/identity';

const config = loadStackConfig();
const identity = new RunIdentity(config.clusterName, { config, projectDir: __dirname });

export const runId = identity.runId;
export const configHash = identity.configHash;
export const configSnapshot = identity.snapshotPath;
