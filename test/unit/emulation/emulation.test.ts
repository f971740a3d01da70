// Emulated execution (docs/scale.md): the config key and what it is refused for, where the emulated nodes go, the
// SLURM configuration that declares them, a sweep's campaign steps, the jobs' emulated work, and an analysis that
// never groups emulated runs with real ones.
import { execFileSync, spawn } from 'child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { admissionErrors } from '../../../components/config/admission';
import { REPO_ROOT } from '../../../components/repo-root';
import { parseSdiag } from '../../../components/slurm/parse';
import { iso } from '../../helpers/sim';
import { planCampaign } from '../../../components/config/campaign';
import {
  emulatedNodeNames,
  schedulingProfile,
  spreadOver,
  stackEmulation,
} from '../../../components/config/emulation';
import { parseConfig } from '../../../components/config/parse';
import { emulatedSpecs } from '../../../components/jobs/emulate';
import { JobSpec } from '../../../components/jobs/spec';
import type { HostFacts } from '../../../components/nodes/host-facts';
import { compressHostlist, expandHostlist } from '../../../components/schedulers/hostlist';
import { schedulerAvailability } from '../../../components/schedulers/registry';
import { clusterLayout, clusterPorts } from '../../../components/slurm/layout';
import { SlurmOptions } from '../../../components/slurm/options';
import { emulatedPortBase, slurmdBlocks, slurmNodesOf } from '../../../components/slurm/placement';
import { renderSlurmConf } from '../../../components/slurm/render';
import { schedulerLabels } from '../../../analysis/scheduler-labels';
import type { RunResult } from '../../../results/schema';

const host: HostFacts = { cores: 2, memoryMiB: 24 * 1024 };

const stack = (extra: Record<string, unknown> = {}, scheduler = 'slurm') => ({
  'schedbench:scheduler': scheduler,
  'schedbench:profile': 'host',
  'schedbench:backend': { type: 'netns' },
  'schedbench:profiles': { 'cpu-node': { nodes: 1, vcpus: 128, memoryGiB: 512 } },
  ...extra,
});

function parsed(raw: Record<string, unknown>) {
  const result = parseConfig(raw, 'scale', () => host);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.config;
}

function errorsOf(raw: Record<string, unknown>): string[] {
  const result = parseConfig(raw, 'scale', () => host);
  if (!result.ok) return result.errors.map((e) => `${e.key} = ${e.value}: ${e.message}`);
  return admissionErrors(result.config, host).map((e) => `${e.key} = ${e.value}: ${e.message}`);
}

describe('emulated nodes', () => {
  it('are named e1…eN zero-padded to the width of N, and spread in contiguous blocks over the real nodes', () => {
    expect(emulatedNodeNames(3)).toEqual(['e1', 'e2', 'e3']);
    expect(emulatedNodeNames(1024)[0]).toBe('e0001');
    expect(emulatedNodeNames(1024)[1023]).toBe('e1024');
    expect(spreadOver(['n1', 'n2'], emulatedNodeNames(5))).toEqual([
      { host: 'n1', names: ['e1', 'e2', 'e3'] },
      { host: 'n2', names: ['e4', 'e5'] },
    ]);
    expect(spreadOver(['n1', 'n2', 'n3'], emulatedNodeNames(2)).map((b) => b.names)).toEqual([
      ['e1'],
      ['e2'],
      [],
    ]);
  });

  it('compress into a hostlist that expands back to the same names', () => {
    const names = emulatedNodeNames(1024);
    expect(compressHostlist(names)).toBe('e[0001-1024]');
    expect(expandHostlist(compressHostlist(names))).toEqual(names);
    const mixed = ['a-n1', 'a-n2', 'x', 'e9', 'e10', 'e12'];
    expect(expandHostlist(compressHostlist(mixed))).toEqual(mixed);
  });

  it('give the scheduler and the workloads N nodes of the emulation profile, under a name of their own', () => {
    const config = parsed(stack({ 'schedbench:emulation': { nodes: 256, profile: 'cpu-node' } }));
    const emulation = stackEmulation(config);
    expect(emulation).toEqual({ nodes: 256, profile: 'cpu-node', vcpus: 128, memoryGiB: 512 });
    expect(schedulingProfile(config.profiles, config.profile, emulation)).toEqual({
      name: 'cpu-nodex256',
      profile: { nodes: 256, vcpus: 128, memoryGiB: 512 },
    });
    // Real: the stack's own profile.
    expect(schedulingProfile(config.profiles, 'host', null)?.profile).toEqual(config.profiles.host);
  });
});

