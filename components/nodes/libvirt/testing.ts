// Plausible stdout of the libvirt backend's and the base image's commands, for programs run under Pulumi mocks
// (their outputs are parsed with zod, so a generic mock string would fail the program). Tests only.

const SHA = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** stdout for a resource of this backend by name, or undefined when the resource's stdout is not parsed. */
export function libvirtMockStdout(name: string, accel: 'kvm' | 'tcg' = 'tcg'): string | undefined {
  if (name.endsWith('-image-build') || name.endsWith('-image-digest')) {
    const kernel = name.endsWith('-build');
    return JSON.stringify({
      disk: '/var/lib/schedbench/libvirt/images/bookworm-0123456789abcdef/disk.qcow2',
      kernel: kernel ? '/var/lib/schedbench/libvirt/images/bookworm-0123456789abcdef/vmlinuz' : '',
      initrd: kernel ? '/var/lib/schedbench/libvirt/images/bookworm-0123456789abcdef/initrd.img' : '',
      cmdline: kernel ? 'root=/dev/vda rw console=ttyS0 net.ifnames=0 quiet' : '',
      sha256: SHA,
      sizeBytes: 602603520,
      inputHash: kernel ? '0123456789abcdef' : '',
      built: false,
    });
  }
  if (name.endsWith('-hostkey-private'))
    return '-----BEGIN OPENSSH PRIVATE KEY-----\nmock-host\n-----END OPENSSH PRIVATE KEY-----';
  if (name.endsWith('-hostkey-public')) return `ssh-ed25519 AAAAmockhost ${name}`;
  if (/-hv\d+-accel$/.test(name)) {
    return JSON.stringify(
      accel === 'tcg'
        ? {
            accel,
            reason: 'software emulation (TCG): host CPU exposes no vmx/svm; figures are not representative',
          }
        : { accel, reason: 'vmx/svm present and libvirt offers kvm' },
    );
  }
  return undefined;
}
