// The pure renderers of the Kubernetes component: kubeadm, control-plane flags, containerd, kubelet and CNI
// configuration, the capacity reservation, and errors for impossible settings.
import { RUNTIME_ROOT } from '../../../components/schedulers/runtime-dir';
import { parse, parseAllDocuments } from 'yaml';
import { checkSocketPaths, clusterLayout, nodePaths } from '../../../components/kubernetes/layout';
import {
  cidrAddress,
  controlPlaneArgs,
  expectedNodes,
  kubeletArgs,
  podCidrOf,
  podRoutes,
  renderCniConfig,
  renderContainerdConfig,
  renderKubeadmConfig,
  renderKubeletConfig,
  validationPod,
  type ClusterSpec,
} from '../../../components/kubernetes/render';
import { reservationFor, allocatable, type NodeFacts } from '../../../components/kubernetes/capacity';
import { buildModules, renderGoMod, stagingReplaces } from '../../../components/kubernetes/build/gomod';
import { KubernetesOptions } from '../../../components/kubernetes/options';

const layout = clusterLayout('/var/lib/schedbench/k8s-a/kubernetes');
const spec: ClusterSpec = {
  cluster: 'k8s-a',
  version: 'v1.37.2',
  controllerName: 'n1',
  controllerAddress: '10.70.0.2',
  apiserverPort: 6443,
  etcdPort: 2379,
  podCidr: '10.244.0.0/16',
  serviceCidr: '10.96.0.0/16',
  layout,
};
const GiB = 1024 ** 3;
const facts: NodeFacts = { cpus: 2, memoryBytes: 24 * GiB, cgroup: '/schedbench/k8s-a/n1', cgroupVersion: 1 };

describe('kubeadm configuration', () => {
  const [init, cluster] = parseAllDocuments(renderKubeadmConfig(spec)).map(
    (d) => d.toJS() as Record<string, unknown>,
  );
  it('makes the PKI for the first node in the cluster directory', () => {
    expect(init).toMatchObject({
      kind: 'InitConfiguration',
      localAPIEndpoint: { advertiseAddress: '10.70.0.2', bindPort: 6443 },
      nodeRegistration: { name: 'n1' },
    });
    expect(cluster).toMatchObject({
      kind: 'ClusterConfiguration',
      kubernetesVersion: 'v1.37.2',
      controlPlaneEndpoint: '10.70.0.2:6443',
      certificatesDir: '/var/lib/schedbench/k8s-a/kubernetes/pki',
      networking: { serviceSubnet: '10.96.0.0/16', podSubnet: '10.244.0.0/16' },
    });
  });
});

describe('control-plane flags', () => {
  const args = controlPlaneArgs(spec);
  it('keeps etcd on the first node loopback with client and peer TLS', () => {
    expect(args.etcd).toContain('--listen-client-urls=https://127.0.0.1:2379');
    expect(args.etcd).toContain('--initial-cluster=n1=https://127.0.0.1:2380');
    expect(args.etcd).toContain('--data-dir=/var/lib/schedbench/k8s-a/kubernetes/etcd');
    expect(args.etcd).toContain('--client-cert-auth=true');
  });
  it('points the apiserver at etcd and its PKI, with Node+RBAC authorisation', () => {
    expect(args.apiserver).toContain('--etcd-servers=https://127.0.0.1:2379');
    expect(args.apiserver).toContain('--authorization-mode=Node,RBAC');
    expect(args.apiserver).toContain('--advertise-address=10.70.0.2');
    expect(args.apiserver).toContain('--service-cluster-ip-range=10.96.0.0/16');
  });
  it('lets no pod run privileged and checks the kubelets it calls against the cluster CA', () => {
    expect(args.apiserver).toContain('--allow-privileged=false');
    expect(args.apiserver.filter((a) => a.startsWith('--allow-privileged'))).toHaveLength(1);
    expect(args.apiserver).toContain(`--kubelet-certificate-authority=${layout.pkiDir}/ca.crt`);
  });
  it('runs controller-manager and scheduler without leader election, on their kubeconfigs', () => {
    expect(args.controllerManager).toContain('--leader-elect=false');
    expect(args.controllerManager).toContain(`--kubeconfig=${layout.etcDir}/controller-manager.conf`);
    expect(args.scheduler).toContain(`--kubeconfig=${layout.etcDir}/scheduler.conf`);
  });
  it('never puts a flag value on two lines (the scripts read one argument a line)', () => {
    for (const list of Object.values(args)) for (const a of list) expect(a).not.toContain('\n');
  });
});

