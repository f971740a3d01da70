// The netns backend under Pulumi mocks: its resource tree, its Node[] and that the private key stays secret.
import * as pulumi from '@pulumi/pulumi';

const registered: pulumi.runtime.MockResourceArgs[] = [];

pulumi.runtime.setMocks(
  {
    newResource(args: pulumi.runtime.MockResourceArgs): { id: string; state: Record<string, unknown> } {
      registered.push(args);
      const stdout = args.name.endsWith('-host-cores')
        ? '{"cores":2}'
        : args.name.endsWith('-key-private')
          ? '-----BEGIN OPENSSH PRIVATE KEY-----\nmock\n-----END OPENSSH PRIVATE KEY-----'
          : args.name.endsWith('-hostkey-public')
            ? `ssh-ed25519 AAAAhost ${args.name}`
            : args.name.endsWith('-key-public')
              ? 'ssh-ed25519 AAAAmock schedbench-unit'
              : '{}';
      return { id: `${args.name}-id`, state: { ...args.inputs, stdout, stderr: '' } };
    },
    call: (args: pulumi.runtime.MockCallArgs) => args.inputs,
  },
  'schedbench',
  'unit',
  false,
);

// Imported after setMocks, as the Pulumi testing guide requires.
import { NetnsNodes, NetnsNodesArgs, defaultSubnet } from '../../../components/nodes/netns/netns';
import { planCluster, renderHostsFile } from '../../../components/nodes/netns/plan';

/** Resolve an Output in a test (mocks resolve every value). */
function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((v) => resolve(v)));
}

interface Child {
  type: string;
  name: string;
  parent: pulumi.Resource | undefined;
  opts: pulumi.CustomResourceOptions;
  props: Record<string, unknown>;
}

/** Build a NetnsNodes and record every descendant as the SDK registers it (type, name, parent, options). */
function build(name: string, args: NetnsNodesArgs): { nodes: NetnsNodes; children: Child[] } {
  const children: Child[] = [];
  const nodes = new NetnsNodes(name, args, {
    transformations: [
      (a) => {
        if (a.name === name) return undefined; // the component itself
        children.push({
          type: a.type,
          name: a.name,
          parent: a.opts.parent,
          opts: a.opts as pulumi.CustomResourceOptions,
          props: a.props,
        });
        return undefined;
      },
    ],
  });
  return { nodes, children };
}

const ARGS: NetnsNodesArgs = { cluster: 'unitc', nodes: 3, vcpus: 4, memoryMiB: 2048 };

