// What schedbench may leave on this host when a run is aborted (a killed runner, an interrupted jest), found
// only by schedbench's own marks — the `schedbench-` network namespaces, interfaces whose alias is
// `schedbench:<owner>`, iptables FORWARD rules commented `schedbench:<cluster>@<stack>`, cgroups under `schedbench/`,
// processes inside those, daemons whose pid file lies in a node's or cluster's marked state directory (and which
// are still the process that wrote it: name, start time, namespace), libvirt domains and networks whose metadata
// names their owner — and removed in dependency order. Nothing without one of these marks is ever listed or touched.
// Each thing carries the stack its marks name, so that `schedbench doctor` leaves alone what a live stack (one its
// runner state file lists as created) still uses.
import { spawnSync } from 'child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync } from 'fs';
import * as path from 'path';
import { z } from 'zod';
import { ownerInXml } from './libvirt/owner';

export type LeftoverKind =
  'process' | 'netns' | 'interface' | 'firewall-rule' | 'cgroup' | 'libvirt-domain' | 'libvirt-network';

export interface Leftover {
  kind: LeftoverKind;
  /** Namespace or interface name, cgroup directory, PID, domain or network name. */
  id: string;
  /** Why it is schedbench's: the mark it carries. */
  mark: string;
  /** The stack its marks name (interface alias, firewall comment, state directory marker, libvirt metadata). */
  stack?: string;
  /** The cluster it belongs to, where its name or marks say. */
  cluster?: string;
  /** A process as found: command name and start time (clock ticks after boot, /proc/<pid>/stat field 22). It is
   * signalled only while both are still the same (a PID the kernel gave to another process meanwhile never is). */
  process?: ProcessIdentity;
}

export interface ProcessIdentity {
  comm: string;
  startTicks: number;
}

/** Marker files schedbench writes in the directories it owns (netns state root, cluster and node directories). */
export const STATE_MARKERS = ['.schedbench-created', '.schedbench-netns', '.schedbench-node'] as const;

/** The markers that name an owner, `<cluster or node>@<stack>`: a cluster's and a node's state directory. */
const OWNER_MARKERS = ['.schedbench-node', '.schedbench-netns'] as const;

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
    if (!alias.startsWith('schedbench:')) continue;
    const owner = splitOwner(alias.slice('schedbench:'.length));
    out.push({
      kind: 'interface',
      id: name,
      mark: `alias ${alias}`,
      ...(owner === undefined ? {} : { stack: owner.stack }),
    });
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
      const comment = m[3] ?? '';
      const owner = splitOwner(comment.slice('schedbench:'.length));
      out.push({
        kind: 'firewall-rule',
        id: `${tool} ${m[1]} ${comment}`,
        mark: `comment ${comment}`,
        ...(owner === undefined ? {} : { stack: owner.stack, cluster: owner.name }),
      });
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

/** `<name>@<stack>` of an owner mark (alias, comment, marker file), split; undefined when it names no stack. */
function splitOwner(tag: string): { name: string; stack: string } | undefined {
  const at = tag.lastIndexOf('@');
  if (at <= 0 || at === tag.length - 1) return undefined;
  return { name: tag.slice(0, at), stack: tag.slice(at + 1) };
}

/** A marker that names an owner: the node's or cluster's state directory `file` lies in (nearest first). */
interface OwnerMarker {
  file: string;
  kind: 'node' | 'cluster';
  name: string;
  stack: string;
}

function ownerMarkerOf(file: string): OwnerMarker | undefined {
  let dir = file;
  for (let i = 0; i < 8 && dir !== '/'; i++) {
    dir = path.dirname(dir);
    for (const marker of OWNER_MARKERS) {
      const markerFile = path.join(dir, marker);
      const owner = splitOwner(readOr(markerFile).trim());
      if (owner !== undefined)
        return { file: markerFile, kind: marker === '.schedbench-node' ? 'node' : 'cluster', ...owner };
    }
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

/** Files (depth ≤ 8, no symlinks followed) under the roots that `want` picks. */
function filesUnder(roots: readonly string[], want: (name: string) => boolean): string[] {
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
      else if (e.isFile() && want(e.name)) out.push(p);
    }
  };
  for (const root of roots) walk(root, 0);
  return out;
}

