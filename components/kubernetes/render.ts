// Pure renderers of a schedbench Kubernetes cluster (its paths are in layout.ts, what a node advertises in
// capacity.ts, its in-cluster objects in objects.ts): the kubeadm configuration its PKI is made from, the flags of
// the control plane, each node's containerd, CNI and kubelet configuration, the validation pods, and a run's
// JobSpecs as batch/v1 Jobs.
// Nothing here touches a file or a process: the component passes the results to the scripts in the environment.
import type * as k8s from '@pulumi/kubernetes';
import { createHash } from 'crypto';
import * as path from 'path';
import { stringify } from 'yaml';
import { jobTimeLimitMinutes, taskCount, type JobSpec, type Priority } from '../jobs/spec';
import { JOB_WRAPPER } from '../jobs/wrapper';
import { kubeletCgroupRoot, type NodeFacts, type Reservation } from './capacity';
import { EMULATION_HOST_TAINT, emulatedAnnotations, NODE_MONITOR_GRACE_SECONDS } from './emulation';
import { checkSocketPaths, type KubernetesLayout, type NodePaths } from './layout';

/** The `index`-th /24 of a /16 pod network (node order): one pod CIDR per node. */
export function podCidrOf(podCidr: string, index: number): string {
  const match = /^(\d+)\.(\d+)\.\d+\.\d+\/16$/.exec(podCidr);
  if (match === null) throw new Error(`kubernetes.podCidr ${podCidr}: must be a /16 (one /24 per node)`);
  if (!Number.isInteger(index) || index < 0 || index > 255)
    throw new Error(`kubernetes.podCidr ${podCidr}: no /24 for node ${index + 1} (at most 256 nodes)`);
  return `${match[1]}.${match[2]}.${index}.0/24`;
}

/** The first address of a CIDR + `offset` (e.g. the service network's first address, the apiserver's). */
export function cidrAddress(cidr: string, offset: number): string {
  const [base] = cidr.split('/');
  const n = (base ?? '').split('.').reduce((acc, part) => acc * 256 + Number(part), 0) + offset;
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}

export interface ClusterSpec {
  cluster: string;
  version: string;
  controllerName: string;
  controllerAddress: string;
  apiserverPort: number;
  etcdPort: number;
  podCidr: string;
  serviceCidr: string;
  layout: KubernetesLayout;
  /** An emulated cluster (emulation.ts): its nodes' heartbeats are rarer than kubelets'. */
  emulated?: boolean;
  /** kube-controller-manager's `--kube-api-qps` (kubernetes.controllerManagerQps); its burst is 1.5 times it. */
  controllerManagerQps?: number;
}

/** kubeadm's InitConfiguration + ClusterConfiguration (v1beta4): what its offline phases make the PKI from. */
export function renderKubeadmConfig(spec: ClusterSpec): string {
  const init = {
    apiVersion: 'kubeadm.k8s.io/v1beta4',
    kind: 'InitConfiguration',
    localAPIEndpoint: { advertiseAddress: spec.controllerAddress, bindPort: spec.apiserverPort },
    nodeRegistration: { name: spec.controllerName },
  };
  const cluster = {
    apiVersion: 'kubeadm.k8s.io/v1beta4',
    kind: 'ClusterConfiguration',
    clusterName: spec.cluster,
    kubernetesVersion: spec.version,
    controlPlaneEndpoint: `${spec.controllerAddress}:${spec.apiserverPort}`,
    certificatesDir: spec.layout.pkiDir,
    networking: { serviceSubnet: spec.serviceCidr, podSubnet: spec.podCidr, dnsDomain: 'cluster.local' },
    apiServer: { certSANs: [spec.controllerAddress, '127.0.0.1', 'localhost'] },
    etcd: {
      local: { dataDir: spec.layout.etcdDataDir, serverCertSANs: ['127.0.0.1'], peerCertSANs: ['127.0.0.1'] },
    },
  };
  return `${stringify(init)}---\n${stringify(cluster)}`;
}

