// One stack end to end through the local runner: the `local` stack (SLURM on two netns nodes of the `host`
// profile) with two short workloads, the analysis inside `up`, a second `up` that repeats nothing, and a `destroy`
// that leaves nothing behind but the results — under the longest stack name `validate` accepts, so the cluster's
// name is as long as it gets and every path derived from it (slurmstepd's sockets above all) is at its longest.
import { execFileSync } from 'child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'fs';
import * as path from 'path';
import { parse, stringify } from 'yaml';
import { clusterNameFor, MAX_STACK_NAME } from '../../../components/config/names';
import { RunResult } from '../../../results/schema';
import { runtimeDir } from '../../../components/schedulers/runtime-dir';
import { REPO, runRunner } from '../../helpers/runner';

const STACK = `e2e${process.pid}-`.padEnd(MAX_STACK_NAME, 'x');
const CLUSTER = clusterNameFor(STACK);
const dir = path.join(REPO, 'test-artifacts', `stack-${STACK}`);
const configFile = path.join(dir, `Pulumi.${STACK}.yaml`);
const resultsDir = path.join(dir, 'runs');

function netnsOfCluster(): string[] {
  return execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.includes(`${CLUSTER}-n`));
}

describe('stack local through the runner', () => {
  beforeAll(() => {
    mkdirSync(dir, { recursive: true });
    const local = parse(readFileSync(path.join(REPO, 'Pulumi.local.yaml'), 'utf8')) as {
      config: Record<string, unknown>;
    };
    writeFileSync(
      configFile,
      stringify({
        config: {
          ...local.config,
          'schedbench:workloads': ['mixed', 'throughput'],
          'schedbench:repetitions': 1,
          'schedbench:resultsDir': resultsDir,
        },
      }),
    );
  });

  afterAll(() => {
    runRunner('destroy', STACK, REPO, configFile);
  });

  it('up: validated cluster, results that validate, the report, outputs', () => {
    const up = runRunner('up', STACK, REPO, configFile);
    expect(up.status).toBe(0);
    expect(up.stdout).toContain('"scheduler": "slurm"');
    expect(up.stdout).toContain('"version": "22.05');
    expect(up.stdout).toContain('clusterPrivateKey: "[secret]"');
    const runId = /runId: "(\d{8}T\d{6}Z_[0-9a-f]{12})"/.exec(up.stdout)?.[1];
    expect(runId).toBeDefined();
    const stackDir = path.join(resultsDir, String(runId), STACK);
    const files = readdirSync(stackDir).filter((f) => f.endsWith('.json') && f !== 'config.json');
    expect(files.sort()).toEqual(['mixed-r1.json', 'throughput-r1.json']);
    for (const file of files) {
      const result = RunResult.parse(JSON.parse(readFileSync(path.join(stackDir, file), 'utf8')));
      expect(result.status).toBe('ok');
      expect(result.jobs.length).toBe(result.workload.specCount);
      expect(result.jobs.every((j) => j.state === 'COMPLETED')).toBe(true);
      // The `host` profile is sized from this machine: never more vCPUs than it has, and it says so.
      expect(result.provenance.oversubscribed).toBe(false);
      expect(result.profile.name).toBe('host');
      expect(result.provenance.profileSizedFrom?.cores).toBeGreaterThanOrEqual(result.profile.vcpus);
      expect(result.nodeSamples.length).toBeGreaterThan(0);
    }
    expect(existsSync(path.join(stackDir, 'config.json'))).toBe(true);
    const reportPath = /"path": "([^"]+report\.html)"/.exec(up.stdout)?.[1];
    expect(reportPath !== undefined && existsSync(reportPath)).toBe(true);
    expect(netnsOfCluster()).toHaveLength(2);
  });

  it('a second up repeats no workload run', () => {
    const again = runRunner('up', STACK, REPO, configFile);
    expect(again.status).toBe(0);
    expect(again.stdout).not.toMatch(/\+ command:remote:Command +\S+-submit/);
    expect(again.stdout).toMatch(/= command:remote:Command +\S+-mixed-r1-submit +unchanged/);
  });

  it('destroy leaves no namespace, daemon or state, and keeps the results', () => {
    const down = runRunner('destroy', STACK, REPO, configFile);
    expect(down.status).toBe(0);
    expect(netnsOfCluster()).toEqual([]);
    const leftover = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })
      .split('\n')
      .filter((line) => line.includes(`/${CLUSTER}/`));
    expect(leftover).toEqual([]);
    expect(CLUSTER).toHaveLength(20);
    expect(existsSync(path.join('/var/lib/schedbench', CLUSTER))).toBe(false);
    // slurmd's spool, with slurmstepd's sockets, lived in the cluster's short runtime directory: gone too.
    expect(existsSync(runtimeDir(path.join('/var/lib/schedbench', CLUSTER, 'slurm')))).toBe(false);
    expect(existsSync(path.join(REPO, '.schedbench', 'state', `${STACK}.json`))).toBe(false);
    const runDirs = readdirSync(resultsDir).filter((d) => /^\d{8}T\d{6}Z_[0-9a-f]{12}$/.test(d));
    expect(runDirs).toHaveLength(1);
    expect(readdirSync(path.join(resultsDir, runDirs[0], STACK))).toContain('mixed-r1.json');
  });
});