describe('what an emulated stack is refused for, before anything is created', () => {
  it('a list of sizes outside a campaign, naming the key and the command that runs it', () => {
    const errors = errorsOf(stack({ 'schedbench:emulation': { nodes: [64, 256] } }));
    expect(errors).toEqual([
      expect.stringContaining('schedbench:emulation.nodes = [64,256]: a list of sizes is a scale sweep'),
    ]);
    expect(errors[0]).toContain('schedbench campaign');
  });

  it('an emulation profile that does not exist, listing those that do', () => {
    expect(errorsOf(stack({ 'schedbench:emulation': { nodes: 8, profile: 'nope' } }))).toEqual([
      expect.stringMatching(/emulation\.profile.*no such profile; allowed: .*cpu-node/),
    ]);
  });

  it('a scheduler without an emulated execution, naming those that have it', () => {
    const config = parsed(stack({ 'schedbench:emulation': { nodes: 8 } }, 'flux'));
    const availability = schedulerAvailability(config, host);
    expect(availability).toEqual({
      available: false,
      reason: expect.stringMatching(/^Flux has no emulated execution .*slurm, kubernetes have$/),
    });
  });

  it('more slurmd than the real nodes hold, saying how many fit', () => {
    const errors = errorsOf(stack({ 'schedbench:emulation': { nodes: 16384, profile: 'cpu-node' } }));
    expect(errors).toEqual([
      expect.stringMatching(
        /^schedbench:profile = "host": emulation\.nodes = 16384 puts 8192 slurmd on each of the 2 nodes .*emulate at most \d+ nodes here/,
      ),
    ]);
    const fits = Number(/at most (\d+) nodes/.exec(errors[0] ?? '')?.[1]);
    expect(errorsOf(stack({ 'schedbench:emulation': { nodes: fits, profile: 'cpu-node' } }))).toEqual([]);
    expect(
      errorsOf(stack({ 'schedbench:emulation': { nodes: fits + 1, profile: 'cpu-node' } })),
    ).toHaveLength(1);
  });
});

describe('an emulated SLURM cluster', () => {
  const hosts = [
    { name: 'c-n1', address: '10.0.0.11', vcpus: 1, memoryMiB: 5120 },
    { name: 'c-n2', address: '10.0.0.12', vcpus: 1, memoryMiB: 5120 },
  ];
  const ports = clusterPorts('c');
  const emulation = { nodes: 5, profile: 'cpu-node', vcpus: 128, memoryGiB: 512 };
  /** slurm.conf of `nodes` emulated nodes on the two hosts, as the cluster renders it. */
  const confOf = (nodes: number, options: Record<string, unknown> = {}) =>
    renderSlurmConf({
      cluster: 'c',
      controller: hosts[0],
      nodes: slurmNodesOf(slurmdBlocks(hosts, { ...emulation, nodes }, ports)),
      options: SlurmOptions.parse(options),
      layout: clusterLayout('/var/lib/schedbench/c/slurm'),
      ports,
    });

  it('runs each block of emulated nodes on one real node, the controller’s last, on consecutive ports', () => {
    const blocks = slurmdBlocks(hosts, emulation, ports);
    const base = emulatedPortBase(ports);
    expect(blocks.map((b) => [b.host.name, b.nodes.map((n) => `${n.name}:${n.port}`)])).toEqual([
      ['c-n1', [`e4:${base}`, `e5:${base + 1}`]],
      ['c-n2', [`e1:${base}`, `e2:${base + 1}`, `e3:${base + 2}`]],
    ]);
    expect(base + 10000).toBe(ports.slurmctld);
    // Real: one slurmd per node, on the cluster's slurmd port.
    expect(slurmdBlocks(hosts, null, ports).map((b) => b.nodes.map((n) => n.name))).toEqual([
      ['c-n1'],
      ['c-n2'],
    ]);
  });

  it('declares each block in one line with its machine and port range, the controller on the first real node', () => {
    const conf = confOf(5, { tuning: 'htc' });
    const base = emulatedPortBase(ports);
    expect(conf).toContain('SlurmctldHost=c-n1(10.0.0.11)');
    expect(conf.match(/^NodeName=.*$/gm)).toEqual([
      `NodeName=e[1-3] NodeAddr=10.0.0.12 NodeHostname=c-n2 Port=[${base}-${base + 2}] CPUs=128 RealMemory=524288 State=UNKNOWN`,
      `NodeName=e[4-5] NodeAddr=10.0.0.11 NodeHostname=c-n1 Port=[${base}-${base + 1}] CPUs=128 RealMemory=524288 State=UNKNOWN`,
    ]);
    expect(conf).toMatch(/^PartitionName=batch Nodes=e\[1-5\] /m);
    expect(conf).toMatch(/^SlurmdTimeout=300$/m);
    expect(conf).toMatch(/^JobAcctGatherType=jobacct_gather\/none$/m);
    expect(conf.match(/^MessageTimeout=.*$/gm)).toEqual(['MessageTimeout=60']);
  });

  it('declares 1,024 emulated nodes on two machines in two lines', () => {
    expect(confOf(1024).match(/^NodeName=\S+/gm)).toEqual(['NodeName=e[0001-0512]', 'NodeName=e[0513-1024]']);
  });
});