/** Command lines of the control plane (one argument per line in the scripts' environment), as kubeadm's manifests. */
export interface ControlPlaneArgs {
  etcd: string[];
  apiserver: string[];
  controllerManager: string[];
  scheduler: string[];
}

export function controlPlaneArgs(spec: ClusterSpec): ControlPlaneArgs {
  const pki = spec.layout.pkiDir;
  const etc = spec.layout.etcDir;
  const client = `https://127.0.0.1:${spec.etcdPort}`;
  const peer = `https://127.0.0.1:${spec.etcdPort + 1}`;
  const etcd = [
    `--name=${spec.controllerName}`,
    `--data-dir=${spec.layout.etcdDataDir}`,
    `--listen-client-urls=${client}`,
    `--advertise-client-urls=${client}`,
    `--listen-peer-urls=${peer}`,
    `--initial-advertise-peer-urls=${peer}`,
    `--initial-cluster=${spec.controllerName}=${peer}`,
    '--initial-cluster-state=new',
    `--listen-metrics-urls=http://127.0.0.1:${spec.etcdPort + 2}`,
    `--cert-file=${pki}/etcd/server.crt`,
    `--key-file=${pki}/etcd/server.key`,
    '--client-cert-auth=true',
    `--trusted-ca-file=${pki}/etcd/ca.crt`,
    `--peer-cert-file=${pki}/etcd/peer.crt`,
    `--peer-key-file=${pki}/etcd/peer.key`,
    '--peer-client-cert-auth=true',
    `--peer-trusted-ca-file=${pki}/etcd/ca.crt`,
    '--snapshot-count=10000',
  ];
  const apiserver = [
    `--advertise-address=${spec.controllerAddress}`,
    // Only on the cluster network, and nobody unauthenticated (health checks included: they use admin.conf).
    `--bind-address=${spec.controllerAddress}`,
    '--anonymous-auth=false',
    `--secure-port=${spec.apiserverPort}`,
    // No pod of the cluster needs it (no kube-proxy or CNI pods: the node scripts do their work), so nobody may run a
    // privileged container, not even cluster-admin (the namespace's admission policy refuses it too).
    '--allow-privileged=false',
    '--authorization-mode=Node,RBAC',
    '--enable-admission-plugins=NodeRestriction',
    `--client-ca-file=${pki}/ca.crt`,
    `--etcd-servers=${client}`,
    `--etcd-cafile=${pki}/etcd/ca.crt`,
    `--etcd-certfile=${pki}/apiserver-etcd-client.crt`,
    `--etcd-keyfile=${pki}/apiserver-etcd-client.key`,
    `--kubelet-client-certificate=${pki}/apiserver-kubelet-client.crt`,
    `--kubelet-client-key=${pki}/apiserver-kubelet-client.key`,
    '--kubelet-preferred-address-types=InternalIP',
    // Kubelets serve certificates the cluster CA signed for their address (pki.sh): the apiserver checks them.
    `--kubelet-certificate-authority=${pki}/ca.crt`,
    `--proxy-client-cert-file=${pki}/front-proxy-client.crt`,
    `--proxy-client-key-file=${pki}/front-proxy-client.key`,
    '--requestheader-allowed-names=front-proxy-client',
    `--requestheader-client-ca-file=${pki}/front-proxy-ca.crt`,
    '--requestheader-extra-headers-prefix=X-Remote-Extra-',
    '--requestheader-group-headers=X-Remote-Group',
    '--requestheader-username-headers=X-Remote-User',
    '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
    `--service-account-key-file=${pki}/sa.pub`,
    `--service-account-signing-key-file=${pki}/sa.key`,
    `--service-cluster-ip-range=${spec.serviceCidr}`,
    `--tls-cert-file=${pki}/apiserver.crt`,
    `--tls-private-key-file=${pki}/apiserver.key`,
  ];
  const controllerManager = [
    `--kubeconfig=${etc}/controller-manager.conf`,
    `--authentication-kubeconfig=${etc}/controller-manager.conf`,
    `--authorization-kubeconfig=${etc}/controller-manager.conf`,
    '--bind-address=127.0.0.1',
    `--client-ca-file=${pki}/ca.crt`,
    `--cluster-name=${spec.cluster}`,
    `--cluster-signing-cert-file=${pki}/ca.crt`,
    `--cluster-signing-key-file=${pki}/ca.key`,
    '--controllers=*,bootstrapsigner,tokencleaner',
    ...(spec.controllerManagerQps === undefined
      ? []
      : [
          `--kube-api-qps=${spec.controllerManagerQps}`,
          `--kube-api-burst=${Math.ceil(spec.controllerManagerQps * 1.5)}`,
        ]),
    ...(spec.emulated === true ? [`--node-monitor-grace-period=${NODE_MONITOR_GRACE_SECONDS}s`] : []),
    '--leader-elect=false',
    `--requestheader-client-ca-file=${pki}/front-proxy-ca.crt`,
    `--root-ca-file=${pki}/ca.crt`,
    `--service-account-private-key-file=${pki}/sa.key`,
    '--use-service-account-credentials=true',
  ];
  const scheduler = [
    `--kubeconfig=${etc}/scheduler.conf`,
    `--authentication-kubeconfig=${etc}/scheduler.conf`,
    `--authorization-kubeconfig=${etc}/scheduler.conf`,
    '--bind-address=127.0.0.1',
    '--leader-elect=false',
    // The run's scheduler sampler reads /metrics from the first node's loopback without credentials.
    '--authorization-always-allow-paths=/healthz,/readyz,/livez,/metrics',
  ];
  return { etcd, apiserver, controllerManager, scheduler };
}

