// Pure renderers of the libvirt backend: domain XML, network XML, cloud-init seed, names and addresses.
import fc from 'fast-check';
import { renderSeed } from '../../../components/nodes/libvirt/cloudInit';
import { DomainSpec, renderDomainXml } from '../../../components/nodes/libvirt/domainXml';
import {
  bridgeName,
  MAX_IFNAME,
  macAddress,
  nodeAddress,
  networkName,
  parseSubnet,
} from '../../../components/nodes/libvirt/naming';
import { renderNetworkXml } from '../../../components/nodes/libvirt/networkXml';
import { SAFE_NAME } from '../../../components/config/names';

const spec: DomainSpec = {
  name: 'schedbench-c-n1',
  accel: 'tcg',
  vcpus: 4,
  memoryMiB: 8192,
  cpuModel: 'host-passthrough',
  hugepages: false,
  boot: { kind: 'kernel', kernel: '/img/vmlinuz', initrd: '/img/initrd.img', cmdline: 'root=/dev/vda rw' },
  disk: '/s/c-n1/disk.qcow2',
  seed: '/s/c-n1/seed.iso',
  consoleLog: '/s/c-n1/console.log',
  network: { kind: 'network', name: 'schedbench-c' },
  mac: '52:54:00:aa:bb:cc',
};

describe('renderDomainXml', () => {
  test('TCG: a qemu domain with the emulated qemu64 CPU, never host-passthrough', () => {
    const xml = renderDomainXml(spec);
    expect(xml).toMatch(/^<domain type='qemu'>/);
    expect(xml).toContain("<model fallback='allow'>qemu64</model>");
    expect(xml).not.toContain('host-passthrough');
    expect(xml).toContain("<vcpu placement='static'>4</vcpu>");
    expect(xml).toContain("<memory unit='MiB'>8192</memory>");
    expect(xml).toContain("<topology sockets='1' dies='1' cores='4' threads='1'/>");
  });

  test('KVM: a kvm domain with the configured CPU model', () => {
    const xml = renderDomainXml({ ...spec, accel: 'kvm' });
    expect(xml).toMatch(/^<domain type='kvm'>/);
    expect(xml).toContain("<cpu mode='host-passthrough' check='none'>");
  });

  test('direct kernel boot for a built image, the disk bootloader for a cloud image', () => {
    const kernel = renderDomainXml(spec);
    expect(kernel).toContain('<kernel>/img/vmlinuz</kernel>');
    expect(kernel).toContain('<initrd>/img/initrd.img</initrd>');
    expect(kernel).toContain('<cmdline>root=/dev/vda rw</cmdline>');
    const disk = renderDomainXml({ ...spec, boot: { kind: 'disk' } });
    expect(disk).not.toContain('<kernel>');
    expect(disk).toContain("<boot dev='hd'/>");
  });

  test('pinning, NUMA placement and hugepages', () => {
    const xml = renderDomainXml({ ...spec, pinning: [66, 64, 65, 67], numaNode: 1, hugepages: true });
    expect(xml).toContain("<vcpupin vcpu='0' cpuset='66'/>");
    expect(xml).toContain("<vcpupin vcpu='3' cpuset='67'/>");
    expect(xml).toContain("<emulatorpin cpuset='64,65,66,67'/>");
    expect(xml).toContain("<memory mode='strict' nodeset='1'/>");
    expect(xml).toContain('<hugepages/>');
    const plain = renderDomainXml(spec);
    expect(plain).not.toContain('cputune');
    expect(plain).not.toContain('numatune');
    expect(plain).not.toContain('hugepages');
  });

  test('the overlay, the read-only seed, the NAT network or a bridge, the console log', () => {
    const xml = renderDomainXml(spec);
    expect(xml).toContain("<source file='/s/c-n1/disk.qcow2'/>");
    expect(xml).toMatch(
      /<source file='\/s\/c-n1\/seed.iso'\/>\s*<target dev='vdb' bus='virtio'\/>\s*<readonly\/>/,
    );
    expect(xml).toContain("<interface type='network'>");
    expect(xml).toContain("<source network='schedbench-c'/>");
    expect(xml).toContain("<mac address='52:54:00:aa:bb:cc'/>");
    expect(xml).toContain("<log file='/s/c-n1/console.log' append='off'/>");
    const bridged = renderDomainXml({ ...spec, network: { kind: 'bridge', bridge: 'br0' } });
    expect(bridged).toContain("<interface type='bridge'>");
    expect(bridged).toContain("<source bridge='br0'/>");
  });

  test('values are XML-escaped', () => {
    const xml = renderDomainXml({
      ...spec,
      boot: { kind: 'kernel', kernel: '/k', initrd: '/i', cmdline: "a<b & c='d'" },
    });
    expect(xml).toContain('<cmdline>a&lt;b &amp; c=&apos;d&apos;</cmdline>');
  });

  test('impossible specs are rejected with the value', () => {
    expect(() => renderDomainXml({ ...spec, vcpus: 0 })).toThrow(/vcpus must be ≥ 1, got 0/);
    expect(() => renderDomainXml({ ...spec, memoryMiB: 64 })).toThrow(/memory .* got 64/);
    expect(() => renderDomainXml({ ...spec, pinning: [1, 2] })).toThrow(/2 pinned CPUs for 4 vCPUs/);
  });
});

