// Where a Kubernetes cluster keeps its files and sockets, and where its scheduler answers: one pure derivation from
// its state directory, shared by the renderers, the scripts' environment and the admission check. Sockets
// (containerd's, the kubelet's under its root) live under the cluster's short runtime directory, whatever the
// cluster's name.
import { createHash } from 'crypto';
import * as path from 'path';
import { overLimit, runtimeDir, UNIX_SOCKET_MAX_BYTES, type LimitedPath } from '../schedulers/runtime-dir';

/** The kube-scheduler's secure port on the first node's loopback (its default; /metrics needs no credentials). */
export const KUBE_SCHEDULER_METRICS_URL = 'https://127.0.0.1:10259/metrics';

/** Where Debian's containernetworking-plugins put the CNI plugins every node's containerd runs. */
export const CNI_BIN_DIR = '/usr/lib/cni';

/** Every path of a cluster (the same on every node; on netns nodes the filesystem is shared). */
export interface KubernetesLayout {
  root: string;
  /** PKI made by kubeadm (first node only). */
  pkiDir: string;
  /** kubeadm config, control-plane kubeconfigs, the admin kubeconfig (first node only). */
  etcDir: string;
  etcdDataDir: string;
  /** Pid files and logs of the control plane. */
  controlDir: string;
  /** The runs' scheduler samplers (first node). */
  samplersDir: string;
  /** The pods' bridge on every node (CNI), named after the cluster: never another tool's `cni0`. */
  podBridge: string;
  /** Where the runs' job files are on every node: the one host directory the pods may mount (objects.ts). */
  jobFilesRoot: string;
  /** Where a run's job wrappers write their files on every node (a hostPath in the pods). */
  jobFilesDir(slug: string): string;
  /** The per-node directory of `node`. */
  nodeDir(node: string): string;
  /** The per-node runtime directory of `node` (components/schedulers/runtime-dir.ts): its sockets, the kubelet root. */
  nodeRunDir(node: string): string;
}

export function clusterLayout(stateDir: string): KubernetesLayout {
  const root = path.posix.normalize(stateDir);
  return {
    root,
    pkiDir: `${root}/pki`,
    etcDir: `${root}/etc`,
    etcdDataDir: `${root}/etcd`,
    controlDir: `${root}/control`,
    samplersDir: `${root}/samplers`,
    podBridge: `sbk${createHash('sha256').update(root).digest('hex').slice(0, 8)}`,
    jobFilesRoot: `${root}/jobs/out`,
    jobFilesDir: (slug) => `${root}/jobs/out/${slug}`,
    nodeDir: (node) => `${root}/nodes/${node}`,
    nodeRunDir: (node) => `${runtimeDir(root)}/${node}`,
  };
}

/** Paths of one node's own containerd and kubelet. */
export interface NodePaths {
  dir: string;
  /** Short, whatever the names: the Unix sockets of containerd and the kubelet live under it. */
  runDir: string;
  containerdRoot: string;
  containerdState: string;
  containerdSocket: string;
  containerdConfig: string;
  kubeletRoot: string;
  /** The kubelet's certificate directory: its serving certificate and key (from pki.sh), nothing of the host's. */
  kubeletCertDir: string;
  kubeletServingCert: string;
  kubeletServingKey: string;
  kubeletConfig: string;
  kubeletKubeconfig: string;
  caCert: string;
  podLogs: string;
  cniConfDir: string;
  cniIpamDir: string;
}

/** containerd refuses a socket path longer than 104 bytes (sun_path's size on the BSDs; Linux allows 107). */
export const MAX_SOCKET_PATH = 104;

export function nodePaths(layout: KubernetesLayout, node: string): NodePaths {
  const dir = layout.nodeDir(node);
  const runDir = layout.nodeRunDir(node);
  return {
    dir,
    runDir,
    containerdRoot: `${dir}/containerd/root`,
    containerdState: `${dir}/containerd/state`,
    // In the runtime directory: containerd refuses socket paths over 104 bytes, and the node directory is long.
    containerdSocket: `${runDir}/cd.sock`,
    containerdConfig: `${dir}/containerd.toml`,
    // The kubelet makes its device-plugin and pod-resources sockets under its root: it must be short too.
    kubeletRoot: `${runDir}/kubelet`,
    kubeletCertDir: `${dir}/kubelet-pki`,
    // Written by configure.sh: signed by the cluster CA for the node's name and address (pki.sh).
    kubeletServingCert: `${dir}/kubelet-pki/serving.crt`,
    kubeletServingKey: `${dir}/kubelet-pki/serving.key`,
    kubeletConfig: `${dir}/kubelet.yaml`,
    kubeletKubeconfig: `${dir}/kubelet.kubeconfig`,
    caCert: `${dir}/ca.crt`,
    podLogs: `${dir}/pod-logs`,
    cniConfDir: `${dir}/cni/net.d`,
    cniIpamDir: `${dir}/cni/ipam`,
  };
}

/** The socket paths a node's containerd and kubelet make, each with its limit (containerd's is 104 bytes). */
export function nodeSocketPaths(paths: NodePaths, node: string): LimitedPath[] {
  return [
    { what: `containerd socket of node ${node}`, path: paths.containerdSocket, limit: MAX_SOCKET_PATH },
    {
      what: `containerd ttrpc socket of node ${node}`,
      path: `${paths.containerdSocket}.ttrpc`,
      limit: MAX_SOCKET_PATH,
    },
    // Under the kubelet's root (its device-plugin socket is not: the kubelet fixes that one's path).
    {
      what: `kubelet pod-resources socket of node ${node}`,
      path: `${paths.kubeletRoot}/pod-resources/kubelet.sock`,
      limit: UNIX_SOCKET_MAX_BYTES,
    },
  ];
}

/** Every socket path of the cluster on `nodes`, as long as it gets (checked before anything is created). */
export function kubernetesSocketPaths(layout: KubernetesLayout, nodes: readonly string[]): LimitedPath[] {
  return nodes.flatMap((node) => nodeSocketPaths(nodePaths(layout, node), node));
}

/** Throws naming the socket when one of a node's paths does not fit a Unix socket address. */
export function checkSocketPaths(paths: NodePaths, node: string): void {
  const problems = overLimit(nodeSocketPaths(paths, node));
  if (problems.length > 0) throw new Error(`kubernetes: ${problems.join('; ')}`);
}
