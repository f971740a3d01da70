// Script-level end-to-end test of the netns backend (root): real namespaces, cgroups, sshd and SSH.
import { existsSync, readdirSync, readFileSync } from 'fs';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { bridgeEnvironment, scriptCommand, validateEnvironment } from '../../../components/nodes/netns/env';
import { clusterTag } from '../../../components/nodes/netns/plan';
import { running } from '../../helpers/proc';
import {
  TestCluster,
  createCluster,
  createClusterConcurrently,
  createNode,
  deleteCluster,
  makeCluster,
  makeKeys,
  mustRun,
  nodeEnv,
  runScript,
  ssh,
} from './harness';

const STATE_DIR = '/var/lib/schedbench-e2e-netns';
const isRoot = process.getuid?.() === 0;
const describeRoot = isRoot ? describe : describe.skip;

function sh(commandText: string): string {
  return spawnSync('bash', ['-c', commandText], { encoding: 'utf8' }).stdout;
}

const cgroupV2 = existsSync('/sys/fs/cgroup/cgroup.controllers');

/** CPU time (ns) charged to a cgroup so far. */
function cpuNanos(cgroup: string): number {
  if (cgroupV2) {
    const stat = readFileSync(`/sys/fs/cgroup/${cgroup}/cpu.stat`, 'utf8');
    const match = /^usage_usec (\d+)$/m.exec(stat);
    if (match === null) throw new Error(`no usage_usec in ${cgroup}/cpu.stat`);
    return Number(match[1]) * 1000;
  }
  return Number(readFileSync(`/sys/fs/cgroup/cpuacct/${cgroup}/cpuacct.usage`, 'utf8'));
}

function cgroupDirs(cgroup: string): string[] {
  return cgroupV2
    ? [`/sys/fs/cgroup/${cgroup}`]
    : ['cpu', 'cpuacct', 'memory'].map((c) => `/sys/fs/cgroup/${c}/${cgroup}`);
}

/** What a cluster leaves on the host: namespaces, interfaces, live sshds, cgroup dirs, files. */
function leftovers(cluster: TestCluster, sshdPids: number[]): string[] {
  const { plan } = cluster;
  const found: string[] = [];
  const netns = sh('ip netns list');
  for (const n of plan.nodes) if (netns.includes(n.netns)) found.push(`netns ${n.netns}`);
  const links = sh('ip -o link show');
  if (links.includes(`sb${clusterTag(plan.cluster)}`))
    found.push(`interfaces sb${clusterTag(plan.cluster)}*`);
  for (const pid of sshdPids) if (running(pid)) found.push(`process ${pid}`);
  const byPath = spawnSync('pgrep', ['-af', plan.clusterDir], { encoding: 'utf8' }).stdout.trim();
  if (byPath !== '') found.push(`processes ${byPath}`);
  for (const dir of cgroupDirs(plan.cgroup)) {
    if (existsSync(dir)) found.push(`cgroup ${dir}`);
    // The shared parent goes with the last cluster: present only while another cluster has a cgroup in it.
    const parent = path.dirname(dir);
    if (existsSync(parent) && !readdirSync(parent, { withFileTypes: true }).some((e) => e.isDirectory())) {
      found.push(`empty cgroup ${parent}`);
    }
  }
  if (existsSync(plan.clusterDir)) found.push(`dir ${plan.clusterDir}`);
  const rules = sh('iptables -S FORWARD 2>/dev/null').split('\n');
  for (const r of rules) if (r.includes(`schedbench:${plan.cluster}@`)) found.push(`firewall rule ${r}`);
  return found;
}

interface Created {
  node: string;
  sshdPid: number;
  started: boolean;
}

