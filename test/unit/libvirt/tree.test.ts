// The libvirt backend under Pulumi mocks: the resources it declares for each profile (sizes in the domain XML),
// the Node contract it yields, the TCG warning in outputs and provenance, and the errors for impossible setups.
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import * as pulumi from '@pulumi/pulumi';
import { BenchConfigSchema, DEFAULT_PROFILES, Host } from '../../../components/config/schema';
import { LibvirtBackend } from '../../../components/nodes/libvirt/config';
import { libvirtMockStdout } from '../../../components/nodes/libvirt/testing';
// Only classes: constructing them after setMocks (below) is what the mocks need.
import { LibvirtNodes } from '../../../components/nodes/libvirt/LibvirtNodes';
import type { ImageOverlay } from '../../../components/image/inputs';

interface Declared {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}
const declared: Declared[] = [];
let accelMode: 'kvm' | 'tcg' = 'tcg';

pulumi.runtime.setMocks(
  {
    newResource: (args) => {
      declared.push({ type: args.type, name: args.name, inputs: args.inputs as Record<string, unknown> });
      const stdout = args.type.startsWith('command:')
        ? (libvirtMockStdout(args.name, accelMode) ?? '')
        : undefined;
      return {
        id: `${args.name}-id`,
        state: { ...args.inputs, ...(stdout === undefined ? {} : { stdout, stderr: '' }) },
      };
    },
    call: () => ({}),
  },
  'schedbench',
  'perlmutter',
  false,
);

function value<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply(resolve));
}

const PERLMUTTER_HOST: Host = {
  name: 'nid001',
  cores: 128,
  sockets: 2,
  memoryGiB: 512,
  reserve: { cores: 2, memoryGiB: 16 },
};
const KEYS = {
  publicKey: 'ssh-ed25519 AAAAtest schedbench',
  privateKey: pulumi.secret('-----BEGIN OPENSSH PRIVATE KEY-----\nx\n-----END OPENSSH PRIVATE KEY-----'),
};

/** An input as the mock sees it: a secret (wrapped with its value) unwrapped. */
function unwrapSecret(input: unknown): Record<string, unknown> {
  const raw = (input ?? {}) as Record<string, unknown>;
  return ('value' in raw && typeof raw.value === 'object' ? raw.value : raw) as Record<string, unknown>;
}

/** A resource's environment; the VM's is a secret as a whole (its seed carries the host private key). */
function env(d: Declared | undefined): Record<string, string> {
  return unwrapSecret(d?.inputs.environment) as Record<string, string>;
}

async function build(
  name: string,
  profileName: string,
  backendOverrides: Record<string, unknown> = {},
  imageContent?: { packages: string[]; overlays: ImageOverlay[] },
) {
  const profile = DEFAULT_PROFILES[profileName];
  if (profile === undefined) throw new Error(profileName);
  const backend = LibvirtBackend.parse({ type: 'libvirt', ...backendOverrides });
  const nodes = new LibvirtNodes(name, {
    clusterName: `pm-${profileName}`,
    profile,
    backend,
    host: PERLMUTTER_HOST,
    ...KEYS,
    ...(imageContent === undefined ? {} : { imageContent }),
  });
  // Let every apply (domain XML rendering) run.
  await value(nodes.provenance);
  await Promise.all(nodes.nodes.map((n) => value(n.ready.urn)));
  await new Promise((resolve) => setImmediate(resolve));
  return { nodes, mine: declared.filter((d) => d.name.startsWith(`${name}-`)) };
}