describe('a scale sweep', () => {
  it('is one campaign step per size, smallest first, under each scheduler; each step is a stack of one size', () => {
    const raw = stack({
      'schedbench:emulation': { nodes: [256, 64], profile: 'cpu-node' },
      'schedbench:schedulerOrder': ['slurm', 'kubernetes', 'flux'],
    });
    const steps = planCampaign(parsed(raw), raw, 'C9', host);
    expect(steps.map((s) => [s.scheduler, s.emulatedNodes, s.stack, s.available])).toEqual([
      ['slurm', 64, 'scale-slurm-host-n64', true],
      ['slurm', 256, 'scale-slurm-host-n256', true],
      ['kubernetes', 64, 'scale-kubernetes-host-n64', true],
      ['kubernetes', 256, 'scale-kubernetes-host-n256', true],
      ['flux', 64, 'scale-flux-host-n64', false],
      ['flux', 256, 'scale-flux-host-n256', false],
    ]);
    const step = steps[1];
    expect(step?.config['schedbench:emulation']).toEqual({ nodes: 256, profile: 'cpu-node' });
    expect(step?.refusals).toEqual([]);
    const config = parsed(step?.config ?? {});
    expect(admissionErrors(config, host)).toEqual([]);
    expect(stackEmulation(config)?.nodes).toBe(256);
  });
});

describe('emulated jobs', () => {
  it('sleep their expected time instead of working; noop and fail jobs keep what they do', () => {
    const base = { count: 2, cpus: 1, memoryMiB: 64, arrival: { offsetSeconds: 0, intervalSeconds: 0 } };
    const specs = [
      JobSpec.parse({ ...base, expectedSeconds: 3, kind: 'stress', args: ['--cpu', '1', '--timeout', '3s'] }),
      JobSpec.parse({ ...base, expectedSeconds: 0.1, kind: 'noop', args: [] }),
      JobSpec.parse({ ...base, expectedSeconds: 0.1, kind: 'fail', args: ['3'] }),
      JobSpec.parse({ ...base, expectedSeconds: 2.5, kind: 'command', args: ['md5sum', '/etc/hostname'] }),
    ];
    expect(emulatedSpecs(specs).map((s) => [s.kind, s.args])).toEqual([
      ['sleep', ['3']],
      ['noop', []],
      ['fail', ['3']],
      ['sleep', ['2.5']],
    ]);
    for (const s of emulatedSpecs(specs)) expect(JobSpec.safeParse(s).success).toBe(true);
  });
});

describe('the analysis of emulated runs', () => {
  const run = (execution: 'real' | 'emulated' | undefined): RunResult =>
    ({
      scheduler: { name: 'slurm', settings: { tuning: 'default' } },
      profile: { name: 'p' },
      provenance: execution === undefined ? {} : { execution },
    }) as unknown as RunResult;

  it('labels them apart from real runs of the same scheduler, so they never share a comparison group', () => {
    expect(schedulerLabels([run('real'), run('emulated'), run(undefined)])).toEqual([
      'slurm',
      'slurm [emulated]',
      'slurm',
    ]);
  });
});

describe("slurmctld's own cost, beside each sdiag snapshot", () => {
  it('is read from /proc by ctld_cost and parsed into process.cpuSeconds and process.rssMiB', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'schedbench-ctld-'));
    // A process of this test stands in for slurmctld: its pid file is where the cluster keeps slurmctld's.
    const child = spawn('sleep', ['30']);
    try {
      mkdirSync(path.join(root, 'slurmctld'));
      writeFileSync(path.join(root, 'slurmctld', 'slurmctld.pid'), String(child.pid));
      const lib = path.join(REPO_ROOT, 'components', 'slurm', 'scripts', 'lib.sh');
      const line = execFileSync('bash', ['-c', `set -euo pipefail; source "${lib}"; ctld_cost`], {
        env: { ...process.env, ROOT: root },
        encoding: 'utf8',
      });
      expect(line).toMatch(/^schedbench slurmctld: cpu_ticks=\d+ ticks_per_second=\d+ rss_kib=[1-9]\d*\n$/);
      const stats = parseSdiag(`Main schedule statistics (microseconds):\n${line}`, iso(0), 'after');
      expect(stats.extra['process.rssMiB']).toBeGreaterThan(0);
      expect(stats.extra['process.cpuSeconds']).toBeGreaterThanOrEqual(0);
      expect(
        parseSdiag('schedbench slurmctld: cpu_ticks=250 ticks_per_second=100 rss_kib=2048\n', iso(0), 'after')
          .extra,
      ).toEqual({
        'process.cpuSeconds': 2.5,
        'process.rssMiB': 2,
      });
      // No slurmctld: no line, and no figures.
      writeFileSync(path.join(root, 'slurmctld', 'slurmctld.pid'), '999999999');
      expect(
        execFileSync('bash', ['-c', `source "${lib}"; ctld_cost`], {
          env: { ...process.env, ROOT: root },
          encoding: 'utf8',
        }),
      ).toBe('');
    } finally {
      child.kill('SIGKILL');
      rmSync(root, { recursive: true, force: true });
    }
  });
});
