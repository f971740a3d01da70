// The Flux renderers: system.toml parsed back with a TOML parser (bootstrap hosts on node addresses, each node's
// cores, Fluxion's policies), the broker port and the job plan.
import { parse } from 'smol-toml';
import { brokerPort, fluxLayout, localUri } from '../../../components/flux/layout';
import { renderSystemToml } from '../../../components/flux/render';
import { renderPlan } from '../../../components/jobs/plan';
import { expandWorkload } from '../../../workloads/catalog';

const layout = fluxLayout('/var/lib/schedbench/fx1/flux');
const nodes = [
  { name: 'fx1-n1', address: '10.213.7.2', vcpus: 4 },
  { name: 'fx1-n2', address: '10.213.7.3', vcpus: 4 },
];

describe('renderSystemToml', () => {
  const toml = parse(
    renderSystemToml({ nodes, layout, port: 31234, options: { queuePolicy: 'easy', matchPolicy: 'lonode' } }),
  );

  it('bootstraps every node in rank order, binding and reached on its own address', () => {
    expect(toml.bootstrap).toEqual({
      curve_cert: '/var/lib/schedbench/fx1/flux/etc/curve.cert',
      default_port: 31234,
      hosts: [
        { host: 'fx1-n1', bind: 'tcp://10.213.7.2:%p', connect: 'tcp://10.213.7.2:%p' },
        { host: 'fx1-n2', bind: 'tcp://10.213.7.3:%p', connect: 'tcp://10.213.7.3:%p' },
      ],
    });
  });

  it('gives each node exactly its vCPUs as cores, without hwloc verification', () => {
    expect(toml.resource).toEqual({ noverify: true, config: [{ hosts: 'fx1-n1,fx1-n2', cores: '0-3' }] });
  });

  it('nodes of different sizes get one resource entry each; a single core is core 0', () => {
    const mixed = parse(
      renderSystemToml({
        nodes: [
          nodes[0] ?? { name: '', address: '', vcpus: 1 },
          { name: 'fx1-n2', address: '10.0.0.3', vcpus: 1 },
        ],
        layout,
        port: 1,
        options: { queuePolicy: 'fcfs', matchPolicy: 'first' },
      }),
    );
    expect(mixed.resource).toEqual({
      noverify: true,
      config: [
        { hosts: 'fx1-n1', cores: '0-3' },
        { hosts: 'fx1-n2', cores: '0' },
      ],
    });
  });

  it("sets Fluxion's queue and match policies", () => {
    expect(toml['sched-fluxion-qmanager']).toEqual({ 'queue-policy': 'easy' });
    expect(toml['sched-fluxion-resource']).toEqual({ 'match-policy': 'lonode' });
  });
});

describe('layout and port', () => {
  it("every command reaches the instance through rank 0's local socket under the cluster's state", () => {
    expect(localUri(layout, 'fx1-n1')).toBe('local:///var/lib/schedbench/fx1/flux/nodes/fx1-n1/run/local');
  });
  it('the port is the configured one, or derived from the cluster name and stable', () => {
    expect(brokerPort('fx1', 40000)).toBe(40000);
    expect(brokerPort('fx1')).toBe(brokerPort('fx1'));
    expect(brokerPort('fx1')).not.toBe(brokerPort('fx2'));
    expect(brokerPort('fx1')).toBeGreaterThanOrEqual(30000);
    expect(brokerPort('fx1')).toBeLessThan(40000);
  });
});

describe('renderPlan', () => {
  it('one line per spec: index, count, arrival, nodes, tasks per node, cpus, memory, time limit, priority, kind, args', () => {
    const specs = expandWorkload('mixed', { nodes: 2, vcpus: 4, memoryGiB: 8 });
    const lines = renderPlan(specs, 4).split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe('0 4 0 0 1 1 2 64 1 normal stress --cpu 2 --cpu-method matrixprod --timeout 3s');
    expect(lines[1]?.split(' ').slice(0, 11).join(' ')).toBe('1 8 1 0.5 1 1 1 2048 1 normal stress');
  });

  it('a job of every node (the backfill preset) has the nodes and per-node memory the submit stage reads', () => {
    const lines = renderPlan(expandWorkload('backfill', { nodes: 2, vcpus: 2, memoryGiB: 2 }), 4).split('\n');
    expect(lines.map((l) => l.split(' ').slice(0, 10).join(' '))).toEqual([
      '0 1 0 0 1 1 2 64 5 normal',
      '1 1 1 0 2 1 2 64 2 normal',
      '2 4 2 0.5 1 1 2 64 1 normal',
    ]);
  });
});