/**
 * Which stack each cluster or node name belongs to, as schedbench's marks say: interface aliases and firewall
 * comments (`schedbench:<name>@<stack>`) and the markers of state directories (`<name>@<stack>`). A name two
 * stacks claim has no single owner.
 */
export class Owners {
  private readonly byName = new Map<string, Set<string>>();
  private readonly clusters = new Set<string>();

  add(name: string, stack: string, isCluster = false): void {
    const stacks = this.byName.get(name) ?? new Set<string>();
    stacks.add(stack);
    this.byName.set(name, stacks);
    if (isCluster) this.clusters.add(name);
  }

  /** The owner of the first of `names` (most specific first) that any mark names, when exactly one stack does. */
  stackOf(...names: (string | undefined)[]): string | undefined {
    for (const name of names) {
      if (name === undefined) continue;
      const stacks = this.byName.get(name);
      if (stacks !== undefined) return stacks.size === 1 ? [...stacks][0] : undefined;
    }
    return undefined;
  }

  /** The cluster an alias names: itself when it is a cluster's, else the node's cluster. */
  clusterOf(name: string): string {
    return this.clusters.has(name) ? name : clusterOfNode(name);
  }
}

/** A node's cluster: node names are `<cluster>-n<i>` (netns and libvirt alike). */
function clusterOfNode(node: string): string {
  return node.replace(/-n\d+$/, '');
}

function ownersFrom(
  interfaces: readonly Leftover[],
  rules: readonly Leftover[],
  roots: readonly string[],
): Owners {
  const owners = new Owners();
  for (const l of [...interfaces, ...rules]) {
    const tag = /schedbench:(\S+)/.exec(l.mark)?.[1];
    const owner = tag === undefined ? undefined : splitOwner(tag);
    if (owner !== undefined) owners.add(owner.name, owner.stack, l.kind === 'firewall-rule');
  }
  for (const file of filesUnder(roots, (n) => (OWNER_MARKERS as readonly string[]).includes(n))) {
    const owner = splitOwner(readOr(file).trim());
    if (owner !== undefined) owners.add(owner.name, owner.stack, path.basename(file) === '.schedbench-netns');
  }
  return owners;
}

/** Clock ticks per second of /proc/<pid>/stat's times (USER_HZ: 100 on every Linux architecture schedbench runs on). */
let clockTicks: number | undefined;
function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    const value = Number(run('getconf', ['CLK_TCK']).stdout.trim());
    clockTicks = Number.isInteger(value) && value > 0 ? value : 100;
  }
  return clockTicks;
}

/** A live process's command name and start time, or undefined when there is none (or only a zombie). */
export function processIdentity(pid: number): ProcessIdentity | undefined {
  const stat = readOr(`/proc/${pid}/stat`);
  const open = stat.indexOf('(');
  const close = stat.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  // After "pid (comm) ": field 3 (state) is the first; field 22 (starttime) the twentieth.
  const fields = stat.slice(close + 2).split(' ');
  if (fields[0] === 'Z' || fields[0] === 'X') return undefined;
  const startTicks = Number(fields[19]);
  if (!Number.isInteger(startTicks)) return undefined;
  return { comm: stat.slice(open + 1, close), startTicks };
}

/** When a process started (ms since the epoch), from its start time in ticks after boot. */
function startedAtMs(startTicks: number): number {
  const btime = Number(/^btime (\d+)$/m.exec(readOr('/proc/stat'))?.[1] ?? NaN);
  return (btime + startTicks / ticksPerSecond()) * 1000;
}

