// Kubernetes' emulated execution (components/kubernetes/emulation.ts, docs/scale.md): what tells KWOK how each pod
// ends, the emulated Nodes, the real nodes kept free of benchmark pods, the controller-manager's grace for rare
// heartbeats, kwok's least RBAC, what is refused before anything is made, and the pinned KWOK release.
import { execFileSync } from 'child_process';
import { readFileSync } from 'fs';
import * as path from 'path';
import { parse, parseAllDocuments } from 'yaml';
import { z } from 'zod';
import { emulatedNodeNames, type Emulation } from '../../../components/config/emulation';
import type { JobSpec } from '../../../components/jobs/spec';
import { allocatable, type NodeFacts } from '../../../components/kubernetes/capacity';
import {
  EMULATED_EXIT_CODE,
  EMULATED_LABEL,
  EMULATED_SECONDS,
  EMULATION_HOST_TAINT,
  emulatedAnnotations,
  emulatedNodeNameFormat,
  emulatedNodeTemplate,
  KWOK_USER,
  KWOK_VERSION,
  kwokArgs,
  kwokCapacityProblem,
  MAX_KWOK_NODES,
} from '../../../components/kubernetes/emulation';
import { clusterLayout, nodePaths } from '../../../components/kubernetes/layout';
import { renderBenchObjects } from '../../../components/kubernetes/objects';
import {
  controlPlaneArgs,
  renderJob,
  renderKubeletConfig,
  validationPod,
  type ClusterSpec,
} from '../../../components/kubernetes/render';
import { REPO_ROOT } from '../../../components/repo-root';

const emulation: Emulation = { nodes: 1024, profile: 'cpu-node', vcpus: 128, memoryGiB: 512 };
const jobArgs = { image: 'img', runLabel: 'abcdef012345', jobFilesDir: '/x', timeoutFactor: 3 };
const spec = (kind: JobSpec['kind'], args: string[]): JobSpec => ({
  count: 1,
  nodes: 1,
  tasksPerNode: 1,
  priority: 'normal',
  cpus: 1,
  memoryMiB: 16,
  expectedSeconds: 5,
  kind,
  args,
  arrival: { offsetSeconds: 0, intervalSeconds: 0 },
});
const annotationsOf = (job: ReturnType<typeof renderJob>): unknown =>
  JSON.parse(JSON.stringify(job)).spec.template.metadata.annotations;

describe('the pods of an emulated run tell kwok how they end', () => {
  it('a sleep runs its seconds, a noop none, a fail none and exits with its code', () => {
    expect(emulatedAnnotations(spec('sleep', ['7.5']))).toEqual({ [EMULATED_SECONDS]: '7.5' });
    expect(emulatedAnnotations(spec('noop', []))).toEqual({ [EMULATED_SECONDS]: '0' });
    expect(emulatedAnnotations(spec('fail', ['3']))).toEqual({
      [EMULATED_SECONDS]: '0',
      [EMULATED_EXIT_CODE]: '3',
    });
  });

  it('work that was not emulated is refused, naming its kind', () => {
    expect(() => emulatedAnnotations(spec('stress', ['--cpu', '1']))).toThrow(/a stress job does work/);
  });

  it('only emulated runs carry the annotations; the rest of the Job is the real one', () => {
    const sleep = spec('sleep', ['4']);
    const real = renderJob(sleep, 0, jobArgs);
    const emulated = renderJob(sleep, 0, { ...jobArgs, emulated: true });
    expect(annotationsOf(real)).toBeUndefined();
    expect(annotationsOf(emulated)).toEqual({ [EMULATED_SECONDS]: '4' });
    const strip = (job: unknown) => {
      const copy = JSON.parse(JSON.stringify(job));
      delete copy.spec.template.metadata.annotations;
      return copy;
    };
    expect(strip(emulated)).toEqual(strip(real));
  });
});

