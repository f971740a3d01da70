// What a valid config asks for that the host or its scheduler cannot honour is refused before anything is created,
// naming the key, the value and what would fit; the `host` profile is sized from the machine and recorded.
import { admissionErrors, capacityErrors } from '../../../components/config/admission';
import { campaignIdFor, planCampaign } from '../../../components/config/campaign';
import { hostProfile } from '../../../components/config/host-profile';
import { configHash } from '../../../components/config/identity';
import { MAX_STACK_NAME, SAFE_NAME } from '../../../components/config/names';
import { loadConfig, parseConfig } from '../../../components/config/parse';
import { leftoversOfCluster, type Leftover } from '../../../components/nodes/leftovers';
import type { HostFacts } from '../../../components/nodes/host-facts';
import { schedulerSocketPaths } from '../../../components/schedulers/registry';
import { RUNTIME_ROOT, UNIX_SOCKET_MAX_BYTES } from '../../../components/schedulers/runtime-dir';
import { clusterLayout, slurmSocketPaths } from '../../../components/slurm/layout';

const twoCores: HostFacts = { cores: 2, memoryMiB: 24 * 1024 };
const bigHost: HostFacts = { cores: 128, memoryMiB: 512 * 1024 };

const stack = (scheduler: string, profile: string, extra: Record<string, unknown> = {}) => ({
  'schedbench:scheduler': scheduler,
  'schedbench:profile': profile,
  'schedbench:backend': { type: 'netns' },
  ...extra,
});

const parsed = (raw: Record<string, unknown>, name: string, host: HostFacts) => {
  const result = parseConfig(raw, name, () => host);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.config;
};

describe('the host profile', () => {
  it('gives two nodes half the CPUs and a quarter of the memory each, and records the machine', () => {
    expect(hostProfile(twoCores)).toEqual({
      nodes: 2,
      vcpus: 1,
      memoryGiB: 6,
      sizedFrom: { cores: 2, memoryGiB: 24 },
    });
    expect(hostProfile({ cores: 1, memoryMiB: 3000 })).toMatchObject({ vcpus: 1, memoryGiB: 0.5 });
    expect(hostProfile(bigHost)).toMatchObject({ vcpus: 64, memoryGiB: 128 });
  });

  it('enters the config (so its snapshot and hash) when a netns stack names it, and fits every scheduler', () => {
    for (const host of [twoCores, bigHost, { cores: 3, memoryMiB: 7 * 1024 }]) {
      for (const scheduler of ['slurm', 'kubernetes']) {
        const config = parsed(stack(scheduler, 'host'), 'h', host);
        expect(config.profiles.host).toEqual(hostProfile(host));
        expect(admissionErrors(config, host)).toEqual([]);
      }
    }
    const a = configHash(parsed(stack('slurm', 'host'), 'h', twoCores));
    expect(configHash(parsed(stack('slurm', 'host'), 'h', bigHost))).not.toBe(a);
    // A stack that does not name it keeps its hash whatever the machine.
    expect(configHash(parsed(stack('slurm', 'small'), 'h', twoCores))).toBe(
      configHash(parsed(stack('slurm', 'small'), 'h', bigHost)),
    );
  });

  it('is the stack’s own when it defines one, and must be defined off netns', () => {
    const own = { host: { nodes: 3, vcpus: 1, memoryGiB: 1 } };
    expect(
      parsed(stack('slurm', 'host', { 'schedbench:profiles': own }), 'h', bigHost).profiles.host,
    ).toEqual(own.host);
    const hosts = parseConfig(
      {
        ...stack('slurm', 'host'),
        'schedbench:backend': {
          type: 'hosts',
          privateKeyPath: '/k',
          hosts: [{ name: 'a', address: '10.0.0.1', hostKey: 'ssh-ed25519 AAAA' }],
        },
      },
      'h',
      () => bigHost,
    );
    expect(hosts.ok).toBe(false);
    if (!hosts.ok)
      expect(hosts.errors[0]).toMatchObject({
        key: 'schedbench:profile',
        message: expect.stringMatching(/define schedbench:profiles\.host/) as unknown,
      });
  });
});

