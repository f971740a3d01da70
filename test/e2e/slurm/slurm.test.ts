// End to end on 2 real netns test nodes over real SSH: the SLURM stack (cluster + every catalog workload × 2)
// stands up, validates, runs and writes RunResult files that validate and are consistent; a slurmd killed
// mid-run gives NODE_FAIL and a degraded result; tearing down leaves no process, file or database behind.
// Needs root. Command resources are executed by test/e2e/slurm/executor.ts (Pulumi mocks that run them).
import { execFileSync } from 'child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import * as pulumi from '@pulumi/pulumi';
import { RunResult } from '../../../analysis/schema';
import type { Node } from '../../../components/nodes/types';
import { CommandExecutor, ReadyMarker, valueOf } from './executor';
import { runRemote } from './remote';

jest.setTimeout(900_000);

const TESTNODES = path.join(__dirname, 'testnodes.sh');
// Per-process names and subnet: two runs of this suite at once (several engineers, CI) must not collide.
const TAG = `e${process.pid % 10000}`;
const nodeEnv = {
  TAG,
  COUNT: '2',
  OCTET: String(150 + (process.pid % 80)),
  ROOT: `/tmp/schedbench-slurm-${TAG}`,
  VCPUS: '2',
  MEMORY_MIB: '2048',
};
const STATE_ROOT = `/var/lib/schedbench-slurm-${TAG}`;
const CLUSTER = `sb${TAG}`;

interface TestNode {
  name: string;
  address: string;
  interface: string;
  stateDir: string;
}

function testNodes(action: 'create' | 'delete'): { key: string; nodes: TestNode[] } {
  const out = execFileSync('bash', [TESTNODES], {
    env: { ...process.env, ...nodeEnv, ACTION: action },
    encoding: 'utf8',
  });
  return JSON.parse(out) as { key: string; nodes: TestNode[] };
}

const executor = new CommandExecutor();
let key = '';
let nodes: Node[] = [];
const resultsDir = mkdtempSync(path.join(tmpdir(), 'schedbench-slurm-results-'));

beforeAll(() => {
  testNodes('delete');
  const made = testNodes('create');
  key = readFileSync(made.key, 'utf8');
  pulumi.runtime.setMocks(executor.mocks(), 'schedbench', 'e2e', false);
  const ready = new ReadyMarker('nodes-ready');
  nodes = made.nodes.map((n) => ({
    ...n,
    connection: { host: n.address, port: 22, user: 'root', privateKey: pulumi.secret(key) },
    vcpus: 2,
    memoryMiB: 2048,
    backend: 'netns' as const,
    ready,
  }));
});

afterAll(async () => {
  await executor.destroy();
  testNodes('delete');
  rmSync(STATE_ROOT, { recursive: true, force: true });
  rmSync(resultsDir, { recursive: true, force: true });
});

function results(runDir: string): RunResult[] {
  const dir = path.join(resultsDir, runDir, 'e2e');
  return execFileSync('ls', [dir], { encoding: 'utf8' })
    .split('\n')
    .filter((f) => f.endsWith('.json'))
    .map((f) => RunResult.parse(JSON.parse(readFileSync(path.join(dir, f), 'utf8'))));
}