describe('the emulated nodes', () => {
  it('start-kwok.sh names them as emulatedNodeNames does (bash printf of the pattern)', () => {
    for (const n of [1, 8, 32, 1024, 4096, 10000]) {
      const names = execFileSync(
        'bash',
        [
          '-c',
          'for ((i = 1; i <= $2; i++)); do printf "$1\\n" "$i"; done',
          'names',
          emulatedNodeNameFormat(n),
          String(n),
        ],
        { encoding: 'utf8' },
      );
      expect(names.trim().split('\n')).toEqual(emulatedNodeNames(n));
    }
  });

  it('are Nodes of the emulation profile, labelled for kwok, pods capped at one per vCPU or 110', () => {
    const node = z
      .object({
        metadata: z.object({
          labels: z.record(z.string(), z.string()),
          annotations: z.record(z.string(), z.string()),
        }),
        status: z.object({
          allocatable: z.record(z.string(), z.string()),
          capacity: z.record(z.string(), z.string()),
          nodeInfo: z.object({ kubeletVersion: z.string(), containerRuntimeVersion: z.string() }),
        }),
      })
      .parse(emulatedNodeTemplate(emulation, 'v1.37.2', KWOK_VERSION));
    expect(node.metadata.labels[EMULATED_LABEL]).toBe('true');
    expect(node.status.allocatable).toEqual({ cpu: '128', memory: '512Gi', pods: '128' });
    expect(node.status.capacity).toEqual(node.status.allocatable);
    expect(node.status.nodeInfo.containerRuntimeVersion).toBe(`kwok://${KWOK_VERSION}`);
    const small = z
      .object({ status: z.object({ allocatable: z.object({ pods: z.string() }) }) })
      .parse(emulatedNodeTemplate({ ...emulation, vcpus: 4 }, 'v1.37.2', KWOK_VERSION));
    expect(small.status.allocatable.pods).toBe('110');
  });

  it('kwok manages exactly the labelled nodes and renews their Leases every minute', () => {
    expect(kwokArgs()).toEqual(
      expect.arrayContaining([
        '--manage-all-nodes=false',
        `--manage-nodes-with-label-selector=${EMULATED_LABEL}=true`,
        '--node-lease-duration-seconds=240',
      ]),
    );
  });

  it('the stages file holds only Stages, one each, a pod stage for every way a pod ends', () => {
    const docs = parseAllDocuments(
      readFileSync(path.join(REPO_ROOT, 'components', 'kubernetes', 'kwok', 'stages.yaml'), 'utf8'),
    ).map((d) => z.object({ kind: z.string(), metadata: z.object({ name: z.string() }) }).parse(d.toJS()));
    expect(docs.every((d) => d.kind === 'Stage')).toBe(true);
    expect(docs.map((d) => d.metadata.name)).toEqual([
      'node-initialize',
      'node-heartbeat-with-lease',
      'pod-ready',
      'pod-complete',
      'pod-fail',
      'pod-deadline',
      'pod-delete',
    ]);
  });
});