/** The inode of a network namespace as /proc/<pid>/ns/net names it (`net:[4026531840]`), or undefined. */
function netnsOf(pid: number | 'self'): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/ns/net`);
  } catch {
    return undefined;
  }
}

/** Pid files whose process is not named after them: the node sampler (a bash loop), Flux's brokers (per rank). */
const PID_FILE_PROGRAMS: Record<string, RegExp> = { sampler: /^bash$/, broker: /^flux-broker(-\d+)?$/ };

/** A process named `comm` may be what `<program>.pid` names (the kernel keeps 15 characters of a name). */
function daemonNamed(program: string, comm: string): boolean {
  const other = PID_FILE_PROGRAMS[program];
  if (other !== undefined) return other.test(comm);
  return comm === program.slice(0, 15) || comm === `${program}d`.slice(0, 15);
}

/**
 * Why the process a pid file names is not the daemon that wrote it, or undefined when it is. The file's name is the
 * program's (`kubelet.pid`: kubelet; the kernel keeps 15 characters of a name; `mariadb.pid`: mariadbd); the
 * process must have started before the file was last written (a PID given to another process later — after a
 * reboot, say — started after it); and it runs in the node's network namespace, never in the host's (every daemon
 * of a netns node does).
 */
function notTheDaemon(
  file: string,
  pid: number,
  id: ProcessIdentity,
  marker: OwnerMarker,
): string | undefined {
  const program = path.basename(file, '.pid');
  if (!daemonNamed(program, id.comm)) return `it runs ${id.comm}, not ${program}`;
  let writtenMs: number;
  try {
    writtenMs = statSync(file).mtimeMs;
  } catch {
    return 'the pid file is gone';
  }
  // btime is whole seconds: one second of slack.
  if (startedAtMs(id.startTicks) > writtenMs + 1000) return 'it started after the pid file was written';
  const ns = netnsOf(pid);
  if (ns === undefined || ns === netnsOf('self')) return "it runs in the host's network namespace";
  const nodeNs = `/run/netns/schedbench-${marker.name}`;
  if (marker.kind === 'node' && existsSync(nodeNs) && ns !== `net:[${statSync(nodeNs).ino}]`)
    return `it runs outside the network namespace of node ${marker.name}`;
  return undefined;
}

/**
 * Processes in schedbench cgroups, in schedbench network namespaces, or daemons whose pid file lies in a node's or
 * cluster's marked state directory and which are still the daemon that wrote it (notTheDaemon), each with its
 * identity (command name, start time) and owner.
 */
export function schedbenchProcesses(
  namespaces: readonly string[],
  cgroups: readonly string[],
  roots: readonly string[] = stateRoots(),
  owners: Owners = new Owners(),
): Leftover[] {
  const found = new Map<number, { mark: string; stack?: string; cluster?: string }>();
  for (const dir of cgroups) {
    const parts = dir.split('/');
    const below = parts.slice(parts.lastIndexOf('schedbench') + 1);
    const [cluster, node] = below;
    const stack = owners.stackOf(node, cluster);
    for (const pid of readOr(path.join(dir, 'cgroup.procs'))
      .split('\n')
      .filter((l) => l !== ''))
      found.set(Number(pid), { mark: `in cgroup ${dir}`, stack, cluster });
  }
  for (const ns of namespaces) {
    const node = ns.replace(/^schedbench-/, '');
    const cluster = clusterOfNode(node);
    const stack = owners.stackOf(node, cluster);
    for (const pid of run('ip', ['netns', 'pids', ns])
      .stdout.split('\n')
      .filter((l) => l !== ''))
      if (!found.has(Number(pid)))
        found.set(Number(pid), { mark: `in network namespace ${ns}`, stack, cluster });
  }
  for (const file of filesUnder(roots, (n) => n.endsWith('.pid'))) {
    const marker = ownerMarkerOf(file);
    const text = readOr(file).trim();
    if (marker === undefined || !/^\d+$/.test(text)) continue;
    const pid = Number(text);
    const id = processIdentity(pid);
    if (found.has(pid) || id === undefined || notTheDaemon(file, pid, id, marker) !== undefined) continue;
    const cluster = marker.kind === 'cluster' ? marker.name : clusterOfNode(marker.name);
    found.set(pid, { mark: `pid file ${file}`, stack: marker.stack, cluster });
  }
  found.delete(process.pid);
  const out: Leftover[] = [];
  for (const [pid, where] of found) {
    const id = processIdentity(pid);
    if (id === undefined) continue;
    out.push({
      kind: 'process',
      id: String(pid),
      mark: `${id.comm} ${where.mark}`,
      ...(where.stack === undefined ? {} : { stack: where.stack }),
      ...(where.cluster === undefined ? {} : { cluster: where.cluster }),
      process: id,
    });
  }
  return out;
}

function virsh(args: string[]): { ok: boolean; stdout: string } {
  return run('virsh', ['-c', 'qemu:///system', ...args]);
}

function lines(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

function libvirtRunning(): boolean {
  return existsSync('/run/libvirt/libvirt-sock') && run('which', ['virsh']).ok;
}

/** The owner a libvirt domain's or network's definition records (owner.ts), or undefined. */
function libvirtOwner(
  kind: 'libvirt-domain' | 'libvirt-network',
  name: string,
  virshRun: (args: string[]) => { ok: boolean; stdout: string } = virsh,
) {
  const xml = virshRun([kind === 'libvirt-domain' ? 'dumpxml' : 'net-dumpxml', '--inactive', name]);
  return xml.ok ? ownerInXml(xml.stdout) : undefined;
}

/** libvirt domains and networks whose metadata names their owner (`<cluster>@<stack>`); their names prove nothing. */
export function schedbenchLibvirt(): Leftover[] {
  return libvirtRunning() ? ownedLibvirtObjects(virsh) : [];
}

/** The domains and networks `virshRun` (virsh's arguments → its result) lists whose definition names an owner. */
export function ownedLibvirtObjects(
  virshRun: (args: string[]) => { ok: boolean; stdout: string },
): Leftover[] {
  const out: Leftover[] = [];
  const listings = [
    ['libvirt-domain', ['list', '--all', '--name']],
    ['libvirt-network', ['net-list', '--all', '--name']],
  ] as const;
  for (const [kind, list] of listings) {
    for (const id of lines(virshRun([...list]).stdout)) {
      const owner = libvirtOwner(kind, id, virshRun);
      if (owner === undefined) continue;
      out.push({
        kind,
        id,
        mark: `owner ${owner.cluster}@${owner.stack} in its metadata`,
        stack: owner.stack,
        cluster: owner.cluster,
      });
    }
  }
  return out;
}

/** Everything schedbench-owned on this host now, in the order it must be removed. */
export function findLeftovers(extraStateRoots: readonly string[] = []): Leftover[] {
  const namespaces = schedbenchNamespaces();
  const cgroups = schedbenchCgroups();
  const roots = stateRoots(extraStateRoots);
  const interfaces = schedbenchInterfaces();
  const rules = schedbenchFirewallRules();
  const owners = ownersFrom(interfaces, rules, roots);
  const libvirt = schedbenchLibvirt();
  const owned = (l: Leftover, ...names: (string | undefined)[]): Leftover => {
    const stack = l.stack ?? owners.stackOf(...names);
    return { ...l, ...(stack === undefined ? {} : { stack }) };
  };
  return [
    ...schedbenchProcesses(namespaces, cgroups, roots, owners),
    ...libvirt.filter((l) => l.kind === 'libvirt-domain'),
    ...interfaces.map((l) => {
      const name = /alias schedbench:([^@\s]+)/.exec(l.mark)?.[1];
      return name === undefined ? l : { ...l, cluster: owners.clusterOf(name) };
    }),
    ...rules,
    ...namespaces.map((id) => {
      const node = id.replace(/^schedbench-/, '');
      const cluster = clusterOfNode(node);
      return owned({ kind: 'netns', id, mark: 'name schedbench-…', cluster }, node, cluster);
    }),
    ...cgroups.map((id) => {
      const parts = id.split('/');
      const [cluster, node] = parts.slice(parts.lastIndexOf('schedbench') + 1);
      return owned(
        { kind: 'cgroup', id, mark: 'under schedbench/', ...(cluster === undefined ? {} : { cluster }) },
        node,
        cluster,
      );
    }),
    ...libvirt.filter((l) => l.kind === 'libvirt-network'),
  ];
}

function alive(pid: number): boolean {
  return processIdentity(pid) !== undefined;
}

/** Still the process that was found: the same command name and start time behind its PID. */
function sameProcess(l: Leftover): boolean {
  const now = processIdentity(Number(l.id));
  return (
    now !== undefined &&
    l.process !== undefined &&
    now.comm === l.process.comm &&
    now.startTicks === l.process.startTicks
  );
}

/** Blocks the thread for `ms` (cleanup runs in signal handlers and teardowns, where nothing else runs). */
function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Stops processes: SIGTERM, a bounded wait (5 s), then SIGKILL — each signal only to a process that is still the one
 * found (sameProcess). Returns those still alive, and those not signalled because their PID now names another.
 */
export function stopProcesses(processes: readonly Leftover[]): { alive: Leftover[]; changed: Leftover[] } {
  const changed = new Set<Leftover>();
  const running = () => processes.filter((p) => !changed.has(p) && alive(Number(p.id)));
  const signal = (sig: NodeJS.Signals) => {
    for (const p of running()) {
      if (!sameProcess(p)) {
        changed.add(p);
        continue;
      }
      try {
        process.kill(Number(p.id), sig);
      } catch {
        // already gone
      }
    }
  };
  signal('SIGTERM');
  for (let i = 0; i < 50 && running().some(sameProcess); i++) pause(100);
  if (running().some(sameProcess)) signal('SIGKILL');
  for (let i = 0; i < 50 && running().some(sameProcess); i++) pause(100);
  return { alive: running().filter(sameProcess), changed: [...changed] };
}

export interface CleanResult {
  removed: Leftover[];
  failed: { leftover: Leftover; reason: string }[];
}

/** Removes the given leftovers (as findLeftovers lists them: processes first, cgroups deepest first). */
export function cleanLeftovers(leftovers: readonly Leftover[]): CleanResult {
  const result: CleanResult = { removed: [], failed: [] };
  const processes = leftovers.filter((l) => l.kind === 'process');
  const stopped = stopProcesses(processes);
  for (const p of processes) {
    if (stopped.alive.includes(p)) result.failed.push({ leftover: p, reason: 'still alive after SIGKILL' });
    else if (stopped.changed.includes(p))
      result.failed.push({
        leftover: p,
        reason: `PID ${p.id} is no longer the process found (${p.process === undefined ? 'none recorded' : p.process.comm}); not signalled`,
      });
    else result.removed.push(p);
  }
  for (const l of leftovers) {
    if (l.kind === 'process') continue;
    if (l.kind === 'libvirt-domain' || l.kind === 'libvirt-network') {
      // Still the owner it was found with (the name may have been given to another meanwhile).
      if (libvirtOwner(l.kind, l.id)?.stack !== l.stack) {
        result.failed.push({ leftover: l, reason: 'its owner changed; left alone' });
        continue;
      }
    }
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
                ? (virsh(['destroy', l.id]), virsh(['undefine', l.id]))
                : (virsh(['net-destroy', l.id]), virsh(['net-undefine', l.id]));
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
  return `${l.kind.padEnd(15)} ${l.id}  (${l.mark}${l.stack === undefined ? '' : `; stack ${l.stack}`})`;
}

/** A stack the local runner has state for, with anything created: what it made is in use. */
export interface LiveStack {
  stack: string;
  /** Its runner state file (`<project>/.schedbench/state/<stack>.json`). */
  file: string;
  /** Clusters whose nodes it made (its `schedbench:nodes:*` components, `<cluster>-nodes`). */
  clusters: string[];
}

/** The readable part of a runner state file (cli/runner/state.ts): names, types and status stay clear text. */
const RunnerState = z.object({
  stack: z.string(),
  resources: z.record(z.string(), z.object({ type: z.string(), name: z.string(), status: z.string() })),
});

/**
 * The live stacks of the projects given: those whose runner state file lists a resource as created (or being
 * created). A state file that cannot be read counts as live: nothing says its stack is gone.
 */
export function liveStacks(projectDirs: readonly string[]): LiveStack[] {
  const out: LiveStack[] = [];
  for (const project of projectDirs) {
    const dir = path.join(project, '.schedbench', 'state');
    const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')) : [];
    for (const name of files) {
      const file = path.join(dir, name);
      let parsed;
      try {
        parsed = RunnerState.safeParse(JSON.parse(readFileSync(file, 'utf8')));
      } catch {
        parsed = undefined;
      }
      if (parsed === undefined || !parsed.success) {
        out.push({ stack: path.basename(name, '.json'), file, clusters: [] });
        continue;
      }
      const resources = Object.values(parsed.data.resources);
      if (!resources.some((r) => r.status === 'created' || r.status === 'creating')) continue;
      const clusters = resources
        .filter((r) => r.type.startsWith('schedbench:nodes:') && r.name.endsWith('-nodes'))
        .map((r) => r.name.slice(0, -'-nodes'.length));
      out.push({ stack: parsed.data.stack, file, clusters: [...new Set(clusters)] });
    }
  }
  return out;
}

/**
 * The live stack a leftover belongs to, unless `--force` names it: the stack its marks name, or — when none does —
 * a live stack that made its cluster. Undefined: no live stack claims it.
 */
export function liveOwner(
  l: Leftover,
  live: readonly LiveStack[],
  force: readonly string[] = [],
): LiveStack | undefined {
  return live.find(
    (s) =>
      !force.includes(s.stack) &&
      (l.stack !== undefined
        ? l.stack === s.stack
        : l.cluster !== undefined && s.clusters.includes(l.cluster)),
  );
}

/** Where node-create.sh notes which run made each netns node (`<netns>` → run id). */
export const RUN_RECORDS = '/run/schedbench/runs';

/** The variable a test run (or runner) puts in its environment: every process it starts inherits it. */
export const RUN_ID_VARIABLE = 'SCHEDBENCH_RUN_ID';

function startedBy(pid: number, runId: string): boolean {
  return readOr(`/proc/${pid}/environ`).split('\0').includes(`${RUN_ID_VARIABLE}=${runId}`);
}

const pidLines = (text: string): number[] =>
  text
    .split('\n')
    .filter((x) => /^\d+$/.test(x))
    .map(Number);

/** The processes in network namespace `name` (`ip netns pids`), or undefined when `ip` could not tell. */
export function namespacePids(name: string): number[] | undefined {
  const result = run('ip', ['netns', 'pids', name]);
  return result.ok ? pidLines(result.stdout) : undefined;
}

function pidsIn(l: Leftover): number[] {
  if (l.kind === 'process') return [Number(l.id)];
  if (l.kind === 'netns') return namespacePids(l.id) ?? [];
  if (l.kind === 'cgroup') return pidLines(readOr(path.join(l.id, 'cgroup.procs')));
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
  return all.filter((l) =>
    // libvirt objects name their cluster in their owner metadata (schedbenchLibvirt): that, not the name, decides.
    (l.kind === 'libvirt-domain' || l.kind === 'libvirt-network') && l.cluster !== undefined
      ? l.cluster === cluster
      : patterns[l.kind].test(byId.includes(l.kind) ? l.id : l.mark),
  );
}