export interface KubeletSpec {
  paths: NodePaths;
  facts: NodeFacts;
  reservation: Reservation;
  clusterDomain?: string;
  /** The node hosts an emulated cluster's nodes: it registers tainted, so no benchmark pod runs on it. */
  emulationHost?: boolean;
}

/** KubeletConfiguration (kubelet.config.k8s.io/v1beta1); kind's node configuration is the prior art. */
export function renderKubeletConfig(spec: KubeletSpec): string {
  const config = {
    apiVersion: 'kubelet.config.k8s.io/v1beta1',
    kind: 'KubeletConfiguration',
    authentication: {
      anonymous: { enabled: false },
      webhook: { enabled: true },
      x509: { clientCAFile: spec.paths.caCert },
    },
    authorization: { mode: 'Webhook' },
    containerRuntimeEndpoint: `unix://${spec.paths.containerdSocket}`,
    cgroupDriver: 'cgroupfs',
    cgroupRoot: kubeletCgroupRoot(spec.facts),
    cgroupsPerQOS: true,
    // Kubernetes ≥ 1.35 refuses cgroup v1 unless told otherwise; these machines have v1 (docs/kubernetes.md).
    failCgroupV1: false,
    failSwapOn: false,
    // Allocatable = the profile: reservations take the rest of the machine, no eviction reserve.
    systemReserved: { cpu: `${spec.reservation.cpuMillis}m`, memory: String(spec.reservation.memoryBytes) },
    enforceNodeAllocatable: ['pods'],
    evictionHard: {
      'memory.available': '0%',
      'nodefs.available': '0%',
      'nodefs.inodesFree': '0%',
      'imagefs.available': '0%',
    },
    // Imported images have no registry to come back from: never collect them.
    imageGCHighThresholdPercent: 100,
    imageGCLowThresholdPercent: 99,
    podLogsDir: spec.paths.podLogs,
    healthzBindAddress: '127.0.0.1',
    healthzPort: 10248,
    readOnlyPort: 0,
    // Its serving certificate is the cluster CA's (pki.sh), not one of its own making: clients can check it.
    tlsCertFile: spec.paths.kubeletServingCert,
    tlsPrivateKeyFile: spec.paths.kubeletServingKey,
    clusterDomain: spec.clusterDomain ?? 'cluster.local',
    rotateCertificates: false,
    serializeImagePulls: false,
    ...(spec.emulationHost === true
      ? { registerWithTaints: [{ key: EMULATION_HOST_TAINT, value: 'true', effect: 'NoSchedule' }] }
      : {}),
  };
  return stringify(config);
}

