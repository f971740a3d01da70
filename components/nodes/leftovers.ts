// What schedbench may leave on this host when a run is aborted (a killed runner, an interrupted jest), found
// only by schedbench's own marks — the `schedbench-` network namespaces, interfaces whose alias is
// `schedbench:<owner>`, iptables FORWARD rules commented `schedbench:<cluster>@<stack>`, cgroups under `schedbench/`, processes inside those, daemons whose pid file lies in a
// state directory that carries a schedbench marker, libvirt domains and networks named `schedbench-…` — and removed
// in dependency order. Nothing without one of these marks is ever listed or touched.
import { spawnSync } from 'child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'fs';
import * as path from 'path';

export type LeftoverKind =
  'process' | 'netns' | 'interface' | 'firewall-rule' | 'cgroup' | 'libvirt-domain' | 'libvirt-network';

export interface Leftover {
  kind: LeftoverKind;
  /** Namespace or interface name, cgroup directory, PID, domain or network name. */
  id: string;
  /** Why it is schedbench's: the mark it carries. */
  mark: string;
}

/** Marker files schedbench writes in the directories it owns (netns state root, cluster and node directories). */
export const STATE_MARKERS = ['.schedbench-created', '.schedbench-netns', '.schedbench-node'] as const;

const CGROUP_ROOT = '/sys/fs/cgroup';

function run(program: string, args: string[]): { ok: boolean; stdout: string } {
  const result = spawnSync(program, args, { encoding: 'utf8', timeout: 30_000 });
  return { ok: result.status === 0, stdout: result.stdout ?? '' };
}

function readOr(file: string, fallback = ''): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return fallback;
  }
}

export function schedbenchNamespaces(): string[] {
  const dir = '/run/netns';
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => n.startsWith('schedbench-'))
    .sort();
}

/** Interfaces whose alias says schedbench made them (`schedbench:<cluster or node>[@<stack>]`). */
export function schedbenchInterfaces(): Leftover[] {
  const out: Leftover[] = [];
  for (const name of readdirSync('/sys/class/net')) {
    const alias = readOr(`/sys/class/net/${name}/ifalias`).trim();
    if (alias.startsWith('schedbench:')) out.push({ kind: 'interface', id: name, mark: `alias ${alias}` });
  }
  return out.sort((a, b) => a.id.localeCompare(b.id));
}

/** The iptables commands whose FORWARD chain is in use (the legacy one only when its tables exist already). */
function firewallTools(): string[] {
  const has = (tool: string) => run('sh', ['-c', `command -v ${tool}`]).ok;
  const main = has('iptables-nft') ? ['iptables-nft'] : has('iptables') ? ['iptables'] : [];
  const legacy = has('iptables-legacy') && readOr('/proc/net/ip_tables_names').trim() !== '';
  return [...main, ...(legacy ? ['iptables-legacy'] : [])];
}

/** `-A FORWARD -i <bridge> -o <bridge> -m comment --comment schedbench:… -j ACCEPT`, as `iptables -S` prints it. */
const FORWARD_RULE = /^-A FORWARD -i (\S+) -o (\S+) -m comment --comment "?(schedbench:[^"\s]+)"? -j ACCEPT$/;

/** The ACCEPT rules netns bridges add to FORWARD (bridge-create.sh), by tool: id `<tool> <bridge> <comment>`. */
export function schedbenchFirewallRules(): Leftover[] {
  const out: Leftover[] = [];
  for (const tool of firewallTools()) {
    for (const line of run(tool, ['-w', '10', '-S', 'FORWARD']).stdout.split('\n')) {
      const m = FORWARD_RULE.exec(line.trim());
      if (m === null || m[1] !== m[2]) continue;
      out.push({ kind: 'firewall-rule', id: `${tool} ${m[1]} ${m[3]}`, mark: `comment ${m[3]}` });
    }
  }
  return out;
}