describe('containerd configuration', () => {
  const paths = nodePaths(layout, 'n2');
  const toml = renderContainerdConfig({
    paths,
    binDir: '/var/cache/schedbench/k8s/abc/bin',
    sandboxImage: 'registry.k8s.io/pause:3.10.2',
    cniBinDir: '/usr/lib/cni',
  });
  it('uses its own root, state and sockets, never the default ones', () => {
    expect(toml).toContain(`root = "${paths.containerdRoot}"`);
    expect(toml).toContain(`state = "${paths.containerdState}"`);
    expect(toml).toContain(`address = "${paths.containerdSocket}"`);
    expect(toml).not.toContain('/run/containerd');
    expect(toml).not.toContain('/var/lib/containerd');
  });
  it('pins the imported sandbox image (containerd 2 key) and runs runc with cgroupfs and its own state root', () => {
    expect(toml).toContain(
      '[plugins."io.containerd.cri.v1.images".pinned_images]\n  sandbox = "registry.k8s.io/pause:3.10.2"',
    );
    expect(toml).toContain('BinaryName = "/var/cache/schedbench/k8s/abc/bin/runc"');
    expect(toml).toContain(`Root = "${paths.containerdState}/runc"`);
    expect(toml).toContain('SystemdCgroup = false');
    expect(toml).toContain('netns_mounts_under_state_dir = true');
    expect(toml).toContain('disabled_plugins = ["io.containerd.nri.v1.nri"]');
  });
  it('keeps sockets in the short runtime directory however deep the state directory is', () => {
    const deep = nodePaths(clusterLayout(`/${'d'.repeat(90)}`), 'n1');
    expect(deep.containerdSocket).toMatch(new RegExp(`^${RUNTIME_ROOT}/[0-9a-f]{8}/n1/cd\\.sock$`));
    expect(() => checkSocketPaths(deep, 'n1')).not.toThrow();
    const rendered = renderContainerdConfig({
      paths: deep,
      binDir: '/opt/k8s/bin',
      sandboxImage: 'registry.k8s.io/pause:3.10.2',
      cniBinDir: '/usr/lib/cni',
    });
    expect(rendered).toContain(`address = "${deep.containerdSocket}"`);
  });
  it('refuses a node whose socket paths cannot be Unix socket addresses, naming the socket', () => {
    const long = 'n'.repeat(70);
    const paths = nodePaths(layout, long);
    expect(() => checkSocketPaths(paths, long)).toThrow(
      new RegExp(`containerd ttrpc socket of node n+ ${RUNTIME_ROOT}/\\S+ is \\d+ bytes, more than 104`),
    );
  });
});