describe('SLURM on two netns nodes', () => {
  let runId = '';
  let lastRun: pulumi.Resource | undefined;
  let stackModule: typeof import('../../../components/slurm/index');
  let cluster: import('../../../components/slurm/cluster').SlurmCluster | undefined;
  let faultRun: pulumi.Resource | undefined;

  /** A run of `count` one-CPU stress jobs that claim `expectedSeconds` and run `runSeconds`. */
  async function stressRun(
    workload: string,
    count: number,
    expectedSeconds: number,
    runSeconds: number,
    timeoutFactor: number,
    after: pulumi.Resource,
  ) {
    const { WorkloadRun } = await import('../../../workloads/run');
    if (cluster === undefined) throw new Error('no cluster');
    return new WorkloadRun(`${CLUSTER}-${workload}-r1`, {
      cluster,
      workload,
      repetition: 1,
      specs: [
        {
          count,
          cpus: 1,
          memoryMiB: 64,
          expectedSeconds,
          kind: 'stress',
          args: ['--cpu', '1', '--timeout', `${runSeconds}s`],
          arrival: { offsetSeconds: 0, intervalSeconds: 0 },
        },
      ],
      profile: { name: 'tiny', nodes: 2, vcpus: 2, memoryGiB: 2 },
      identity: { runId, configHash: 'b'.repeat(64) },
      stack: 'e2e',
      sampling: { intervalMs: 1000, statsIntervalSeconds: 30 },
      idleGapSeconds: 0,
      timeoutFactor,
      resultsDir,
      schedbenchVersion: 'test',
      after,
    });
  }

  test('stands up a validated cluster and runs every catalog workload twice with consistent results', async () => {
    stackModule = await import('../../../components/slurm/index');
    const { BenchConfigSchema } = await import('../../../components/config/schema');
    const identity = await import('../../../components/config/identity');
    const parsed = BenchConfigSchema.parse({
      scheduler: 'slurm',
      profile: 'tiny',
      profiles: { tiny: { nodes: 2, vcpus: 2, memoryGiB: 2 } },
      backend: { type: 'netns', stateDir: STATE_ROOT },
      repetitions: 2,
      idleGapSeconds: 2,
      resultsDir,
      slurm: { slurmdTimeoutSeconds: 5 },
    });
    const cfg = { ...parsed, clusterName: CLUSTER, stack: 'e2e' };
    const hash = identity.configHash(cfg);
    runId = identity.runId(identity.utcStamp(new Date()), hash);
    const stack = stackModule.schedulerCluster(cfg, nodes, { runId, configHash: hash });
    const outputs = await valueOf(stack.outputs, executor);
    lastRun = stack.runs[stack.runs.length - 1]?.done;
    cluster = stack.cluster;

    expect(outputs.slurmVersion).toMatch(/^\d+\.\d+\.\d+/);
    expect(Object.keys(outputs.runs).sort()).toEqual(
      ['cpu_intensive', 'memory_intensive', 'mixed', 'throughput']
        .flatMap((w) => [`${w}-r1`, `${w}-r2`])
        .sort(),
    );
    const all = results(runId);
    expect(all).toHaveLength(8);
    for (const r of all) {
      const label = `${r.workload.name}-r${r.repetition}`;
      expect([label, r.status, r.notes]).toEqual([label, 'ok', []]);
      expect(r.jobs).toHaveLength(r.workload.specCount);
      expect(r.submission.count).toBe(r.workload.specCount);
      expect(new Set(r.jobs.map((j) => j.id)).size).toBe(r.jobs.length);
      for (const j of r.jobs) {
        expect(j.state).toBe('COMPLETED');
        expect(j.exitCode).toBe(0);
        expect(j.name.startsWith(`${runId}.${r.workload.name}.r${r.repetition}.`)).toBe(true);
        expect(Date.parse(j.startTime ?? '')).toBeGreaterThanOrEqual(Date.parse(j.submitTime));
        expect(Date.parse(j.endTime ?? '')).toBeGreaterThanOrEqual(Date.parse(j.startTime ?? ''));
        expect(j.nodes.length).toBe(1);
      }
      for (const n of r.nodes) expect(n.sources.cpu).toMatch(/^cgroup-v1:cpuacct.usage /);
      expect(r.schedulerStats.map((s) => s.phase)).toEqual(expect.arrayContaining(['before', 'after']));
      expect(r.schedulerSamples.some((s) => s.running > 0 || s.pending > 0)).toBe(true);
      expect(r.provenance.backend).toBe('netns');

      if (r.workload.name !== 'throughput') {
        // Node CPU samples show load while jobs run and near idle in the gap before submission.
        for (const n of r.nodes) {
          const mine = r.nodeSamples.filter((s) => s.node === n.name);
          const before = mine.filter((s) => Date.parse(s.time) < Date.parse(r.submission.startedAt));
          const firstStart = Math.min(...r.jobs.map((j) => Date.parse(j.startTime ?? '')));
          const lastEnd = Math.max(...r.jobs.map((j) => Date.parse(j.endTime ?? '')));
          const during = mine.filter((s) => Date.parse(s.time) > firstStart && Date.parse(s.time) <= lastEnd);
          expect(before.length).toBeGreaterThan(0);
          // The host's 2 cores are shared with whatever else runs here: assert a clear rise, not a level.
          const idle = Math.min(...before.map((s) => s.cpuBusy));
          expect(idle).toBeLessThan(0.1);
          expect(Math.max(...during.map((s) => s.cpuBusy))).toBeGreaterThan(idle + 0.1);
        }
        for (const j of r.jobs) expect(Object.keys(j.metrics).length).toBeGreaterThan(0);
      }
      if (r.workload.name === 'memory_intensive') {
        for (const j of r.jobs) expect(j.maxRssMiB ?? 0).toBeGreaterThan(100);
      }
    }
  });

  test('a second up resumes without duplicating finished runs', async () => {
    const before = readFileSync(path.join(resultsDir, runId, 'e2e', 'cpu_intensive-r1.json'), 'utf8');
    const out = execFileSync(
      path.join(__dirname, '../../../node_modules/.bin/tsx'),
      [path.join(__dirname, '../../../workloads/write-result.ts'), 'check'],
      {
        env: { ...process.env, RESULT_PATH: path.join(resultsDir, runId, 'e2e', 'cpu_intensive-r1.json') },
        encoding: 'utf8',
      },
    );
    expect(out).toBe('done');
    expect(readFileSync(path.join(resultsDir, runId, 'e2e', 'cpu_intensive-r1.json'), 'utf8')).toBe(before);
  });

  test('a slurmd killed mid-run gives NODE_FAIL records and a degraded run', async () => {
    const victim = nodes[1];
    if (victim === undefined || cluster === undefined || lastRun === undefined)
      throw new Error('setup missing');
    // Long enough for slurmctld to declare the node down (SlurmdTimeout 5 s) while the jobs still run.
    const run = await stressRun('fault', 4, 45, 45, 4, lastRun);
    // Kill the victim's slurmd once one of the run's jobs is running there (a bounded poll).
    const target = { host: cluster.controller.address, privateKey: key };
    const root = cluster.layout.root;
    let killed = false;
    for (let i = 0; i < 240 && !killed; i++) {
      const q = await runRemote(target, `SLURM_CONF=${root}/etc/slurm.conf squeue -h -t R -o '%j|%N'`);
      if (q.stdout.split('\n').some((l) => l.includes('.fault.r1.') && l.endsWith(`|${victim.name}`))) {
        const k = await runRemote(
          { host: victim.address, privateKey: key },
          `kill -9 "$(cat ${root}/nodes/${victim.name}/slurmd.pid)"`,
        );
        expect(k.code).toBe(0);
        killed = true;
      } else {
        await new Promise((r) => setTimeout(r, 250));
      }
    }
    expect(killed).toBe(true);
    faultRun = run.done;
    const summary = await valueOf(run.summary, executor);
    expect(summary.status).toBe('degraded');
    const result = RunResult.parse(JSON.parse(readFileSync(summary.path, 'utf8')));
    expect(result.status).toBe('degraded');
    const failed = result.jobs.filter((j) => j.state === 'NODE_FAIL');
    expect(failed.length).toBeGreaterThan(0);
    for (const j of failed) expect(j.nodes).toEqual([victim.name]);
    expect(
      result.jobs.filter((j) => j.state === 'COMPLETED').every((j) => !j.nodes.includes(victim.name)),
    ).toBe(true);
    expect(result.notes.join(' ')).toContain(victim.name);
  });

  test('a run that outlives its bound is cancelled and recorded as timeout', async () => {
    if (lastRun === undefined) throw new Error('setup missing');
    // Claims 1 s but runs 120 s: the bound (1 s × factor 1 + the 30 s allowance) cancels it.
    const run = await stressRun('late', 1, 1, 120, 1, faultRun ?? lastRun);
    const summary = await valueOf(run.summary, executor);
    expect(summary.status).toBe('timeout');
    const result = RunResult.parse(JSON.parse(readFileSync(summary.path, 'utf8')));
    expect(result.jobs).toHaveLength(1);
    expect(result.jobs[0]?.state).toBe('CANCELLED');
    expect(result.notes.join(' ')).toMatch(/hit its \d+s bound; cancelled: \d+/);
  });

  test('tearing down leaves no daemon, file or database behind', async () => {
    const errors = await executor.destroy();
    expect(errors).toEqual([]);
    const left = execFileSync(
      'bash',
      ['-c', `pgrep -af '[${STATE_ROOT[0]}]${STATE_ROOT.slice(1)}' || true`],
      { encoding: 'utf8' },
    );
    expect(left).toBe('');
    // <stateDir>/<cluster>/ belongs to the node backend; the SLURM cluster's own root must be gone.
    expect(existsSync(path.join(STATE_ROOT, CLUSTER, 'slurm'))).toBe(false);
  });
});
