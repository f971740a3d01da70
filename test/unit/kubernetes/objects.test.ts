// The benchmark's in-cluster objects (components/kubernetes/objects.ts): the profile bounds a container, the
// quota counts objects only, the runner account's grants are the stages' and no more, impossible settings refused.
import { z } from 'zod';
import { renderBenchObjects } from '../../../components/kubernetes/objects';
import {
  BENCH_NAMESPACE,
  PRIORITY_CLASS,
  PRIORITY_CLASSES,
  renderJob,
} from '../../../components/kubernetes/render';
import type { JobSpec } from '../../../components/jobs/spec';

/** What the tests read of the policy and of a Job (the SDK's input types allow promises and outputs). */
const Policy = z.object({
  metadata: z.object({ name: z.string() }),
  spec: z.looseObject({ failurePolicy: z.string(), matchConstraints: z.unknown(), validations: z.unknown() }),
});
const PodOfJob = z.object({
  spec: z.object({
    template: z.object({
      spec: z.object({
        hostNetwork: z.boolean().optional(),
        priorityClassName: z.string().optional(),
        volumes: z.array(z.object({ hostPath: z.object({ path: z.string() }).optional() })),
        containers: z.array(z.object({ securityContext: z.unknown().optional() })),
      }),
    }),
  }),
});

const ROOT = "/var/lib/schedbench/o'k/kubernetes/jobs/out";

/** The benchmark's Job of one trivial job of this shape, as a run renders it. */
function noopJob(shape: Pick<JobSpec, 'nodes' | 'tasksPerNode' | 'priority'>) {
  return renderJob(
    {
      count: 1,
      ...shape,
      cpus: 1,
      memoryMiB: 64,
      expectedSeconds: 1,
      kind: 'noop',
      args: [],
      arrival: { offsetSeconds: 0, intervalSeconds: 0 },
    },
    0,
    { image: 'img', runLabel: 'r', jobFilesDir: `${ROOT}/run-1`, timeoutFactor: 2 },
  );
}

const objects = renderBenchObjects({
  nodes: [
    { vcpus: 4, memoryMiB: 8192 },
    { vcpus: 4, memoryMiB: 8192 },
  ],
  podQuota: 1000,
  jobFilesRoot: ROOT,
});