describe('kubelet configuration and capacity', () => {
  const paths = nodePaths(layout, 'n1');
  it('reserves the rest of the machine so allocatable equals the profile', () => {
    expect(reservationFor('n1', facts, { vcpus: 1, memoryMiB: 4096 })).toEqual({
      cpuMillis: 1000,
      memoryBytes: 20 * GiB,
    });
    expect(reservationFor('n1', facts, { vcpus: 2, memoryMiB: 24 * 1024 })).toEqual({
      cpuMillis: 0,
      memoryBytes: 0,
    });
  });
  it('lets a machine of its own advertise what it has when the kernel keeps part of the profile', () => {
    const vm = { ...facts, cpus: 1, memoryBytes: Math.round(0.95 * 3 * GiB) };
    const reservation = reservationFor('vm1', vm, { vcpus: 1, memoryMiB: 3072 }, true);
    expect(reservation).toEqual({ cpuMillis: 0, memoryBytes: 0 });
    expect(allocatable(vm, reservation)).toEqual({ cpus: 1, memoryBytes: vm.memoryBytes });
    // Sharing the host, the same shortfall is refused: netns nodes must fit exactly.
    expect(() => reservationFor('n1', vm, { vcpus: 1, memoryMiB: 3072 })).toThrow(/3072 MiB of memory/);
    // Below the kernel's share, a machine of its own is refused too.
    const small = { ...vm, memoryBytes: Math.round(0.8 * 3 * GiB) };
    expect(() => reservationFor('vm1', small, { vcpus: 1, memoryMiB: 3072 }, true)).toThrow(
      /node vm1: the profile asks for 3072 MiB of memory but the machine has 2457 MiB/,
    );
    // A machine bigger than the profile still advertises the profile.
    expect(allocatable(facts, reservationFor('h1', facts, { vcpus: 1, memoryMiB: 4096 }, true))).toEqual({
      cpus: 1,
      memoryBytes: 4 * GiB,
    });
  });
  it('refuses a profile with more CPUs or memory than the machine, naming node and value', () => {
    expect(() => reservationFor('n2', facts, { vcpus: 4, memoryMiB: 1024 })).toThrow(
      /node n2: the profile asks for 4 CPUs but the machine has 2/,
    );
    expect(() => reservationFor('n2', facts, { vcpus: 1, memoryMiB: 32 * 1024 })).toThrow(
      /node n2: the profile asks for 32768 MiB of memory but the machine has 24576 MiB/,
    );
  });
  it('renders kind-like node settings under the node cgroup', () => {
    const config = parse(
      renderKubeletConfig({ paths, facts, reservation: { cpuMillis: 1000, memoryBytes: 20 * GiB } }),
    ) as Record<string, unknown>;
    expect(config).toMatchObject({
      kind: 'KubeletConfiguration',
      cgroupDriver: 'cgroupfs',
      cgroupRoot: '/schedbench/k8s-a/n1/kubernetes',
      failSwapOn: false,
      failCgroupV1: false,
      containerRuntimeEndpoint: `unix://${paths.containerdSocket}`,
      systemReserved: { cpu: '1000m', memory: String(20 * GiB) },
      enforceNodeAllocatable: ['pods'],
      imageGCHighThresholdPercent: 100,
      podLogsDir: paths.podLogs,
      authentication: { anonymous: { enabled: false }, x509: { clientCAFile: paths.caCert } },
      // The serving certificate the cluster CA signed (pki.sh), not a self-signed one.
      tlsCertFile: paths.kubeletServingCert,
      tlsPrivateKeyFile: paths.kubeletServingKey,
    });
    expect(Object.values(config.evictionHard as Record<string, string>)).toEqual(['0%', '0%', '0%', '0%']);
  });
  it('gives every kubelet its own root dir, certificate dir and the node address', () => {
    expect(kubeletArgs(paths, { name: 'n1', address: '10.70.0.2' })).toEqual([
      `--config=${paths.kubeletConfig}`,
      `--kubeconfig=${paths.kubeletKubeconfig}`,
      `--root-dir=${paths.kubeletRoot}`,
      `--cert-dir=${paths.kubeletCertDir}`,
      '--node-ip=10.70.0.2',
      '--hostname-override=n1',
    ]);
  });
});

describe('pod network', () => {
  const nodes = [
    { name: 'n1', address: '10.70.0.2' },
    { name: 'n2', address: '10.70.0.3' },
  ];
  it('gives each node a /24 of the pod /16, in node order', () => {
    expect(podCidrOf('10.244.0.0/16', 0)).toBe('10.244.0.0/24');
    expect(podCidrOf('10.244.0.0/16', 1)).toBe('10.244.1.0/24');
    expect(() => podCidrOf('10.244.0.0/20', 0)).toThrow(/must be a \/16/);
    expect(() => podCidrOf('10.244.0.0/16', 256)).toThrow(/at most 256 nodes/);
  });
  it('routes the other nodes pod CIDRs over the cluster network', () => {
    expect(podRoutes(nodes, '10.244.0.0/16', 'n1')).toBe('10.244.1.0/24 10.70.0.3');
    expect(podRoutes(nodes, '10.244.0.0/16', 'n2')).toBe('10.244.0.0/24 10.70.0.2');
  });
  it('renders a bridge + host-local network whose IPAM state lives in the node directory', () => {
    const paths = nodePaths(layout, 'n2');
    const conf = JSON.parse(renderCniConfig(paths, '10.244.1.0/24', layout.podBridge)) as {
      plugins: Record<string, unknown>[];
    };
    expect(conf.plugins[0]).toMatchObject({
      type: 'bridge',
      bridge: layout.podBridge,
      ipMasq: false,
      ipam: { type: 'host-local', ranges: [[{ subnet: '10.244.1.0/24' }]], dataDir: paths.cniIpamDir },
    });
  });
  it("names the pods' bridge after the cluster (an interface name: at most 15 characters), never cni0", () => {
    const other = clusterLayout('/var/lib/schedbench/other/kubernetes');
    expect(layout.podBridge).toMatch(/^sbk[0-9a-f]{8}$/);
    expect(other.podBridge).not.toBe(layout.podBridge);
  });
  it('computes addresses in a CIDR', () => {
    expect(cidrAddress('10.96.0.0/16', 1)).toBe('10.96.0.1');
  });
});