/** Kubelet flags that have no configuration field. */
export function kubeletArgs(paths: NodePaths, node: { name: string; address: string }): string[] {
  return [
    `--config=${paths.kubeletConfig}`,
    `--kubeconfig=${paths.kubeletKubeconfig}`,
    `--root-dir=${paths.kubeletRoot}`,
    // Whatever the kubelet would write of its certificates goes here: the node's own, not the host's /var/lib/kubelet/pki.
    `--cert-dir=${paths.kubeletCertDir}`,
    `--node-ip=${node.address}`,
    `--hostname-override=${node.name}`,
  ];
}

function tomlString(value: string): string {
  return JSON.stringify(value);
}

export interface ContainerdSpec {
  paths: NodePaths;
  binDir: string;
  sandboxImage: string;
  cniBinDir: string;
}

/**
 * containerd 2 configuration (version 3): its own root, state and sockets (a Docker engine may own the default
 * ones), the sandbox image pinned (imported, never pulled), runc with its own state root and the cgroupfs driver,
 * pod network namespaces under its state directory, NRI off (its socket is host-wide).
 */
export function renderContainerdConfig(spec: ContainerdSpec): string {
  const p = spec.paths;
  checkSocketPaths(p, path.posix.basename(p.dir));
  const cri = 'plugins."io.containerd.cri.v1.runtime"';
  return [
    '# containerd of a schedbench Kubernetes node; rendered by components/kubernetes/render.ts',
    'version = 3',
    `root = ${tomlString(p.containerdRoot)}`,
    `state = ${tomlString(p.containerdState)}`,
    'disabled_plugins = ["io.containerd.nri.v1.nri"]',
    '',
    '[grpc]',
    `  address = ${tomlString(p.containerdSocket)}`,
    '[ttrpc]',
    `  address = ${tomlString(`${p.containerdSocket}.ttrpc`)}`,
    '[debug]',
    '  address = ""',
    '[metrics]',
    '  address = ""',
    '',
    '[plugins."io.containerd.internal.v1.opt"]',
    `  path = ${tomlString(`${p.containerdRoot}/opt`)}`,
    '',
    '[plugins."io.containerd.cri.v1.images"]',
    '  snapshotter = "overlayfs"',
    '[plugins."io.containerd.cri.v1.images".pinned_images]',
    `  sandbox = ${tomlString(spec.sandboxImage)}`,
    '',
    `[${cri}]`,
    '  netns_mounts_under_state_dir = true',
    // Pods' oom_score_adj no lower than containerd's own: negative values need CAP_SYS_RESOURCE, which
    // sandboxed hosts (and these machines) do not grant; elsewhere containerd runs at 0 and nothing changes.
    '  restrict_oom_score_adj = true',
    '  enable_cdi = false',
    `[${cri}.containerd]`,
    '  default_runtime_name = "runc"',
    `[${cri}.containerd.runtimes.runc]`,
    '  runtime_type = "io.containerd.runc.v2"',
    `[${cri}.containerd.runtimes.runc.options]`,
    `  BinaryName = ${tomlString(`${spec.binDir}/runc`)}`,
    `  Root = ${tomlString(`${p.containerdState}/runc`)}`,
    '  SystemdCgroup = false',
    `[${cri}.cni]`,
    `  bin_dirs = [${tomlString(spec.cniBinDir)}]`,
    `  conf_dir = ${tomlString(p.cniConfDir)}`,
    '  max_conf_num = 1',
    '',
    '[plugins."io.containerd.grpc.v1.cri"]',
    '  stream_server_address = "127.0.0.1"',
    '  stream_server_port = "0"',
    '',
  ].join('\n');
}

