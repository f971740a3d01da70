// The Kubernetes stack's resource tree under Pulumi mocks: named stages in dependency order, parameters in the
// environment only, keys and kubeconfigs secret, and refusals before anything is created.
import { readFileSync } from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { unwrapSecrets } from '../../../cli/runner/engine';
import { KUBERNETES_IMAGE_DIR, KUBERNETES_NODE_PACKAGES } from '../../../components/kubernetes/image';
import { libvirtMockStdout } from '../../../components/nodes/libvirt/testing';
import { TWO_VM_KUBERNETES } from '../../helpers/kubernetes';
import { Registered, runProgram, StdoutFor } from '../../helpers/program';

const root = path.join(__dirname, '..', '..', '..');
const stackConfig = (
  parse(readFileSync(path.join(root, 'Pulumi.local-kubernetes.yaml'), 'utf8')) as {
    config: Record<string, unknown>;
  }
).config;

const GiB = 1024 ** 3;
const install = JSON.stringify({
  facts: { cpus: 2, memoryBytes: 24 * GiB, cgroup: '/schedbench/x/n1', cgroupVersion: 1 },
  os: 'Debian GNU/Linux 12 (bookworm)',
  kernel: '6.1.0',
  host: 'h',
  hostCpus: 2,
  cni: '1.1.1+ds1-3+b5',
  versions: { kubernetes: 'v1.37.2', etcd: 'v3.7.3', containerd: 'v2.4.2', runc: 'v1.5.3', pause: '3.10.2' },
  go: 'go1.26.8',
  images: {
    pause: { ref: 'registry.k8s.io/pause:3.10.2', digest: 'sha256:aa', archive: 'pause.tar' },
    workload: {
      ref: 'schedbench.local/stress-ng:bookworm',
      digest: 'sha256:bb',
      archive: 'stress.tar',
      stressNg: '0.15.06-2',
    },
  },
});
const PKI = { admin: 'ADMIN-KUBECONFIG-SECRET', ca: 'CA-CERT' };

const stdout: StdoutFor = (name, inputs) => {
  if (name.endsWith('-build'))
    return JSON.stringify({
      binDir: '/var/cache/schedbench/k8s/abc',
      imagesDir: '/var/cache/schedbench/k8s/images-def',
    });
  if (name.includes('-install-')) return install;
  if (name.endsWith('-pki')) {
    // NODES: "<name> <address>" a line.
    const nodes = String((inputs.environment as Record<string, unknown>).SCHEDBENCH_NODES)
      .split('\n')
      .map((l) => l.split(' ')[0] ?? '');
    return JSON.stringify({
      ...PKI,
      kubelets: Object.fromEntries(nodes.map((n) => [n, `KUBELET-${n}-SECRET`])),
      serving: Object.fromEntries(
        nodes.map((n) => [n, { cert: `SERVING-${n}-CERT`, key: `SERVING-${n}-KEY-SECRET` }]),
      ),
    });
  }
  const env = (inputs.environment ?? {}) as Record<string, unknown>;
  if (name.endsWith('-validate') && env.SCHEDBENCH_VALIDATION_PODS !== undefined)
    return JSON.stringify({ kubernetesVersion: 'v1.37.2', nodes: ['n1', 'n2'], validated: true });
  if (name.endsWith('-clock')) return '20261126T080000Z';
  if (name.endsWith('-host-cores')) return '{"cores":2}';
  if (name.endsWith('-key-private'))
    return '-----BEGIN OPENSSH PRIVATE KEY-----\nfake\n-----END OPENSSH PRIVATE KEY-----';
  if (name.endsWith('-key-public')) return 'ssh-ed25519 AAAAfake schedbench';
  return `mock-${name}`;
};

/** The command resource of a stage (`-pki`) or of a node's stage (`-install-n1`: node names carry the cluster's). */
const find = (resources: Registered[], suffix: string): Registered => {
  const [, stage, node] = /^(-[a-z-]+?)(?:-(n\d+))?$/.exec(suffix) ?? [];
  const found = resources.find(
    (r) =>
      r.type.startsWith('command:') &&
      (node === undefined
        ? r.name.endsWith(suffix)
        : r.name.includes(`${stage}-`) && r.name.endsWith(`-${node}`)),
  );
  if (found === undefined)
    throw new Error(`no resource *${suffix}; have ${resources.map((r) => r.name).join(', ')}`);
  return found;
};
const dependsOn = (r: Registered, other: Registered) =>
  r.dependencies.some((d) => d.endsWith(`::${other.name}`));

