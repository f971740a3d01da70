// Workloads as data: the presets keep the original catalog's job lists, a definition is sized for a profile and
// refused naming its key when a job cannot fit, random arrivals come from the seed (the same seed, the same jobs),
// and the stack's config takes definitions, checks them before anything is created and hashes them.
import { configHash } from '../../../components/config/identity';
import { parseConfig } from '../../../components/config/parse';
import { arrivalSeconds, jobCpus, JobSpec } from '../../../components/jobs/spec';
import { expandWorkload, expandWorkloadFully } from '../../../workloads/catalog';
import { WorkloadDefinition, type WorkloadDefinitionInput } from '../../../workloads/definition';
import { definitionProblems, expandDefinition, offeredLoad } from '../../../workloads/expand';

const HOST = () => ({ cores: 8, memoryMiB: 32768, hostname: 'h' });
const pair = { nodes: 2, vcpus: 2, memoryGiB: 2 };

function definition(input: WorkloadDefinitionInput): WorkloadDefinition {
  return WorkloadDefinition.parse(input);
}

/** The original catalog's formulas (before workloads became data), to hold the presets to them. */
function originalCatalog(name: string, p: { nodes: number; vcpus: number; memoryGiB: number }) {
  const cpus = Math.max(1, Math.floor(p.vcpus / 2));
  const cpuJobs = (waves: number) => ({
    count: waves * p.nodes * Math.max(1, Math.floor(p.vcpus / cpus)),
    cpus,
    memoryMiB: 64,
    args: ['--cpu', String(cpus), '--cpu-method', 'matrixprod', '--timeout', '3s'],
  });
  const perNode = Math.min(p.vcpus, 4);
  const memoryMiB = Math.floor((p.memoryGiB * 1024) / perNode);
  const vm = Math.max(16, Math.min(Math.floor(memoryMiB * 0.75), 1024));
  const memoryJobs = {
    count: p.nodes * perNode,
    cpus: 1,
    memoryMiB,
    args: ['--vm', '1', '--vm-bytes', `${vm}M`, '--vm-keep', '--timeout', '3s'],
  };
  switch (name) {
    case 'cpu_intensive':
      return [cpuJobs(2)];
    case 'memory_intensive':
      return [memoryJobs];
    case 'mixed':
      return [
        cpuJobs(1),
        memoryJobs,
        { count: 1, cpus: 1, memoryMiB: 64, args: ['--cpu', '1', '--cpu-method', 'fft', '--timeout', '5s'] },
      ];
    default:
      return [{ count: 25 * p.nodes, cpus: 1, memoryMiB: 16, args: [] }];
  }
}

describe('the presets', () => {
  // Nodes of at least 4 vCPUs: there the memory jobs' share (a quarter of the node) is the original's 1/min(vCPUs, 4).
  test.each([
    ['cpu_intensive', { nodes: 2, vcpus: 4, memoryGiB: 8 }],
    ['memory_intensive', { nodes: 3, vcpus: 8, memoryGiB: 16 }],
    ['mixed', { nodes: 4, vcpus: 16, memoryGiB: 32 }],
    ['throughput', { nodes: 2, vcpus: 128, memoryGiB: 512 }],
    ['mixed', { nodes: 1, vcpus: 128, memoryGiB: 512 }],
  ])('%s on %j keeps the original catalog’s jobs', (name, profile) => {
    const specs = expandWorkload(name, profile);
    expect(
      specs.map((s) => ({ count: s.count, cpus: s.cpus, memoryMiB: s.memoryMiB, args: s.args })),
    ).toEqual(originalCatalog(name, profile));
    for (const s of specs) expect([s.nodes, s.tasksPerNode, s.priority]).toEqual([1, 1, 'normal']);
  });

  test('mixed keeps its arrivals: memory jobs from 1 s every 0.5 s, the long job at 0.5 s', () => {
    const [cpu, memory, long] = expandWorkload('mixed', pair);
    expect([cpu?.arrival, memory?.arrival, long?.arrival]).toEqual([
      { offsetSeconds: 0, intervalSeconds: 0 },
      { offsetSeconds: 1, intervalSeconds: 0.5 },
      { offsetSeconds: 0.5, intervalSeconds: 0 },
    ]);
  });

  test('backfill: a blocker on one node, a job of every node behind it, short one-node jobs after', () => {
    const [blocker, wide, short] = expandWorkload('backfill', { nodes: 3, vcpus: 4, memoryGiB: 4 });
    expect([blocker?.nodes, wide?.nodes, short?.nodes]).toEqual([1, 3, 1]);
    expect(wide?.cpus).toBe(4);
    // The blocker's limit is long, the short jobs' short: what a backfill scheduler plans with.
    expect(blocker?.timeLimitSeconds).toBeGreaterThan(short?.timeLimitSeconds ?? Infinity);
    expect(arrivalSeconds(short?.arrival ?? { offsetSeconds: 0, intervalSeconds: 0 }, 0)).toBeGreaterThan(
      arrivalSeconds(wide?.arrival ?? { offsetSeconds: 9, intervalSeconds: 0 }, 0),
    );
  });

  test('steady offers about the load it names (0.6 + 0.2 of the cluster) over its minute', () => {
    const { offeredLoad: load, seed } = expandWorkloadFully('steady', { nodes: 4, vcpus: 8, memoryGiB: 8 });
    expect(seed).toBe(1);
    expect(load).toBeGreaterThan(0.55);
    expect(load).toBeLessThan(1.05);
  });
});