/** The pod network of one node: the cluster's bridge in the node's network namespace, host-local IPAM in its dir. */
export function renderCniConfig(paths: NodePaths, podCidr: string, bridge: string): string {
  return `${JSON.stringify(
    {
      cniVersion: '1.0.0',
      name: 'schedbench',
      plugins: [
        {
          type: 'bridge',
          bridge,
          isGateway: true,
          ipMasq: false,
          hairpinMode: true,
          ipam: {
            type: 'host-local',
            ranges: [[{ subnet: podCidr }]],
            routes: [{ dst: '0.0.0.0/0' }],
            dataDir: paths.cniIpamDir,
          },
        },
      ],
    },
    null,
    2,
  )}\n`;
}

/** Routes from one node to every other node's pod CIDR over the cluster network: lines of `<cidr> <via>`. */
export function podRoutes(nodes: { name: string; address: string }[], podCidr: string, self: string): string {
  return nodes
    .map((n, i) => ({ n, cidr: podCidrOf(podCidr, i) }))
    .filter(({ n }) => n.name !== self)
    .map(({ n, cidr }) => `${cidr} ${n.address}`)
    .join('\n');
}

/** The validation pod of one node: runs once on that node (the scheduler places it by hostname). */
export function validationPod(node: string, image: string): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `schedbench-validate-${node}`,
      namespace: 'default',
      labels: { 'schedbench.io/validate': 'true' },
    },
    spec: {
      restartPolicy: 'Never',
      automountServiceAccountToken: false,
      nodeSelector: { 'kubernetes.io/hostname': node },
      // On the real nodes of an emulated cluster too (they are tainted for the benchmark's pods).
      tolerations: [{ key: EMULATION_HOST_TAINT, operator: 'Exists', effect: 'NoSchedule' }],
      terminationGracePeriodSeconds: 0,
      containers: [
        {
          name: 'validate',
          image,
          imagePullPolicy: 'Never',
          command: ['stress-ng', '--cpu', '1', '--cpu-ops', '100', '--quiet'],
          resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '100m', memory: '64Mi' } },
        },
      ],
    },
  };
}

/** Expected per-node values for validation: lines of `<name> <cpus> <memoryBytes>`. */
export function expectedNodes(nodes: { name: string; cpus: number; memoryBytes: number }[]): string {
  return nodes.map((n) => `${n.name} ${n.cpus} ${n.memoryBytes}`).join('\n');
}

/** The namespace every benchmark Job runs in. */
export const BENCH_NAMESPACE = 'schedbench';
/** The PriorityClass of a benchmark pod of normal priority (one of the cluster's objects: objects.ts). */
export const PRIORITY_CLASS = 'schedbench-job';
/**
 * The PriorityClass of each priority a spec may ask for, and its value: the kube-scheduler's queue takes a pod of
 * a higher value first (none preempts: objects.ts), as SLURM's nice and Flux's urgency order their queues.
 */
export const PRIORITY_CLASSES: Record<Priority, { name: string; value: number }> = {
  low: { name: `${PRIORITY_CLASS}-low`, value: 500 },
  normal: { name: PRIORITY_CLASS, value: 1000 },
  high: { name: `${PRIORITY_CLASS}-high`, value: 1500 },
};
/** Label of every object of one run: a digest of the run's slug (label values are short). */
export const RUN_LABEL = 'schedbench.io/run';
/** Label with the index of the spec a Job was rendered from. */
export const SPEC_LABEL = 'schedbench.io/spec';
/** Label the Job controller puts on a Job's pods. */
export const JOB_NAME_LABEL = 'batch.kubernetes.io/job-name';
/** Label of a node with its name (the kubelet sets it): the topology of one pod per node. */
export const HOSTNAME_LABEL = 'kubernetes.io/hostname';
/** The variable in which the Job controller gives an Indexed Job's pod its index: the task's rank. */
export const TASK_INDEX_VAR = 'JOB_COMPLETION_INDEX';
/** The variable holding the name of the node a pod runs on (the downward API's spec.nodeName). */
export const NODE_NAME_VAR = 'NODE_NAME';
/** Where the job's files directory of its node appears inside the container. */
export const CONTAINER_OUT_DIR = '/schedbench/out';

