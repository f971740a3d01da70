// The resource graph as DOT and Mermaid: commands grouped by component, component dependencies drawn from the
// component's last commands, implied edges dropped unless asked for.
import type { ResourceMeta } from '../../../cli/runner/engine';
import { resourceGraph, summarise, toDot, toMermaid } from '../../../cli/graph/render';

const meta = (name: string, type: string, parent: string, dependencies: string[] = []): ResourceMeta => ({
  urn: `urn:${name}`,
  type,
  name,
  parent: parent === '' ? 'urn:stack' : `urn:${parent}`,
  custom: type.startsWith('command:'),
  dependencies: dependencies.map((d) => `urn:${d}`),
  secretOutputs: [],
  replaceOnChanges: [],
});
const CMD = 'command:local:Command';
const resources: ResourceMeta[] = [
  { ...meta('stack', 'pulumi:pulumi:Stack', ''), parent: '' },
  meta('nodes', 'schedbench:nodes:Netns', ''),
  meta('n1', CMD, 'nodes'),
  meta('n2', CMD, 'nodes'),
  meta('cluster', 'schedbench:slurm:Cluster', ''),
  meta('install', CMD, 'cluster', ['nodes']),
  meta('start', CMD, 'cluster', ['install']),
  meta('validate', CMD, 'cluster', ['start', 'install']),
  meta('run1', 'schedbench:workloads:Run', ''),
  meta('write', CMD, 'run1', ['cluster']),
];

describe('resource graph', () => {
  const graph = resourceGraph(resources);

  it('a dependency on a component is one on its last commands', () => {
    expect(graph.edges).toEqual(
      expect.arrayContaining([
        ['urn:n1', 'urn:install'],
        ['urn:n2', 'urn:install'],
        ['urn:validate', 'urn:write'],
      ]),
    );
    expect(graph.edges).not.toContainEqual(['urn:start', 'urn:write']);
  });

  it('drops edges implied by others, unless all are asked for', () => {
    expect(graph.edges).not.toContainEqual(['urn:install', 'urn:validate']);
    expect(resourceGraph(resources, { allEdges: true }).edges).toContainEqual([
      'urn:install',
      'urn:validate',
    ]);
  });

  it('DOT: one cluster per component with its commands inside, the stack itself not drawn', () => {
    const dot = toDot(graph);
    expect(dot).toMatch(/^digraph schedbench \{/);
    expect(dot.match(/subgraph cluster_/g)).toHaveLength(3);
    expect(dot).not.toContain('pulumi:pulumi:Stack');
    expect(dot).toMatch(/subgraph cluster_c\d \{\n\s+label="schedbench:slurm:Cluster\\ncluster"/);
  });

  it('Mermaid: nested subgraphs and arrows', () => {
    const mmd = toMermaid(graph);
    expect(mmd.split('\n')[0]).toBe('flowchart LR');
    expect(mmd.match(/^\s*subgraph /gm)).toHaveLength(3);
    expect(mmd.match(/-->/g)).toHaveLength(graph.edges.length);
  });

  it('summary: counts and the longest chain', () => {
    expect(summarise(graph).split('\n')[0]).toBe(
      '6 commands in 3 components, 5 edges; longest chain 5 commands',
    );
  });
});
