// Two stacks that name the same cluster, and directories schedbench did not make (#29 N12, N13): the netns scripts
// run for real, as their Command resources run them, on a state directory made for the test — no namespace, no
// interface, no cgroup is made. own_dir never adopts someone else's directory, even an empty one (so destroy never
// removes it); node-delete.sh checks whose the node is before it signals anything.
import { spawn, spawnSync, type ChildProcess } from 'child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { scriptCommand } from '../../../components/nodes/netns/env';
import { PRELUDE } from '../../../components/script';

const LIB = path.join(__dirname, '..', '..', '..', 'components', 'nodes', 'netns', 'scripts', 'lib.sh');

let dir: string;
const children: ChildProcess[] = [];
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'schedbench-netns-owner-'));
});
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

function bash(text: string, env: Record<string, string> = {}) {
  return spawnSync('bash', ['-c', text, 'netns-test'], {
    encoding: 'utf8',
    timeout: 60000,
    env: { PATH: String(process.env.PATH), SHLVL: '1', ...env },
  });
}

describe('own_dir (#29 N12)', () => {
  const ownDir = (target: string) =>
    bash(
      `${readFileSync(PRELUDE, 'utf8')}\n${readFileSync(LIB, 'utf8')}\nset -euo pipefail\nown_dir "$D" .schedbench-netns c1@st`,
      {
        D: target,
      },
    );

  it('makes a missing directory and marks it; accepts it again; refuses another owner', () => {
    const target = path.join(dir, 'c1');
    expect(ownDir(target).status).toBe(0);
    expect(readFileSync(path.join(target, '.schedbench-netns'), 'utf8')).toBe('c1@st\n');
    expect(ownDir(target).status).toBe(0);
    writeFileSync(path.join(target, '.schedbench-netns'), 'c1@other\n');
    const r = ownDir(target);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("belongs to 'c1@other'");
  });

  it('never adopts an existing directory without its marker, even an empty one', () => {
    const target = path.join(dir, 'someone-elses');
    mkdirSync(target);
    const r = ownDir(target);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('without a schedbench marker');
    expect(readdirSync(target)).toEqual([]); // no marker written: destroy will not remove it
  });
});

describe('node-delete.sh of a cluster name two stacks use (#29 N13)', () => {
  it('signals nothing and removes nothing of a node whose marker names another stack', async () => {
    const clusterDir = path.join(dir, 'state', 'c1');
    const nodeDir = path.join(clusterDir, 'c1-n1');
    mkdirSync(path.join(nodeDir, 'sshd'), { recursive: true });
    writeFileSync(path.join(clusterDir, '.schedbench-netns'), 'c1@other\n');
    writeFileSync(path.join(nodeDir, '.schedbench-node'), 'c1-n1@other\n');
    // The other stack's node sshd (a sleep under that name), recorded in its pid file.
    const sshd = path.join(dir, 'sshd');
    copyFileSync('/bin/sleep', sshd);
    const child = spawn(sshd, ['60'], { stdio: 'ignore' });
    children.push(child);
    const pid = child.pid ?? -1;
    for (let i = 0; i < 100 && !readFileSync(`/proc/${pid}/comm`, 'utf8').startsWith('sshd'); i++)
      await new Promise((r) => setTimeout(r, 20));
    writeFileSync(path.join(nodeDir, 'sshd', 'sshd.pid'), `${pid}\n`);

    const unique = `sbunit${process.pid}`;
    const r = bash(scriptCommand('node-delete'), {
      CLUSTER: 'c1',
      NODE: 'c1-n1',
      STACK: 'mine',
      NETNS: `schedbench-${unique}`,
      VETH_HOST: `${unique}h`.slice(0, 15),
      NODE_DIR: nodeDir,
      CLUSTER_DIR: clusterDir,
      CGROUP_PATH: `schedbench-unit-absent/${unique}`,
      LOCK_FILE: path.join(dir, 'lock', 'netns.lock'),
    });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ node: 'c1-n1', deleted: false, foreign: true });
    expect(r.stderr).toContain("belongs to 'c1-n1@other'");
    await new Promise((resolve) => setTimeout(resolve, 100)); // a signal sent would have landed
    expect(child.exitCode).toBeNull();
    expect(child.signalCode).toBeNull();
    expect(existsSync(`/proc/${pid}`)).toBe(true);
    expect(existsSync(path.join(nodeDir, '.schedbench-node'))).toBe(true);
  });
});
