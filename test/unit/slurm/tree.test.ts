// The SLURM stack's resource tree under Pulumi mocks: named stages in dependency order, secrets only on stdin,
// runs strictly one after another, outputs as documented.
import { spawnSync } from 'child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import * as pulumi from '@pulumi/pulumi';

interface Call {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
  start: number;
  end: number;
}
const calls: Call[] = [];
let clock = 0;
const SECRET_SIG = '4dabf18193072939515e22adb298388d';

function stdoutFor(name: string): string {
  if (name.endsWith('-munge-key')) return 'MUNGEKEYSECRET';
  if (name.endsWith('-db-password')) return 'DBPASSWORDSECRET0123';
  if (name.includes('-install-'))
    return JSON.stringify({
      packages: { slurm: '22.05.8' },
      os: 'Debian',
      kernel: '6',
      host: 'h',
      hostCpus: 2,
    });
  if (name.endsWith('-validate'))
    return JSON.stringify({ slurmVersion: '22.05.8', validated: true, nodes: [] });
  if (name.endsWith('-check')) return 'todo';
  if (name.endsWith('-submit'))
    return JSON.stringify({ startedAt: 'x', endedAt: 'y', jobs: [{ id: '1', specIndex: 0, name: 'n' }] });
  if (name.endsWith('-write'))
    return JSON.stringify({
      path: `/r/${name}.json`,
      status: 'ok',
      jobsCompleted: 1,
      jobsFailed: 0,
      jobsCancelled: 0,
      jobsUnfinished: 0,
      makespanSeconds: 3,
    });
  return '{}';
}

pulumi.runtime.setMocks(
  {
    newResource: async (args) => {
      const start = clock++;
      // Let every resource take a little while, so an ignored dependency would show in the order.
      await new Promise((r) => setTimeout(r, 2));
      calls.push({ type: args.type, name: args.name, inputs: args.inputs, start, end: clock++ });
      return { id: `${args.name}-id`, state: { ...args.inputs, stdout: stdoutFor(args.name), stderr: '' } };
    },
    call: (args) => args.inputs,
  },
  'schedbench',
  'unit',
  false,
);

class Ready extends pulumi.CustomResource {
  constructor(name: string) {
    super('test:index:Ready', name, {});
  }
}

function valueOf<T>(o: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => o.apply(resolve));
}

function find(suffix: string): Call {
  const c = calls.find((x) => x.name.endsWith(suffix));
  if (c === undefined) throw new Error(`no resource ${suffix}; have ${calls.map((x) => x.name).join(', ')}`);
  return c;
}
const REPO = path.join(__dirname, '..', '..', '..');

function before(a: string, b: string): void {
  expect([a, find(a).end]).toEqual([a, expect.any(Number)]);
  expect(find(a).end).toBeLessThan(find(b).start);
}

