// Pure renderer of a node's libvirt domain XML: TCG or KVM, vCPUs/memory of the profile, optional pinning,
// NUMA placement and hugepages, direct kernel boot (built image) or the disk's own bootloader (cloud image).
import { ownerMetadataXml } from './owner';
import { xmlEscape } from './xml';

export type Accel = 'kvm' | 'tcg';

export type BootSpec = { kind: 'kernel'; kernel: string; initrd: string; cmdline: string } | { kind: 'disk' };

export interface DomainSpec {
  name: string;
  accel: Accel;
  vcpus: number;
  memoryMiB: number;
  /** CPU model under KVM; TCG cannot pass the host CPU through and always uses qemu64. */
  cpuModel: 'host-passthrough' | 'host-model' | 'qemu64';
  /** Host CPU per vCPU (index = vCPU), or undefined for no pinning. */
  pinning?: readonly number[];
  /** Host NUMA node the memory is bound to (set when all pinned vCPUs are on one socket). */
  numaNode?: number;
  hugepages: boolean;
  boot: BootSpec;
  /** qcow2 overlay of this node. */
  disk: string;
  /** cloud-init NoCloud seed (iso9660). */
  seed: string;
  /** Guest console log (kept for diagnosing boots that never reach SSH). */
  consoleLog: string;
  network: { kind: 'network'; name: string } | { kind: 'bridge'; bridge: string };
  mac: string;
  /** The node's owner, `<cluster>@<stack>` (owner.ts), kept in the domain's metadata; the scripts and `doctor`
   * change or remove only domains that carry their owner. */
  owner?: string;
}

/** Checks what XML cannot express as a type; throws with the offending value. */
function checkSpec(spec: DomainSpec): void {
  if (!Number.isInteger(spec.vcpus) || spec.vcpus < 1)
    throw new Error(`domain ${spec.name}: vcpus must be ≥ 1, got ${spec.vcpus}`);
  if (!Number.isInteger(spec.memoryMiB) || spec.memoryMiB < 128) {
    throw new Error(`domain ${spec.name}: memory must be a whole number of MiB ≥ 128, got ${spec.memoryMiB}`);
  }
  if (spec.pinning !== undefined && spec.pinning.length !== spec.vcpus) {
    throw new Error(`domain ${spec.name}: ${spec.pinning.length} pinned CPUs for ${spec.vcpus} vCPUs`);
  }
}

function cpuXml(spec: DomainSpec): string[] {
  const topology = `<topology sockets='1' dies='1' cores='${spec.vcpus}' threads='1'/>`;
  if (spec.accel === 'tcg' || spec.cpuModel === 'qemu64') {
    return [
      `  <cpu mode='custom' match='exact' check='none'>`,
      `    <model fallback='allow'>qemu64</model>`,
      `    ${topology}`,
      '  </cpu>',
    ];
  }
  return [`  <cpu mode='${spec.cpuModel}' check='none'>`, `    ${topology}`, '  </cpu>'];
}

function tuningXml(spec: DomainSpec): string[] {
  const lines: string[] = [];
  if (spec.pinning !== undefined) {
    lines.push('  <cputune>');
    spec.pinning.forEach((cpu, vcpu) => lines.push(`    <vcpupin vcpu='${vcpu}' cpuset='${cpu}'/>`));
    // QEMU's own threads stay on the node's cores, not on a neighbour's.
    lines.push(`    <emulatorpin cpuset='${[...spec.pinning].sort((a, b) => a - b).join(',')}'/>`);
    lines.push('  </cputune>');
  }
  if (spec.numaNode !== undefined) {
    lines.push('  <numatune>', `    <memory mode='strict' nodeset='${spec.numaNode}'/>`, '  </numatune>');
  }
  if (spec.hugepages) lines.push('  <memoryBacking>', '    <hugepages/>', '  </memoryBacking>');
  return lines;
}

function osXml(spec: DomainSpec): string[] {
  const lines = ['  <os>', "    <type arch='x86_64' machine='q35'>hvm</type>"];
  if (spec.boot.kind === 'kernel') {
    lines.push(
      `    <kernel>${xmlEscape(spec.boot.kernel)}</kernel>`,
      `    <initrd>${xmlEscape(spec.boot.initrd)}</initrd>`,
      `    <cmdline>${xmlEscape(spec.boot.cmdline)}</cmdline>`,
    );
  } else {
    lines.push("    <boot dev='hd'/>");
  }
  lines.push('  </os>');
  return lines;
}

function interfaceXml(spec: DomainSpec): string[] {
  const source =
    spec.network.kind === 'network'
      ? `<source network='${xmlEscape(spec.network.name)}'/>`
      : `<source bridge='${xmlEscape(spec.network.bridge)}'/>`;
  return [
    `    <interface type='${spec.network.kind}'>`,
    `      ${source}`,
    `      <mac address='${xmlEscape(spec.mac)}'/>`,
    "      <model type='virtio'/>",
    '    </interface>',
  ];
}

export function renderDomainXml(spec: DomainSpec): string {
  checkSpec(spec);
  return [
    `<domain type='${spec.accel === 'kvm' ? 'kvm' : 'qemu'}'>`,
    `  <name>${xmlEscape(spec.name)}</name>`,
    ...(spec.owner === undefined ? [] : ownerMetadataXml(spec.owner)),
    `  <memory unit='MiB'>${spec.memoryMiB}</memory>`,
    `  <currentMemory unit='MiB'>${spec.memoryMiB}</currentMemory>`,
    `  <vcpu placement='static'>${spec.vcpus}</vcpu>`,
    ...tuningXml(spec),
    ...osXml(spec),
    '  <features>',
    '    <acpi/>',
    '    <apic/>',
    '  </features>',
    ...cpuXml(spec),
    "  <clock offset='utc'/>",
    '  <on_poweroff>destroy</on_poweroff>',
    '  <on_reboot>restart</on_reboot>',
    '  <on_crash>destroy</on_crash>',
    '  <devices>',
    "    <disk type='file' device='disk'>",
    "      <driver name='qemu' type='qcow2' discard='unmap'/>",
    `      <source file='${xmlEscape(spec.disk)}'/>`,
    "      <target dev='vda' bus='virtio'/>",
    '    </disk>',
    "    <disk type='file' device='disk'>",
    "      <driver name='qemu' type='raw'/>",
    `      <source file='${xmlEscape(spec.seed)}'/>`,
    "      <target dev='vdb' bus='virtio'/>",
    '      <readonly/>',
    '    </disk>',
    ...interfaceXml(spec),
    "    <serial type='pty'>",
    `      <log file='${xmlEscape(spec.consoleLog)}' append='off'/>`,
    "      <target port='0'/>",
    '    </serial>',
    "    <console type='pty'>",
    "      <target type='serial' port='0'/>",
    '    </console>',
    "    <rng model='virtio'>",
    "      <backend model='random'>/dev/urandom</backend>",
    '    </rng>',
    "    <memballoon model='none'/>",
    '  </devices>',
    '</domain>',
    '',
  ].join('\n');
}