describeRoot('netns backend scripts', () => {
  const keys = isRoot ? makeKeys('schedbench-e2e-netns') : { privateKey: '', publicKey: '' };
  const a = makeCluster({ cluster: 'e2enetns-a', nodes: 2, stateDir: STATE_DIR }, keys, 4, 512);
  const b = makeCluster({ cluster: 'e2enetns-b', nodes: 3, stateDir: STATE_DIR }, keys, 1, 256);
  const hostsBefore = readFileSync('/etc/hosts', 'utf8');
  let sshdA: number[] = [];
  let sshdB: number[] = [];

  beforeAll(async () => {
    expect(a.plan.subnet).not.toBe(b.plan.subnet);
    sshdA = (createCluster(a) as Created[]).map((c) => c.sshdPid);
    // The second cluster's nodes all at once: host changes are serialised by the scripts' lock.
    sshdB = ((await createClusterConcurrently(b)) as Created[]).map((c) => c.sshdPid);
  });

  afterAll(() => {
    // Cleanup also when a test failed half-way; delete is idempotent.
    for (const c of [a, b]) {
      try {
        deleteCluster(c);
      } catch (error) {
        console.error(error);
      }
    }
  });

  it('each node answers over SSH with its own hostname, and validate.sh accepts it', async () => {
    for (const c of [a, b]) {
      for (const n of c.plan.nodes) {
        const result = await ssh(n.address, keys.privateKey, 'hostname');
        expect(result).toMatchObject({ status: 0, stdout: `${n.name}\n` });
        const validated = await ssh(
          n.address,
          keys.privateKey,
          scriptCommand('validate'),
          validateEnvironment(c.plan, n),
        );
        expect(validated.status).toBe(0);
        expect(JSON.parse(validated.stdout)).toMatchObject({ node: n.name, hostname: n.name });
      }
    }
  });

  it("runs commands without the login user's ~/.bashrc: PATH is the one sshd sets", async () => {
    // netns nodes share the host's /root: its .bashrc (pyenv, conda, modules) must not reach node scripts.
    // Debian's sshd gives root this PATH; any rc file that ran would have changed or extended it.
    const n = a.plan.nodes[0];
    const result = await ssh(n.address, keys.privateKey, 'printf %s "$PATH"');
    expect(result).toMatchObject({
      status: 0,
      stdout: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    });
  });

  it('validate.sh fails naming the node when the hostname differs', async () => {
    const n = a.plan.nodes[0];
    const result = await ssh(n.address, keys.privateKey, scriptCommand('validate'), {
      ...validateEnvironment(a.plan, n),
      SCHEDBENCH_EXPECTED_NAME: 'e2enetns-a-n9',
    });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain(`node e2enetns-a-n9 answers over SSH but reports hostname '${n.name}'`);
  });

  it('node 1 reaches node 2 by name, and not the other cluster', async () => {
    const [n1, n2] = a.plan.nodes;
    const byName = await ssh(
      n1.address,
      keys.privateKey,
      `getent hosts ${n2.name} && timeout 5 bash -c '</dev/tcp/${n2.name}/22'`,
    );
    expect(byName.status).toBe(0);
    expect(byName.stdout).toContain(n2.address);
    expect(readFileSync('/etc/hosts', 'utf8')).toBe(hostsBefore); // names resolve without touching the host's file
    const routes = await ssh(n1.address, keys.privateKey, 'ip -4 route show');
    expect(routes.stdout).not.toContain('default'); // no way out: nodes reach their cluster and the host only
    const other = await ssh(
      n1.address,
      keys.privateKey,
      `timeout 5 bash -c '</dev/tcp/${b.plan.nodes[0].address}/22'`,
    );
    expect(other.status).not.toBe(0);
  });

  // Docker sets FORWARD's policy to DROP and loads br_netfilter, so bridged frames between two nodes meet that
  // policy. The bridge's own ACCEPT rule (marked with the cluster's tag) keeps the nodes talking; without it they
  // are cut off — and validate.sh says so.
  const filtered = () => sh('cat /proc/sys/net/bridge/bridge-nf-call-iptables 2>/dev/null').trim() === '1';
  const iptables = spawnSync('sh', ['-c', 'command -v iptables'], { stdio: 'ignore' }).status === 0;
  const firewallTest = iptables && filtered() ? it : it.skip;
  if (!iptables || !filtered())
    process.stderr.write('netns e2e: FORWARD DROP test skipped: no iptables or br_netfilter not active\n');
  firewallTest(
    'nodes reach each other under a FORWARD DROP policy (as Docker sets it), by the bridge rule',
    async () => {
      const tag = `schedbench:${a.plan.cluster}@${a.plan.stack}`;
      const rule = [
        'FORWARD',
        '-i',
        a.plan.bridge,
        '-o',
        a.plan.bridge,
        '-m',
        'comment',
        '--comment',
        tag,
        '-j',
        'ACCEPT',
      ];
      expect(sh('iptables -S FORWARD')).toContain(tag);
      const policy = /^-P FORWARD (\w+)/m.exec(sh('iptables -S FORWARD'))?.[1] ?? 'ACCEPT';
      const [n1, n2] = a.plan.nodes;
      const validate = () =>
        ssh(n1.address, keys.privateKey, scriptCommand('validate'), validateEnvironment(a.plan, n1));
      try {
        expect(spawnSync('iptables', ['-P', 'FORWARD', 'DROP']).status).toBe(0);
        expect((await validate()).status).toBe(0);
        // Without the rule the policy drops node-to-node traffic: the check is real.
        expect(spawnSync('iptables', ['-D', ...rule]).status).toBe(0);
        const cut = await validate();
        expect(cut.status).not.toBe(0);
        expect(cut.stderr).toContain(`cannot reach node ${n2.name}`);
        // bridge-create is idempotent and puts the rule back, once.
        mustRun('bridge-create', bridgeEnvironment(a.plan));
        mustRun('bridge-create', bridgeEnvironment(a.plan));
        expect(sh('iptables -S FORWARD').split(tag).length - 1).toBe(1);
        expect((await validate()).status).toBe(0);
      } finally {
        spawnSync('iptables', ['-P', 'FORWARD', policy]);
      }
    },
  );

  it('a busy loop started over SSH is charged to that node cgroup', async () => {
    const [n1, n2] = a.plan.nodes;
    const before1 = cpuNanos(n1.cgroup);
    const before2 = cpuNanos(n2.cgroup);
    // Spins until it has used 1.5 s of CPU itself (utime + stime, in 1/100 s ticks): a fixed amount of work
    // whatever the load on the machine; `timeout` only bounds a broken run.
    const loop = `timeout 120 bash -c 'while read -r -a s </proc/$$/stat; (( s[13] + s[14] < 150 )); do :; done'`;
    const busy = await ssh(n1.address, keys.privateKey, loop);
    expect(busy).toMatchObject({ status: 0, stderr: '' });
    const used1 = cpuNanos(n1.cgroup) - before1;
    const used2 = cpuNanos(n2.cgroup) - before2;
    expect(used1).toBeGreaterThanOrEqual(1.5e9);
    expect(used2).toBeLessThan(used1 / 10);
  });

  it('node cgroups carry the CPU quota and memory limit, and hold the sshd', () => {
    const n = b.plan.nodes[0];
    if (cgroupV2) {
      expect(readFileSync(`/sys/fs/cgroup/${n.cgroup}/cpu.max`, 'utf8').trim()).toBe('100000 100000');
      expect(readFileSync(`/sys/fs/cgroup/${n.cgroup}/memory.max`, 'utf8').trim()).toBe(
        String(256 * 1048576),
      );
    } else {
      expect(readFileSync(`/sys/fs/cgroup/cpu/${n.cgroup}/cpu.cfs_quota_us`, 'utf8').trim()).toBe('100000');
      expect(readFileSync(`/sys/fs/cgroup/memory/${n.cgroup}/memory.limit_in_bytes`, 'utf8').trim()).toBe(
        String(256 * 1048576),
      );
    }
    for (const dir of cgroupDirs(n.cgroup)) {
      expect(readFileSync(`${dir}/cgroup.procs`, 'utf8').split('\n')).toContain(String(sshdB[0]));
    }
  });

  it('create twice leaves one namespace and one sshd per node', () => {
    const again = createCluster(a) as Created[];
    expect(again.map((c) => c.sshdPid)).toEqual(sshdA);
    expect(again.every((c) => !c.started)).toBe(true);
    for (const n of a.plan.nodes) {
      expect(
        sh('ip netns list')
          .split('\n')
          .filter((l) => l.startsWith(`${n.netns} `) || l === n.netns),
      ).toHaveLength(1);
      const pids = sh(`ip netns pids ${n.netns}`).trim().split('\n');
      const sshds = pids.filter((pid) => sh(`cat /proc/${pid}/comm`).trim() === 'sshd');
      expect(sshds).toHaveLength(1);
    }
  });

  it('create brings a node whose sshd died back, in the same namespace', async () => {
    const n2 = a.plan.nodes[1];
    process.kill(sshdA[1], 'SIGKILL'); // an sshd this test started
    const again = createNode(a, 1) as Created;
    expect(again.started).toBe(true);
    expect(again.sshdPid).not.toBe(sshdA[1]);
    sshdA[1] = again.sshdPid;
    expect(await ssh(n2.address, keys.privateKey, 'hostname')).toMatchObject({
      status: 0,
      stdout: `${n2.name}\n`,
    });
  });

  it('refuses a subnet already in use, naming schedbench:backend.subnet', () => {
    const clash = makeCluster(
      { cluster: 'e2enetns-c', nodes: 1, stateDir: STATE_DIR, subnet: a.plan.subnet },
      keys,
    );
    const result = runScript('bridge-create', bridgeEnvironment(clash.plan));
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('schedbench:backend.subnet');
    expect(result.stderr).toContain(a.plan.bridge);
    expect(existsSync(`/sys/class/net/${clash.plan.bridge}`)).toBe(false);
  });

  it('delete of a node never made succeeds', () => {
    const never = makeCluster({ cluster: 'e2enetns-d', nodes: 1, stateDir: STATE_DIR }, keys);
    expect(mustRun('node-delete', nodeEnv(never, 0))).toMatchObject({ deleted: true });
  });

  it('delete leaves nothing: no process, namespace, interface, cgroup or file', async () => {
    // A process started over SSH and detached from the session must go too.
    const n1 = a.plan.nodes[0];
    const detached = await ssh(
      n1.address,
      keys.privateKey,
      `setsid sleep 600 </dev/null >/dev/null 2>&1 & echo $!`,
    );
    const detachedPid = Number(detached.stdout.trim());
    expect(running(detachedPid)).toBe(true);

    deleteCluster(a);
    expect(leftovers(a, [...sshdA, detachedPid])).toEqual([]);
    expect(existsSync(`/sys/class/net/${b.plan.bridge}`)).toBe(true); // the other cluster is untouched
    deleteCluster(b);
    expect(leftovers(b, sshdB)).toEqual([]);
    expect(existsSync(STATE_DIR)).toBe(false);
  });
});
