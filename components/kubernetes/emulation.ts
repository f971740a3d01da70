// Kubernetes' emulated execution (`schedbench:emulation`, docs/scale.md), pure: KWOK (sigs.k8s.io/kwok) keeps N
// fake Node objects of the emulation's size Ready and plays what a kubelet would do to the pods the real
// kube-scheduler binds to them — Running at once, then Succeeded (or Failed) after the job's expected time — from
// the stages in kwok/stages.yaml. Nothing runs in a container; the apiserver, etcd, the controller-manager (Job
// controller) and the kube-scheduler do all of their work. The real kubelets register with a taint, so that the
// benchmark's pods, unchanged but for two annotations, go to the emulated nodes only.
import type { Emulation } from '../config/emulation';
import type { JobSpec } from '../jobs/spec';

/** The KWOK release emulated clusters run (build/kwok/go.mod requires it; gomod.ts writes that file). */
export const KWOK_VERSION = 'v0.8.0';
/** Label of every emulated Node (kwok manages the nodes that carry it). */
export const EMULATED_LABEL = 'schedbench.io/emulated';
/** Taint of the real nodes of an emulated cluster: no benchmark pod goes there. */
export const EMULATION_HOST_TAINT = 'schedbench.io/emulation-host';
/** The user kwok acts as (its client certificate, start-kwok.sh), bound to the least it needs (objects.ts). */
export const KWOK_USER = 'schedbench:kwok';
/** Annotation with a pod's emulated running time in seconds (kwok/stages.yaml). */
export const EMULATED_SECONDS = 'schedbench.io/emulated-seconds';
/** Annotation with a pod's emulated exit code, when not 0 (kwok/stages.yaml). */
export const EMULATED_EXIT_CODE = 'schedbench.io/emulated-exit-code';
/**
 * How long kwok's node Leases last (it renews each every quarter of it) and how long the controller-manager waits
 * for a heartbeat before it calls a node lost. A kubelet renews every 10 s, which at thousands of nodes is
 * hundreds of writes a second on this machine's apiserver, beside the scheduler being measured: the emulation
 * models no node failures (as SLURM's SlurmdTimeout=300), so a minute between renewals is enough.
 */
export const KWOK_LEASE_SECONDS = 240;
export const NODE_MONITOR_GRACE_SECONDS = 300;
/**
 * The most emulated nodes one Kubernetes cluster takes here: each is an object that kwok, the apiserver, etcd and
 * the scheduler's cache hold, and a Lease renewed every minute. Measured up to 1,024 on a 2-core, 24 GiB machine
 * (docs/scale.md); beyond this bound nobody measured it.
 */
export const MAX_KWOK_NODES = 4096;

/** Kubernetes' emulated mode, in a few words recorded with every result (SchedulerModule.emulationMode). */
export const KUBERNETES_EMULATION_MODE =
  'KWOK: N fake Nodes of the profile, kept Ready by one kwok on the first node; the real kube-scheduler binds, ' +
  "KWOK's stages run each pod for its expected time without a container";

/**
 * The annotations that tell kwok how a pod of an emulated spec ends (the run loop has made stress and command work
 * `sleep`: components/jobs/emulate.ts): a `sleep` runs its seconds, `noop` none, `fail` none and exits with its
 * code.
 */
export function emulatedAnnotations(spec: Pick<JobSpec, 'kind' | 'args'>): Record<string, string> {
  const first = spec.args[0] ?? '0';
  switch (spec.kind) {
    case 'sleep':
      return { [EMULATED_SECONDS]: first };
    case 'noop':
      return { [EMULATED_SECONDS]: '0' };
    case 'fail':
      return { [EMULATED_SECONDS]: '0', [EMULATED_EXIT_CODE]: first === '0' ? '1' : first };
    default:
      throw new Error(
        `kubernetes emulation: a ${spec.kind} job does work, which an emulated node cannot do (the run loop emulates it as sleep)`,
      );
  }
}

/**
 * The printf pattern of the emulated nodes' names, as emulatedNodeNames makes them (`e` and the number, padded to
 * the width of N): start-kwok.sh makes the N names from it rather than from a list in its environment.
 */
export const emulatedNodeNameFormat = (count: number): string => `e%0${String(count).length}d`;

/** Pods an emulated node admits: the kubelet's default 110, or one per vCPU of a larger node (one-CPU jobs fill it). */
export const emulatedPodsPerNode = (vcpus: number): number => Math.max(110, vcpus);

/**
 * The Node object of an emulated node (start-kwok.sh sets each one's name and hostname label): created with its
 * status, which an apiserver takes on create, so the scheduler sees the emulation's allocatable from the start.
 */
export function emulatedNodeTemplate(
  emulation: Emulation,
  kubernetesVersion: string,
  kwokVersion: string,
): object {
  const size = {
    cpu: String(emulation.vcpus),
    memory: `${emulation.memoryGiB}Gi`,
    pods: String(emulatedPodsPerNode(emulation.vcpus)),
  };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: '',
      labels: {
        [EMULATED_LABEL]: 'true',
        'kubernetes.io/hostname': '',
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'node.kubernetes.io/instance-type': emulation.profile,
      },
      annotations: { 'kwok.x-k8s.io/node': 'fake' },
    },
    spec: {},
    status: {
      allocatable: size,
      capacity: size,
      nodeInfo: {
        architecture: 'amd64',
        operatingSystem: 'linux',
        kubeletVersion: kubernetesVersion,
        kubeProxyVersion: kubernetesVersion,
        containerRuntimeVersion: `kwok://${kwokVersion}`,
        kernelVersion: '',
        osImage: '',
        machineID: '',
        bootID: '',
        systemUUID: '',
      },
    },
  };
}

/** The kwok controller's flags (start-kwok.sh adds the kubeconfig and the stages file). */
export function kwokArgs(): string[] {
  return [
    '--manage-all-nodes=false',
    `--manage-nodes-with-label-selector=${EMULATED_LABEL}=true`,
    `--node-lease-duration-seconds=${KWOK_LEASE_SECONDS}`,
    // kwok logs every pod it patches or deletes at INFO.
    '--v=WARN',
  ];
}

/** Why `emulation` is more than one Kubernetes cluster takes here, or undefined. */
export function kwokCapacityProblem(emulation: Emulation | null): string | undefined {
  if (emulation === null || emulation.nodes <= MAX_KWOK_NODES) return undefined;
  return (
    `emulation.nodes = ${emulation.nodes}: an emulated Kubernetes cluster takes at most ${MAX_KWOK_NODES} nodes here ` +
    '(each is a Node object with a Lease that the apiserver, etcd, kwok and the scheduler hold; docs/scale.md)'
  );
}
