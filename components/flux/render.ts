// Pure renderers of the Flux cluster (its paths and port are in layout.ts): the system instance's TOML
// (bootstrap over the node addresses, each node's cores its vCPUs, Fluxion's policies) and what validation
// expects of each node. Unit-tested by parsing the TOML back.
import type { FluxOptions } from './options';
import type { FluxLayout } from './layout';

/** What the renderers need of a node (a Node is one). */
export interface FluxNodeSpec {
  name: string;
  address: string;
  /** The node's vCPUs: the cores Flux schedules on it. */
  vcpus: number;
}

/** A TOML basic string (JSON's escaping is valid TOML for the characters we have). */
function str(value: string): string {
  return JSON.stringify(value);
}

/**
 * system.toml of the instance: rank = position in `nodes` (the first is rank 0); every broker binds and is
 * reached on its node's address; `[resource]` gives each node exactly its vCPUs as cores and skips hwloc's check
 * (netns nodes see the whole host); Fluxion's policies from the options.
 */
export function renderSystemToml(args: {
  nodes: readonly FluxNodeSpec[];
  layout: FluxLayout;
  port: number;
  options: Pick<FluxOptions, 'queuePolicy' | 'matchPolicy'>;
}): string {
  const hosts = args.nodes.map(
    (n) =>
      `  { host = ${str(n.name)}, bind = ${str(`tcp://${n.address}:%p`)}, connect = ${str(`tcp://${n.address}:%p`)} },`,
  );
  // One [[resource.config]] per distinct core count keeps the file short and still exact per node.
  const byCores = new Map<number, string[]>();
  for (const n of args.nodes) byCores.set(n.vcpus, [...(byCores.get(n.vcpus) ?? []), n.name]);
  const resources = [...byCores].flatMap(([cores, names]) => [
    '[[resource.config]]',
    `hosts = ${str(names.join(','))}`,
    `cores = ${str(cores === 1 ? '0' : `0-${cores - 1}`)}`,
    '',
  ]);
  return [
    '# Rendered by schedbench (components/flux/render.ts): one broker per node, rank 0 on the first.',
    '[bootstrap]',
    `curve_cert = ${str(args.layout.curveCert)}`,
    `default_port = ${args.port}`,
    'hosts = [',
    ...hosts,
    ']',
    '',
    '[resource]',
    '# The profile gives each node its cores; hwloc sees the whole machine (netns nodes), so do not verify.',
    'noverify = true',
    '',
    ...resources,
    '[sched-fluxion-qmanager]',
    `queue-policy = ${str(args.options.queuePolicy)}`,
    '',
    '[sched-fluxion-resource]',
    `match-policy = ${str(args.options.matchPolicy)}`,
    '',
  ].join('\n');
}

/** EXPECTED_NODES of validate.sh: `name cores` per line, rank order. */
export function renderExpectedNodes(nodes: readonly FluxNodeSpec[]): string {
  return nodes.map((n) => `${n.name} ${n.vcpus}`).join('\n');
}