describe('LibvirtNodes under mocks', () => {
  test.each([
    ['small', 2, 4, 8],
    ['medium', 3, 8, 16],
    ['large', 4, 16, 32],
  ])('profile %s: %i VMs of %i vCPUs and %i GiB, pinned NUMA-locally', async (profile, count, vcpus, gib) => {
    const { nodes, mine } = await build(`t-${profile}`, profile, { pinning: true });
    const cluster = `pm-${profile}`;
    expect(nodes.nodes.map((n) => n.name)).toEqual(
      Array.from({ length: count }, (_, i) => `${cluster}-n${i + 1}`),
    );
    expect(nodes.nodes.map((n) => n.address)).toEqual(
      Array.from({ length: count }, (_, i) => `192.168.150.${10 + i}`),
    );
    for (const n of nodes.nodes) {
      expect(n).toMatchObject({ vcpus, memoryMiB: gib * 1024, backend: 'libvirt', interface: 'eth0' });
      expect(await value(pulumi.output(n.connection.host))).toBe(n.address);
    }

    // One hypervisor: daemons, accelerator probe, network; per node: vm, ssh wait, seed removal, ready check.
    const names = mine
      .filter((d) => d.type.startsWith('command:'))
      .map((d) => d.name)
      .sort();
    const perNode = nodes.nodes.flatMap((n) => [
      `t-${profile}-${n.name}-hostkey-private`,
      `t-${profile}-${n.name}-hostkey-public`,
      `t-${profile}-${n.name}-ready`,
      `t-${profile}-${n.name}-seed-remove`,
      `t-${profile}-${n.name}-ssh`,
      `t-${profile}-${n.name}-vm`,
    ]);
    expect(names).toEqual(
      [
        `t-${profile}-hv0-accel`,
        `t-${profile}-hv0-daemons`,
        `t-${profile}-hv0-network`,
        `t-${profile}-image-build`,
        ...perNode,
      ].sort(),
    );
    expect(mine.find((d) => d.type === 'schedbench:image:BaseImage')).toBeDefined();

    const vms = mine.filter((d) => d.name.endsWith('-vm'));
    const pinned = new Set<string>();
    for (const vm of vms) {
      const xml = env(vm).DOMAIN_XML ?? '';
      expect(xml).toMatch(/^<domain type='qemu'>/);
      expect(xml).toContain(`<vcpu placement='static'>${vcpus}</vcpu>`);
      expect(xml).toContain(`<memory unit='MiB'>${gib * 1024}</memory>`);
      expect(xml).toContain(
        '<kernel>/var/lib/schedbench/libvirt/images/bookworm-0123456789abcdef/vmlinuz</kernel>',
      );
      expect(xml).toMatch(/<memory mode='strict' nodeset='[01]'\/>/);
      for (const m of xml.matchAll(/<vcpupin vcpu='\d+' cpuset='(\d+)'\/>/g)) pinned.add(m[1] ?? '');
      expect(env(vm).USER_DATA).toContain('AcceptEnv SCHEDBENCH_*');
      expect(env(vm).USER_DATA).not.toContain('AcceptEnv *');
      // The guest gets the host key the program made, and every connection pins its public half.
      expect(env(vm).USER_DATA).toContain('mock-host');
      expect(vm.inputs.environment).toHaveProperty('value'); // a secret: it carries the host private key
    }
    expect(pinned.size).toBe(count * vcpus); // no core twice across the cluster
    expect(env(mine.find((d) => d.name.endsWith('-hv0-network'))).NETWORK_XML).toContain(
      `<name>schedbench-${cluster}</name>`,
    );
  });

  test('owners and the seed (#29 N13, N15): every domain and network names <cluster>@<stack>, the seed goes once SSH answered', async () => {
    const { nodes, mine } = await build('t-owner', 'small');
    const owner = 'pm-small@perlmutter';
    const metadata = `<schedbench:owner xmlns:schedbench='https://schedbench.invalid/xmlns/libvirt/owner/1'>${owner}</schedbench:owner>`;
    const network = mine.find((d) => d.name === 't-owner-hv0-network');
    expect(env(network).OWNER).toBe(owner);
    expect(env(network).NETWORK_XML).toContain(metadata);
    for (const node of nodes.nodes) {
      const vm = mine.find((d) => d.name === `t-owner-${node.name}-vm`);
      expect(env(vm).OWNER).toBe(owner);
      expect(env(vm).DOMAIN_XML).toContain(metadata);
      const wait = mine.find((d) => d.name === `t-owner-${node.name}-ssh`);
      const removal = mine.find((d) => d.name === `t-owner-${node.name}-seed-remove`);
      expect(String(removal?.inputs.create)).toContain('seed-remove.sh');
      expect(env(removal)).toMatchObject({
        DOMAIN: env(vm).DOMAIN,
        NODE_DIR: env(vm).NODE_DIR,
        OWNER: owner,
      });
      // A replaced VM (another generation) has its SSH waited for and its seed removed again.
      expect(env(removal).VM_GENERATION).toMatch(/^[0-9a-f]{16}$/);
      expect(env(wait).VM_GENERATION).toBe(env(removal).VM_GENERATION);
      expect(JSON.stringify(removal?.inputs)).not.toContain('PRIVATE KEY');
    }
  });

  test('TCG: a warning in the outputs and the provenance, with the image digest', async () => {
    accelMode = 'tcg';
    const { nodes } = await build('t-tcg', 'small');
    expect(await value(nodes.accel)).toBe('tcg');
    expect((await value(nodes.warnings))[0]).toMatch(
      /qemu:\/\/\/system: software emulation \(TCG\).*not representative/,
    );
    expect(await value(nodes.provenance)).toMatchObject({
      backend: 'libvirt',
      accel: 'tcg',
      imageSource: 'build',
      imageSha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    });
  });

  test('KVM: no warning, a kvm domain with host-passthrough', async () => {
    accelMode = 'kvm';
    const { nodes, mine } = await build('t-kvm', 'small');
    accelMode = 'tcg';
    expect(await value(nodes.accel)).toBe('kvm');
    expect(await value(nodes.warnings)).toEqual([]);
    const xml = env(mine.find((d) => d.name.endsWith('-vm'))).DOMAIN_XML ?? '';
    expect(xml).toMatch(/^<domain type='kvm'>/);
    expect(xml).toContain("<cpu mode='host-passthrough'");
  });

  test('secrets stay secret: the SSH wait gets the key on stdin, nodes carry it as a secret', async () => {
    const { nodes, mine } = await build('t-secret', 'small');
    const wait = mine.find((d) => d.name.endsWith('-ssh'));
    expect(wait?.inputs.stdin).toBeDefined();
    expect(JSON.stringify(wait?.inputs.environment)).not.toContain('PRIVATE KEY');
    expect(await pulumi.isSecret(pulumi.output(nodes.nodes[0]?.connection.privateKey))).toBe(true);
  });

  test('host keys: each VM gets its own, the SSH wait and every connection pin its public half', async () => {
    const { nodes, mine } = await build('t-hostkey', 'small');
    for (const node of nodes.nodes) {
      const pinned = `ssh-ed25519 AAAAmockhost t-hostkey-${node.name}-hostkey-public`;
      expect(await value(pulumi.output(node.connection.hostKey))).toBe(pinned);
      const wait = mine.find((d) => d.name === `t-hostkey-${node.name}-ssh`);
      expect(env(wait).HOST_KEY).toBe(pinned);
      const ready = mine.find((d) => d.name === `t-hostkey-${node.name}-ready`);
      expect(unwrapSecret(ready?.inputs.connection).hostKey).toBe(pinned);
      // Its parameters travel as SCHEDBENCH_* (the only names the guest's sshd accepts beyond the transition list).
      expect(Object.keys(env(ready)).every((k) => k.startsWith('SCHEDBENCH_'))).toBe(true);
    }
  });

  test('several hypervisors: nodes round-robin, scripts run on each over SSH, no local daemons for remote ones', async () => {
    const { nodes, mine } = await build('t-multi', 'medium', {
      uris: ['qemu:///system', 'qemu+ssh://root@hv2/system'],
      network: { mode: 'bridge', bridge: 'br0', gateway: '10.1.0.1' },
      subnet: '10.1.0.0/24',
    });
    expect(nodes.plan.nodes.map((n) => n.hypervisor.index)).toEqual([0, 1, 0]);
    const vm2 = env(mine.find((d) => d.name === 't-multi-pm-medium-n2-vm'));
    expect(vm2).toMatchObject({ HV_SSH: 'root@hv2', VIRSH_URI: 'qemu:///system' });
    expect(vm2.DOMAIN_XML).toContain("<source bridge='br0'/>");
    expect(mine.some((d) => d.name === 't-multi-hv1-daemons')).toBe(false);
    expect(mine.some((d) => d.name.endsWith('-network'))).toBe(false);
  });

  test("the scheduler's additions reach the built image: its packages and its tarball", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'schedbench-libvirt-overlay-'));
    try {
      const tarball = path.join(dir, 'flux.tar.gz');
      writeFileSync(tarball, 'bytes');
      const { mine } = await build('t-flux', 'small', {}, { packages: ['libzmq5'], overlays: [tarball] });
      const image = env(mine.find((d) => d.name === 't-flux-image-build'));
      expect(image.PACKAGES?.split(',')).toContain('libzmq5');
      expect(image.OVERLAYS).toBe(tarball);
      const plain = env(declared.find((d) => d.name === 't-small-image-build'));
      expect(image.OUT_DIR).not.toBe(plain.OUT_DIR);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('an overlay a command makes is made first, and the image is named by its identity', async () => {
    const made = {
      path: '/cache/node-0123456789abcdef.tar',
      identity: 'kubernetes-node-0123456789abcdef',
      make: { create: 'bash "$MAKER"', environment: { MAKER: '/x/bundle.sh', BUNDLE_PREFIX: '/opt/k' } },
    };
    const { mine } = await build('t-made', 'small', {}, { packages: ['curl'], overlays: [made] });
    const maker = mine.find((d) => d.name === 't-made-image-overlay-0');
    expect(maker?.inputs.create).toBe('bash "$MAKER"');
    expect(env(maker)).toEqual(made.make.environment);
    const image = env(mine.find((d) => d.name === 't-made-image-build'));
    expect(image.OVERLAYS).toBe(made.path);
    const other = await build(
      't-made2',
      'small',
      {},
      {
        packages: ['curl'],
        overlays: [{ ...made, identity: 'kubernetes-node-fedcba9876543210' }],
      },
    );
    expect(env(other.mine.find((d) => d.name === 't-made2-image-build')).OUT_DIR).not.toBe(image.OUT_DIR);
    // A file overlay has no maker.
    expect(declared.some((d) => d.name === 't-small-image-overlay-0')).toBe(false);
  });

  test('a cloud image boots by its own bootloader and is digested, not built', async () => {
    const { mine } = await build('t-file', 'small', {
      image: { source: 'file', path: '/images/debian-12-generic.qcow2' },
    });
    expect(mine.some((d) => d.name === 't-file-image-digest')).toBe(true);
    expect(mine.some((d) => d.name === 't-file-image-build')).toBe(false);
  });
});

