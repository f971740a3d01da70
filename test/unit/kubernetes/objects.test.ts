// The benchmark's in-cluster objects (components/kubernetes/objects.ts): the profile bounds a container, the
// quota counts objects only, the runner account's grants are the stages' and no more, impossible settings refused.
import { renderBenchObjects } from '../../../components/kubernetes/objects';
import { BENCH_NAMESPACE, PRIORITY_CLASS } from '../../../components/kubernetes/render';

const objects = renderBenchObjects({
  nodes: [
    { vcpus: 4, memoryMiB: 8192 },
    { vcpus: 4, memoryMiB: 8192 },
  ],
  podQuota: 1000,
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
    expect(objects.priorityClass).toMatchObject({
      metadata: { name: PRIORITY_CLASS },
      preemptionPolicy: 'Never',
      globalDefault: false,
    });
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
    expect(() => renderBenchObjects({ nodes: [], podQuota: 10 })).toThrow(/at least one node/);
    expect(() => renderBenchObjects({ nodes: [{ vcpus: 1, memoryMiB: 1024 }], podQuota: 0 })).toThrow(
      /kubernetes.podQuota: 0/,
    );
  });
});
