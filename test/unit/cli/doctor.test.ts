// `schedbench doctor` acts only on what is proven schedbench's and not part of a live stack (#29 N4): a stale pid
// file naming someone else's process, a PID that names another process by the time it would be signalled, a live
// stack's things (unless --force names it), libvirt objects matched by their owner metadata — never by a name.
// Runs only processes of its own (sleep) and stand-in virsh answers: nothing of the host is listed or touched.
import { spawn, type ChildProcess } from 'child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import {
  cleanLeftovers,
  type Leftover,
  liveOwner,
  liveStacks,
  ownedLibvirtObjects,
  schedbenchProcesses,
} from '../../../components/nodes/leftovers';
import { ownerMetadataXml } from '../../../components/nodes/libvirt/owner';

let dir: string;
const children: ChildProcess[] = [];
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'schedbench-doctor-'));
});
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** A live process's command name and start time (/proc/<pid>/stat fields 2 and 22), read here on its own. */
function processIdentity(pid: number): { comm: string; startTicks: number } | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  const close = stat.lastIndexOf(')');
  const fields = stat.slice(close + 2).split(' ');
  if (fields[0] === 'Z' || fields[0] === 'X') return undefined;
  return { comm: stat.slice(stat.indexOf('(') + 1, close), startTicks: Number(fields[19]) };
}

/** A process of this test's own: `program` (a copy of sleep under that name, so its comm is `program`). */
async function started(program = 'sleep'): Promise<number> {
  let file = 'sleep';
  if (program !== 'sleep') {
    file = path.join(dir, program);
    copyFileSync('/bin/sleep', file);
  }
  const child = spawn(file, ['60'], { stdio: 'ignore' });
  children.push(child);
  const pid = child.pid ?? -1;
  for (let i = 0; i < 100 && processIdentity(pid)?.comm !== program; i++)
    await new Promise((r) => setTimeout(r, 20));
  return pid;
}

const gone = async (pid: number) => {
  for (let i = 0; i < 100 && processIdentity(pid) !== undefined; i++)
    await new Promise((r) => setTimeout(r, 20));
  return processIdentity(pid) === undefined;
};

/** A node's marked state directory (as node-create.sh leaves it) with `<name>.pid` naming `pid`. */
function pidFile(name: string, pid: number): string {
  const node = path.join(dir, 'state', 'c1', 'c1-n1');
  mkdirSync(node, { recursive: true });
  writeFileSync(path.join(dir, 'state', 'c1', '.schedbench-netns'), 'c1@st\n');
  writeFileSync(path.join(node, '.schedbench-node'), 'c1-n1@st\n');
  const file = path.join(node, `${name}.pid`);
  writeFileSync(file, `${pid}\n`);
  return file;
}

describe('doctor signals only the process a pid file proves to be the daemon (#29 N4)', () => {
  it('a stale pid file naming another program (a sleep in kubelet.pid): not listed', async () => {
    const pid = await started();
    pidFile('kubelet', pid);
    const found = schedbenchProcesses([], [], [path.join(dir, 'state')]);
    expect(found.map((l) => l.id)).not.toContain(String(pid));
  });

  it('a process of the right name that started after its pid file was written (a reused PID): not listed', async () => {
    const pid = await started('kubelet');
    const file = pidFile('kubelet', pid);
    const hourAgo = new Date(Date.now() - 3600_000);
    utimesSync(file, hourAgo, hourAgo);
    const found = schedbenchProcesses([], [], [path.join(dir, 'state')]);
    expect(found.map((l) => l.id)).not.toContain(String(pid));
  });

  it('a PID that names another process by the time it is signalled: left alone, reported', async () => {
    const pid = await started();
    const now = processIdentity(pid);
    if (now === undefined) throw new Error('no sleep');
    const found: Leftover = {
      kind: 'process',
      id: String(pid),
      mark: 'sleep in cgroup /sys/fs/cgroup/schedbench/c1/c1-n1',
      process: { comm: now.comm, startTicks: now.startTicks - 1 },
    };
    const result = cleanLeftovers([found]);
    expect(result.removed).toEqual([]);
    expect(result.failed).toEqual([
      { leftover: found, reason: expect.stringContaining('no longer the process found') },
    ]);
    expect(processIdentity(pid)).toEqual(now);
  });

  it('the process found, still the same: stopped', async () => {
    const pid = await started();
    const found: Leftover = {
      kind: 'process',
      id: String(pid),
      mark: 'sleep',
      process: processIdentity(pid),
    };
    expect(cleanLeftovers([found])).toEqual({ removed: [found], failed: [] });
    expect(await gone(pid)).toBe(true);
  });
});

