// The netns component run for real by the local runner (root): up brings nodes that pass their SSH
// validation, a second up changes nothing, destroy leaves nothing behind.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { planCluster } from '../../../components/nodes/netns/plan';
import { REPO, runRunner } from '../../helpers/runner';

const isRoot = process.getuid?.() === 0;
const describeRoot = isRoot ? describe : describe.skip;

const STACK = 'netnsrun';
const ARGS = {
  cluster: 'e2enetns-r',
  nodes: 2,
  vcpus: 1,
  memoryMiB: 512,
  stateDir: '/var/lib/schedbench-e2e-runner',
};
const plan = planCluster(ARGS);

/** A one-component project: the stack file is empty, the program is NetnsNodes and its outputs. */
function writeProject(dir: string): void {
  const component = path.join(REPO, 'components', 'nodes', 'netns', 'netns');
  writeFileSync(path.join(dir, 'Pulumi.yaml'), 'name: schedbench\nruntime: nodejs\n');
  writeFileSync(path.join(dir, `Pulumi.${STACK}.yaml`), 'config: {}\n');
  writeFileSync(
    path.join(dir, 'index.ts'),
    [
      `import { NetnsNodes } from ${JSON.stringify(component)};`,
      `const cluster = new NetnsNodes('nodes', ${JSON.stringify(ARGS)});`,
      'export const names = cluster.nodes.map((n) => n.name);',
      'export const addresses = cluster.nodes.map((n) => n.address);',
      'export const hostCores = cluster.hostCores;',
      'export const oversubscribed = cluster.oversubscribed;',
      'export const subnet = cluster.subnet;',
      'export const privateKey = cluster.privateKey;',
      '',
    ].join('\n'),
  );
}

function sshdPids(): number[] {
  return plan.nodes.map((n) => {
    const file = path.join(n.stateDir, 'sshd', 'sshd.pid');
    return existsSync(file) ? Number(readFileSync(file, 'utf8').trim()) : -1;
  });
}

describeRoot('NetnsNodes under the local runner', () => {
  const dir = isRoot ? mkdtempSync(path.join(tmpdir(), 'schedbench-netns-runner-')) : '';

  beforeAll(() => writeProject(dir));
  afterAll(() => {
    runRunner('destroy', STACK, dir);
    rmSync(dir, { recursive: true, force: true });
  });

  it('up creates and validates every node over SSH; a second up changes nothing', () => {
    const first = runRunner('up', STACK, dir);
    expect(first.stderr).not.toContain('error:');
    expect(first.status).toBe(0);
    expect(first.stdout).toContain('e2enetns-r-n2');
    expect(first.stdout).not.toContain('BEGIN OPENSSH PRIVATE KEY'); // the key output stays secret
    // The runner's state holds the cluster key and every node's host key, sealed: none of it in clear.
    const state = readFileSync(path.join(dir, '.schedbench', 'state', `${STACK}.json`), 'utf8');
    expect(state).toContain('nodes-n2-validate'); // names stay readable
    expect(state).not.toContain('PRIVATE KEY');
    const pids = sshdPids();
    expect(pids.every((p) => p > 0)).toBe(true);

    const second = runRunner('up', STACK, dir);
    expect(second.status).toBe(0);
    expect(sshdPids()).toEqual(pids);
    const netns = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout;
    for (const n of plan.nodes)
      expect(netns.split('\n').filter((l) => l.split(' ')[0] === n.netns)).toHaveLength(1);
  });

  it('destroy leaves no namespace, interface, sshd, cgroup or file', () => {
    const pids = sshdPids();
    const result = runRunner('destroy', STACK, dir);
    expect(result.status).toBe(0);
    const netns = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout;
    for (const n of plan.nodes) expect(netns).not.toContain(n.netns);
    expect(existsSync(`/sys/class/net/${plan.bridge}`)).toBe(false);
    for (const pid of pids) {
      const stat = existsSync(`/proc/${pid}/stat`) ? readFileSync(`/proc/${pid}/stat`, 'utf8') : '';
      expect(stat === '' || stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')).toBe(true);
    }
    expect(existsSync(`/sys/fs/cgroup/memory/${plan.cgroup}`)).toBe(false);
    expect(existsSync(ARGS.stateDir)).toBe(false);
  });
});
