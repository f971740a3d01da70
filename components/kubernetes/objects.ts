// The benchmark's objects inside the cluster, rendered as @pulumi/kubernetes resource arguments by pure functions
// (components/kubernetes/in-cluster.ts makes them resources): the namespace the Jobs run in, their PriorityClasses
// (one per priority a job spec may ask for), a
// LimitRange that refuses a container larger than a node of the profile (as SLURM refuses a job no node can hold),
// a ResourceQuota on object counts, and the run stages' ServiceAccount with the least RBAC they use.
import type * as k8s from '@pulumi/kubernetes';
import { PRIORITIES, type Priority } from '../jobs/spec';
import { BENCH_NAMESPACE, PRIORITY_CLASSES } from './render';

/** The identity the run stages act as (scripts/lib.sh kube_env mints its tokens). */
export const RUNNER_ACCOUNT = 'schedbench-runner';
const MANAGED = { 'app.kubernetes.io/managed-by': 'schedbench' };

export interface BenchObjectsSpec {
  /** Every node's profile capacity. */
  nodes: readonly { vcpus: number; memoryMiB: number }[];
  /** At most this many pods (and as many Jobs) may exist in the namespace at once. */
  podQuota: number;
  /** The one host directory a pod of the namespace may mount (hostPath), with what is below it: the job files. */
  jobFilesRoot: string;
  /** Emulated execution: the user kwok acts as (emulation.ts), granted what a kubelet does for its pods. */
  kwokUser?: string;
}

export interface BenchObjects {
  namespace: k8s.core.v1.NamespaceArgs;
  /** The PriorityClass of each priority (normal's is the cluster's first, `schedbench-job`). */
  priorityClasses: Record<Priority, k8s.scheduling.v1.PriorityClassArgs>;
  limitRange: k8s.core.v1.LimitRangeArgs;
  resourceQuota: k8s.core.v1.ResourceQuotaArgs;
  serviceAccount: k8s.core.v1.ServiceAccountArgs;
  role: k8s.rbac.v1.RoleArgs;
  roleBinding: k8s.rbac.v1.RoleBindingArgs;
  clusterRole: k8s.rbac.v1.ClusterRoleArgs;
  clusterRoleBinding: k8s.rbac.v1.ClusterRoleBindingArgs;
  podPolicy: k8s.admissionregistration.v1.ValidatingAdmissionPolicyArgs;
  podPolicyBinding: k8s.admissionregistration.v1.ValidatingAdmissionPolicyBindingArgs;
  /** Emulated clusters only: kwok's ClusterRole and its binding. */
  kwok?: { clusterRole: k8s.rbac.v1.ClusterRoleArgs; clusterRoleBinding: k8s.rbac.v1.ClusterRoleBindingArgs };
}

/** The admission policy of the benchmark namespace's pods (and of the Jobs that make them). */
export const POD_POLICY = `schedbench-pods-${BENCH_NAMESPACE}`;

/** A CEL string literal. */
const celString = (text: string): string => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/**
 * What a pod in the benchmark namespace may not do, checked by the apiserver for every Job and pod created or
 * changed there — by the run stages' ServiceAccount, the Job controller, or anyone else: share the host's network,
 * PID or IPC namespace; run a privileged container, add capabilities or allow privilege escalation; mount any host
 * directory but the job files' (`root`, no `..`); take a PriorityClass that is not the benchmark's (one of another
namespace's workloads could jump the queue). The benchmark's own Jobs (render.ts renderJob) need none of it;
 * without it, who may create Jobs there could be root on every node.
 */
