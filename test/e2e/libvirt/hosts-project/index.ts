// The hosts backend's end-to-end program: existing machines (an sshd on loopback, listed twice), the key read
// from a file, each checked over real SSH; the reports are written to a file the test reads.
// Config (namespace e2e): dir, keyPath, port, hostKey (the sshd's host public key, pinned).
import * as command from '@pulumi/command';
import * as pulumi from '@pulumi/pulumi';
import { HostsBackend } from '../../../../components/nodes/hosts/config';
import { HostsNodes } from '../../../../components/nodes/hosts/HostsNodes';

const cfg = new pulumi.Config('e2e');
const backend = HostsBackend.parse({
  type: 'hosts',
  privateKeyPath: cfg.require('keyPath'),
  port: cfg.requireNumber('port'),
  hosts: [
    { name: 'h1', address: '127.0.0.1', hostKey: cfg.require('hostKey') },
    { name: 'h2', address: '127.0.0.1', interface: 'lo', hostKey: cfg.require('hostKey') },
  ],
});
const hosts = new HostsNodes('bare', {
  clusterName: 'hostse2e',
  profile: { nodes: 2, vcpus: 1, memoryGiB: 0.25 },
  backend,
});

new command.local.Command('record', {
  create: 'printf "%s\\n" "$OUT" > "$FILE"',
  delete: 'rm -f "$FILE"',
  environment: {
    OUT: hosts.reports.apply((r) => JSON.stringify(r)),
    FILE: `${cfg.require('dir')}/reports.json`,
  },
});

export const nodes = hosts.nodes.map((n) => ({ name: n.name, address: n.address, interface: n.interface }));