describe('NetnsNodes resource tree', () => {
  const { nodes, children } = build('local', ARGS);
  const byName = new Map(children.map((c) => [c.name, c]));

  it('registers the component, key, bridge, host-cores, one node and one validation per node', () => {
    expect(children.map((c) => [c.type, c.name])).toEqual(
      expect.arrayContaining([
        ['command:local:Command', 'local-host-cores'],
        ['schedbench:nodes:ClusterKey', 'local-key'],
        ['command:local:Command', 'local-key-private'],
        ['command:local:Command', 'local-key-public'],
        ['command:local:Command', 'local-bridge'],
        ['schedbench:nodes:HostKey', 'local-n1-hostkey'],
        ['command:local:Command', 'local-n1-hostkey-private'],
        ['command:local:Command', 'local-n1-hostkey-public'],
        ['command:local:Command', 'local-n1'],
        ['command:remote:Command', 'local-n1-validate'],
        ['command:local:Command', 'local-n3'],
        ['command:remote:Command', 'local-n3-validate'],
      ]),
    );
    expect(children).toHaveLength(5 + 5 * 3);
    expect(children.filter((c) => c.type === 'command:remote:Command')).toHaveLength(3);
    expect(registered.some((r) => r.type === 'schedbench:nodes:Netns' && r.name === 'local')).toBe(true);
  });

  it('parents every resource in the component (the key commands under the key)', async () => {
    for (const c of children) {
      expect(c.parent).toBeDefined();
      if (c.parent === undefined) continue;
      const parentUrn = await valueOf(c.parent.urn);
      const hostKey = /^(local-n\d+-hostkey)-/.exec(c.name);
      if (c.name.startsWith('local-key-')) {
        expect(parentUrn).toMatch(/schedbench:nodes:Netns\$schedbench:nodes:ClusterKey::local-key$/);
      } else if (hostKey !== null) {
        expect(parentUrn).toMatch(new RegExp(`schedbench:nodes:HostKey::${hostKey[1]}$`));
      } else {
        expect(c.parent).toBe(nodes);
      }
    }
  });

  /** URNs of a child's explicit dependencies. */
  async function dependencyUrns(child: string): Promise<string[]> {
    const deps = byName.get(child)?.opts.dependsOn;
    const list = (Array.isArray(deps) ? deps : [deps]) as pulumi.Resource[];
    return Promise.all(list.map((d) => valueOf(d.urn)));
  }

  it('makes each node depend on the bridge, and each validation on every node (it checks its peers)', async () => {
    for (const i of [1, 2, 3]) {
      expect(await dependencyUrns(`local-n${i}`)).toEqual([expect.stringMatching(/::local-bridge$/)]);
      expect((await dependencyUrns(`local-n${i}-validate`)).sort()).toEqual(
        [1, 2, 3].map((j) => expect.stringMatching(new RegExp(`::local-n${j}$`))),
      );
    }
  });

  it('deletes the bridge and nodes before replacing them (their names are reused)', () => {
    for (const name of ['local-bridge', 'local-n1']) {
      expect(byName.get(name)?.opts).toMatchObject({
        deleteBeforeReplace: true,
        replaceOnChanges: expect.arrayContaining(['environment']),
      });
      expect(typeof byName.get(name)?.props.delete).toBe('string');
    }
  });

  it('keeps the private key secret: command output, component output and every node connection', async () => {
    expect(byName.get('local-key-private')?.opts.additionalSecretOutputs).toEqual(['stdout']);
    expect(await pulumi.isSecret(nodes.privateKey)).toBe(true);
    for (const node of nodes.nodes) {
      expect(await pulumi.isSecret(pulumi.output(node.connection.privateKey))).toBe(true);
    }
    expect(await pulumi.isSecret(nodes.publicKey)).toBe(false);
  });

  it('passes the key to scripts only as a public key, never the private one in an environment', async () => {
    const node = byName.get('local-n1');
    const env = (await valueOf(pulumi.output(node?.props.environment))) as Record<string, string>;
    expect(env.AUTHORIZED_KEY).toBe('ssh-ed25519 AAAAmock schedbench-unit');
    expect(JSON.stringify(env)).not.toContain('PRIVATE KEY');
  });

  it('yields the Node[] contract: names, addresses, resources, state dirs', () => {
    const subnet = defaultSubnet('unitc');
    const base = subnet.split('.').slice(0, 3).join('.');
    expect(nodes.subnet).toBe(subnet);
    expect(nodes.hostAddress).toBe(`${base}.1`);
    expect(
      nodes.nodes.map((n) => ({
        name: n.name,
        address: n.address,
        vcpus: n.vcpus,
        memoryMiB: n.memoryMiB,
        backend: n.backend,
        stateDir: n.stateDir,
        host: n.connection.host,
        port: n.connection.port,
        user: n.connection.user,
      })),
    ).toEqual(
      [1, 2, 3].map((i) => ({
        name: `unitc-n${i}`,
        address: `${base}.${9 + i}`,
        vcpus: 4,
        memoryMiB: 2048,
        backend: 'netns',
        stateDir: `/var/lib/schedbench/unitc/unitc-n${i}`,
        host: `${base}.${9 + i}`,
        port: 22,
        user: 'root',
      })),
    );
    for (const n of nodes.nodes) {
      expect(n.interface.length).toBeLessThanOrEqual(15);
      expect(pulumi.Resource.isInstance(n.ready)).toBe(true);
    }
  });

  it('reports host cores and oversubscription (3 × 4 vCPUs on 2 cores)', async () => {
    expect(await valueOf(nodes.hostCores)).toBe(2);
    expect(await valueOf(nodes.oversubscribed)).toBe(true);
    const fits = build('fits', { cluster: 'fitc', nodes: 2, vcpus: 1, memoryMiB: 512 });
    expect(await valueOf(fits.nodes.oversubscribed)).toBe(false);
  });

  it('runs the validation over SSH with the expected name in the environment', async () => {
    const validate = byName.get('local-n2-validate');
    const env = (await valueOf(pulumi.output(validate?.props.environment))) as Record<string, string>;
    // Sent as SCHEDBENCH_* (the only names the node's sshd accepts; ssh-env.sh maps them back).
    expect(env).toEqual({
      SCHEDBENCH_EXPECTED_NAME: 'unitc-n2',
      SCHEDBENCH_EXPECTED_CGROUP: '/schedbench/unitc/unitc-n2',
      SCHEDBENCH_PEERS: 'unitc-n1 unitc-n3',
      SCHEDBENCH_PARAMETERS: 'EXPECTED_CGROUP EXPECTED_NAME PEERS', // the names ssh-env.sh gives back
    });
    const connection = (await valueOf(pulumi.output(validate?.props.connection))) as Record<string, unknown>;
    expect(connection).toMatchObject({ host: nodes.nodes[1].address, port: 22, user: 'root' });
  });

  it("pins each node's own host key in its connection, and gives the node its private half on stdin only", async () => {
    for (const [i, node] of nodes.nodes.entries()) {
      expect(await valueOf(pulumi.output(node.connection.hostKey))).toBe(
        `ssh-ed25519 AAAAhost local-n${i + 1}-hostkey-public`,
      );
      const created = byName.get(`local-n${i + 1}`);
      expect(await pulumi.isSecret(pulumi.output(created?.props.stdin))).toBe(true);
      const env = (await valueOf(pulumi.output(created?.props.environment))) as Record<string, string>;
      expect(JSON.stringify(env)).not.toContain('PRIVATE KEY');
      const validate = byName.get(`local-n${i + 1}-validate`);
      const connection = (await valueOf(pulumi.output(validate?.props.connection))) as Record<
        string,
        unknown
      >;
      expect(connection.hostKey).toBe(`ssh-ed25519 AAAAhost local-n${i + 1}-hostkey-public`);
    }
    expect(byName.get('local-n1-hostkey-private')?.opts.additionalSecretOutputs).toEqual(['stdout']);
  });

  it('carries the stack in the ownership markers and lets the node sshd accept SCHEDBENCH_* only', async () => {
    const { children: owned } = build('owned', { ...ARGS, cluster: 'ownc', stack: 'a_b' });
    const find = (name: string) => owned.find((c) => c.name === name);
    const bridge = (await valueOf(pulumi.output(find('owned-bridge')?.props.environment))) as Record<
      string,
      string
    >;
    const node = (await valueOf(pulumi.output(find('owned-n1')?.props.environment))) as Record<
      string,
      string
    >;
    expect(bridge.STACK).toBe('a_b');
    expect(node.STACK).toBe('a_b');
    const directives = node.SSHD_DIRECTIVES.split('\n');
    expect(directives).toContain('AcceptEnv SCHEDBENCH_*');
    expect(directives.filter((d) => d.startsWith('AcceptEnv'))).toEqual(['AcceptEnv SCHEDBENCH_*']);
    expect(directives).toContain('SetEnv SHLVL=1');
    expect(node.LOCK_FILE).toBe('/run/schedbench/lock/netns.lock');
  });
});