export function renderPodPolicy(root: string): BenchObjects['podPolicy'] {
  if (!root.startsWith('/') || root.includes('..') || root.endsWith('/'))
    throw new Error(
      `kubernetes objects: job files root ${JSON.stringify(root)} is not an absolute, normal path`,
    );
  const flag = (object: string, field: string) => `(has(${object}.${field}) && ${object}.${field})`;
  const sc = 'c.securityContext';
  return {
    metadata: { name: POD_POLICY, labels: MANAGED },
    spec: {
      failurePolicy: 'Fail',
      matchConstraints: {
        resourceRules: [
          { apiGroups: [''], apiVersions: ['v1'], resources: ['pods'], operations: ['CREATE', 'UPDATE'] },
          {
            apiGroups: ['batch'],
            apiVersions: ['v1'],
            resources: ['jobs'],
            operations: ['CREATE', 'UPDATE'],
          },
        ],
      },
      variables: [
        { name: 'spec', expression: "object.kind == 'Job' ? object.spec.template.spec : object.spec" },
        {
          name: 'containers',
          expression:
            'variables.spec.containers + (has(variables.spec.initContainers) ? variables.spec.initContainers : [])',
        },
      ],
      validations: [
        {
          expression: ['hostNetwork', 'hostPID', 'hostIPC']
            .map((f) => `!${flag('variables.spec', f)}`)
            .join(' && '),
          message: `${BENCH_NAMESPACE}: a pod here may not use the host's network, PID or IPC namespace`,
        },
        {
          expression:
            `variables.containers.all(c, !has(${sc}) || (!${flag(sc, 'privileged')} && ` +
            `!${flag(sc, 'allowPrivilegeEscalation')} && ` +
            `(!has(${sc}.capabilities) || !has(${sc}.capabilities.add) || size(${sc}.capabilities.add) == 0)))`,
          message: `${BENCH_NAMESPACE}: a container here may not be privileged, add capabilities or escalate privileges`,
        },
        {
          expression:
            '!has(variables.spec.priorityClassName) || variables.spec.priorityClassName in ' +
            `[${PRIORITIES.map((p) => celString(PRIORITY_CLASSES[p].name)).join(', ')}]`,
          message: `${BENCH_NAMESPACE}: a pod here may use no PriorityClass but the benchmark's (${PRIORITIES.map((p) => PRIORITY_CLASSES[p].name).join(', ')})`,
        },
        {
          expression:
            '!has(variables.spec.volumes) || variables.spec.volumes.all(v, !has(v.hostPath) || ' +
            `((v.hostPath.path == ${celString(root)} || v.hostPath.path.startsWith(${celString(`${root}/`)})) && ` +
            "!v.hostPath.path.contains('..')))",
          message: `${BENCH_NAMESPACE}: a pod here may mount no host directory but the job files' (${root})`,
        },
      ],
    },
  };
}

const named = (name: string, namespaced = true) => ({
  name,
  ...(namespaced ? { namespace: BENCH_NAMESPACE } : {}),
  labels: MANAGED,
});

/**
 * The PriorityClass of one priority: above the default 0, so that the benchmark's pods go first, a higher one's
 * pods leaving the scheduling queue before a lower one's; none preempts anything.
 */
function priorityClass(p: Priority): k8s.scheduling.v1.PriorityClassArgs {
  return {
    metadata: named(PRIORITY_CLASSES[p].name, false),
    value: PRIORITY_CLASSES[p].value,
    preemptionPolicy: 'Never',
    globalDefault: false,
    description: p === 'normal' ? 'schedbench benchmark jobs' : `schedbench benchmark jobs of ${p} priority`,
  };
}

/**
 * What kwok needs to be the emulated nodes' kubelet (upstream's kwok ClusterRole without its CRDs): read the nodes
 * and renew their Leases, post the nodes' and pods' status, delete pods being deleted, record events. No node is
 * created by it (start-kwok.sh does, as the admin).
 */
function kwokRbac(user: string): NonNullable<BenchObjects['kwok']> {
  const name = 'schedbench-kwok';
  return {
    clusterRole: {
      metadata: named(name, false),
      rules: [
        { apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: [''], resources: ['nodes/status', 'pods/status'], verbs: ['patch', 'update'] },
        { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch', 'delete'] },
        { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch', 'update'] },
        {
          apiGroups: ['coordination.k8s.io'],
          resources: ['leases'],
          verbs: ['create', 'get', 'list', 'watch', 'patch', 'update'],
        },
      ],
    },
    clusterRoleBinding: {
      metadata: named(name, false),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: user }],
    },
  };
}