describe('renderBenchObjects', () => {
  it('bounds a container by a node of the profile and defaults one CPU with its share of memory', () => {
    expect(objects.limitRange.spec).toEqual({
      limits: [
        {
          type: 'Container',
          max: { cpu: '4', memory: '8192Mi' },
          default: { cpu: '1', memory: '2048Mi' },
          defaultRequest: { cpu: '1', memory: '2048Mi' },
        },
      ],
    });
  });

  it('quotas object counts, never CPU or memory (which would refuse pending pods at admission)', () => {
    expect(objects.resourceQuota.spec).toEqual({ hard: { pods: '1000', 'count/jobs.batch': '1000' } });
  });

  it('puts every namespaced object in the benchmark namespace, the PriorityClass the Jobs name included', () => {
    for (const o of [objects.limitRange, objects.resourceQuota, objects.serviceAccount, objects.role])
      expect(o.metadata).toMatchObject({ namespace: BENCH_NAMESPACE });
    expect(objects.namespace.metadata).toMatchObject({ name: BENCH_NAMESPACE });
    expect(objects.priorityClasses.normal).toMatchObject({
      metadata: { name: PRIORITY_CLASS },
      preemptionPolicy: 'Never',
      globalDefault: false,
    });
  });

  it('has a PriorityClass per priority, ordered low < normal < high, none preempting nor the default', () => {
    const classes = objects.priorityClasses;
    expect([classes.low, classes.normal, classes.high].map((c) => [c.metadata, c.value])).toEqual([
      [expect.objectContaining({ name: 'schedbench-job-low' }) as unknown, 500],
      [expect.objectContaining({ name: 'schedbench-job' }) as unknown, 1000],
      [expect.objectContaining({ name: 'schedbench-job-high' }) as unknown, 1500],
    ]);
    for (const c of Object.values(classes))
      expect(c).toMatchObject({ preemptionPolicy: 'Never', globalDefault: false });
    // The PriorityClass is cluster-wide: no namespace.
    expect(classes.high.metadata).not.toHaveProperty('namespace');
  });

  it('grants the runner account what the stages do and nothing cluster-wide but reads', () => {
    expect(objects.role.rules).toEqual([
      {
        apiGroups: ['batch'],
        resources: ['jobs'],
        verbs: ['create', 'get', 'list', 'watch', 'patch', 'delete'],
      },
      { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch', 'delete'] },
    ]);
    const clusterVerbs = (objects.clusterRole.rules as { verbs: string[] }[]).flatMap((r) => r.verbs);
    expect(new Set(clusterVerbs)).toEqual(new Set(['get', 'list']));
    expect(objects.roleBinding.subjects).toEqual([
      { kind: 'ServiceAccount', name: 'schedbench-runner', namespace: BENCH_NAMESPACE },
    ]);
    expect(objects.clusterRoleBinding.roleRef).toMatchObject({ name: 'schedbench-runner-schedbench' });
    expect(objects.clusterRole.metadata).toMatchObject({ name: 'schedbench-runner-schedbench' });
    expect(objects.serviceAccount.automountServiceAccountToken).toBe(false);
  });

  it('refuses no nodes and a quota below one pod, naming the value', () => {
    expect(() => renderBenchObjects({ nodes: [], podQuota: 10, jobFilesRoot: ROOT })).toThrow(
      /at least one node/,
    );
    expect(() =>
      renderBenchObjects({ nodes: [{ vcpus: 1, memoryMiB: 1024 }], podQuota: 0, jobFilesRoot: ROOT }),
    ).toThrow(/kubernetes.podQuota: 0/);
  });

  it('binds the pod policy to the benchmark namespace, denying; for Jobs and pods, created or changed', () => {
    const policy = Policy.parse(objects.podPolicy);
    expect(objects.podPolicyBinding.spec).toEqual({
      policyName: policy.metadata.name,
      validationActions: ['Deny'],
      matchResources: {
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': BENCH_NAMESPACE } },
      },
    });
    expect(policy.spec.failurePolicy).toBe('Fail');
    expect(JSON.stringify(policy.spec.matchConstraints)).toContain('"resources":["jobs"]');
    const cel = JSON.stringify(policy.spec.validations);
    for (const field of [
      'priorityClassName',
      'hostNetwork',
      'hostPID',
      'hostIPC',
      'privileged',
      'allowPrivilegeEscalation',
      'capabilities',
    ])
      expect(cel).toContain(field);
    // The one host directory, as a CEL string literal (its quote escaped), and what is below it.
    expect(cel).toContain(JSON.stringify(`v.hostPath.path == '${ROOT.replace("'", "\\'")}'`).slice(1, -1));
  });

  it("the benchmark's own Jobs ask for nothing the policy denies", () => {
    const job = noopJob({ nodes: 1, tasksPerNode: 1, priority: 'normal' });
    const pod = PodOfJob.parse(job).spec.template.spec;
    expect(pod.hostNetwork).toBeUndefined();
    expect(pod.containers.map((c) => c.securityContext)).toEqual([undefined]);
    for (const v of pod.volumes) expect(v.hostPath?.path.startsWith(`${ROOT}/`)).toBe(true);
  });

  it("admits only the benchmark's PriorityClasses, which its Jobs of every priority and shape name", () => {
    const cel = JSON.stringify(Policy.parse(objects.podPolicy).spec.validations);
    for (const { name } of Object.values(PRIORITY_CLASSES)) expect(cel).toContain(`'${name}'`);
    for (const [priority, nodes, tasksPerNode] of [
      ['low', 2, 2],
      ['high', 2, 1],
      ['normal', 1, 3],
    ] as const) {
      const job = noopJob({ nodes, tasksPerNode, priority });
      const pod = PodOfJob.parse(job).spec.template.spec;
      expect(pod.priorityClassName).toBe(PRIORITY_CLASSES[priority].name);
      expect(pod.hostNetwork).toBeUndefined();
      expect(pod.containers.map((c) => c.securityContext)).toEqual([undefined]);
    }
  });

  it('refuses a job files root that is not an absolute, normal path', () => {
    for (const bad of ['relative/out', '/var/lib/../etc', '/var/lib/out/'])
      expect(() =>
        renderBenchObjects({ nodes: [{ vcpus: 1, memoryMiB: 1024 }], podQuota: 1, jobFilesRoot: bad }),
      ).toThrow(/job files root/);
  });
});