function deleteFirewallRule(id: string): boolean {
  const [tool, bridge, comment] = id.split(' ') as [string, string, string];
  const rule = ['FORWARD', '-i', bridge, '-o', bridge, '-m', 'comment', '--comment', comment, '-j', 'ACCEPT'];
  run(tool, ['-w', '10', '-D', ...rule]);
  return !run(tool, ['-w', '10', '-C', ...rule]).ok;
}

/** Every cgroup directory under a `schedbench/` parent, in every hierarchy, deepest first. */
export function schedbenchCgroups(): string[] {
  const roots: string[] = existsSync(`${CGROUP_ROOT}/cgroup.controllers`)
    ? [path.join(CGROUP_ROOT, 'schedbench')]
    : readdirSync(CGROUP_ROOT).map((c) => path.join(CGROUP_ROOT, c, 'schedbench'));
  const out: string[] = [];
  const walk = (dir: string) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) if (e.isDirectory()) walk(path.join(dir, e.name));
    out.push(dir);
  };
  for (const root of roots) if (existsSync(root)) walk(root);
  return [...new Set(out)].sort((a, b) => b.split('/').length - a.split('/').length || a.localeCompare(b));
}

/** True when `file`'s directory or one of its ancestors holds a schedbench marker file (which one). */
function underMarkedDir(file: string): string | undefined {
  let dir = file;
  for (let i = 0; i < 8 && dir !== '/'; i++) {
    dir = path.dirname(dir);
    for (const marker of STATE_MARKERS) if (existsSync(path.join(dir, marker))) return path.join(dir, marker);
  }
  return undefined;
}

/** State roots searched for daemons' pid files: the default `/var/lib/schedbench*` and any given. */
export function stateRoots(extra: readonly string[] = []): string[] {
  const lib = '/var/lib';
  const defaults = existsSync(lib)
    ? readdirSync(lib)
        .filter((n) => n.startsWith('schedbench'))
        .map((n) => path.join(lib, n))
    : [];
  return [...new Set([...defaults, ...extra])].filter((d) => existsSync(d));
}

/** `*.pid` files (depth ≤ 8) under the roots whose directory carries a schedbench marker. */
function markedPidFiles(roots: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (dir: string, depth: number) => {
    if (depth > 8) return;
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isDirectory() && !e.isSymbolicLink()) walk(p, depth + 1);
      else if (e.isFile() && e.name.endsWith('.pid') && underMarkedDir(p) !== undefined) out.push(p);
    }
  };
  for (const root of roots) walk(root, 0);
  return out;
}

/**
 * Processes in schedbench cgroups, in schedbench network namespaces, or daemons whose pid file lies in a
 * marked state directory (munged, mariadbd, slurm daemons, sshds, samplers).
 */
export function schedbenchProcesses(
  namespaces: readonly string[],
  cgroups: readonly string[],
  roots: readonly string[] = stateRoots(),
): Leftover[] {
  const found = new Map<number, string>();
  for (const dir of cgroups) {
    for (const pid of readOr(path.join(dir, 'cgroup.procs'))
      .split('\n')
      .filter((l) => l !== ''))
      found.set(Number(pid), `in cgroup ${dir}`);
  }
  for (const ns of namespaces) {
    for (const pid of run('ip', ['netns', 'pids', ns])
      .stdout.split('\n')
      .filter((l) => l !== ''))
      if (!found.has(Number(pid))) found.set(Number(pid), `in network namespace ${ns}`);
  }
  for (const file of markedPidFiles(roots)) {
    const text = readOr(file).trim();
    if (!/^\d+$/.test(text)) continue;
    const pid = Number(text);
    if (!found.has(pid) && alive(pid)) found.set(pid, `pid file ${file}`);
  }
  found.delete(process.pid);
  return [...found.entries()]
    .filter(([pid]) => alive(pid))
    .map(([pid, mark]) => ({ kind: 'process' as const, id: String(pid), mark: `${comm(pid)} ${mark}` }));
}

function comm(pid: number): string {
  return readOr(`/proc/${pid}/comm`).trim();
}

function virsh(args: string[]): string[] | undefined {
  const result = run('virsh', ['-c', 'qemu:///system', ...args]);
  return result.ok
    ? result.stdout
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l !== '')
    : undefined;
}