/**
 * A run's Job of one spec (Guaranteed QoS, no retries, the workload image, the job wrapper writing its times and
 * stress-ng's metrics to a hostPath), typed with @pulumi/kubernetes' input types. The submit stage
 * (scripts/submit.sh) names the copies and creates them following the arrival pattern; the apiserver validates them
 * strictly (`kubectl create --validate=strict`).
 */
export type JobManifest = k8s.types.input.batch.v1.Job;

export interface RenderJobArgs {
  /** Image reference of the workload image (imported on every node). */
  image: string;
  /** The run's label value (runLabelOf). */
  runLabel: string;
  /** The job files directory on the node (RunStages.jobFilesDir). */
  jobFilesDir: string;
  timeoutFactor: number;
  /** Emulated execution: each pod says how long it runs and how it ends, for kwok (emulation.ts). */
  emulated?: boolean;
}

/** A CPU count as a Kubernetes quantity. */
const cpuQuantity = (cpus: number): string => String(cpus);
/** A task's share of its node's memory (MiB per node ÷ tasks per node) as a Kubernetes quantity: Mi, else Ki. */
function taskMemoryQuantity(spec: Pick<JobSpec, 'memoryMiB' | 'tasksPerNode'>): string {
  const kib = Math.floor((spec.memoryMiB * 1024) / spec.tasksPerNode);
  return kib % 1024 === 0 ? `${kib / 1024}Mi` : `${kib}Ki`;
}

type PodSpec = k8s.types.input.core.v1.PodSpec;

/**
 * Where the pods of a job of several may go, so that the job has its shape — `nodes` nodes with `tasksPerNode`
 * pods on each — as far as the kube-scheduler can be told; nothing for a job of one pod. The pods of one Job are
 * selected by the run's label and, through `matchLabelKeys`, the Job's own name label (the Job controller sets it;
 * the template has no name: the submit stage names each copy).
 * - one node, several tasks: required pod affinity to its own pods on the same node (the first pod may go anywhere:
 *   the scheduler lets a pod that matches its own affinity term start a group);
 * - several nodes, one task each: required pod anti-affinity, one pod of the Job per node;
 * - several nodes, several tasks each: a hard topology spread over nodes with maxSkew 1 — no node holds more than
 *   tasksPerNode of the Job's pods (it would need every other node to hold tasksPerNode as well), and on a cluster
 *   of exactly `nodes` nodes every node holds tasksPerNode. On a larger cluster the pods spread over more nodes
 *   than `nodes`: Kubernetes has no way to say "exactly t pods on each of n nodes" (docs/kubernetes.md).
 * Each rule holds among the pods alive together only: the kube-scheduler does not count finished pods, so a pod
 * that waited may take the node of one of its Job's that finished.
 */
export function placement(
  spec: Pick<JobSpec, 'nodes' | 'tasksPerNode'>,
  runLabel: string,
): Pick<PodSpec, 'affinity' | 'topologySpreadConstraints'> {
  const term = {
    labelSelector: { matchLabels: { [RUN_LABEL]: runLabel } },
    matchLabelKeys: [JOB_NAME_LABEL],
    topologyKey: HOSTNAME_LABEL,
  };
  if (taskCount(spec) === 1) return {};
  if (spec.nodes === 1)
    return { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term] } } };
  if (spec.tasksPerNode === 1)
    return { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term] } } };
  return {
    topologySpreadConstraints: [
      {
        maxSkew: 1,
        topologyKey: HOSTNAME_LABEL,
        whenUnsatisfiable: 'DoNotSchedule',
        labelSelector: term.labelSelector,
        matchLabelKeys: term.matchLabelKeys,
      },
    ],
  };
}

