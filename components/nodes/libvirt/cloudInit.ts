// Pure renderer of a node's cloud-init NoCloud seed (fed to cloud-localds). Every document is JSON — valid YAML,
// so cloud-init in a cloud image reads it, and the built image's own seed reader parses it with jq.
import { NODE_SSHD_DIRECTIVES } from '../ssh-env';

export interface SeedSpec {
  /** Node hostname. */
  hostname: string;
  /** Changes whenever the seed must be re-applied (cloud-init runs once per instance id). */
  instanceId: string;
  /** The cluster's SSH public key (authorized for root). */
  publicKey: string;
  /** The node's SSH host key (ed25519), made by the program: clients pin the public half. Private: a secret. */
  hostPrivateKey: string;
  hostPublicKey: string;
  /** Every node of the cluster: written to /etc/hosts so nodes reach each other by name. */
  hosts: readonly { name: string; address: string }[];
  address: string;
  prefix: number;
  gateway: string;
  dns: readonly string[];
  mac: string;
}

export interface Seed {
  userData: string;
  metaData: string;
  networkConfig: string;
}

export function renderHostsFile(hosts: SeedSpec['hosts']): string {
  return [
    '127.0.0.1\tlocalhost',
    '::1\tlocalhost ip6-localhost ip6-loopback',
    ...hosts.map((h) => `${h.address}\t${h.name}`),
    '',
  ].join('\n');
}

/**
 * sshd accepts the parameters the command provider sends as SSH env requests (SCHEDBENCH_*), nothing else, and
 * runs commands without the login user's ~/.bashrc (components/nodes/ssh-env.ts).
 */
export const SSHD_CONFIG = `${NODE_SSHD_DIRECTIVES}PermitRootLogin prohibit-password\n`;

export function renderSeed(spec: SeedSpec): Seed {
  const userData = {
    hostname: spec.hostname,
    manage_etc_hosts: false,
    disable_root: false,
    ssh_pwauth: false,
    ssh_authorized_keys: [spec.publicKey.trim()],
    // cloud-init's own keys: the guest presents exactly the host key the program pinned.
    ssh_deletekeys: true,
    ssh_genkeytypes: [],
    ssh_keys: {
      ed25519_private: `${spec.hostPrivateKey.trim()}\n`,
      ed25519_public: spec.hostPublicKey.trim(),
    },
    write_files: [
      { path: '/etc/hosts', permissions: '0644', content: renderHostsFile(spec.hosts) },
      { path: '/etc/ssh/sshd_config.d/schedbench-seed.conf', permissions: '0644', content: SSHD_CONFIG },
    ],
    // Cloud images start sshd before write_files may have run; reload it so AcceptEnv takes effect.
    runcmd: [['systemctl', 'reload-or-restart', 'ssh']],
  };
  const metaData = { 'instance-id': spec.instanceId, 'local-hostname': spec.hostname };
  const networkConfig = {
    version: 2,
    ethernets: {
      eth0: {
        match: { macaddress: spec.mac },
        'set-name': 'eth0',
        addresses: [`${spec.address}/${spec.prefix}`],
        routes: [{ to: '0.0.0.0/0', via: spec.gateway }],
        nameservers: { addresses: [...spec.dns] },
      },
    },
  };
  return {
    userData: `#cloud-config\n${JSON.stringify(userData, null, 2)}\n`,
    metaData: `${JSON.stringify(metaData, null, 2)}\n`,
    networkConfig: `${JSON.stringify(networkConfig, null, 2)}\n`,
  };
}
