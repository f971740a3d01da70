// Pure: the program's resource graph (what the runner's preview registered) as Graphviz DOT and Mermaid.
// Commands are nodes, components are boxes around their children (nested), an edge A → B says B waits for A.
// A dependency on a component means one on everything in it: it is drawn from the component's last commands.
import type { ResourceMeta } from '../runner/engine';

export interface GraphOptions {
  /** Keep every dependency edge; default: only those not implied by others (transitive reduction). */
  allEdges?: boolean;
  title?: string;
}

export interface ResourceGraph {
  /** Commands (custom resources) by URN. */
  nodes: ResourceMeta[];
  /** Components (with at least one command below) by URN. */
  components: ResourceMeta[];
  /** Edges between commands: [from, to] URNs. */
  edges: [string, string][];
  /** Children (commands and components) of each component URN ('' for the root). */
  children: Map<string, ResourceMeta[]>;
}

/** The graph of commands, with component dependencies resolved and (by default) redundant edges dropped. */
export function resourceGraph(resources: readonly ResourceMeta[], options: GraphOptions = {}): ResourceGraph {
  // The stack resource is the root: its children are drawn at the top level.
  resources = resources.filter((r) => r.type !== 'pulumi:pulumi:Stack');
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const children = new Map<string, ResourceMeta[]>();
  for (const r of resources) {
    const parent = byUrn.has(r.parent) ? r.parent : '';
    children.set(parent, [...(children.get(parent) ?? []), r]);
  }
  const commandsBelow = (urn: string): ResourceMeta[] =>
    (children.get(urn) ?? []).flatMap((c) => (c.custom ? [c] : commandsBelow(c.urn)));
  const nodes = resources.filter((r) => r.custom);
  const direct = new Map<string, Set<string>>(nodes.map((n) => [n.urn, new Set<string>()]));
  for (const n of nodes) {
    for (const dep of n.dependencies) {
      const target = byUrn.get(dep);
      if (target === undefined) continue;
      if (target.custom) direct.get(n.urn)?.add(dep);
      else {
        // The component's last commands: those no other command inside it waits for.
        const inside = commandsBelow(dep);
        const insideSet = new Set(inside.map((c) => c.urn));
        const waitedFor = new Set(inside.flatMap((c) => c.dependencies.filter((d) => insideSet.has(d))));
        for (const c of inside) if (!waitedFor.has(c.urn) && c.urn !== n.urn) direct.get(n.urn)?.add(c.urn);
      }
    }
  }
  const edges: [string, string][] = [];
  for (const [to, froms] of direct) {
    for (const from of froms) {
      if (options.allEdges === true || !reachableAvoiding(direct, to, from)) edges.push([from, to]);
    }
  }
  const components = resources.filter((r) => !r.custom && commandsBelow(r.urn).length > 0);
  return { nodes, components, edges, children };
}

/** Whether `to` waits for `from` through some other dependency than the direct one. */
function reachableAvoiding(deps: Map<string, Set<string>>, to: string, from: string): boolean {
  const seen = new Set<string>();
  const stack = [...(deps.get(to) ?? [])].filter((d) => d !== from);
  while (stack.length > 0) {
    const u = stack.pop() as string;
    if (u === from) return true;
    if (seen.has(u)) continue;
    seen.add(u);
    for (const d of deps.get(u) ?? []) stack.push(d);
  }
  return false;
}

const shortType = (type: string) => type.split(':').slice(-2).join(':');
const quote = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;

function ids(graph: ResourceGraph): Map<string, string> {
  const out = new Map<string, string>();
  graph.nodes.forEach((n, i) => out.set(n.urn, `r${i}`));
  graph.components.forEach((c, i) => out.set(c.urn, `c${i}`));
  return out;
}

/** Graphviz DOT: one cluster per component (nested), left to right. */
export function toDot(graph: ResourceGraph, options: GraphOptions = {}): string {
  const id = ids(graph);
  const hasCommands = new Set(graph.components.map((c) => c.urn));
  const lines = [
    'digraph schedbench {',
    `  label=${quote(options.title ?? 'schedbench resource graph')}; labelloc=t;`,
    '  rankdir=LR; compound=true; fontname="Helvetica"; fontsize=12;',
    '  node [shape=box, style="rounded,filled", fillcolor="#eef3fb", fontname="Helvetica", fontsize=10];',
    '  edge [color="#667788"];',
  ];
  const walk = (parent: string, depth: number) => {
    const pad = '  '.repeat(depth + 1);
    for (const r of graph.children.get(parent) ?? []) {
      if (r.custom) lines.push(`${pad}${id.get(r.urn)} [label=${quote(`${r.name}\n${shortType(r.type)}`)}];`);
      else if (hasCommands.has(r.urn)) {
        lines.push(`${pad}subgraph cluster_${id.get(r.urn)} {`);
        lines.push(`${pad}  label=${quote(`${r.type}\n${r.name}`)}; style="rounded"; color="#99aabb";`);
        walk(r.urn, depth + 1);
        lines.push(`${pad}}`);
      }
    }
  };
  walk('', 0);
  for (const [from, to] of graph.edges) lines.push(`  ${id.get(from)} -> ${id.get(to)};`);
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

/** Mermaid flowchart: one subgraph per component (nested). */
export function toMermaid(graph: ResourceGraph): string {
  const id = ids(graph);
  const hasCommands = new Set(graph.components.map((c) => c.urn));
  const text = (s: string) => s.replace(/"/g, '#quot;');
  const lines = ['flowchart LR'];
  const walk = (parent: string, depth: number) => {
    const pad = '  '.repeat(depth + 1);
    for (const r of graph.children.get(parent) ?? []) {
      if (r.custom) lines.push(`${pad}${id.get(r.urn)}["${text(r.name)}"]`);
      else if (hasCommands.has(r.urn)) {
        lines.push(`${pad}subgraph ${id.get(r.urn)}["${text(`${shortType(r.type)} ${r.name}`)}"]`);
        walk(r.urn, depth + 1);
        lines.push(`${pad}end`);
      }
    }
  };
  walk('', 0);
  for (const [from, to] of graph.edges) lines.push(`  ${id.get(from)} --> ${id.get(to)}`);
  return `${lines.join('\n')}\n`;
}

/** A few lines a person can read: counts per component type and the longest chain of commands. */
export function summarise(graph: ResourceGraph): string {
  const byType = new Map<string, number>();
  for (const c of graph.components) byType.set(c.type, (byType.get(c.type) ?? 0) + 1);
  const deps = new Map<string, string[]>();
  for (const [from, to] of graph.edges) deps.set(to, [...(deps.get(to) ?? []), from]);
  const depth = new Map<string, number>();
  const depthOf = (urn: string): number => {
    const known = depth.get(urn);
    if (known !== undefined) return known;
    depth.set(urn, 1);
    const d = 1 + Math.max(0, ...(deps.get(urn) ?? []).map(depthOf));
    depth.set(urn, d);
    return d;
  };
  const longest = Math.max(0, ...graph.nodes.map((n) => depthOf(n.urn)));
  return [
    `${graph.nodes.length} commands in ${graph.components.length} components, ${graph.edges.length} edges; longest chain ${longest} commands`,
    ...[...byType].map(([type, n]) => `  ${type} × ${n}`),
  ].join('\n');
}