describe('local-kubernetes stack', () => {
  let resources: Registered[];
  beforeAll(async () => {
    // The cluster alone: its workload runs are exercised for real by test/e2e/kubernetes.
    const run = await runProgram(
      {
        ...stackConfig,
        // A fixed shape (the stack file's `host` profile follows the machine the tests run on).
        'schedbench:profile': 'fits',
        'schedbench:profiles': { fits: { nodes: 2, vcpus: 1, memoryGiB: 4 } },
        'schedbench:stopAfter': 'scheduler',
      },
      'local-kubernetes',
      { stdout },
    );
    expect(run.error).toBeUndefined();
    resources = run.resources;
  });

  it('registers the cluster component and its stages in order', () => {
    const cluster = resources.find((r) => r.type === 'schedbench:kubernetes:Cluster');
    expect(cluster).toBeDefined();
    const build = find(resources, '-build');
    expect(build.type).toBe('command:local:Command');
    const installs = ['n1', 'n2'].map((n) => find(resources, `-install-${n}`));
    const pki = find(resources, '-pki');
    const controlPlane = find(resources, '-control-plane');
    const kubelets = ['n1', 'n2'].map((n) => find(resources, `-kubelet-${n}`));
    const containerds = ['n1', 'n2'].map((n) => find(resources, `-containerd-${n}`));
    const validate = resources
      .filter((r) => r.type === 'command:remote:Command' && r.name.endsWith('-validate'))
      .find((r) => r.parent.includes('schedbench:kubernetes:Cluster'));
    expect(validate).toBeDefined();
    for (const i of installs) expect(dependsOn(i, build)).toBe(true);
    expect(dependsOn(pki, installs[0] as Registered)).toBe(true);
    expect(dependsOn(controlPlane, pki)).toBe(true);
    kubelets.forEach((k, i) => {
      expect(dependsOn(k, controlPlane)).toBe(true);
      expect(dependsOn(k, containerds[i] as Registered)).toBe(true);
    });
    for (const k of kubelets) expect(dependsOn(validate as Registered, k)).toBe(true);
    for (const r of [...installs, pki, controlPlane, ...kubelets, ...containerds])
      expect(r.parent).toContain('schedbench:kubernetes:Cluster');
  });

  it('passes parameters in the environment, never in the command text', () => {
    for (const r of resources.filter((x) => x.parent.includes('schedbench:kubernetes:Cluster'))) {
      const create = String(r.inputs.create);
      expect(create).not.toContain('10.244.');
      expect(create).not.toContain('/var/cache/schedbench/k8s/abc');
    }
    // The install stage checks the packages a VM image carries (image.ts) and the CNI plugins containerd runs.
    const install = find(resources, '-install-n1').inputs.environment as Record<string, string>;
    expect(install.SCHEDBENCH_PACKAGES).toBe(KUBERNETES_NODE_PACKAGES.join(' '));
    expect(install.SCHEDBENCH_CNI_BIN_DIR).toBe('/usr/lib/cni');
    const kubelet = find(resources, '-kubelet-n2');
    const env = kubelet.inputs.environment as Record<string, string>;
    expect(env.SCHEDBENCH_ROUTES).toMatch(/^10\.244\.0\.0\/24 \d+\.\d+\.\d+\.\d+$/);
    expect(env.SCHEDBENCH_CGROUP_ROOT).toBe('/schedbench/x/n1/kubernetes');
    expect(env.SCHEDBENCH_KUBELET_ARGS).toContain('--root-dir=');
  });

  it('renders each kubelet to advertise the profile (1 CPU, 4 GiB) on a 2-CPU, 24 GiB machine', () => {
    const configure = find(resources, '-configure-n1');
    const kubelet = parse(
      (configure.inputs.environment as Record<string, string>).SCHEDBENCH_KUBELET_CONFIG ?? '',
    ) as Record<string, unknown>;
    expect(kubelet.systemReserved).toEqual({ cpu: '1000m', memory: String(20 * GiB) });
  });

  it('applies the benchmark objects through a provider of the secret kubeconfig, once validation passed', () => {
    const provider = resources.find((r) => r.type === 'pulumi:providers:kubernetes');
    if (provider === undefined) throw new Error('no Kubernetes provider');
    expect(provider.inputs.kubeconfig).toBe('ADMIN-KUBECONFIG-SECRET');
    const validate = resources.find(
      (r) => r.name.endsWith('-validate') && r.parent.includes('schedbench:kubernetes:Cluster'),
    );
    expect(dependsOn(provider, validate as Registered)).toBe(true);
    const objects = resources.filter((r) => r.type.startsWith('kubernetes:'));
    expect(objects.map((r) => r.type).sort()).toEqual([
      'kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy',
      'kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding',
      'kubernetes:core/v1:LimitRange',
      'kubernetes:core/v1:Namespace',
      'kubernetes:core/v1:ResourceQuota',
      'kubernetes:core/v1:ServiceAccount',
      'kubernetes:rbac.authorization.k8s.io/v1:ClusterRole',
      'kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding',
      'kubernetes:rbac.authorization.k8s.io/v1:Role',
      'kubernetes:rbac.authorization.k8s.io/v1:RoleBinding',
      // One per priority: low, normal, high.
      'kubernetes:scheduling.k8s.io/v1:PriorityClass',
      'kubernetes:scheduling.k8s.io/v1:PriorityClass',
      'kubernetes:scheduling.k8s.io/v1:PriorityClass',
    ]);
    for (const o of objects) {
      expect(o.provider).toContain(`::${provider.name}::`);
      expect(o.parent).toContain('schedbench:kubernetes:Objects');
    }
    // The profile's node (1 vCPU, 4 GiB) bounds a container.
    const limits = objects.find((r) => r.type.endsWith(':LimitRange'));
    expect(limits?.inputs.spec).toMatchObject({ limits: [{ max: { cpu: '1', memory: '4096Mi' } }] });
    // The runner may create Jobs only once the pods' admission policy is bound.
    const binding = objects.find((r) => r.type.endsWith(':ValidatingAdmissionPolicyBinding'));
    const runnerBinding = objects.find((r) => r.type.endsWith(':RoleBinding') && !r.type.includes('Cluster'));
    expect(dependsOn(runnerBinding as Registered, binding as Registered)).toBe(true);
  });

  it('keeps keys and kubeconfigs out of every input but secret stdin and the provider', () => {
    for (const r of resources.filter((x) => x.type !== 'pulumi:providers:kubernetes')) {
      const { stdin, ...rest } = r.inputs;
      void stdin;
      expect(JSON.stringify(rest)).not.toMatch(/(KUBELET|SERVING)-.*-SECRET/);
      expect(JSON.stringify(rest)).not.toContain('ADMIN-KUBECONFIG-SECRET');
    }
    // The kubelet's kubeconfig and serving key reach its own node on stdin, and only its own.
    const configure = find(resources, '-configure-n2');
    expect(String(configure.inputs.stdin)).toMatch(/KUBELET-.*-n2-SECRET/);
    expect(String(configure.inputs.stdin)).toMatch(/SERVING-.*-n2-KEY-SECRET/);
    expect(String(configure.inputs.stdin)).not.toMatch(/(KUBELET|SERVING)-.*-n1-(KEY-)?SECRET/);
    // pki.sh signs each kubelet's serving certificate for the node's name and address.
    const pki = find(resources, '-pki');
    const lines = String((pki.inputs.environment as Record<string, unknown>).SCHEDBENCH_NODES).split('\n');
    expect(lines.map((l) => l.split(' ').length)).toEqual([2, 2]);
    for (const l of lines) expect(l).toMatch(/^\S+-n\d \d+\.\d+\.\d+\.\d+$/);
  });
});