describe('NetnsNodes arguments', () => {
  it('uses an explicit subnet and state dir', () => {
    const { nodes } = build('explicit', {
      cluster: 'expl',
      nodes: 2,
      vcpus: 1,
      memoryMiB: 256,
      subnet: '10.99.0.0/16',
      stateDir: '/srv/sb',
    });
    expect(nodes.subnet).toBe('10.99.0.0/16');
    expect(nodes.nodes.map((n) => [n.address, n.stateDir])).toEqual([
      ['10.99.0.10', '/srv/sb/expl/expl-n1'],
      ['10.99.0.11', '/srv/sb/expl/expl-n2'],
    ]);
  });

  it.each([
    [{ ...ARGS, cluster: 'a;rm -rf /' }, 'schedbench:clusterName'],
    [{ ...ARGS, cluster: '$(id)' }, 'schedbench:clusterName'],
    [{ ...ARGS, stateDir: '/' }, 'schedbench:backend.stateDir'],
    [{ ...ARGS, stateDir: 'relative/dir' }, 'schedbench:backend.stateDir'],
    [{ ...ARGS, subnet: '10.1.2.0/33' }, 'schedbench:backend.subnet'],
    [{ ...ARGS, subnet: '10.1.2.0/28', nodes: 8 }, 'schedbench:backend.subnet'],
    [{ ...ARGS, nodes: 0 }, 'nodes'],
    [{ ...ARGS, vcpus: 1.5 }, 'vcpus'],
    [{ ...ARGS, stack: '../../x' }, 'stack'],
  ])('refuses %j naming %s', (args, key) => {
    expect(() => build('bad', args)).toThrow(key);
  });
});