describe('renderNetworkXml', () => {
  test('NAT, its own bridge, the gateway, no DHCP', () => {
    const xml = renderNetworkXml({
      name: 'schedbench-c',
      bridge: 'sbvc-1234',
      gateway: '192.168.150.1',
      netmask: '255.255.255.0',
    });
    expect(xml).toContain('<name>schedbench-c</name>');
    expect(xml).toContain("<forward mode='nat'/>");
    expect(xml).toContain("<bridge name='sbvc-1234' stp='on' delay='0'/>");
    expect(xml).toContain("<ip address='192.168.150.1' netmask='255.255.255.0'/>");
    expect(xml).not.toContain('dhcp');
  });
});

describe('renderSeed', () => {
  const seedSpec = {
    hostname: 'c-n1',
    instanceId: 'schedbench-c-n1-abc',
    publicKey: 'ssh-ed25519 AAAAkey schedbench-c\n',
    hostPrivateKey: '-----BEGIN OPENSSH PRIVATE KEY-----\nhost\n-----END OPENSSH PRIVATE KEY-----',
    hostPublicKey: 'ssh-ed25519 AAAAhost c-n1',
    hosts: [
      { name: 'c-n1', address: '192.168.150.10' },
      { name: 'c-n2', address: '192.168.150.11' },
    ],
    address: '192.168.150.10',
    prefix: 24,
    gateway: '192.168.150.1',
    dns: ['192.168.150.1'],
    mac: '52:54:00:aa:bb:cc',
  };

  test('user-data: #cloud-config + JSON with the key, /etc/hosts of all nodes, sshd AcceptEnv', () => {
    const { userData } = renderSeed(seedSpec);
    const [header, ...rest] = userData.split('\n');
    expect(header).toBe('#cloud-config');
    const doc = JSON.parse(rest.join('\n')) as {
      hostname: string;
      ssh_authorized_keys: string[];
      write_files: { path: string; content: string }[];
    };
    expect(doc.hostname).toBe('c-n1');
    expect(doc.ssh_authorized_keys).toEqual(['ssh-ed25519 AAAAkey schedbench-c']);
    const hosts = doc.write_files.find((f) => f.path === '/etc/hosts');
    expect(hosts?.content).toContain('192.168.150.10\tc-n1\n');
    expect(hosts?.content).toContain('192.168.150.11\tc-n2\n');
    const sshd = doc.write_files.find((f) => f.path.startsWith('/etc/ssh/sshd_config.d/'));
    expect(sshd?.content).toMatch(/^AcceptEnv SCHEDBENCH_\*\n/);
    expect(sshd?.content).not.toContain('AcceptEnv *');
  });

  test('user-data: the host key the program made, so every connection can pin it (cloud-init ssh_keys)', () => {
    const doc = JSON.parse(renderSeed(seedSpec).userData.split('\n').slice(1).join('\n')) as Record<
      string,
      unknown
    >;
    expect(doc.ssh_keys).toEqual({
      ed25519_private: '-----BEGIN OPENSSH PRIVATE KEY-----\nhost\n-----END OPENSSH PRIVATE KEY-----\n',
      ed25519_public: 'ssh-ed25519 AAAAhost c-n1',
    });
    expect(doc.ssh_deletekeys).toBe(true);
    expect(doc.ssh_genkeytypes).toEqual([]);
  });

  test('meta-data and a static v2 network-config matched by MAC', () => {
    const { metaData, networkConfig } = renderSeed(seedSpec);
    expect(JSON.parse(metaData)).toEqual({ 'instance-id': 'schedbench-c-n1-abc', 'local-hostname': 'c-n1' });
    const net = JSON.parse(networkConfig) as {
      version: number;
      ethernets: Record<string, Record<string, unknown>>;
    };
    expect(net.version).toBe(2);
    expect(net.ethernets.eth0).toMatchObject({
      match: { macaddress: '52:54:00:aa:bb:cc' },
      addresses: ['192.168.150.10/24'],
      routes: [{ to: '0.0.0.0/0', via: '192.168.150.1' }],
      nameservers: { addresses: ['192.168.150.1'] },
    });
  });
});

describe('names and addresses', () => {
  test('bridge names fit IFNAMSIZ for every safe cluster name, and differ for different names', () => {
    const safeName = fc.stringMatching(SAFE_NAME);
    fc.assert(
      fc.property(safeName, (name) => {
        expect(bridgeName(name).length).toBeLessThanOrEqual(MAX_IFNAME);
        expect(bridgeName(name)).toMatch(/^[a-z0-9-]+$/);
      }),
    );
    expect(bridgeName('perlmutter-small')).not.toBe(bridgeName('perlmutter-smallx'));
    expect(networkName('perlmutter-small')).toBe('schedbench-perlmutter-small');
  });

  test('MACs are stable, in QEMU’s locally administered range', () => {
    expect(macAddress('c-n1')).toBe(macAddress('c-n1'));
    expect(macAddress('c-n1')).not.toBe(macAddress('c-n2'));
    expect(macAddress('c-n1')).toMatch(/^52:54:00(:[0-9a-f]{2}){3}$/);
  });

  test('static addresses from .10 up; a subnet too small says so', () => {
    const subnet = parseSubnet('192.168.150.0/24');
    expect(nodeAddress(subnet, 0)).toBe('192.168.150.10');
    expect(nodeAddress(subnet, 3)).toBe('192.168.150.13');
    expect(() => nodeAddress(parseSubnet('10.0.0.0/28'), 5)).toThrow(/no room for node 6/);
  });
});