/**
 * The objects for a cluster of `spec.nodes`. Impossible settings throw, naming the value: no nodes, a quota
 * below one pod.
 */
export function renderBenchObjects(spec: BenchObjectsSpec): BenchObjects {
  if (spec.nodes.length === 0) throw new Error('kubernetes objects: a cluster needs at least one node');
  if (!Number.isInteger(spec.podQuota) || spec.podQuota < 1)
    throw new Error(`kubernetes.podQuota: ${spec.podQuota} is not a whole number ≥ 1`);
  const cpus = Math.max(...spec.nodes.map((n) => n.vcpus));
  const memoryMiB = Math.max(...spec.nodes.map((n) => n.memoryMiB));
  // The cluster-scoped grants are what the stages read outside the namespace: the nodes' allocatable CPUs and
  // addresses (the sampler), the kubelets' and the apiserver's /metrics, and the namespace itself (submit checks it).
  const clusterRoleName = `${RUNNER_ACCOUNT}-${BENCH_NAMESPACE}`;
  const subject = { kind: 'ServiceAccount', name: RUNNER_ACCOUNT, namespace: BENCH_NAMESPACE };
  return {
    namespace: { metadata: { name: BENCH_NAMESPACE, labels: MANAGED } },
    priorityClasses: {
      low: priorityClass('low'),
      normal: priorityClass('normal'),
      high: priorityClass('high'),
    },
    limitRange: {
      metadata: named('schedbench-node-size'),
      spec: {
        limits: [
          {
            type: 'Container',
            max: { cpu: String(cpus), memory: `${memoryMiB}Mi` },
            // A container that names no resources gets one CPU and its share of a node's memory.
            default: { cpu: '1', memory: `${Math.floor(memoryMiB / cpus)}Mi` },
            defaultRequest: { cpu: '1', memory: `${Math.floor(memoryMiB / cpus)}Mi` },
          },
        ],
      },
    },
    // Counts only: a CPU or memory quota refuses a pod at admission once the namespace's requests reach it, so
    // the queue would move from the scheduler into the Job controller's retry back-off — the thing measured.
    resourceQuota: {
      metadata: named('schedbench-object-count'),
      spec: { hard: { pods: String(spec.podQuota), 'count/jobs.batch': String(spec.podQuota) } },
    },
    serviceAccount: { metadata: named(RUNNER_ACCOUNT), automountServiceAccountToken: false },
    role: {
      metadata: named(RUNNER_ACCOUNT),
      rules: [
        // submit creates; wait lists and, on timeout, patches the deadline; collect reads and deletes.
        {
          apiGroups: ['batch'],
          resources: ['jobs'],
          verbs: ['create', 'get', 'list', 'watch', 'patch', 'delete'],
        },
        // collect and the sampler read the run's pods; collect removes those stranded on a lost node.
        { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch', 'delete'] },
      ],
    },
    roleBinding: {
      metadata: named(RUNNER_ACCOUNT),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: RUNNER_ACCOUNT },
      subjects: [subject],
    },
    clusterRole: {
      metadata: named(clusterRoleName, false),
      rules: [
        { apiGroups: [''], resources: ['nodes'], verbs: ['list'] },
        // The kubelets' /metrics (pod start-up latency), which the kubelets authorise through the apiserver.
        { apiGroups: [''], resources: ['nodes/metrics'], verbs: ['get'] },
        { apiGroups: [''], resources: ['namespaces'], resourceNames: [BENCH_NAMESPACE], verbs: ['get'] },
        { nonResourceURLs: ['/metrics'], verbs: ['get'] },
      ],
    },
    clusterRoleBinding: {
      metadata: named(clusterRoleName, false),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: clusterRoleName },
      subjects: [subject],
    },
    podPolicy: renderPodPolicy(spec.jobFilesRoot),
    podPolicyBinding: {
      metadata: named(POD_POLICY, false),
      spec: {
        policyName: POD_POLICY,
        validationActions: ['Deny'],
        matchResources: {
          namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': BENCH_NAMESPACE } },
        },
      },
    },
    ...(spec.kwokUser === undefined ? {} : { kwok: kwokRbac(spec.kwokUser) }),
  };
}