describe('plan', () => {
  it('derives interface names ≤ 15 characters, distinct between clusters', () => {
    const a = planCluster({ cluster: 'abcdefghijklmnopqrst', nodes: 64, subnet: '10.213.0.0/16' });
    const b = planCluster({ cluster: 'abcdefghijklmnopqrsu', nodes: 64, subnet: '10.214.0.0/16' });
    const names = (p: typeof a) => [p.bridge, ...p.nodes.flatMap((n) => [n.vethHost, n.vethNode])];
    for (const name of [...names(a), ...names(b)]) expect(name.length).toBeLessThanOrEqual(15);
    const all = [...names(a), ...names(b)];
    expect(new Set(all).size).toBe(all.length);
  });

  it('renders a hosts file naming every node', () => {
    const plan = planCluster({ cluster: 'hostsc', nodes: 2, subnet: '10.5.6.0/24' });
    expect(renderHostsFile(plan)).toContain('10.5.6.10\thostsc-n1\n10.5.6.11\thostsc-n2\n');
    expect(renderHostsFile(plan)).toContain('127.0.0.1\tlocalhost');
  });
});

describe('defaultSubnet', () => {
  it('is a /24 inside 10.213.0.0/16 and deterministic', () => {
    for (const name of ['local', 'perlmutter', 'x']) {
      expect(defaultSubnet(name)).toMatch(/^10\.213\.\d{1,3}\.0\/24$/);
      expect(defaultSubnet(name)).toBe(defaultSubnet(name));
    }
  });

  it('differs between distinct cluster names of typical stacks', () => {
    const names = [
      'local',
      'perlmutter',
      'slurm-small',
      'slurm-medium',
      'slurm-large',
      'flux-small',
      'k8s-small',
    ];
    expect(new Set(names.map(defaultSubnet)).size).toBe(names.length);
  });

  it('spreads names over the pool (no more collisions than chance)', () => {
    const names = Array.from({ length: 64 }, (_, i) => `stack-${i}`);
    // 64 names in 256 buckets: about 7 pairs collide by chance; a broken hash would put them in a few buckets.
    expect(new Set(names.map(defaultSubnet)).size).toBeGreaterThan(48);
  });
});
