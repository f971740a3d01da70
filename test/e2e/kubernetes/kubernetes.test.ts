// End to end through the product's own path: the local runner runs the e2e program (test/fixtures/program) with
// scheduler kubernetes on two NetnsNodes over real SSH. The binaries and images come from the cache (setup.sh
// builds them; a cold cache is built here, which takes long). Kubernetes stands up and validates — /readyz,
// both nodes Ready with allocatable = the profile, one pod per node completed on that node — runs every catalog
// workload once as batch/v1 Jobs (the apiserver validating each strictly), jobs of several pods (a group of 2 nodes
// × 2 tasks as Indexed Jobs, the `backfill` and `wide` presets) and a run of faults (a job that exits 3, one that
// outgrows its memory limit), writes RunResults the analysis reads, and `destroy` leaves no
// process, mount, interface, cgroup or file behind. The benchmark's in-cluster objects (@pulumi/kubernetes
// resources) are applied by the runner with server-side apply, shown by `preview` and deleted by `destroy`; the
// stages act as their ServiceAccount. A kubelet killed mid-run degrades that run; `up` again resumes without
// repeating a finished run. Needs root.
import { execFileSync, spawnSync } from 'child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import * as path from 'path';
import { clusterNameFor } from '../../../components/config/names';
import { kubernetesBinDir } from '../../../components/kubernetes/cli';
import { clusterLayout, nodePaths } from '../../../components/kubernetes/layout';
import { RUNTIME_ROOT } from '../../../components/schedulers/runtime-dir';
import { adminKubectl, TWO_NODE_KUBERNETES } from '../../helpers/kubernetes';
import { recordFault } from '../../helpers/fault-matrix';
import { captureDaemon, restartDaemon } from '../../helpers/restart';
import { REPO, runRunner, startRunner, type RunnerResult, type StartedRunner } from '../../helpers/runner';
import { writeNetnsStack } from '../../helpers/stack';
import { parseRunResult } from '../../../results/read';
import type { RunResult, TaskRecord } from '../../../results/schema';
import { DEFAULT_WORKLOADS } from '../../../workloads/names';
import type { ExtraRun } from '../../fixtures/program/extra';

jest.setTimeout(45 * 60 * 1000);

const PROGRAM = path.join(REPO, 'test', 'fixtures', 'program');
// Per-process stack (and so cluster, subnet): two runs of this suite at once must not collide.
const STACK = `k8e${process.pid % 100000}`;
const CLUSTER = clusterNameFor(STACK);
const dir = path.join(REPO, 'test-artifacts', `kubernetes-${STACK}`);
const configFile = path.join(dir, `Pulumi.${STACK}.yaml`);
const K8S_ROOT = path.join('/var/lib/schedbench', CLUSTER, 'kubernetes');
const GiB = 1024 ** 3;
const resultsDir = path.join(dir, 'runs');

/** A job that exits 3 and one whose stress-ng touches 4× the memory its pod may use, beside one that succeeds. */
const FAULTS: ExtraRun = {
  workload: 'faults',
  timeoutFactor: 20,
  specs: [
    {
      count: 1,
      nodes: 1,
      tasksPerNode: 1,
      priority: 'normal' as const,
      cpus: 1,
      memoryMiB: 32,
      expectedSeconds: 1,
      kind: 'fail',
      args: ['3'],
      arrival: { offsetSeconds: 0, intervalSeconds: 0 },
    },
    {
      count: 1,
      nodes: 1,
      tasksPerNode: 1,
      priority: 'normal' as const,
      cpus: 1,
      memoryMiB: 64,
      expectedSeconds: 3,
      kind: 'stress',
      args: ['--vm', '1', '--vm-bytes', '256M', '--vm-keep', '--oomable', '--timeout', '10s'],
      arrival: { offsetSeconds: 0, intervalSeconds: 0 },
    },
    {
      count: 1,
      nodes: 1,
      tasksPerNode: 1,
      priority: 'normal' as const,
      cpus: 1,
      memoryMiB: 32,
      expectedSeconds: 1,
      kind: 'noop',
      args: [],
      arrival: { offsetSeconds: 0, intervalSeconds: 0 },
    },
  ],
};

/** Two jobs of a whole node for a minute: one on each node. The test kills the second node's kubelet under them. */
const NODE_LOSS: ExtraRun = {
  workload: 'nodeloss',
  timeoutFactor: 10,
  specs: [
    {
      count: 2,
      nodes: 1,
      tasksPerNode: 1,
      priority: 'normal' as const,
      cpus: 2,
      memoryMiB: 64,
      expectedSeconds: 60,
      kind: 'stress',
      args: ['--cpu', '1', '--timeout', '60s'],
      arrival: { offsetSeconds: 0, intervalSeconds: 0 },
    },
  ],
};

/**
 * Two whole-node jobs of 20 s, one a node: the test kills the second node's containerd under them. The kubelet never
 * learns that the job there ended, and reports the node not Ready within about 40 s.
 */