describe('a definition on a profile', () => {
  const gangs = definition({
    groups: [
      {
        name: 'gang',
        count: 4,
        nodes: 2,
        tasksPerNode: 2,
        cpusPerTask: 1,
        memoryPerNodeMiB: 128,
        work: { kind: 'cpu', seconds: 3, workers: 1 },
        arrival: { kind: 'poisson', ratePerSecond: 0.5 },
        priority: 'high',
      },
      { count: 6, work: { kind: 'cpu', seconds: 2 }, arrival: { kind: 'interval', everySeconds: 1 } },
    ],
  });

  test('expands to specs with nodes, tasks, CPUs per task, memory per node, priority and the work', () => {
    const { groups } = expandDefinition(gangs, pair, 'pair', 7);
    expect(groups.map((g) => g.name)).toEqual(['gang', 'g1']);
    expect(groups[0]?.spec).toMatchObject({
      count: 4,
      nodes: 2,
      tasksPerNode: 2,
      cpus: 1,
      memoryMiB: 128,
      kind: 'stress',
      args: ['--cpu', '1', '--cpu-method', 'matrixprod', '--timeout', '3s'],
      priority: 'high',
    });
    expect(jobCpus(groups[0]?.spec ?? { nodes: 0, tasksPerNode: 0, cpus: 0 })).toBe(4);
    expect(groups[1]?.spec.arrival).toEqual({ offsetSeconds: 0, intervalSeconds: 1 });
  });

  test('the same seed gives the same arrivals; another seed others', () => {
    const a = expandDefinition(gangs, pair, 'pair', 7).groups[0]?.spec.arrival.offsets;
    const b = expandDefinition(gangs, pair, 'pair', 7).groups[0]?.spec.arrival.offsets;
    const c = expandDefinition(gangs, pair, 'pair', 8).groups[0]?.spec.arrival.offsets;
    expect(a).toHaveLength(4);
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
    expect([...(a ?? [])].sort((x, y) => x - y)).toEqual(a);
  });

  test('a definition’s own seed wins over the stack’s', () => {
    const seeded = definition({ ...gangs, seed: 42 });
    const x = expandDefinition(seeded, pair, 'pair', 1);
    const y = expandDefinition(seeded, pair, 'pair', 2);
    expect(x.seed).toBe(42);
    expect(y.groups[0]?.spec.arrival.offsets).toEqual(x.groups[0]?.spec.arrival.offsets);
  });

  test('a Poisson process at a target load makes about the rate that offers it', () => {
    const steady = definition({
      groups: [
        {
          cpusPerTask: 1,
          work: { kind: 'cpu', seconds: 2 },
          arrival: { kind: 'poisson', load: 0.5, forSeconds: 2000 },
        },
      ],
    });
    const { groups, offeredLoad: load } = expandDefinition(steady, pair, 'pair', 3);
    // λ = 0.5 × 4 CPUs / (1 CPU × 2 s) = 1 job/s: about 2000 jobs, within 5 standard deviations.
    const n = groups[0]?.spec.count ?? 0;
    expect(Math.abs(n - 2000)).toBeLessThan(5 * Math.sqrt(2000));
    expect(load).toBeGreaterThan(0.45);
    expect(load).toBeLessThan(0.55);
  });

  test('explicit offsets make one job each; relative sizes resolve against the profile', () => {
    const d = definition({
      groups: [
        {
          nodes: 'all',
          cpusPerTask: '50%',
          memoryPerNodeMiB: '25%',
          work: { kind: 'memory', seconds: 1 },
          arrival: { kind: 'offsets', seconds: [0, 0.25, 3] },
        },
      ],
    });
    const spec = expandDefinition(d, { nodes: 3, vcpus: 8, memoryGiB: 4 }, 'p', 1).groups[0]?.spec;
    expect(spec).toMatchObject({ count: 3, nodes: 3, cpus: 4, memoryMiB: 1024 });
    expect(spec?.arrival.offsets).toEqual([0, 0.25, 3]);
    expect(spec?.args).toEqual(['--vm', '1', '--vm-bytes', '768M', '--vm-keep', '--timeout', '1s']);
  });

  test('offered load: none when everything arrives at once', () => {
    expect(offeredLoad(expandWorkload('cpu_intensive', pair), pair)).toBeNull();
  });

  test('what cannot fit the profile is named by its key, with the profile', () => {
    const wide = definition({
      groups: [
        { count: 1, nodes: 3, work: { kind: 'noop' } },
        { count: 1, tasksPerNode: 2, cpusPerTask: 2, work: { kind: 'noop' } },
        { count: 1, memoryPerNodeMiB: 4096, work: { kind: 'noop' } },
        { work: { kind: 'noop' } },
      ],
    });
    const problems = definitionProblems(wide, pair, 'pair');
    expect(problems.map((p) => p.path.join('.'))).toEqual([
      'groups.0.nodes',
      'groups.1.tasksPerNode',
      'groups.2.memoryPerNodeMiB',
      'groups.3.count',
    ]);
    expect(problems[0]?.message).toMatch(/profile pair has 2/);
    expect(() => expandDefinition(wide, pair, 'pair', 1)).toThrow(/groups\.0\.nodes: 3 nodes/);
  });

  test('a command outside the workload image, or an argument with shell characters, is refused', () => {
    const bad = WorkloadDefinition.safeParse({
      groups: [{ count: 1, work: { kind: 'command', argv: ['curl', 'x'], seconds: 1 } }],
    });
    expect(bad.success).toBe(false);
    expect(JSON.stringify(bad.error?.issues)).toMatch(/stress-ng/);
    const shell = WorkloadDefinition.safeParse({
      groups: [{ count: 1, work: { kind: 'stress', args: ['--cpu', '1;reboot'], seconds: 1 } }],
    });
    expect(shell.success).toBe(false);
  });
});