describe('admission', () => {
  it('refuses Kubernetes on netns nodes wider than the host, naming the profile and what fits', () => {
    const config = parsed(stack('kubernetes', 'small'), 'k', twoCores);
    expect(admissionErrors(config, twoCores)).toEqual([
      {
        key: 'schedbench:profile',
        value: '"small"',
        message: expect.stringMatching(
          /profile small asks for 4 vCPUs per node, but a kubelet on a netns node advertises at most this host's 2 CPUs: use a profile of at most 2 vCPUs per node/,
        ) as unknown,
      },
    ]);
    expect(admissionErrors(config, bigHost)).toEqual([]);
    // SLURM may oversubscribe the host's cores (the results say so).
    expect(admissionErrors(parsed(stack('slurm', 'small'), 's', twoCores), twoCores)).toEqual([]);
  });

  it('refuses netns nodes that together ask for more memory than the host has', () => {
    const config = parsed(stack('slurm', 'medium'), 'm', twoCores);
    const [error, ...rest] = admissionErrors(config, twoCores);
    expect(rest).toEqual([]);
    expect(error?.key).toBe('schedbench:profile');
    expect(error?.message).toMatch(/3 × 16 GiB = 48 GiB, but the netns nodes share this host's 24\.0 GiB/);
    expect(error?.message).toMatch(/profiles\.medium\.memoryGiB at most 8\b/);
  });

  it('keeps every scheduler socket within a Unix socket address under the longest names validate accepts', () => {
    const longestStack = 'x'.repeat(MAX_STACK_NAME);
    for (const scheduler of ['slurm', 'kubernetes', 'flux']) {
      const config = parsed(
        stack(scheduler, 'tiny', {
          'schedbench:profiles': { tiny: { nodes: 64, vcpus: 1, memoryGiB: 0.25 } },
        }),
        longestStack,
        bigHost,
      );
      expect(config.clusterName).toMatch(SAFE_NAME);
      expect(config.clusterName).toHaveLength(20);
      const paths = schedulerSocketPaths(config, bigHost);
      expect(paths.length).toBeGreaterThan(0);
      for (const p of paths) expect(Buffer.byteLength(p.path)).toBeLessThanOrEqual(p.limit);
      expect(capacityErrors(config, bigHost)).toEqual([]);
    }
  });

  it('names the socket and the key when a state directory makes one too long', () => {
    const config = parsed(
      stack('slurm', 'small', { 'schedbench:backend': { type: 'netns', stateDir: `/${'d'.repeat(80)}` } }),
      's',
      bigHost,
    );
    const errors = admissionErrors(config, bigHost);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.key).toBe('schedbench:clusterName');
    expect(errors[0]?.message).toMatch(
      new RegExp(
        `munged socket /d+/s/slurm/munge/munge\\.socket is \\d+ bytes, more than ${UNIX_SOCKET_MAX_BYTES}`,
      ),
    );
  });

  it('puts slurmstepd sockets under the short runtime directory, which the 111-byte path of the bug report did not', () => {
    const layout = clusterLayout('/var/lib/schedbench/local-slurm-small/slurm');
    const [stepd] = slurmSocketPaths(layout, ['local-slurm-small-n1']).filter((p) =>
      p.what.startsWith('slurmstepd'),
    );
    expect(stepd?.path).toMatch(
      new RegExp(`^${RUNTIME_ROOT}/[0-9a-f]{8}/local-slurm-small-n1/local-slurm-small-n1_\\d+\\.\\d+$`),
    );
    expect(Buffer.byteLength(stepd?.path ?? '')).toBeLessThanOrEqual(UNIX_SOCKET_MAX_BYTES);
  });
});

describe('campaign plan', () => {
  const raw = stack('slurm', 'host', { 'schedbench:schedulerOrder': ['slurm', 'kubernetes'] });

  it('tears every cluster down by default, and gives every step the same resolved profiles', () => {
    const config = parsed(raw, 'lab', twoCores);
    const steps = planCampaign(config, raw, 'C1', twoCores);
    expect(steps.map((s) => [s.scheduler, s.teardown, s.refusals])).toEqual([
      ['slurm', true, []],
      ['kubernetes', true, []],
    ]);
    for (const step of steps) expect(step.config['schedbench:profiles']).toEqual(config.profiles);
  });

  it('lists each step’s refusal, naming the key', () => {
    const small = stack('slurm', 'small', { 'schedbench:schedulerOrder': ['slurm', 'kubernetes'] });
    const steps = planCampaign(parsed(small, 'lab', twoCores), small, 'C1', twoCores);
    expect(steps[0]?.refusals).toEqual([]);
    expect(steps[1]?.refusals.map((r) => r.key)).toEqual(['schedbench:profile']);
  });

  it('gives every step a stack name schedbench accepts, however long the stack file’s is', () => {
    const name = 'a'.repeat(MAX_STACK_NAME);
    const steps = planCampaign(
      parsed(raw, name, twoCores),
      raw,
      campaignIdFor('b'.repeat(64), new Date(0)),
      twoCores,
    );
    for (const step of steps) {
      expect(step.stack.length).toBeLessThanOrEqual(MAX_STACK_NAME);
      expect(() => loadConfig(step.config, step.stack)).not.toThrow();
    }
    expect(new Set(steps.map((s) => s.stack)).size).toBe(steps.length);
  });
});

describe('what is left of a cluster', () => {
  const all: Leftover[] = [
    { kind: 'process', id: '11', mark: 'sshd in network namespace schedbench-c-slurm-host-n1' },
    {
      kind: 'process',
      id: '12',
      mark: 'slurmd pid file /var/lib/schedbench/c-slurm-host/slurm/nodes/x/slurmd.pid',
    },
    { kind: 'process', id: '13', mark: 'sshd in network namespace schedbench-c-slurm-host2-n1' },
    { kind: 'interface', id: 'sbabcdefh1', mark: 'alias schedbench:c-slurm-host-n1' },
    { kind: 'interface', id: 'sbabcdefbr', mark: 'alias schedbench:c-slurm-host@c-slurm-host' },
    {
      kind: 'firewall-rule',
      id: 'iptables sbabcdefbr schedbench:c-slurm-host@s',
      mark: 'comment schedbench:c-slurm-host@s',
    },
    { kind: 'netns', id: 'schedbench-c-slurm-host-n2', mark: 'name schedbench-…' },
    { kind: 'netns', id: 'schedbench-c-slurm-hostx-n2', mark: 'name schedbench-…' },
    {
      kind: 'cgroup',
      id: '/sys/fs/cgroup/cpu/schedbench/c-slurm-host/c-slurm-host-n1',
      mark: 'under schedbench/',
    },
    { kind: 'cgroup', id: '/sys/fs/cgroup/cpu/schedbench/c-slurm-hosts', mark: 'under schedbench/' },
  ];

  it('finds only that cluster’s, never one whose name merely starts the same', () => {
    expect(leftoversOfCluster('c-slurm-host', all).map((l) => l.id)).toEqual([
      '11',
      '12',
      'sbabcdefh1',
      'sbabcdefbr',
      'iptables sbabcdefbr schedbench:c-slurm-host@s',
      'schedbench-c-slurm-host-n2',
      '/sys/fs/cgroup/cpu/schedbench/c-slurm-host/c-slurm-host-n1',
    ]);
    expect(leftoversOfCluster('c-slurm', all)).toEqual([]);
  });
});