/**
 * The Job of spec `specIndex` (without a name: the submit stage names each copy). Requests equal limits, so every
 * pod is Guaranteed; `backoffLimit: 0` and `restartPolicy: Never`, so a failure is recorded, never retried; the
 * pod's `activeDeadlineSeconds` is the same whole-minute limit every scheduler gets (it counts from the pod's
 * start on its node, as SLURM's and Flux's limits count from the job's start). A job of several tasks (nodes ×
 * tasksPerNode) is an Indexed Job of as many pods, all at once: each pod one task with `cpus` CPUs and its node's
 * memory ÷ tasksPerNode, its rank the completion index (SCHEDBENCH_TASK_VAR for the wrapper), placed by
 * `placement`. Every pod tells the wrapper its node's name (SCHEDBENCH_NODE_VAR: the pod's hostname is its own).
 */
export function renderJob(spec: JobSpec, specIndex: number, args: RenderJobArgs): JobManifest {
  const labels = { [RUN_LABEL]: args.runLabel, [SPEC_LABEL]: String(specIndex) };
  const resources = { cpu: cpuQuantity(spec.cpus), memory: taskMemoryQuantity(spec) };
  const tasks = taskCount(spec);
  const env = [
    { name: 'JOB_ID', valueFrom: { fieldRef: { fieldPath: `metadata.labels['${JOB_NAME_LABEL}']` } } },
    { name: NODE_NAME_VAR, valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
    { name: 'SCHEDBENCH_NODE_VAR', value: NODE_NAME_VAR },
    ...(tasks > 1 ? [{ name: 'SCHEDBENCH_TASK_VAR', value: TASK_INDEX_VAR }] : []),
  ];
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { namespace: BENCH_NAMESPACE, labels },
    spec: {
      backoffLimit: 0,
      ...(tasks > 1 ? { completionMode: 'Indexed' } : {}),
      completions: tasks,
      parallelism: tasks,
      template: {
        metadata: { labels, ...(args.emulated === true ? { annotations: emulatedAnnotations(spec) } : {}) },
        spec: {
          restartPolicy: 'Never',
          priorityClassName: PRIORITY_CLASSES[spec.priority].name,
          activeDeadlineSeconds: jobTimeLimitMinutes(spec, args.timeoutFactor) * 60,
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          terminationGracePeriodSeconds: 5,
          ...placement(spec, args.runLabel),
          containers: [
            {
              name: 'job',
              image: args.image,
              imagePullPolicy: 'Never',
              // The one job wrapper, run by bash inside the image; JOB_ID below gives it the Job's name.
              command: [
                'bash',
                '-c',
                JOB_WRAPPER,
                'job.sh',
                CONTAINER_OUT_DIR,
                'JOB_ID',
                spec.kind,
                ...spec.args,
              ],
              env,
              resources: { requests: resources, limits: resources },
              volumeMounts: [{ name: 'out', mountPath: CONTAINER_OUT_DIR }],
            },
          ],
          // The run loop makes it before submitting; the kubelet makes it if a resumed run finds it gone.
          volumes: [{ name: 'out', hostPath: { path: args.jobFilesDir, type: 'DirectoryOrCreate' } }],
        },
      },
    },
  };
}

/**
 * The Job of every spec of a run, indexed by spec (JOB_TEMPLATES of submit.sh, JSON): the submit stage names each
 * copy and creates it when the neutral plan (components/jobs/plan.ts) says it arrives.
 */
export function renderJobTemplates(specs: readonly JobSpec[], args: RenderJobArgs): JobManifest[] {
  return specs.map((spec, specIndex) => renderJob(spec, specIndex, args));
}

/**
 * A run's label value and job name prefix from its slug: 12 hex digits of its SHA-256 (a slug is longer than a
 * label value or a Job name may be). Job names are `sb-<label>-s<spec>-<copy>`: DNS labels of ≤ 63 characters,
 * as the Job controller's pod label requires.
 */
export function runLabelOf(slug: string): string {
  return createHash('sha256').update(slug).digest('hex').slice(0, 12);
}

/** Prefix of every Job name of the run with label `runLabel`. */
export const jobNamePrefix = (runLabel: string): string => `sb-${runLabel}-`;
