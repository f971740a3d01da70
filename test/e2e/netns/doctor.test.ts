// Needs root. A netns node abandoned mid-run (no delete script ran) is found by `schedbench doctor`
// — namespace, interfaces, cgroups, its sshd — and removed by the clean-up, while look-alikes without
// schedbench's marks and a node another run started are left alone.
import { execFile, spawnSync } from 'child_process';
import { existsSync, mkdirSync, rmdirSync } from 'fs';
import * as path from 'path';
import { promisify } from 'util';
import {
  cleanLeftovers,
  findLeftovers,
  Leftover,
  RUN_ID_VARIABLE,
  startedByRun,
} from '../../../components/nodes/leftovers';
import { createCluster, deleteCluster, makeCluster, makeKeys, TestCluster } from './harness';

const isRoot = process.getuid?.() === 0;
const describeRoot = isRoot ? describe : describe.skip;
const BIN = path.join(__dirname, '..', '..', '..', 'bin', 'schedbench.js');
const STATE_DIR = '/var/lib/schedbench-sec-doctor';
const cgroupV2 = existsSync('/sys/fs/cgroup/cgroup.controllers');

function sh(command: string): string {
  return spawnSync('bash', ['-c', command], { encoding: 'utf8' }).stdout;
}

/** The leftovers of one test cluster (other clusters on this host are not this test's to touch). */
function of(cluster: TestCluster, leftovers: readonly Leftover[]): Leftover[] {
  const node = cluster.plan.nodes[0];
  return leftovers.filter(
    (l) =>
      l.id.includes(cluster.plan.cluster) ||
      l.mark.includes(cluster.plan.cluster) ||
      l.id === cluster.plan.bridge ||
      l.id === node?.vethHost,
  );
}