describe('config: profiles that do not fit the host are rejected naming the numbers', () => {
  const base = { scheduler: 'slurm', backend: { type: 'libvirt' }, host: PERLMUTTER_HOST };

  test('the default profiles fit a Perlmutter CPU node', () => {
    for (const profile of ['small', 'medium', 'large']) {
      expect(BenchConfigSchema.safeParse({ ...base, profile }).success).toBe(true);
    }
  });

  test('too many vCPUs, too much memory, missing host facts', () => {
    const big = BenchConfigSchema.safeParse({
      ...base,
      profile: 'large',
      host: { ...PERLMUTTER_HOST, cores: 64, memoryGiB: 128 },
    });
    expect(big.success).toBe(false);
    const messages = big.error?.issues.map((i) => i.message) ?? [];
    expect(messages).toContain(
      'profile large needs 4 × 16 = 64 vCPUs but host nid001 has 64 cores − 2 reserved = 62',
    );
    expect(messages).toContain(
      'profile large needs 4 × 32 GiB = 128 GiB but host nid001 has 128 GiB − 16 reserved = 112 GiB',
    );
    const unknown = BenchConfigSchema.safeParse({ ...base, profile: 'small', host: { name: 'x' } });
    expect(unknown.error?.issues.map((i) => i.path.join('.'))).toEqual(
      expect.arrayContaining(['host.cores', 'host.memoryGiB']),
    );
  });
});