describe('doctor leaves a live stack alone unless --force names it (#29 N4)', () => {
  function stateFile(project: string, stack: string, content: unknown): void {
    mkdirSync(path.join(project, '.schedbench', 'state'), { recursive: true });
    writeFileSync(
      path.join(project, '.schedbench', 'state', `${stack}.json`),
      typeof content === 'string' ? content : JSON.stringify(content),
    );
  }
  const resource = (type: string, name: string, status: string) => ({
    type,
    name,
    status,
    urn: `urn:${name}`,
    sealed: 'v1:x:y',
  });

  it('a stack whose state lists something created is live; a failed-only or destroyed one is not', () => {
    const project = path.join(dir, 'project');
    stateFile(project, 'live', {
      stack: 'live',
      resources: {
        a: resource('schedbench:nodes:Netns', 'c1-nodes', 'created'),
        b: resource('command:local:Command', 'c1-nodes-bridge', 'created'),
      },
    });
    stateFile(project, 'failed', {
      stack: 'failed',
      resources: { a: resource('schedbench:nodes:Netns', 'c2-nodes', 'failed') },
    });
    stateFile(project, 'gone', { stack: 'gone', resources: {} });
    stateFile(project, 'unreadable', '{not json');
    const live = liveStacks([project]);
    expect(live.map((s) => s.stack).sort()).toEqual(['live', 'unreadable']);
    expect(live.find((s) => s.stack === 'live')?.clusters).toEqual(['c1']);

    const byMark: Leftover = {
      kind: 'interface',
      id: 'sb-c1-br',
      mark: 'alias schedbench:c1@live',
      stack: 'live',
    };
    const byCluster: Leftover = {
      kind: 'cgroup',
      id: '/sys/fs/cgroup/schedbench/c1',
      mark: 'x',
      cluster: 'c1',
    };
    const other: Leftover = {
      kind: 'interface',
      id: 'sb-c9-br',
      mark: 'alias schedbench:c9@old',
      stack: 'old',
    };
    expect(liveOwner(byMark, live)?.stack).toBe('live');
    expect(liveOwner(byCluster, live)?.stack).toBe('live');
    expect(liveOwner(other, live)).toBeUndefined();
    expect(liveOwner(byMark, live, ['live'])).toBeUndefined();
    expect(liveOwner(byCluster, live, ['live'])).toBeUndefined();
  });
});

describe('doctor matches libvirt objects by their owner metadata, not their names (#29 N4)', () => {
  it('lists only domains and networks whose definition names an owner', () => {
    const owned = (owner: string) => ['<domain>', ...ownerMetadataXml(owner), '</domain>'].join('\n');
    const xml: Record<string, string> = {
      'schedbench-c1-n1': owned('c1@st'),
      'schedbench-lookalike': '<domain><name>schedbench-lookalike</name></domain>',
      'renamed-vm': owned('c2@st2'),
      'schedbench-c1': owned('c1@st').replace('<domain>', '<network>'),
    };
    const virsh = (args: string[]) => {
      if (args[0] === 'list')
        return { ok: true, stdout: 'schedbench-c1-n1\nschedbench-lookalike\nrenamed-vm\n' };
      if (args[0] === 'net-list') return { ok: true, stdout: 'schedbench-c1\ndefault\n' };
      const text = xml[args[2] ?? ''];
      return text === undefined ? { ok: false, stdout: '' } : { ok: true, stdout: text };
    };
    expect(ownedLibvirtObjects(virsh).map((l) => [l.kind, l.id, l.stack, l.cluster])).toEqual([
      ['libvirt-domain', 'schedbench-c1-n1', 'st', 'c1'],
      ['libvirt-domain', 'renamed-vm', 'st2', 'c2'],
      ['libvirt-network', 'schedbench-c1', 'st', 'c1'],
    ]);
  });
});