describeRoot('leftovers and schedbench doctor', () => {
  const keys = isRoot ? makeKeys('sec-doctor') : { privateKey: '', publicKey: '' };
  const decoyCgroup = cgroupV2 ? '/sys/fs/cgroup/sec-decoy' : '/sys/fs/cgroup/cpu/sec-decoy';

  beforeAll(() => {
    // Look-alikes without schedbench's marks: an interface with no alias, a namespace and a cgroup of other names.
    sh('ip link add sec-decoy0 type bridge; ip netns add sec-decoy');
    mkdirSync(decoyCgroup, { recursive: true });
  });

  afterAll(() => {
    sh('ip link del sec-decoy0; ip netns del sec-decoy');
    if (existsSync(decoyCgroup)) rmdirSync(decoyCgroup);
  });

  it('lists an abandoned node by its marks, and the clean-up removes exactly it', async () => {
    const lost = makeCluster({ cluster: 'secdoc', nodes: 1, stateDir: STATE_DIR }, keys, 1, 256);
    createCluster(lost);
    try {
      const node = lost.plan.nodes[0];
      if (node === undefined) throw new Error('no node');
      const found = of(lost, findLeftovers());
      const kinds = new Set(found.map((l) => `${l.kind} ${l.id}`));
      expect(kinds).toContain(`netns ${node.netns}`);
      expect(kinds).toContain(`interface ${lost.plan.bridge}`);
      expect(kinds).toContain(`interface ${node.vethHost}`);
      expect(found.some((l) => l.kind === 'process' && l.mark.startsWith('sshd '))).toBe(true);
      expect(found.some((l) => l.kind === 'cgroup' && l.id.endsWith(node.cgroup))).toBe(true);
      // The bridge's FORWARD rule (bridge-create.sh) is found by its comment, wherever iptables is installed.
      if (spawnSync('sh', ['-c', 'command -v iptables'], { stdio: 'ignore' }).status === 0)
        expect([
          ...new Set(found.filter((l) => l.kind === 'firewall-rule').map((l) => l.id.split(' ')[1])),
        ]).toEqual([lost.plan.bridge]);

      const { stdout } = await promisify(execFile)(process.execPath, [BIN, 'doctor', '--json']).catch(
        (e: { stdout: string; code: number }) => {
          expect(e.code).toBe(1); // something is left: exit 1
          return e;
        },
      );
      const listed = (JSON.parse(stdout) as { leftovers: Leftover[] }).leftovers;
      expect(listed.map((l) => l.id)).toContain(node.netns);
      for (const decoy of ['sec-decoy0', 'sec-decoy', decoyCgroup])
        expect(listed.map((l) => l.id)).not.toContain(decoy);

      const result = cleanLeftovers(found);
      expect(result.failed).toEqual([]);
      expect(of(lost, findLeftovers())).toEqual([]);
      expect(sh('ip netns list')).not.toContain(node.netns);
      expect(existsSync(`/sys/class/net/${lost.plan.bridge}`)).toBe(false);
      expect(sh('iptables -S FORWARD 2>/dev/null')).not.toContain(`schedbench:${lost.plan.cluster}@`);
      expect(existsSync('/sys/class/net/sec-decoy0')).toBe(true);
      expect(sh('ip netns list')).toContain('sec-decoy');
      expect(existsSync(decoyCgroup)).toBe(true);
    } finally {
      deleteCluster(lost); // idempotent: removes the state files the clean-up leaves
    }
  });

  it('a run removes only what it started: a node whose sshd carries another run id is left alone', () => {
    const mine = makeCluster({ cluster: 'secdoc-m', nodes: 1, stateDir: STATE_DIR }, keys, 1, 256);
    const theirs = makeCluster({ cluster: 'secdoc-t', nodes: 1, stateDir: STATE_DIR }, keys, 1, 256);
    const theirNode = theirs.plan.nodes[0]?.cgroup ?? 'missing';
    const cgroupRoots = cgroupV2 ? ['/sys/fs/cgroup'] : ['/sys/fs/cgroup/cpu', '/sys/fs/cgroup/memory'];
    const theirEmptyCgroups = cgroupRoots.map((root) =>
      path.join(root, theirNode, 'kubernetes', 'kubepods', 'besteffort'),
    );
    const before = new Set(findLeftovers().map((l) => `${l.kind} ${l.id}`));
    const saved = process.env[RUN_ID_VARIABLE];
    try {
      process.env[RUN_ID_VARIABLE] = 'sec-run-mine';
      createCluster(mine);
      process.env[RUN_ID_VARIABLE] = 'sec-run-theirs';
      createCluster(theirs);
      // Empty cgroups a kubelet of theirs made below its node's (no process in them): still theirs.
      for (const dir of theirEmptyCgroups) mkdirSync(dir, { recursive: true });
      const fresh = findLeftovers().filter((l) => !before.has(`${l.kind} ${l.id}`));
      const chosen = startedByRun(fresh, 'sec-run-mine');
      expect(of(mine, chosen).map((l) => l.kind)).toEqual(
        expect.arrayContaining(['process', 'netns', 'interface', 'cgroup']),
      );
      // Another run's bridge keeps its rule while the bridge lives.
      expect(of(theirs, fresh).filter((l) => l.kind === 'firewall-rule')).toEqual(
        of(theirs, fresh).filter((l) => l.kind === 'firewall-rule' && !chosen.includes(l)),
      );
      expect(of(theirs, chosen)).toEqual([]);
      expect(cleanLeftovers(of(mine, chosen)).failed).toEqual([]);
      expect(sh('ip netns list')).not.toContain(mine.plan.nodes[0]?.netns ?? '?');
      expect(sh('ip netns list')).toContain(theirs.plan.nodes[0]?.netns ?? '?');
    } finally {
      if (saved === undefined) delete process.env[RUN_ID_VARIABLE];
      else process.env[RUN_ID_VARIABLE] = saved;
      for (const dir of theirEmptyCgroups)
        for (
          let d = dir;
          d.endsWith('besteffort') || d.endsWith('kubepods') || d.endsWith('kubernetes');
          d = path.dirname(d)
        )
          if (existsSync(d)) rmdirSync(d);
      deleteCluster(theirs);
      deleteCluster(mine);
    }
  });
});