function libvirtRunning(): boolean {
  return existsSync('/run/libvirt/libvirt-sock') && run('which', ['virsh']).ok;
}

export function schedbenchLibvirt(): Leftover[] {
  if (!libvirtRunning()) return [];
  const domains = (virsh(['list', '--all', '--name']) ?? []).filter((n) => n.startsWith('schedbench-'));
  const networks = (virsh(['net-list', '--all', '--name']) ?? []).filter((n) => n.startsWith('schedbench-'));
  return [
    ...domains.map((id) => ({ kind: 'libvirt-domain' as const, id, mark: 'name schedbench-…' })),
    ...networks.map((id) => ({ kind: 'libvirt-network' as const, id, mark: 'name schedbench-…' })),
  ];
}

/** Everything schedbench-owned on this host now, in the order it must be removed. */
export function findLeftovers(extraStateRoots: readonly string[] = []): Leftover[] {
  const namespaces = schedbenchNamespaces();
  const cgroups = schedbenchCgroups();
  return [
    ...schedbenchProcesses(namespaces, cgroups, stateRoots(extraStateRoots)),
    ...schedbenchLibvirt().filter((l) => l.kind === 'libvirt-domain'),
    ...schedbenchInterfaces(),
    ...schedbenchFirewallRules(),
    ...namespaces.map((id) => ({ kind: 'netns' as const, id, mark: 'name schedbench-…' })),
    ...cgroups.map((id) => ({ kind: 'cgroup' as const, id, mark: 'under schedbench/' })),
    ...schedbenchLibvirt().filter((l) => l.kind === 'libvirt-network'),
  ];
}

function alive(pid: number): boolean {
  const stat = readOr(`/proc/${pid}/stat`);
  return stat !== '' && stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
}

/** Blocks the thread for `ms` (cleanup runs in signal handlers and teardowns, where nothing else runs). */
function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Stops processes: SIGTERM, a bounded wait (5 s), then SIGKILL. Returns those still alive. */
export function stopProcesses(pids: readonly number[]): number[] {
  const signal = (sig: NodeJS.Signals) => {
    for (const pid of pids) {
      try {
        process.kill(pid, sig);
      } catch {
        // already gone
      }
    }
  };
  signal('SIGTERM');
  for (let i = 0; i < 50 && pids.some(alive); i++) pause(100);
  if (pids.some(alive)) signal('SIGKILL');
  for (let i = 0; i < 50 && pids.some(alive); i++) pause(100);
  return pids.filter(alive);
}

export interface CleanResult {
  removed: Leftover[];
  failed: { leftover: Leftover; reason: string }[];
}

/** Removes the given leftovers (as findLeftovers lists them: processes first, cgroups deepest first). */
export function cleanLeftovers(leftovers: readonly Leftover[]): CleanResult {
  const result: CleanResult = { removed: [], failed: [] };
  const processes = leftovers.filter((l) => l.kind === 'process');
  const stubborn = new Set(stopProcesses(processes.map((p) => Number(p.id))).map(String));
  for (const p of processes) {
    if (stubborn.has(p.id)) result.failed.push({ leftover: p, reason: 'still alive after SIGKILL' });
    else result.removed.push(p);
  }
  for (const l of leftovers) {
    if (l.kind === 'process') continue;
    const attempt =
      l.kind === 'interface'
        ? run('ip', ['link', 'del', 'dev', l.id])
        : l.kind === 'firewall-rule'
          ? { ok: deleteFirewallRule(l.id), stdout: '' }
          : l.kind === 'netns'
            ? run('ip', ['netns', 'del', l.id])
            : l.kind === 'cgroup'
              ? run('rmdir', [l.id])
              : l.kind === 'libvirt-domain'
                ? (run('virsh', ['-c', 'qemu:///system', 'destroy', l.id]),
                  run('virsh', ['-c', 'qemu:///system', 'undefine', l.id]))
                : (run('virsh', ['-c', 'qemu:///system', 'net-destroy', l.id]),
                  run('virsh', ['-c', 'qemu:///system', 'net-undefine', l.id]));
    // A veth goes with its peer or namespace: gone already counts as removed.
    const gone =
      l.kind === 'interface'
        ? !existsSync(`/sys/class/net/${l.id}`)
        : l.kind === 'netns'
          ? !existsSync(`/run/netns/${l.id}`)
          : l.kind === 'cgroup'
            ? !existsSync(l.id)
            : attempt.ok;
    if (gone && l.kind === 'netns') rmSync(path.join(RUN_RECORDS, l.id), { force: true });
    if (gone) result.removed.push(l);
    else result.failed.push({ leftover: l, reason: 'could not be removed' });
  }
  return result;
}

