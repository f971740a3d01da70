// The hosts backend under Pulumi mocks: a key read from a file (secret), one SSH check per host used, the Node
// contract, and the check of what a host reports against the profile.
import * as pulumi from '@pulumi/pulumi';
import { HostsBackend } from '../../../components/nodes/hosts/config';
import { checkHostFits, parseNodeReport } from '../../../components/nodes/hosts/report';
// Only classes: constructing them after setMocks (below) is what the mocks need.
import { HostsNodes } from '../../../components/nodes/hosts/HostsNodes';

interface Declared {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}
const declared: Declared[] = [];
const REPORT = {
  hostname: 'h1',
  vcpus: 8,
  memoryMiB: 16000,
  kernel: '6.1.0',
  os: 'Debian GNU/Linux 12 (bookworm)',
  acceptEnv: true,
};

pulumi.runtime.setMocks(
  {
    newResource: (args) => {
      declared.push({ type: args.type, name: args.name, inputs: args.inputs as Record<string, unknown> });
      const stdout = args.name.endsWith('-key')
        ? 'PRIVATE'
        : args.name.endsWith('-ready')
          ? JSON.stringify(REPORT)
          : '';
      return { id: `${args.name}-id`, state: { ...args.inputs, stdout, stderr: '' } };
    },
    call: () => ({}),
  },
  'schedbench',
  'bare',
  false,
);

function value<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply(resolve));
}

const backend = HostsBackend.parse({
  type: 'hosts',
  privateKeyPath: '/home/me/.ssh/cluster',
  hosts: [
    { name: 'h1', address: '10.0.0.1', hostKey: 'ssh-ed25519 AAAAh1 root@h1' },
    { name: 'h2', address: '10.0.0.2', port: 2222, interface: 'ens3', hostKey: 'ssh-ed25519 AAAAh2' },
    { name: 'h3', address: 'node3.example.org', hostKey: 'ssh-ed25519 AAAAh3' },
  ],
});

describe('HostsNodes under mocks', () => {
  test('the first profile.nodes hosts, one check each, the key a secret, nothing created on them', async () => {
    const hosts = new HostsNodes('bare', {
      clusterName: 'bare',
      profile: { nodes: 2, vcpus: 4, memoryGiB: 8 },
      backend,
    });
    const reports = await value(hosts.reports);
    expect(reports.map((r) => r.hostname)).toEqual(['h1', 'h1']);
    const mine = declared.filter((d) => d.name.startsWith('bare-')).map((d) => d.name);
    expect(mine.sort()).toEqual(['bare-h1-ready', 'bare-h2-ready', 'bare-key']);
    const ready = declared.filter((d) => d.name.endsWith('-ready'));
    for (const r of ready) expect(r.inputs.delete).toBeUndefined();
    expect(hosts.nodes.map((n) => [n.name, n.address, n.interface, n.backend])).toEqual([
      ['h1', '10.0.0.1', 'eth0', 'hosts'],
      ['h2', '10.0.0.2', 'ens3', 'hosts'],
    ]);
    expect(await value(pulumi.output(hosts.nodes[1]?.connection.port))).toBe(2222);
    expect(await value(pulumi.output(hosts.nodes[0]?.connection.user))).toBe('root');
    expect(await pulumi.isSecret(pulumi.output(hosts.nodes[0]?.connection.privateKey))).toBe(true);
    expect(hosts.nodes[0]).toMatchObject({ vcpus: 4, memoryMiB: 8192 });
    // The host keys pinned in the config are checked on every connection.
    expect(await value(pulumi.output(hosts.nodes[0]?.connection.hostKey))).toBe('ssh-ed25519 AAAAh1 root@h1');
    for (const r of ready) {
      const connection = r.inputs.connection as Record<string, unknown>;
      const inner = ('value' in connection ? connection.value : connection) as Record<string, unknown>;
      expect(inner.hostKey).toMatch(/^ssh-ed25519 AAAAh[12]/);
    }
  });
});

describe('pinned host keys in the config', () => {
  const host = { name: 'h1', address: '10.0.0.1' };
  const parse = (hostKey?: unknown) =>
    HostsBackend.safeParse({ type: 'hosts', privateKeyPath: '/k', hosts: [{ ...host, hostKey }] });

  test('a host without hostKey is refused, saying where to find it', () => {
    const result = parse(undefined);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['hosts', 0, 'hostKey']);
    expect(result.error?.issues[0]?.message).toMatch(
      /^required: the host's SSH host public key.*ssh_host_ed25519_key\.pub/,
    );
  });

  test.each(['AAAA', 'ssh-ed25519', 'ssh-ed25519 AAAA$(id)', '10.0.0.1 ssh-ed25519 AAAA'])(
    '%j is refused',
    (key) => {
      expect(parse(key).error?.issues[0]?.message).toMatch(/must be an SSH public key line/);
    },
  );

  test('an OpenSSH public key line is accepted', () => {
    expect(parse('ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB/x+== root@h1').success).toBe(true);
  });
});

describe('checking what a host reports', () => {
  test('a host with less than the profile is named with both values', () => {
    expect(checkHostFits('h1', REPORT, 4, 8192)).toEqual([]);
    expect(checkHostFits('h1', REPORT, 16, 32768)).toEqual([
      'host h1 has 8 CPUs, the profile gives each node 16',
      'host h1 has 16000 MiB of memory, the profile gives each node 32768 MiB',
    ]);
  });

  test('an sshd that drops the environment is named with the fix', () => {
    expect(checkHostFits('h2', { ...REPORT, acceptEnv: false }, 4, 8192)).toEqual([
      expect.stringMatching(
        /^sshd on host h2 drops the environment the scheduler's scripts need: add `AcceptEnv SCHEDBENCH_\*` to its sshd_config \(no wider/,
      ),
    ]);
  });

  test('the report is parsed strictly', () => {
    expect(parseNodeReport(JSON.stringify(REPORT), 'h1')).toEqual(REPORT);
    expect(() => parseNodeReport('bash: jq: command not found', 'h1')).toThrow(
      /node h1: report.sh printed no JSON/,
    );
    expect(() => parseNodeReport('{"hostname":"h1"}', 'h1')).toThrow(/node h1: unexpected report/);
  });
});