describe('validation', () => {
  it('expects each node at its allocatable values in bytes', () => {
    expect(
      expectedNodes([
        { name: 'n1', cpus: 1, memoryBytes: 4 * GiB },
        { name: 'n2', cpus: 2, memoryBytes: 3 * GiB - 1 },
      ]),
    ).toBe(`n1 1 ${4 * GiB}\nn2 2 ${3 * GiB - 1}`);
  });
  it('runs one never-pulled pod per node, placed by hostname', () => {
    expect(validationPod('n2', 'schedbench.local/stress-ng:bookworm')).toMatchObject({
      metadata: { name: 'schedbench-validate-n2' },
      spec: {
        restartPolicy: 'Never',
        nodeSelector: { 'kubernetes.io/hostname': 'n2' },
        containers: [{ imagePullPolicy: 'Never', image: 'schedbench.local/stress-ng:bookworm' }],
      },
    });
  });
});

describe('build modules', () => {
  const upstream = {
    Go: '1.26.0',
    Replace: [
      { Old: { Path: 'k8s.io/api' }, New: { Path: './staging/src/k8s.io/api' } },
      { Old: { Path: 'k8s.io/apimachinery' }, New: { Path: './staging/src/k8s.io/apimachinery' } },
      { Old: { Path: 'example.com/other' }, New: { Path: 'example.com/fork', Version: 'v1.0.0' } },
    ],
  };
  const versions = { kubernetes: 'v1.37.2', etcd: 'v3.7.3', containerd: 'v2.4.2', runc: 'v1.5.3' };
  it('replaces every staging module by its published v0.<minor>.<patch>, and nothing else', () => {
    expect(stagingReplaces(upstream, 'v1.37.2')).toEqual([
      { path: 'k8s.io/api', version: 'v0.37.2' },
      { path: 'k8s.io/apimachinery', version: 'v0.37.2' },
    ]);
    expect(() => stagingReplaces({ Go: '1.26', Replace: [] }, 'v1.37.2')).toThrow(/no staging replaces/);
  });
  it('renders a go.mod that requires the pinned release and builds the binaries as tools', () => {
    const [k8s] = buildModules(versions, upstream);
    if (k8s === undefined) throw new Error('no kubernetes module');
    const text = renderGoMod(k8s);
    expect(text).toContain('require k8s.io/kubernetes v1.37.2');
    expect(text).toContain('\tk8s.io/api => k8s.io/api v0.37.2');
    expect(text).toContain('\tk8s.io/kubernetes/cmd/kubelet');
    expect(buildModules(versions, upstream).map((m) => m.dir)).toEqual([
      'kubernetes',
      'etcd',
      'containerd',
      'runc',
      'kwok',
    ]);
  });
});

describe('options', () => {
  it('has documented defaults', () => {
    expect(KubernetesOptions.parse(undefined)).toMatchObject({
      apiserverPort: 6443,
      podCidr: '10.244.0.0/16',
    });
  });
  it('rejects a pod network that is not a CIDR', () => {
    expect(() => KubernetesOptions.parse({ podCidr: 'ten' })).toThrow();
  });
});
