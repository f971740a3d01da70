// What the libvirt end-to-end tests share: whether this machine can run them (the libvirt/QEMU tools, root),
// and the host state they must find unchanged after `destroy`.
import { execFileSync, spawnSync } from 'child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { bridgeName, domainName, networkName } from '../../components/nodes/libvirt/naming';
import type { JobSpec } from '../../components/jobs/spec';

const TOOLS = [
  'virsh',
  'libvirtd',
  'virtlogd',
  'qemu-system-x86_64',
  'qemu-img',
  'cloud-localds',
  'mmdebstrap',
  'mkfs.ext4',
];

function onPath(tool: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status === 0;
}

/**
 * A work directory for a libvirt test or bench whose storageDir root may write in: under /var/lib (root's, not
 * world-writable — /tmp is refused as schedbench:backend.storageDir), mode 0755 so QEMU's user reaches the overlays.
 * Not root (the tests skip): the system's temporary directory.
 */
export function libvirtWorkDir(prefix: string): string {
  const dir = mkdtempSync(path.join(process.getuid?.() === 0 ? '/var/lib' : tmpdir(), `${prefix}-`));
  chmodSync(dir, 0o755);
  return dir;
}

/** Why the libvirt e2e cannot run here, or '' when it can. */
export function libvirtSkipReason(): string {
  const missing = TOOLS.filter((t) => !onPath(t));
  if (missing.length > 0)
    return `libvirt e2e skipped: ${missing.join(', ')} not installed (packages in .ci/packages/libvirt.txt)`;
  if (process.getuid?.() !== 0)
    return 'libvirt e2e skipped: needs root (system libvirt, bridges, ip_forward)';
  return '';
}

/** Two one-CPU jobs of 3 s: on two VMs of 1 vCPU, one lands on each. */
export const ONE_JOB_PER_VM: JobSpec = {
  count: 2,
  nodes: 1,
  tasksPerNode: 1,
  priority: 'normal' as const,
  cpus: 1,
  memoryMiB: 256,
  expectedSeconds: 3,
  kind: 'stress',
  args: ['--cpu', '1', '--timeout', '3s'],
  arrival: { offsetSeconds: 0, intervalSeconds: 0 },
};

/** What of the host a libvirt test must find unchanged after destroy. */
export interface HostSnapshot {
  ipForward: string;
  kvm: string;
  libvirtd: boolean;
  virtlogd: boolean;
}

export function hostSnapshot(): HostSnapshot {
  const running = (name: string) =>
    spawnSync('pgrep', ['-x', '-r', 'R,S,D', name], { stdio: 'ignore' }).status === 0;
  return {
    ipForward: readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8').trim(),
    kvm: existsSync('/dev/kvm')
      ? `${statSync('/dev/kvm').uid}:${statSync('/dev/kvm').gid} ${(statSync('/dev/kvm').mode & 0o777).toString(8)}`
      : 'absent',
    libvirtd: running('libvirtd'),
    virtlogd: running('virtlogd'),
  };
}

/**
 * After `destroy`: libvirt's persistent definitions of the cluster's domains and network, its bridge and its files
 * are gone (the storage directory keeps only the image cache), and the host is as `before`.
 */
export function expectHostAsBefore(
  cluster: string,
  nodes: string[],
  storageDir: string,
  before: HostSnapshot,
): void {
  for (const name of nodes) expect(existsSync(`/etc/libvirt/qemu/${domainName(name)}.xml`)).toBe(false);
  expect(existsSync(`/etc/libvirt/qemu/networks/${networkName(cluster)}.xml`)).toBe(false);
  expect(spawnSync('ip', ['link', 'show', bridgeName(cluster)], { stdio: 'ignore' }).status).not.toBe(0);
  expect(readdirSync(storageDir).sort()).toEqual(['images']);
  if (before.libvirtd) {
    const virsh = (args: string[]) =>
      execFileSync('virsh', ['-c', 'qemu:///system', ...args], { encoding: 'utf8' });
    expect(virsh(['list', '--all', '--name'])).not.toContain(cluster);
    expect(virsh(['net-list', '--all', '--name'])).not.toContain(cluster);
  }
  expect(hostSnapshot()).toEqual(before);
}