describe('definitions in the stack config', () => {
  const base = {
    'schedbench:scheduler': 'slurm',
    'schedbench:backend': { type: 'netns' },
    'schedbench:profile': 'pair',
    'schedbench:profiles': { pair },
  };
  const own = {
    groups: [{ count: 2, nodes: 2, tasksPerNode: 2, work: { kind: 'cpu', seconds: 1 } }],
  };

  test('a stack runs its own workload beside presets; the config hash covers the definition', () => {
    const a = parseConfig(
      {
        ...base,
        'schedbench:workloads': ['mine', 'backfill'],
        'schedbench:workloadDefinitions': { mine: own },
      },
      'defs',
      HOST,
    );
    const b = parseConfig(
      {
        ...base,
        'schedbench:workloads': ['mine', 'backfill'],
        'schedbench:workloadDefinitions': { mine: { ...own, groups: [{ ...own.groups[0], count: 3 }] } },
      },
      'defs',
      HOST,
    );
    if (!a.ok || !b.ok) throw new Error(JSON.stringify([a, b]));
    expect(a.config.workloads).toEqual(['mine', 'backfill']);
    expect(a.config.seed).toBe(1);
    expect(configHash(a.config)).not.toBe(configHash(b.config));
  });

  test('bad definitions are refused naming the key, the value and what is allowed', () => {
    const r = parseConfig(
      {
        ...base,
        'schedbench:workloads': ['mine', 'nosuch', 'backfill'],
        'schedbench:workloadDefinitions': {
          mine: { groups: [{ count: 1, nodes: 3, cpusPerTask: 1, work: { kind: 'noop' } }] },
          mixed: own,
        },
      },
      'defs',
      HOST,
    );
    expect(r.ok).toBe(false);
    const text = r.ok ? '' : r.errors.map((e) => `${e.key} = ${e.value}: ${e.message}`).join('\n');
    expect(text).toMatch(
      /workloadDefinitions\.mine\.groups\[0\]\.nodes = 3: 3 nodes, but profile pair has 2/,
    );
    expect(text).toMatch(/workloads\[1\] = "?nosuch"?: no such workload; allowed: cpu_intensive, .*mine/);
    expect(text).toMatch(/workloadDefinitions\.mixed.*preset's name/);
  });
});

describe('stress-ng timeouts', () => {
  // stress-ng reads `--timeout 0.5s` as 0: no timeout at all, a job that never ends.
  test('work bounded by stress-ng lasts whole seconds; a fractional timeout never reaches a job spec', () => {
    const fractional = WorkloadDefinition.safeParse({
      groups: [{ count: 1, work: { kind: 'cpu', seconds: 0.5 } }],
    });
    expect(fractional.success).toBe(false);
    expect(JSON.stringify(fractional.error?.issues)).toMatch(/whole seconds/);
    const spec = {
      count: 1,
      cpus: 1,
      memoryMiB: 64,
      expectedSeconds: 1,
      kind: 'stress',
      arrival: { offsetSeconds: 0, intervalSeconds: 0 },
    };
    expect(JobSpec.safeParse({ ...spec, args: ['--cpu', '1', '--timeout', '0.5s'] }).success).toBe(false);
    expect(JobSpec.safeParse({ ...spec, args: ['--cpu', '1', '--timeout', '2s'] }).success).toBe(true);
    const own = WorkloadDefinition.safeParse({
      groups: [{ count: 1, work: { kind: 'stress', args: ['--cpu', '1', '--timeout', '9s'], seconds: 1 } }],
    });
    expect(own.success).toBe(false);
  });
});