const RUNTIME_LOSS: ExtraRun = {
  workload: 'runtimeloss',
  timeoutFactor: 8,
  specs: NODE_LOSS.specs.map((spec) => ({
    ...spec,
    expectedSeconds: 20,
    args: ['--cpu', '1', '--timeout', '20s'],
  })),
};

/** One job of 15 s: the test kills a control-plane daemon (etcd, the apiserver) under it. */
const controlPlaneLoss = (workload: string): ExtraRun => ({
  workload,
  timeoutFactor: 8,
  specs: NODE_LOSS.specs.map((spec) => ({
    ...spec,
    count: 1,
    cpus: 1,
    expectedSeconds: 15,
    args: ['--cpu', '1', '--timeout', '15s'],
  })),
});
const ETCD_LOSS = controlPlaneLoss('etcdloss');
const APISERVER_LOSS = controlPlaneLoss('apiloss');
/** The fault runs in the order the rows add them (each `up` keeps the runs before it). */
const FAULT_RUNS = [FAULTS, RUNTIME_LOSS, ETCD_LOSS, APISERVER_LOSS, NODE_LOSS];

/**
 * Jobs of several pods beside the catalog, as a stack defines and names them: a group of two 2-node × 2-task jobs
 * at once (the second waits for the first's CPUs), and the presets where gang scheduling shows.
 */
const GANG = 'gang';
const MULTI_POD_WORKLOADS = [GANG, 'backfill', 'wide'];
const GANG_DEFINITION = {
  description: 'Two jobs of two nodes × two tasks at once: Indexed Jobs of four pods.',
  groups: [
    {
      name: 'gang',
      count: 2,
      nodes: 2,
      tasksPerNode: 2,
      cpusPerTask: 1,
      memoryPerNodeMiB: 128,
      work: { kind: 'cpu', seconds: 2, workers: 1 },
    },
  ],
};

/** The benchmark's objects (components/kubernetes/objects.ts): kind, name, namespace. */
const OBJECTS: [string, string, string?][] = [
  ['namespace', 'schedbench'],
  ['priorityclass', 'schedbench-job'],
  ['priorityclass', 'schedbench-job-low'],
  ['priorityclass', 'schedbench-job-high'],
  ['limitrange', 'schedbench-node-size', 'schedbench'],
  ['resourcequota', 'schedbench-object-count', 'schedbench'],
  ['serviceaccount', 'schedbench-runner', 'schedbench'],
  ['role', 'schedbench-runner', 'schedbench'],
  ['rolebinding', 'schedbench-runner', 'schedbench'],
  ['clusterrole', 'schedbench-runner-schedbench'],
  ['clusterrolebinding', 'schedbench-runner-schedbench'],
  ['validatingadmissionpolicy', 'schedbench-pods-schedbench'],
  ['validatingadmissionpolicybinding', 'schedbench-pods-schedbench'],
];

/** Seconds in which a task of a job ran while another of its tasks had not started yet (the union over tasks). */
function heldWhileWaiting(tasks: readonly TaskRecord[]): number {
  const lastStart = Math.max(...tasks.map((t) => t.startEpochS ?? 0));
  const spans = tasks
    .map((t) => [t.startEpochS ?? lastStart, Math.min(t.endEpochS ?? lastStart, lastStart)] as const)
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0]);
  let total = 0;
  let reach = -Infinity;
  for (const [a, b] of spans) {
    total += Math.max(0, b - Math.max(a, reach));
    reach = Math.max(reach, b);
  }
  return total;
}

let runId = '';
const readResult = (workload: string): RunResult =>
  parseRunResult(
    JSON.parse(readFileSync(path.join(resultsDir, runId, STACK, `${workload}-r1.json`), 'utf8')),
  );

function writeConfig(extraRuns: ExtraRun[]): void {
  writeNetnsStack(configFile, {
    ...TWO_NODE_KUBERNETES,
    // Two vCPUs a node (the host's two cores each, shared): room for two one-CPU tasks of a job on each node.
    'schedbench:profiles': { fits: { nodes: 2, vcpus: 2, memoryGiB: 2 } },
    'schedbench:workloads': [...DEFAULT_WORKLOADS, ...MULTI_POD_WORKLOADS],
    'schedbench:workloadDefinitions': { [GANG]: GANG_DEFINITION },
    'schedbench:stopAfter': 'analysis',
    'schedbench:idleGapSeconds': 0,
    'schedbench:resultsDir': resultsDir,
    'e2e:extraRuns': extraRuns,
  });
}

/** A Kubernetes memory quantity (plain, Ki, Mi, Gi) in bytes. */
function quantityBytes(q: string): number {
  const units: Record<string, number> = { Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3 };
  const m = /^(\d+)(Ki|Mi|Gi)?$/.exec(q);
  if (m === null) throw new Error(`unexpected quantity ${q}`);
  return Number(m[1]) * (m[2] === undefined ? 1 : (units[m[2]] ?? 1));
}