/** One line per leftover, for a terminal. */
export function describeLeftover(l: Leftover): string {
  return `${l.kind.padEnd(15)} ${l.id}  (${l.mark})`;
}

/** Where node-create.sh notes which run made each netns node (`<netns>` → run id). */
export const RUN_RECORDS = '/run/schedbench/runs';

/** The variable a test run (or runner) puts in its environment: every process it starts inherits it. */
export const RUN_ID_VARIABLE = 'SCHEDBENCH_RUN_ID';

function startedBy(pid: number, runId: string): boolean {
  return readOr(`/proc/${pid}/environ`).split('\0').includes(`${RUN_ID_VARIABLE}=${runId}`);
}

function pidsIn(l: Leftover): number[] {
  const lines = (text: string) =>
    text
      .split('\n')
      .filter((x) => /^\d+$/.test(x))
      .map(Number);
  if (l.kind === 'process') return [Number(l.id)];
  if (l.kind === 'netns') return lines(run('ip', ['netns', 'pids', l.id]).stdout);
  if (l.kind === 'cgroup') return lines(readOr(path.join(l.id, 'cgroup.procs')));
  return [];
}

/**
 * Of leftovers that appeared during a run, those that run may remove. A netns node is the run's when a process
 * in it carries the run id (its sshd, started by the run's scripts) or none is left; then everything in it, and
 * in the node's cgroup, is the run's too (daemons started over SSH do not inherit the id). A node another run
 * stood up meanwhile is left alone, with its cgroups and interfaces; so are libvirt objects.
 */