describe('with secrets on, as the engine runs it', () => {
  it('hands the Kubernetes provider its kubeconfig as a secret', async () => {
    const run = await runProgram({ ...stackConfig, 'schedbench:stopAfter': 'scheduler' }, 'k8-secrets', {
      stdout: (name, inputs) => stdout(name, unwrapSecrets(inputs) as Record<string, unknown>),
      secrets: true,
    });
    expect(run.error).toBeUndefined();
    const provider = run.resources.find((r) => r.type === 'pulumi:providers:kubernetes');
    expect(provider?.secretInputs).toEqual(['kubeconfig']);
  });
});

describe('refusals before anything is created', () => {
  it('refuses a pod network that has no /24 for every node', async () => {
    const run = await runProgram(
      { ...stackConfig, 'schedbench:kubernetes': { podCidr: '10.244.0.0/20' } },
      'k8-refuse-cidr',
      { stdout },
    );
    expect(String(run.error)).toMatch(/kubernetes.podCidr 10.244.0.0\/20: must be a \/16/);
  });
});

describe('on libvirt VMs of a built image', () => {
  // A VM of 1 vCPU and 3 GiB whose kernel keeps 5 % of the memory, on cgroup v2; its SSH session is in a scope.
  const vmMemory = Math.round(0.95 * 3 * GiB);
  const vmInstall = JSON.stringify({
    ...(JSON.parse(install) as Record<string, unknown>),
    facts: { cpus: 1, memoryBytes: vmMemory, cgroup: '/', cgroupVersion: 2 },
  });
  let resources: Registered[];
  beforeAll(async () => {
    const run = await runProgram(
      {
        ...TWO_VM_KUBERNETES,
        'schedbench:backend': { type: 'libvirt' },
        'schedbench:stopAfter': 'scheduler',
      },
      'k8-vms',
      {
        stdout: (name, inputs) =>
          libvirtMockStdout(name) ?? (name.includes('-install-') ? vmInstall : stdout(name, inputs)),
      },
    );
    expect(run.error).toBeUndefined();
    resources = run.resources;
  });
  const envOf = (r: Registered) => r.inputs.environment as Record<string, string>;

  it('bakes the node bundle into the image, made by its own step first; the cluster builds nothing', () => {
    const maker = find(resources, '-image-overlay-0');
    expect(envOf(maker).BUNDLE_PREFIX).toBe(KUBERNETES_IMAGE_DIR);
    const image = find(resources, '-image-build');
    expect(dependsOn(image, maker)).toBe(true);
    expect(envOf(image).OVERLAYS).toMatch(/\/node-[0-9a-f]{16}\.tar$/);
    expect(envOf(image).PACKAGES?.split(',')).toEqual(expect.arrayContaining([...KUBERNETES_NODE_PACKAGES]));
    const clusterBuild = resources.filter(
      (r) => r.parent.includes('schedbench:kubernetes:Cluster') && r.name.endsWith('-build'),
    );
    expect(clusterBuild).toEqual([]);
  });

  it('runs the binaries from the image, with the kubelet at the root of each VM', () => {
    const installEnv = envOf(find(resources, '-install-n1'));
    expect(installEnv.SCHEDBENCH_BIN_DIR).toBe(KUBERNETES_IMAGE_DIR);
    expect(installEnv.SCHEDBENCH_IMAGES_DIR).toBe(`${KUBERNETES_IMAGE_DIR}/images`);
    expect(installEnv.SCHEDBENCH_SHARES_HOST).toBe('0');
    expect(envOf(find(resources, '-kubelet-n2')).SCHEDBENCH_CGROUP_ROOT).toBe('/kubernetes');
  });

  it('advertises all the VM has, and validation expects exactly that', () => {
    const config = parse(envOf(find(resources, '-configure-n1')).SCHEDBENCH_KUBELET_CONFIG ?? '') as Record<
      string,
      unknown
    >;
    expect(config.systemReserved).toEqual({ cpu: '0m', memory: '0' });
    const validate = resources.find(
      (r) => r.name.endsWith('-validate') && r.parent.includes('schedbench:kubernetes:Cluster'),
    );
    const expected = String(envOf(validate as Registered).SCHEDBENCH_EXPECTED_NODES).split('\n');
    expect(expected).toEqual([`k8-vms-n1 1 ${vmMemory}`, `k8-vms-n2 1 ${vmMemory}`]);
  });
});