describe('an emulated cluster around them', () => {
  const layout = clusterLayout('/var/lib/schedbench/k8s-e/kubernetes');
  const cluster: ClusterSpec = {
    cluster: 'k8s-e',
    version: 'v1.37.2',
    controllerName: 'n1',
    controllerAddress: '10.70.0.2',
    apiserverPort: 6443,
    etcdPort: 2379,
    podCidr: '10.244.0.0/16',
    serviceCidr: '10.96.0.0/16',
    layout,
  };
  const facts: NodeFacts = { cpus: 2, memoryBytes: 24 * 1024 ** 3, cgroup: '/x', cgroupVersion: 1 };
  const kubelet = (emulationHost: boolean) =>
    z
      .object({
        registerWithTaints: z
          .array(z.object({ key: z.string(), value: z.string(), effect: z.string() }))
          .optional(),
      })
      .parse(
        parse(
          renderKubeletConfig({
            paths: nodePaths(layout, 'n1'),
            facts,
            reservation: { cpuMillis: 0, memoryBytes: 0 },
            emulationHost,
          }),
        ),
      );

  it('registers the real nodes tainted, so benchmark pods go to emulated nodes only; validation pods tolerate it', () => {
    expect(kubelet(true).registerWithTaints).toEqual([
      { key: EMULATION_HOST_TAINT, value: 'true', effect: 'NoSchedule' },
    ]);
    expect(kubelet(false).registerWithTaints).toBeUndefined();
    expect(JSON.stringify(validationPod('n1', 'img'))).toContain(EMULATION_HOST_TAINT);
    expect(allocatable(facts, { cpuMillis: 0, memoryBytes: 0 }).cpus).toBe(2);
  });

  it('gives the controller-manager a grace period longer than a Lease renewal', () => {
    const grace = (emulated: boolean) =>
      controlPlaneArgs({ ...cluster, emulated }).controllerManager.filter((a) =>
        a.startsWith('--node-monitor-grace-period='),
      );
    expect(grace(true)).toEqual(['--node-monitor-grace-period=300s']);
    expect(grace(false)).toEqual([]);
  });

  it("passes the controller-manager's request rate, when set, with a burst of 1.5 times it", () => {
    const rate = (controllerManagerQps?: number) =>
      controlPlaneArgs({
        ...cluster,
        ...(controllerManagerQps === undefined ? {} : { controllerManagerQps }),
      }).controllerManager.filter((a) => a.startsWith('--kube-api-'));
    expect(rate(200)).toEqual(['--kube-api-qps=200', '--kube-api-burst=300']);
    expect(rate(25)).toEqual(['--kube-api-qps=25', '--kube-api-burst=38']);
    expect(rate()).toEqual([]);
  });

  it('binds kwok to what a kubelet does for its pods, and no more', () => {
    const objects = renderBenchObjects({
      nodes: [{ vcpus: 128, memoryMiB: 512 * 1024 }],
      podQuota: 100,
      jobFilesRoot: '/x',
      kwokUser: KWOK_USER,
    });
    expect(objects.kwok?.clusterRoleBinding.subjects).toEqual([
      expect.objectContaining({ kind: 'User', name: KWOK_USER }),
    ]);
    const rules = JSON.stringify(objects.kwok?.clusterRole.rules);
    expect(rules).toContain('pods/status');
    expect(rules).not.toContain(
      '"create","get","list","watch","patch","update"]},{"apiGroups":[""],"resources":["nodes"]',
    );
    expect(JSON.parse(rules)).not.toContainEqual(
      expect.objectContaining({ resources: ['nodes'], verbs: expect.arrayContaining(['create']) }),
    );
    // Real clusters have no kwok.
    expect(
      renderBenchObjects({ nodes: [{ vcpus: 1, memoryMiB: 1024 }], podQuota: 1, jobFilesRoot: '/x' }).kwok,
    ).toBeUndefined();
  });

  it('refuses more emulated nodes than one cluster takes here, naming the bound', () => {
    expect(kwokCapacityProblem(null)).toBeUndefined();
    expect(kwokCapacityProblem({ ...emulation, nodes: MAX_KWOK_NODES })).toBeUndefined();
    expect(kwokCapacityProblem({ ...emulation, nodes: MAX_KWOK_NODES + 1 })).toMatch(
      new RegExp(`emulation.nodes = ${MAX_KWOK_NODES + 1}: .* at most ${MAX_KWOK_NODES} nodes`),
    );
  });

  it('pins the KWOK release its build module requires', () => {
    const goMod = readFileSync(
      path.join(REPO_ROOT, 'components', 'kubernetes', 'build', 'kwok', 'go.mod'),
      'utf8',
    );
    expect(goMod).toMatch(
      new RegExp(`^\\s*sigs\\.k8s\\.io/kwok ${KWOK_VERSION.replace(/\./g, '\\.')}\\b`, 'm'),
    );
  });
});