describe('the SLURM benchmark resource tree (the run loop over the SLURM member of the contract)', () => {
  let outputs: { scheduler: string; version: string; runs: Record<string, unknown> };

  beforeAll(async () => {
    const { benchmark } = await import('../../../workloads/benchmark');
    const { BenchConfigSchema } = await import('../../../components/config/schema');
    const cfg = {
      ...BenchConfigSchema.parse({
        scheduler: 'slurm',
        profile: 'small',
        backend: { type: 'netns' },
        workloads: ['cpu_intensive', 'throughput'],
        repetitions: 2,
      }),
      clusterName: 'local',
      stack: 'local',
    };
    const ready = new Ready('ready');
    const nodes = [1, 2].map((i) => ({
      name: `local-n${i}`,
      address: `10.213.7.${9 + i}`,
      connection: {
        host: `10.213.7.${9 + i}`,
        port: 22,
        user: 'root',
        privateKey: pulumi.secret('KEY'),
        hostKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHOSTKEY',
      },
      vcpus: 4,
      memoryMiB: 8192,
      backend: 'netns' as const,
      interface: 'eth0',
      stateDir: `/var/lib/schedbench/local/local-n${i}`,
      ready,
    }));
    const stack = benchmark({
      config: cfg,
      nodes: {
        nodes,
        privateKey: pulumi.secret('KEY'),
        oversubscribed: pulumi.output(true),
        virtualization: pulumi.output(null),
        imageDigest: pulumi.output(null),
        warnings: pulumi.output([]),
      },
      identity: { runId: '20261126T080000Z_0123456789ab', configHash: 'f'.repeat(64) },
      projectDir: '/project',
    });
    outputs = await valueOf(stack.outputs);
  });

  test('the cluster stages run in order: install → configure → munge → MariaDB → controller → slurmd → validate', () => {
    for (const n of ['local-n1', 'local-n2']) {
      before(`local-install-${n}`, `local-configure-${n}`);
      before(`local-configure-${n}`, `local-munge-${n}`);
      before(`local-munge-${n}`, `local-slurmd-${n}`);
      before(`local-slurmd-${n}`, 'local-validate');
    }
    before('local-munge-local-n1', 'local-db');
    before('local-db', 'local-controller');
    before('local-controller', 'local-slurmd-local-n2');
  });

  test('every stage that starts something has a delete that stops it', () => {
    for (const suffix of [
      '-configure-local-n1',
      '-munge-local-n1',
      '-db',
      '-controller',
      '-slurmd-local-n2',
      '-validate',
    ]) {
      expect(typeof find(suffix).inputs.delete).toBe('string');
    }
  });

  test('the munge key and the database password travel only as secret stdin', () => {
    for (const suffix of ['-configure-local-n1', '-configure-local-n2', '-db', '-controller']) {
      const stdin = find(suffix).inputs.stdin as Record<string, unknown>;
      expect(stdin[SECRET_SIG]).toBeDefined();
    }
    const everythingElse = JSON.stringify(
      calls.map((c) => ({ create: c.inputs.create, env: c.inputs.environment })),
    );
    expect(everythingElse).not.toContain('MUNGEKEYSECRET');
    expect(everythingElse).not.toContain('DBPASSWORDSECRET0123');
  });

  test('scripts get their parameters from the environment, not spliced into the command', () => {
    const configure = find('-configure-local-n1');
    const env = configure.inputs.environment as Record<string, string>;
    // Sent as SCHEDBENCH_* (components/nodes/remote.ts): the only names node sshds accept.
    expect(env.SCHEDBENCH_NODE).toBe('local-n1');
    expect(env.SCHEDBENCH_SLURM_CONF_TEXT).toContain('NodeName=local-n2');
    // The job wrapper and the launcher of a job's tasks, installed side by side on every node.
    expect(env.SCHEDBENCH_JOB_SCRIPT_TEXT).toContain('SCHEDBENCH_TASK_VAR');
    expect(env.SCHEDBENCH_TASKS_SCRIPT_TEXT).toContain('srun --kill-on-bad-exit=1');
    expect(Object.keys(env).every((k) => k.startsWith('SCHEDBENCH_'))).toBe(true);
    expect(String(configure.inputs.create)).not.toContain('local-n1');
  });

  test('validation is bounded by slurm.validateTimeoutSeconds; the install stage gets the packages to check', () => {
    const validate = find('local-validate').inputs.environment as Record<string, string>;
    expect(validate.SCHEDBENCH_VALIDATE_TIMEOUT).toBe('60');
    const install = find('local-install-local-n2').inputs.environment as Record<string, string>;
    expect(install.SCHEDBENCH_PACKAGES.split(' ')).toEqual(
      expect.arrayContaining(['slurmctld', 'stress-ng', 'jq']),
    );
  });

  test('runs are strictly sequential: each workload run starts after the previous one wrote its result', () => {
    const order = ['cpu-intensive-r1', 'cpu-intensive-r2', 'throughput-r1', 'throughput-r2'];
    before('local-validate', 'local-cpu-intensive-r1-check');
    for (let i = 1; i < order.length; i++) before(`local-${order[i - 1]}-write`, `local-${order[i]}-check`);
    for (const run of order) {
      before(`local-${run}-check`, `local-${run}-sampler-local-n1`);
      before(`local-${run}-sampler-local-n2`, `local-${run}-submit`);
      before(`local-${run}-sched-sampler`, `local-${run}-submit`);
      before(`local-${run}-submit`, `local-${run}-wait`);
      before(`local-${run}-wait`, `local-${run}-collect`);
      // Samplers stop as soon as the jobs are done, beside collect: both before the write.
      before(`local-${run}-wait`, `local-${run}-sampler-stop-local-n1`);
      before(`local-${run}-wait`, `local-${run}-sched-sampler-stop`);
      expect(find(`local-${run}-sampler-stop-local-n1`).start).toBeLessThan(find(`local-${run}-collect`).end);
      for (const last of ['collect', 'sampler-stop-local-n1', 'sampler-stop-local-n2', 'sched-sampler-stop'])
        before(`local-${run}-${last}`, `local-${run}-write`);
    }
  });

  test('every node makes the run job files directory before submit; netns nodes share it, so nothing is gathered', () => {
    const dir = find('local-throughput-r2-sampler-local-n2').inputs.environment as Record<string, string>;
    expect(dir.SCHEDBENCH_JOB_FILES_DIR).toMatch(/\/jobs\/out\/.*\.local\.throughput-r2$/);
    before('local-throughput-r2-sampler-local-n2', 'local-throughput-r2-submit');
    expect(calls.map((c) => c.name).filter((n) => n.includes('-job-files-'))).toEqual([]);
  });

  test('the check stage starts the writer only when there is a result file to judge', () => {
    const create = String(find('local-throughput-r2-check').inputs.create);
    const run = (resultPath: string) =>
      spawnSync('/bin/sh', ['-c', create], {
        encoding: 'utf8',
        // A writer that would fail: a missing file must be answered without it.
        env: {
          ...process.env,
          RESULT_PATH: resultPath,
          SCHEDBENCH_TS_LOADER: 'file:///nonexistent/loader.mjs',
          SCHEDBENCH_WRITER: 'x',
          SCHEDBENCH_WRITER_BUNDLE: '/nonexistent/write-result.cjs',
        },
      });
    const missing = run('/nonexistent/schedbench/result.json');
    expect(missing.status).toBe(0);
    expect(missing.stdout).toBe('todo');
    expect(run(__filename).status).not.toBe(0);
  });

  test("check and write run the writer's bundle, written before the first run; the TypeScript when it is gone", () => {
    const bundleWrite = find('local-writer-write');
    before('local-writer-write', 'local-cpu-intensive-r1-check');
    const out = (bundleWrite.inputs.environment as Record<string, string>).OUT;
    expect(out).toBe(path.join(REPO, '.schedbench', 'build', 'local', 'write-result.cjs'));
    const dir = mkdtempSync(path.join(tmpdir(), 'schedbench-writer-'));
    try {
      const fake = path.join(dir, 'fake.cjs');
      writeFileSync(fake, 'process.stdout.write("bundle:" + process.argv.slice(2).join(" "));');
      for (const stageName of ['check', 'write']) {
        const stage = find(`local-throughput-r2-${stageName}`);
        const env = stage.inputs.environment as Record<string, string>;
        expect(env.SCHEDBENCH_WRITER_BUNDLE).toBe(out);
        const run = (bundle: string) =>
          spawnSync('/bin/sh', ['-c', String(stage.inputs.create)], {
            encoding: 'utf8',
            input: '{}',
            env: {
              ...process.env,
              RESULT_PATH: __filename,
              SCHEDBENCH_WRITER_BUNDLE: bundle,
              SCHEDBENCH_TS_LOADER: 'file:///nonexistent/loader.mjs',
              SCHEDBENCH_WRITER: 'x',
            },
          });
        expect(run(fake)).toMatchObject({ status: 0, stdout: `bundle:${stageName}` });
        // No bundle: the TypeScript through tsx's loader (here a loader that is not there, so it fails).
        const fallback = run(path.join(dir, 'gone.cjs'));
        expect(fallback.status).not.toBe(0);
        expect(fallback.stderr).toContain('/nonexistent/loader.mjs');
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a run submits its plan with job names carrying the run id, and the writer receives the bundle', () => {
    const env = find('local-throughput-r2-submit').inputs.environment as Record<string, string>;
    expect(env.SCHEDBENCH_JOB_PREFIX).toBe('20261126T080000Z_0123456789ab.local.throughput-r2.');
    // specIndex count offset interval nodes tasksPerNode cpus memoryMiB minutes priority kind
    expect(env.SCHEDBENCH_PLAN).toMatch(/^0 50 0 0 1 1 1 16 1 normal noop$/);
    const write = find('local-throughput-r2-write');
    const bundle = JSON.parse(String(write.inputs.stdin)) as {
      meta: {
        workload: unknown;
        scheduler: unknown;
        schedulerProvenance: { version: string; settings: unknown };
      };
    };
    expect(bundle.meta.workload).toEqual({
      name: 'throughput',
      specCount: 50,
      groups: [{ name: 'noop', count: 50, nodes: 1, tasksPerNode: 1, cpusPerTask: 1, expectedSeconds: 0.1 }],
      offeredLoad: null,
    });
    expect(bundle.meta.scheduler).toBe('slurm');
    expect(bundle.meta.schedulerProvenance.version).toBe('22.05.8');
    expect(bundle.meta.schedulerProvenance.settings).toEqual({
      tuning: 'default',
      partition: 'batch',
      schedulerParameters: 'bf_interval=1,bf_resolution=1',
      priorityType: 'priority/basic',
    });
    expect((write.inputs.environment as Record<string, string>).RESULT_PATH).toBe(
      '/project/runs/20261126T080000Z_0123456789ab/local/throughput-r2.json',
    );
  });

  test('stack outputs: the cluster and one summary per run', () => {
    expect(outputs.scheduler).toBe('slurm');
    expect(outputs.version).toBe('22.05.8');
    expect(Object.keys(outputs.runs)).toEqual([
      'cpu_intensive-r1',
      'cpu_intensive-r2',
      'throughput-r1',
      'throughput-r2',
    ]);
    expect(outputs.runs['throughput-r1']).toMatchObject({
      status: 'ok',
      jobsCompleted: 1,
      makespanSeconds: 3,
    });
  });

  test('component type tokens and names', () => {
    expect(calls.filter((c) => c.type === 'schedbench:slurm:Cluster').map((c) => c.name)).toEqual(['local']);
    expect(calls.filter((c) => c.type === 'schedbench:workloads:Run').map((c) => c.name)).toEqual([
      'local-cpu-intensive-r1',
      'local-cpu-intensive-r2',
      'local-throughput-r1',
      'local-throughput-r2',
    ]);
  });
});