export function startedByRun(fresh: readonly Leftover[], runId: string): Leftover[] {
  const ownedNode = new Map<string, boolean>(); // node name → the run's?
  for (const l of fresh) {
    if (l.kind !== 'netns') continue;
    // node-create.sh notes the run that made the node (an sshd's own environment is not readable: it
    // rewrites that memory with its process title).
    const recorded = readOr(path.join(RUN_RECORDS, l.id)).trim();
    const live = pidsIn(l).filter(alive);
    ownedNode.set(
      l.id.replace(/^schedbench-/, ''),
      recorded === runId ||
        (recorded === '' && (live.length === 0 || live.some((pid) => startedBy(pid, runId)))),
    );
  }
  // A cgroup belongs to the node whose name is one of its path's parts (a kubelet's kubepods/besteffort lies
  // below the node's own); else to its cluster (`schedbench/<cluster>/…`), whose nodes say whose it is. Only a
  // cgroup of no known node or cluster is judged by its processes — an empty one of another run's cluster never.
  const ownedCgroup = (l: Leftover): boolean => {
    const parts = l.id.split('/');
    for (const part of parts.slice().reverse()) {
      const byNode = ownedNode.get(part);
      if (byNode !== undefined) return byNode;
      // A node that was up before the run began (not among the fresh ones): never this run's.
      if (part !== '' && existsSync(`/run/netns/schedbench-${part}`)) return false;
    }
    const cluster = parts[parts.lastIndexOf('schedbench') + 1];
    const clusterNodes = [...ownedNode].filter(
      ([name]) => cluster !== undefined && name.startsWith(`${cluster}-`),
    );
    if (clusterNodes.length > 0) return clusterNodes.every(([, mine]) => mine);
    const live = pidsIn(l).filter(alive);
    return live.every((pid) => startedBy(pid, runId));
  };
  const foreignClusters = new Set<string>();
  for (const l of fresh)
    if (l.kind === 'cgroup' && !ownedCgroup(l)) foreignClusters.add(path.basename(path.dirname(l.id)));
  const foreignCgroups = fresh.filter((l) => l.kind === 'cgroup' && !ownedCgroup(l)).map((l) => l.id);
  // A parent of another run's cgroup is not ours to remove either.
  const cgroupsOwned = new Set(
    fresh
      .filter((l) => l.kind === 'cgroup' && ownedCgroup(l))
      .filter((l) => !foreignCgroups.some((f) => f.startsWith(`${l.id}/`)))
      .map((l) => l.id),
  );
  // Only what is positively this run's: a node's veth when the node is, a bridge when every node of its
  // cluster is (another run's bridge, made a moment before its nodes, has none of ours — never touched).
  const ownedInterface = (l: Leftover): boolean => {
    const owner = /alias schedbench:([^@]+)/.exec(l.mark)?.[1] ?? '';
    const node = ownedNode.get(owner);
    if (node !== undefined) return node;
    const clusterNodes = [...ownedNode].filter(([name]) => name.startsWith(`${owner}-`));
    return clusterNodes.length > 0 && clusterNodes.every(([, mine]) => mine) && !foreignClusters.has(owner);
  };
  return fresh.filter((l) => {
    switch (l.kind) {
      case 'libvirt-domain':
      case 'libvirt-network':
        return false;
      case 'netns':
        return ownedNode.get(l.id.replace(/^schedbench-/, '')) === true;
      case 'cgroup':
        return cgroupsOwned.has(l.id);
      case 'interface':
        return ownedInterface(l);
      case 'firewall-rule': {
        // A bridge's rule goes with the bridge: when the bridge is gone (nothing left to accept), or is this run's.
        const bridge = l.id.split(' ')[1] ?? '';
        if (!existsSync(`/sys/class/net/${bridge}`)) return true;
        const iface = fresh.find((f) => f.kind === 'interface' && f.id === bridge);
        return iface !== undefined && ownedInterface(iface);
      }
      case 'process': {
        const pid = Number(l.id);
        if (startedBy(pid, runId)) return true;
        const inNode = /in network namespace schedbench-(\S+)/.exec(l.mark)?.[1];
        if (inNode !== undefined) return ownedNode.get(inNode) === true;
        const inCgroup = /in cgroup (\S+)/.exec(l.mark)?.[1];
        return inCgroup !== undefined && cgroupsOwned.has(inCgroup);
      }
      default: {
        const unknown: never = l.kind;
        throw new Error(`unknown leftover kind ${String(unknown)}`);
      }
    }
  });
}

/**
 * What is left on this host of cluster `cluster` (from `all`, as findLeftovers lists it): its netns nodes, their
 * interfaces, cgroups and processes, daemons whose pid file lies in its state directory, its VMs and network.
 * A campaign checks that this is empty before the next scheduler stands up.
 */
export function leftoversOfCluster(cluster: string, all: readonly Leftover[] = findLeftovers()): Leftover[] {
  const esc = cluster.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const node = `${esc}-n\\d+`;
  const patterns: Record<LeftoverKind, RegExp> = {
    netns: new RegExp(`^schedbench-${node}$`),
    'libvirt-domain': new RegExp(`^schedbench-${node}$`),
    'libvirt-network': new RegExp(`^schedbench-${esc}$`),
    cgroup: new RegExp(`/schedbench/${esc}(/|$)`),
    interface: new RegExp(`alias schedbench:${esc}(-n\\d+)?(@|$)`),
    'firewall-rule': new RegExp(`schedbench:${esc}@`),
    process: new RegExp(
      `(in network namespace schedbench-${node}$)|(in cgroup \\S*/schedbench/${esc}(/|$))|(pid file \\S*/${esc}/)`,
    ),
  };
  const byId: readonly LeftoverKind[] = ['netns', 'libvirt-domain', 'libvirt-network', 'cgroup'];
  return all.filter((l) => patterns[l.kind].test(byId.includes(l.kind) ? l.id : l.mark));
}