function expectOk(result: RunnerResult): void {
  if (result.status !== 0)
    throw new Error(`runner failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
}

function sh(script: string): string {
  return execFileSync('bash', ['-c', script], { encoding: 'utf8' });
}

/** Processes whose command line names this cluster's Kubernetes directory (daemons, shims, pods' runc). */
function clusterProcesses(): string {
  return spawnSync('bash', ['-c', `pgrep -af '[${K8S_ROOT[0]}]${K8S_ROOT.slice(1)}' || true`], {
    encoding: 'utf8',
  }).stdout.trim();
}

/** cgroup directories of this cluster in any hierarchy. */
function clusterCgroups(): string[] {
  return sh(`find /sys/fs/cgroup -maxdepth 4 -type d -path '*/schedbench/${CLUSTER}*' 2>/dev/null || true`)
    .split('\n')
    .filter((l) => l !== '');
}

const BIN_DIR = kubernetesBinDir();
const kubectl = adminKubectl(BIN_DIR, K8S_ROOT);
/** kubectl as the cluster's admin, its status and output returned (a refusal is what some tests expect). */
const adminTry = (args: string[], input?: string) =>
  spawnSync(
    path.join(BIN_DIR, 'bin', 'kubectl'),
    ['--kubeconfig', path.join(K8S_ROOT, 'etc', 'admin.conf'), ...args],
    {
      encoding: 'utf8',
      input,
    },
  );

// A cold build of Kubernetes takes tens of minutes on 2 cores: this test runs on a cached build (`SCHEDBENCH_K8S=1
// ./setup.sh` or `npx schedbench k8s build`), or builds one itself only when SCHEDBENCH_K8S_E2E_BUILD=1; otherwise
// it says, as a test of its own, that it skipped.
const cached = existsSync(path.join(BIN_DIR, 'bin', 'kubectl'));
const mayBuild = process.env.SCHEDBENCH_K8S_E2E_BUILD === '1';
if (!cached && !mayBuild)
  test('skipped: no cached Kubernetes build (SCHEDBENCH_K8S=1 ./setup.sh, or npx schedbench k8s build)', () => {
    process.stdout.write(`kubernetes e2e skipped: no build at ${BIN_DIR}\n`);
    expect(existsSync(BIN_DIR)).toBe(false);
  });

(cached || mayBuild ? describe : describe.skip)(
  'Kubernetes on two netns nodes through the local runner',
  () => {
    /** The host-wide kernel settings a kubelet changes (scripts/lib.sh), as they were before the cluster. */
    const KERNEL = ['vm/overcommit_memory', 'vm/panic_on_oom', 'kernel/panic', 'kernel/panic_on_oops'];
    const kernel = () => KERNEL.map((k) => `${k}=${readFileSync(`/proc/sys/${k}`, 'utf8').trim()}`);
    let kernelBefore: string[] = [];
    beforeAll(() => {
      rmSync(resultsDir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      writeConfig([FAULTS]);
      kernelBefore = kernel();
    });

    afterAll(() => {
      runRunner('destroy', STACK, PROGRAM, configFile);
    });

    test('stands up a validated cluster whose nodes advertise the profile', () => {
      const up = runRunner('up', STACK, PROGRAM, configFile, 40 * 60 * 1000);
      expectOk(up);
      // Validation ran (the stage fails `up` otherwise); check its facts independently from the host.
      expect(kubectl(['get', '--raw', '/readyz'])).toBe('ok');
      const nodes = JSON.parse(kubectl(['get', 'nodes', '-o', 'json'])) as {
        items: {
          metadata: { name: string };
          status: { allocatable: Record<string, string>; nodeInfo: { kubeletVersion: string } };
        }[];
      };
      expect(nodes.items.map((n) => n.metadata.name).sort()).toEqual([`${CLUSTER}-n1`, `${CLUSTER}-n2`]);
      for (const n of nodes.items) {
        expect(n.status.allocatable.cpu).toBe('2');
        expect(quantityBytes(n.status.allocatable.memory ?? '')).toBe(2 * GiB);
        expect(n.status.nodeInfo.kubeletVersion).toMatch(/^v1\.\d+\.\d+$/);
      }
      // Each node's daemons are its own: one containerd and one kubelet per node, their sockets in the node's short
      // runtime directory (the kubelet's root too: its pod-resources socket must fit a Unix socket address).
      for (const n of ['n1', 'n2']) {
        const paths = nodePaths(clusterLayout(K8S_ROOT), `${CLUSTER}-${n}`);
        expect(paths.runDir.startsWith(`${RUNTIME_ROOT}/`)).toBe(true);
        expect(existsSync(paths.containerdSocket)).toBe(true);
        expect(existsSync(path.join(paths.kubeletRoot, 'pod-resources', 'kubelet.sock'))).toBe(true);
        expect(existsSync(path.join(paths.dir, 'kubelet.pid'))).toBe(true);
      }
      // Each kubelet serves a certificate the cluster CA signed for its address: TLS checks out against the CA
      // (401: the request itself carries no credentials).
      const nodeIps = kubectl([
        'get',
        'nodes',
        '-o',
        'jsonpath={range .items[*]}{.status.addresses[?(@.type=="InternalIP")].address}{"\\n"}{end}',
      ])
        .trim()
        .split('\n');
      expect(nodeIps).toHaveLength(2);
      for (const ip of nodeIps)
        expect([
          ip,
          sh(
            `curl -sS -o /dev/null -w '%{http_code}' --max-time 10 --cacert '${K8S_ROOT}/pki/ca.crt' https://${ip}:10250/healthz`,
          ),
        ]).toEqual([ip, '401']);
      runId =
        readdirSync(resultsDir)
          .filter((d) => /^\d{8}T\d{6}Z_/.test(d))
          .sort()
          .at(-1) ?? '';
      // A second `up` changes nothing: every run already has its result.
      const again = runRunner('up', STACK, PROGRAM, configFile);
      expectOk(again);
      expect(again.stdout).toMatch(/Resources: 0 created, 0 updated/);
    });

    test('applies the benchmark objects server-side through the provider; preview lists them as existing', () => {
      for (const [kind, name, namespace] of OBJECTS) {
        const object = JSON.parse(
          kubectl([
            'get',
            kind,
            name,
            ...(namespace === undefined ? [] : ['-n', namespace]),
            '-o',
            'json',
            '--show-managed-fields',
          ]),
        ) as { metadata: { managedFields: { manager: string; operation: string }[] } };
        expect({
          kind,
          managers: object.metadata.managedFields.map((f) => `${f.manager}/${f.operation}`),
        }).toEqual({ kind, managers: expect.arrayContaining(['schedbench/Apply']) as unknown });
      }
      // The profile's node (2 CPUs, 2 GiB) bounds a container: the apiserver refuses a larger pod at admission.
      const big = adminTry([
        'run',
        'too-big',
        '-n',
        'schedbench',
        '--image',
        'x',
        '--restart=Never',
        '--overrides',
        JSON.stringify({
          spec: {
            containers: [
              { name: 'too-big', image: 'x', resources: { requests: { cpu: '3' }, limits: { cpu: '3' } } },
            ],
          },
        }),
      ]);
      expect(big.status).not.toBe(0);
      expect(big.stderr).toMatch(/maximum cpu usage per Container is 2/);
      // The stages act as the runner account: what they do is allowed, the rest is not.
      const can = (verb: string, resource: string, ns: string[] = ['-n', 'schedbench']) =>
        adminTry([
          'auth',
          'can-i',
          verb,
          resource,
          ...ns,
          '--as',
          'system:serviceaccount:schedbench:schedbench-runner',
        ]).stdout.trim();
      expect([
        can('create', 'jobs'),
        can('delete', 'jobs'),
        can('list', 'pods'),
        can('list', 'nodes', []),
      ]).toEqual(['yes', 'yes', 'yes', 'yes']);
      expect([
        can('create', 'pods'),
        can('delete', 'nodes', []),
        can('create', 'jobs', ['-n', 'default']),
      ]).toEqual(['no', 'no', 'no']);
      const runnerConf = JSON.parse(readFileSync(path.join(K8S_ROOT, 'etc', 'runner.conf'), 'utf8')) as {
        users: { user: { token?: string } }[];
      };
      expect(runnerConf.users[0]?.user.token).toMatch(/^ey/);
      // As the runner account (its own kubeconfig): a Job that could make its holder root on a node is refused at
      // admission by the pods' policy, naming why; the benchmark's own Jobs (the runs above) passed it.
      const asRunner = (job: Record<string, unknown>) =>
        spawnSync(
          path.join(BIN_DIR, 'bin', 'kubectl'),
          ['--kubeconfig', path.join(K8S_ROOT, 'etc', 'runner.conf'), 'create', '-f', '-', '-o', 'name'],
          { encoding: 'utf8', input: JSON.stringify(job) },
        );
      const hostile = (name: string, pod: Record<string, unknown>) => ({
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name, namespace: 'schedbench' },
        spec: {
          template: {
            spec: {
              restartPolicy: 'Never',
              containers: [{ name: 'x', image: 'x', ...((pod.container as object | undefined) ?? {}) }],
              ...Object.fromEntries(Object.entries(pod).filter(([k]) => k !== 'container')),
            },
          },
        },
      });
      const refusals: [string, Record<string, unknown>, RegExp][] = [
        // The apiserver refuses it before the policy would (--allow-privileged=false).
        [
          'privileged',
          { container: { securityContext: { privileged: true } } },
          /may not be privileged|privileged: Forbidden: disallowed by cluster policy/,
        ],
        ['hostpid', { hostPID: true }, /host's network, PID or IPC/],
        [
          'hostroot',
          {
            volumes: [{ name: 'h', hostPath: { path: '/' } }],
            container: { volumeMounts: [{ name: 'h', mountPath: '/h' }] },
          },
          /no host directory but the job files/,
        ],
        [
          'dotdot',
          {
            volumes: [{ name: 'h', hostPath: { path: `${K8S_ROOT}/jobs/out/../../../..` } }],
            container: { volumeMounts: [{ name: 'h', mountPath: '/h' }] },
          },
          // The apiserver's own validation refuses `..` in a hostPath before admission; the policy would too.
          /no host directory but the job files|hostPath\.path: Invalid value: .* must not contain '\.\.'/,
        ],
        ['priority', { priorityClassName: 'system-node-critical' }, /no PriorityClass but the benchmark's/],
      ];
      for (const [name, pod, why] of refusals) {
        const r = asRunner(hostile(`sb-hostile-${name}`, pod));
        expect({ name, status: r.status, stderr: r.stderr }).toMatchObject({
          name,
          status: 1,
          stderr: expect.stringMatching(why) as unknown,
        });
      }
      // Nobody may run a privileged container, cluster-admin included, in any namespace (--allow-privileged=false).
      const privileged = adminTry(
        ['create', '-f', '-', '-o', 'name'],
        JSON.stringify({
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: 'sb-privileged', namespace: 'default' },
          spec: { containers: [{ name: 'x', image: 'x', securityContext: { privileged: true } }] },
        }),
      );
      expect({ status: privileged.status, stderr: privileged.stderr }).toMatchObject({
        status: 1,
        stderr: expect.stringMatching(/privileged: Forbidden: disallowed by cluster policy/) as unknown,
      });
      const preview = runRunner('preview', STACK, PROGRAM, configFile);
      expectOk(preview);
      expect(preview.stdout).toMatch(/^= +pulumi:providers:kubernetes /m);
      expect(preview.stdout).toMatch(/^= +kubernetes:core\/v1:Namespace /m);
      expect(preview.stdout).not.toMatch(/^\+ +kubernetes:/m);
    });

    test("runs every workload as Jobs on both nodes, with the scheduler's and the wrapper's times", () => {
      const nodeNames = [`${CLUSTER}-n1`, `${CLUSTER}-n2`];
      for (const workload of DEFAULT_WORKLOADS) {
        const r = readResult(workload);
        expect({ workload, status: r.status, notes: r.notes }).toEqual({ workload, status: 'ok', notes: [] });
        expect(r.scheduler.name).toBe('kubernetes');
        expect(r.scheduler.version).toMatch(/^v1\.\d+\.\d+$/);
        expect(r.jobs.length).toBeGreaterThan(0);
        for (const j of r.jobs) {
          expect(j.state).toBe('COMPLETED');
          expect(j.exitCode).toBe(0);
          expect(nodeNames).toContain(j.nodes[0]);
          // Guaranteed pods: what was allocated is what was requested.
          expect(j.allocatedCpus).toBe(j.requestedCpus);
          // Object status keeps whole seconds; the wrapper's clock is finer and lies within them.
          expect(j.precise?.startEpochS).toBeGreaterThanOrEqual(Date.parse(j.startTime ?? '') / 1000 - 1);
          expect(j.precise?.endEpochS).toBeLessThanOrEqual(Date.parse(j.endTime ?? '') / 1000 + 1);
          expect(j.precise?.submitEpochS).toBeLessThanOrEqual(j.precise?.startEpochS ?? 0);
        }
        // stress-ng's own figures travelled back from the node through the hostPath.
        if (workload !== 'throughput')
          expect(Object.keys(r.jobs[0]?.metrics ?? {}).length).toBeGreaterThan(0);
        // Both nodes took jobs, and the sampler saw them allocated.
        expect(new Set(r.jobs.flatMap((j) => j.nodes))).toEqual(new Set(nodeNames));
        expect(r.schedulerSamples.some((s) => s.nodes.some((n) => n.allocatedCpus > 0))).toBe(true);
        // The kube-scheduler's /metrics before and after: one scheduled attempt per Job at least.
        const after = r.schedulerStats.find((s) => s.phase === 'after');
        expect(r.schedulerStats[0]?.phase).toBe('before');
        expect(after?.extra['scheduler.attempts.scheduled']).toBe(r.jobs.length);
        expect(after?.extra['apiserver.requests']).toBeGreaterThan(0);
        // Every kubelet's pod start-up histogram, read as the ServiceAccount: at least one start per Job.
        expect(after?.extra['kubelet.pod_start.observations']).toBeGreaterThanOrEqual(r.jobs.length);
      }
      // Each run deleted its Jobs: nothing is left in the benchmark namespace.
      expect(kubectl(['get', 'jobs,pods', '-n', 'schedbench', '-o', 'name']).trim()).toBe('');
    });

    test('runs Jobs of several pods (2 nodes × 2 tasks, wide) as one record each: every task with its node and times', () => {
      const nodeNames = [`${CLUSTER}-n1`, `${CLUSTER}-n2`];
      const figures: Record<string, unknown> = {};
      for (const workload of MULTI_POD_WORKLOADS) {
        const r = readResult(workload);
        expect({ workload, status: r.status, notes: r.notes }).toEqual({ workload, status: 'ok', notes: [] });
        const t0 = Math.min(...r.jobs.map((j) => j.precise?.submitEpochS ?? Infinity));
        const rel = (t: number | null | undefined) =>
          t === null || t === undefined ? null : +(t - t0).toFixed(3);
        for (const j of r.jobs) {
          expect({ id: j.id, state: j.state }).toEqual({ id: j.id, state: 'COMPLETED' });
          const tasks = j.tasks ?? [];
          expect(tasks.length).toBe(j.requestedTasks ?? 1);
          for (const t of tasks) {
            expect(nodeNames).toContain(t.node);
            expect(t.endEpochS).toBeGreaterThanOrEqual(t.startEpochS ?? Infinity);
          }
          // Every node a task ran on is one the record names (its pods' nodes).
          expect(j.nodes).toEqual([...new Set(tasks.map((t) => t.node ?? ''))].sort());
          expect(j.allocatedCpus).toBe(j.requestedCpus);
        }
        const multi = r.jobs.filter((j) => (j.requestedNodes ?? 1) > 1);
        expect(multi.length).toBeGreaterThan(0);
        for (const j of multi) {
          const tasks = j.tasks ?? [];
          const perNode = (j.requestedTasks ?? 1) / (j.requestedNodes ?? 1);
          // The placement holds among the pods alive together (anti-affinity, maxSkew 1 on two nodes): when a task
          // starts, its node runs at most tasksPerNode of its Job's tasks. A finished pod no longer counts to the
          // kube-scheduler, so a later pod of the Job may take its node: which nodes a Job gets is not asserted.
          for (const t of tasks) {
            const together = tasks.filter(
              (o) =>
                o.node === t.node &&
                (o.startEpochS ?? 0) <= (t.startEpochS ?? 0) &&
                (o.endEpochS ?? 0) > (t.startEpochS ?? 0),
            );
            expect({ job: j.id, rank: t.rank, together: together.length <= perNode }).toEqual({
              job: j.id,
              rank: t.rank,
              together: true,
            });
          }
          expect(j.gangSkewSeconds).not.toBeNull();
        }
        figures[workload] = {
          multiPod: multi.map((j) => ({
            id: j.id.slice(-6),
            spec: j.specIndex,
            nodes: j.nodes.map((n) => n.slice(-2)),
            gangSkewSeconds:
              j.gangSkewSeconds === null || j.gangSkewSeconds === undefined
                ? null
                : +j.gangSkewSeconds.toFixed(3),
            tasks: (j.tasks ?? []).map(
              (t) => `${t.rank}@${(t.node ?? '?').slice(-2)} ${rel(t.startEpochS)}–${rel(t.endEpochS)}`,
            ),
            // How long some pod of the Job ran while another of its pods had not started (all are created at once):
            // the Job held part of the cluster, partly started.
            heldWhileWaitingSeconds: +heldWhileWaiting(j.tasks ?? []).toFixed(3),
          })),
          startOrder: [...r.jobs]
            .sort((a, b) => (a.precise?.startEpochS ?? 0) - (b.precise?.startEpochS ?? 0))
            .map(
              (j) =>
                `s${j.specIndex}:${j.id.slice(-3)} sub ${rel(j.precise?.submitEpochS)} start ${rel(j.precise?.startEpochS)} end ${rel(j.precise?.endEpochS)}`,
            ),
        };
      }
      // The figures of what Kubernetes did (docs/kubernetes.md quotes them): printed, and kept beside the results.
      process.stdout.write(`kubernetes multi-pod figures: ${JSON.stringify(figures, null, 1)}\n`);
      writeFileSync(path.join(dir, 'multi-pod-figures.json'), `${JSON.stringify(figures, null, 2)}\n`);
    });

    test('records a failing job as FAILED and one over its memory limit as OUT_OF_MEMORY', () => {
      const r = readResult('faults');
      expect(r.status).toBe('failed');
      const bySpec = (i: number) => r.jobs.find((j) => j.specIndex === i);
      expect(bySpec(0)).toMatchObject({ state: 'FAILED', exitCode: 3 });
      expect(bySpec(1)?.state).toBe('OUT_OF_MEMORY');
      expect(bySpec(1)?.rawState).toMatch(/OOMKilled/);
      expect(bySpec(2)).toMatchObject({ state: 'COMPLETED', exitCode: 0 });
      // The apiserver reaches the kubelets for logs (kubeadm's binding of its kubelet client).
      expect(
        kubectl(['auth', 'can-i', 'get', 'nodes/proxy', '--as', 'kube-apiserver-kubelet-client']).trim(),
      ).toBe('yes');
    });

    /** Every result file of the stack and its text: what a later fault must leave as it was. */
    const results = (): [string, string][] =>
      readdirSync(path.join(resultsDir, runId, STACK))
        .filter((f) => f.endsWith('.json'))
        .sort()
        .map((f) => [f, readFileSync(path.join(resultsDir, runId, STACK, f), 'utf8')]);
    /** Bounded poll of a condition (the cluster coming back after a restart). */
    const until = async (what: string, ok: () => boolean, seconds = 180): Promise<void> => {
      const deadline = Date.now() + seconds * 1000;
      while (!ok()) {
        if (Date.now() > deadline) throw new Error(`${what}: not within ${seconds} s`);
        await new Promise((r) => setTimeout(r, 500));
      }
    };
    const CONTROL = path.join(K8S_ROOT, 'control');
    /**
     * Until `count` pods of the benchmark run: bounded, and failing at once, with what it saw, when the runner ends
     * first or the bound passes (which control-plane daemons run, the namespace's objects, the controllers' logs).
     */
    const untilPodsRun = async (runner: StartedRunner, count: number, what: string): Promise<void> => {
      const deadline = Date.now() + 600_000;
      while (runningPods() < count) {
        const ended = runner.child.exitCode !== null || runner.child.signalCode !== null;
        if (ended || Date.now() > deadline) {
          const result = ended ? await runner.done : undefined;
          const daemons = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler'].map(
            (d) =>
              `${d}: ${spawnSync('bash', ['-c', `kill -0 "$(cat '${CONTROL}/${d}.pid')"`]).status === 0 ? 'runs' : 'gone'}`,
          );
          const logs = ['kube-controller-manager', 'kube-scheduler'].map(
            (d) =>
              `${d}.log:\n${spawnSync('tail', ['-n', '15', `${CONTROL}/${d}.log`], { encoding: 'utf8' }).stdout}`,
          );
          throw new Error(
            [
              `${what}: ${ended ? `the runner ended first (exit ${result?.status})` : 'not within 600 s'}`,
              daemons.join(', '),
              adminTry(['get', 'jobs,pods', '-n', 'schedbench', '-o', 'wide']).stdout,
              ...logs,
              result === undefined ? '' : `${result.stdout}\n${result.stderr}`.slice(-6000),
            ].join('\n'),
          );
        }
        await new Promise((r) => setTimeout(r, 500));
      }
    };
    const runningPods = () =>
      adminTry(['get', 'pods', '-n', 'schedbench', '-o', 'jsonpath={.items[*].status.phase}'])
        .stdout.split(' ')
        .filter((p) => p === 'Running').length;
    const readyz = () => adminTry(['get', '--raw', '/readyz']).stdout === 'ok';
    const nodeReady = (node: string) =>
      adminTry(['get', 'node', node, '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].status}'])
        .stdout === 'True';
    /** The jobs a failed run left (the apiserver could not be asked to delete them), removed as an operator would. */
    const clearRun = () => kubectl(['delete', 'jobs', '--all', '-n', 'schedbench', '--wait=false']);
    /** A row of the fault matrix: what the run recorded, the note naming the loss first. */
    const row = (fault: string, expected: string, r: RunResult, up: RunnerResult, extra?: string) => {
      const notes = [...r.notes].sort(
        (a, b) => Number(b.includes('stopped answering')) - Number(a.includes('stopped answering')),
      );
      recordFault({
        scheduler: 'kubernetes',
        fault,
        expected,
        observed:
          `up exit ${up.status}; ${r.workload.name}-r1 ${r.status}: ${[extra, ...notes].filter((n) => n !== undefined && n !== '').join('; ')}`.slice(
            0,
            200,
          ),
      });
    };

    test("a node's containerd killed mid-run: that run is degraded, its job there NODE_FAIL naming the runtime; restarted, the node is Ready again", async () => {
      const before = results();
      writeConfig(FAULT_RUNS.slice(0, 2));
      const runner = startRunner('up', STACK, PROGRAM, configFile);
      await untilPodsRun(runner, 2, 'both runtimeloss jobs running');
      const n2 = path.join(K8S_ROOT, 'nodes', `${CLUSTER}-n2`);
      const containerd = captureDaemon(
        path.join(n2, 'containerd.pid'),
        path.join(n2, 'log', 'containerd.log'),
      );
      process.kill(containerd.pid, 'SIGKILL');
      let up: RunnerResult;
      try {
        up = await runner.done;
      } finally {
        // Back for the next rows whatever this one found.
        restartDaemon(containerd, Number(readFileSync(path.join(n2, 'kubelet.pid'), 'utf8').trim()));
      }
      expectOk(up);
      const r = readResult('runtimeloss');
      const lost = r.jobs.filter((j) => j.state === 'NODE_FAIL');
      expect({ status: r.status, lost: lost.map((j) => j.nodes) }).toEqual({
        status: 'degraded',
        lost: [[`${CLUSTER}-n2`]],
      });
      expect(lost[0]?.rawState).toMatch(new RegExp(`on ${CLUSTER}-n2, node not Ready: .*runtime`, 'i'));
      expect(results().filter(([f]) => before.some(([g]) => g === f))).toEqual(before);
      await until(`${CLUSTER}-n2 Ready again`, () => nodeReady(`${CLUSTER}-n2`));
      clearRun();
      row(
        'containerd of node 2 killed mid-run',
        'run degraded, its job there NODE_FAIL naming the runtime',
        r,
        up,
        lost[0]?.rawState,
      );
    });

    test.each([
      ['etcd', ETCD_LOSS, 'kube-apiserver'],
      ['kube-apiserver', APISERVER_LOSS, 'etcd'],
    ])(
      '%s killed mid-run: the run is recorded failed, naming it; restarted, the cluster answers again',
      async (daemon, run, sibling) => {
        const before = results();
        writeConfig(FAULT_RUNS.slice(0, FAULT_RUNS.indexOf(run) + 1));
        const runner = startRunner('up', STACK, PROGRAM, configFile);
        await untilPodsRun(runner, 1, `the ${run.workload} job running`);
        const victim = captureDaemon(
          path.join(CONTROL, `${daemon}.pid`),
          path.join(CONTROL, `${daemon}.log`),
        );
        process.kill(victim.pid, 'SIGKILL');
        let up: RunnerResult;
        try {
          up = await runner.done;
        } finally {
          restartDaemon(victim, Number(readFileSync(path.join(CONTROL, `${sibling}.pid`), 'utf8').trim()));
        }
        if (!existsSync(path.join(resultsDir, runId, STACK, `${run.workload}-r1.json`)))
          throw new Error(`no result for ${run.workload}; up exit ${up.status}:\n${up.stdout}\n${up.stderr}`);
        const r = readResult(run.workload);
        expect(r.status).toBe('failed');
        const note = r.notes.find((n) => n.includes('the scheduler stopped answering')) ?? r.notes.join(' ');
        expect(note).toMatch(
          new RegExp(`the scheduler stopped answering .*not running on ${CLUSTER}-n1: .*\\b${daemon}\\b`),
        );
        expect(results().filter(([f]) => before.some(([g]) => g === f))).toEqual(before);
        await until('the apiserver ready again', readyz);
        // The kubelets could not renew their leases meanwhile: both nodes Ready again before the next row.
        await until('both nodes Ready again', () => nodeReady(`${CLUSTER}-n1`) && nodeReady(`${CLUSTER}-n2`));
        clearRun();
        row(`${daemon} killed mid-run`, `run recorded failed, ${daemon} named; bounded`, r, up);
      },
    );

    test('a kubelet killed mid-run: that run is degraded, its job on the lost node NODE_FAIL; finished runs stay', async () => {
      const before = readdirSync(path.join(resultsDir, runId, STACK))
        .filter((f) => f.endsWith('.json'))
        .sort();
      const stamps = before.map((f) => readFileSync(path.join(resultsDir, runId, STACK, f), 'utf8'));
      writeConfig(FAULT_RUNS);
      const runner = startRunner('up', STACK, PROGRAM, configFile);
      // Both jobs running (one per node): then the second node's kubelet dies.
      await untilPodsRun(runner, 2, 'both nodeloss jobs running');
      const kubeletPid = Number(
        readFileSync(path.join(K8S_ROOT, 'nodes', `${CLUSTER}-n2`, 'kubelet.pid'), 'utf8').trim(),
      );
      process.kill(kubeletPid, 'SIGKILL');
      const up = await runner.done;
      expectOk(up);
      const r = readResult('nodeloss');
      expect(r.status).toBe('degraded');
      const lost = r.jobs.filter((j) => j.state === 'NODE_FAIL');
      expect(lost).toHaveLength(1);
      expect(lost[0]?.rawState).toContain(`${CLUSTER}-n2`);
      expect(r.jobs.filter((j) => j.state === 'COMPLETED').map((j) => j.nodes)).toEqual([[`${CLUSTER}-n1`]]);
      // Resumed: the runs finished before were not repeated, their files untouched.
      expect(before.map((f) => readFileSync(path.join(resultsDir, runId, STACK, f), 'utf8'))).toEqual(stamps);
      expect(kubectl(['get', 'jobs,pods', '-n', 'schedbench', '-o', 'name']).trim()).toBe('');
      row(
        'a kubelet killed mid-run',
        'run degraded, its job on the lost node NODE_FAIL',
        r,
        up,
        lost[0]?.rawState,
      );
    });

    test('destroy deletes the objects, then leaves no process, mount, cgroup, interface or file behind', () => {
      const destroy = runRunner('destroy', STACK, PROGRAM, configFile);
      expectOk(destroy);
      for (const type of [
        'core/v1:Namespace',
        'rbac.authorization.k8s.io/v1:ClusterRole',
        'scheduling.k8s.io/v1:PriorityClass',
      ])
        expect(destroy.stdout).toMatch(
          new RegExp(`- +kubernetes:${type.replace(/[./]/g, '\\$&')} .*deleted`),
        );
      expect(clusterProcesses()).toBe('');
      expect(sh(`findmnt -rn -o TARGET | grep -F '${K8S_ROOT}' || true`).trim()).toBe('');
      const runDir = clusterLayout(K8S_ROOT).nodeRunDir('x').replace(/\/x$/, '');
      expect(sh(`findmnt -rn -o TARGET | grep -F '${runDir}' || true`).trim()).toBe('');
      expect(clusterCgroups()).toEqual([]);
      expect(existsSync(K8S_ROOT)).toBe(false);
      expect(existsSync(runDir)).toBe(false);
      expect(
        sh(`find /var/log/containers -maxdepth 1 -lname '${K8S_ROOT}/*' 2>/dev/null || true`).trim(),
      ).toBe('');
      expect(sh(`ip -o link show | grep -F '${CLUSTER}' || true`).trim()).toBe('');
      expect(readdirSync('/run/netns').filter((n) => n.includes(CLUSTER))).toEqual([]);
      // The kubelets set kernel.panic=10 and more host-wide; the last one to stop gave the values back.
      expect(kernel()).toEqual(kernelBefore);
    });
  },
);
