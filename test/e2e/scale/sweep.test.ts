// A scale sweep by emulation end to end, as a user runs it (docs/scale.md): `schedbench campaign` on a stack file
// whose `emulation.nodes` is a list — SLURM (multiple-slurmd over the two netns nodes of the `host` profile) and then
// Kubernetes (KWOK's nodes, the real kube-scheduler) deciding for 8 and then 32 emulated Perlmutter CPU nodes, each
// size its own stack torn down before the next, and Flux skipped with its reason. Checked: every result says
// `execution: emulated` with its size; jobs ran on emulated nodes, wide ones on several of them at once; stress work
// was emulated (no stress-ng); the report has the scaling table and its log-log charts with a point per scheduler
// and size; nothing of any cluster is left. Needs root.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import * as path from 'path';
import { stringify } from 'yaml';
import { findLeftovers, leftoversOfCluster } from '../../../components/nodes/leftovers';
import type { RunResult } from '../../../results/schema';
import { readResults, runCampaign, type CampaignOutcome } from '../../helpers/campaign';
import { REPO } from '../../helpers/runner';

jest.setTimeout(30 * 60 * 1000);

const STACK = `swp${process.pid % 100000}`;
const dir = path.join(REPO, 'test-artifacts', `sweep-${STACK}`);
const stackFile = path.join(dir, `Pulumi.${STACK}.yaml`);
const resultsDir = path.join(dir, 'runs');
const SIZES = [8, 32];
const NOOPS = 150;
const WIDE = { count: 2, nodes: 4, tasksPerNode: 2, seconds: 2 };

const SCHEDULERS = ['slurm', 'kubernetes'] as const;

/** The results of this campaign under `scheduler`, smallest size first. */
function campaignResults(campaignId: string, scheduler: (typeof SCHEDULERS)[number]): RunResult[] {
  return readResults(resultsDir)
    .filter((r) => r.campaignId === campaignId && r.scheduler.name === scheduler)
    .sort((a, b) => a.profile.nodes - b.profile.nodes);
}

describe('a scale sweep by emulation through schedbench campaign', () => {
  let run: CampaignOutcome;
  let campaignId: string;
  beforeAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(resultsDir, { recursive: true });
    writeFileSync(
      stackFile,
      stringify({
        config: {
          'schedbench:scheduler': 'slurm',
          'schedbench:profile': 'host',
          'schedbench:backend': { type: 'netns' },
          'schedbench:profiles': { 'cpu-node': { nodes: 1, vcpus: 128, memoryGiB: 512 } },
          'schedbench:emulation': { nodes: SIZES, profile: 'cpu-node' },
          'schedbench:workloads': ['sweep_mix'],
          'schedbench:workloadDefinitions': {
            sweep_mix: {
              description: 'Trivial jobs at once, and wide stress jobs of several nodes and tasks',
              groups: [
                { name: 'noop', count: NOOPS, cpusPerTask: 1, memoryPerNodeMiB: 16, work: { kind: 'noop' } },
                {
                  name: 'wide',
                  count: WIDE.count,
                  nodes: WIDE.nodes,
                  tasksPerNode: WIDE.tasksPerNode,
                  cpusPerTask: 64,
                  memoryPerNodeMiB: 64,
                  work: { kind: 'cpu', seconds: WIDE.seconds, workers: 1 },
                },
              ],
            },
          },
          'schedbench:repetitions': 1,
          'schedbench:idleGapSeconds': 1,
          // The Job controller at upstream's 20 requests/s would pace 300 Jobs (docs/kubernetes.md).
          'schedbench:kubernetes': { controllerManagerQps: 200 },
          'schedbench:resultsDir': resultsDir,
          'schedbench:schedulerOrder': [...SCHEDULERS, 'flux'],
        },
      }),
    );
    run = await runCampaign(stackFile);
    writeFileSync(path.join(dir, 'campaign.log'), `${run.stdout}\n--- stderr ---\n${run.stderr}`);
    campaignId = /^campaign (\S+): \d+ steps$/m.exec(run.stdout)?.[1] ?? '';
  });

  it('runs one step per size under SLURM and Kubernetes, and skips Flux, saying why', () => {
    if (run.status !== 0) throw new Error(`campaign failed (${run.status}):\n${run.stderr.slice(-4000)}`);
    for (const scheduler of SCHEDULERS)
      for (const size of SIZES)
        expect(run.stdout).toMatch(
          new RegExp(`^ +${scheduler} +\\(${size} emulated nodes\\) up ok, destroy ok`, 'm'),
        );
    expect(run.stdout).toMatch(/^ +flux +\(8 emulated nodes\) skipped: Flux has no emulated execution/m);
  });

  it.each(SCHEDULERS)(
    'records every %s run as emulated, with its size, on the real nodes that ran it',
    (scheduler) => {
      const results = campaignResults(campaignId, scheduler);
      expect(results.map((r) => [r.profile.name, r.profile.nodes, r.provenance.execution])).toEqual(
        SIZES.map((n) => [`cpu-nodex${n}`, n, 'emulated']),
      );
      for (const r of results) {
        expect(r.status).toBe('ok');
        expect(r.provenance.emulation).toMatchObject({
          profile: 'cpu-node',
          vcpus: 128,
          memoryGiB: 512,
          realNodes: 2,
        });
        expect(r.provenance.emulation?.mode).toContain(scheduler === 'slurm' ? 'multiple-slurmd' : 'KWOK');
        expect(r.nodes).toHaveLength(2);
        expect(r.jobs).toHaveLength(NOOPS + WIDE.count);
        expect(r.jobs.every((j) => j.state === 'COMPLETED')).toBe(true);
        // The scheduler's own cost (slurmctld's, the kube-scheduler's), read at each statistics snapshot.
        expect(r.schedulerStats.some((s) => (s.extra['process.rssMiB'] ?? 0) > 0)).toBe(true);
      }
    },
  );

  it('SLURM placed jobs on emulated nodes — wide ones on several at once — and emulated their work', () => {
    for (const r of campaignResults(campaignId, 'slurm')) {
      const size = r.profile.nodes;
      const width = String(size).length;
      const names = new Set(Array.from({ length: size }, (_, i) => `e${String(i + 1).padStart(width, '0')}`));
      for (const j of r.jobs) for (const n of j.nodes) expect(names.has(n)).toBe(true);
      const wide = r.jobs.filter((j) => j.requestedNodes === WIDE.nodes);
      expect(wide).toHaveLength(WIDE.count);
      for (const j of wide) {
        expect(new Set(j.nodes).size).toBe(WIDE.nodes);
        // Every task recorded its start on its own emulated node (SLURMD_NODENAME), two on each.
        expect((j.tasks ?? []).map((t) => t.node).sort()).toEqual(j.nodes.flatMap((n) => [n, n]).sort());
        // Slept its expected time instead of running stress-ng: no stress-ng figures.
        expect(j.precise?.runSeconds ?? 0).toBeGreaterThanOrEqual(WIDE.seconds);
        expect(j.metrics).toEqual({});
      }
    }
  });

  it('Kubernetes bound every pod to an emulated node, where KWOK ran it for its expected time', () => {
    for (const r of campaignResults(campaignId, 'kubernetes')) {
      const size = r.profile.nodes;
      const width = String(size).length;
      const names = new Set(Array.from({ length: size }, (_, i) => `e${String(i + 1).padStart(width, '0')}`));
      for (const j of r.jobs) for (const n of j.nodes) expect(names.has(n)).toBe(true);
      expect(r.provenance.packages.kwok).toMatch(/^v\d+\.\d+\.\d+$/);
      const wide = r.jobs.filter((j) => j.requestedNodes === WIDE.nodes);
      expect(wide).toHaveLength(WIDE.count);
      for (const j of wide) {
        // The hard spread keeps at most tasksPerNode of its pods on a node: on a larger cluster they spread wider
        // (docs/kubernetes.md).
        expect(new Set(j.nodes).size).toBeGreaterThanOrEqual(WIDE.nodes);
        // No container ran: the pods' times are KWOK's, its stages count the expected seconds from the start.
        expect(j.elapsedSeconds).toBeGreaterThanOrEqual(WIDE.seconds);
        expect(j.metrics).toEqual({});
      }
      // Trivial jobs end as soon as kwok gets to them: most within the second (whole seconds).
      const noops = r.jobs
        .filter((j) => j.requestedNodes === 1)
        .map((j) => j.elapsedSeconds ?? 99)
        .sort((a, b) => a - b);
      expect(noops[Math.floor(noops.length / 2)]).toBeLessThanOrEqual(1);
    }
  });

  it('ends in a report with the emulated scaling table and a log-log chart per figure, a point per scheduler and size', () => {
    const html = readFileSync(path.join(resultsDir, 'analysis', campaignId, 'report.html'), 'utf8');
    expect(html).toContain('<h2>Scale by emulation</h2>');
    const charts = [...html.matchAll(/id="emulated-scaling-(\w+)" data-expect="([^"]+)"/g)];
    expect(charts.map((c) => c[1])).toEqual(
      expect.arrayContaining(['startRateJobsPerSecond', 'waitP50Seconds', 'schedulerRssMiB']),
    );
    for (const c of charts)
      expect(JSON.parse((c[2] ?? '').replace(/&quot;/g, '"'))).toEqual({
        scaling: SCHEDULERS.length,
        sizes: SCHEDULERS.length * SIZES.length,
      });
    expect(html).toContain('slurm [emulated]');
    expect(html).toContain('kubernetes [emulated]');
  });

  it('leaves nothing of either size behind', () => {
    const clusters = [...run.stdout.matchAll(/cluster (\S+)\); /g)].map((m) => m[1] ?? '');
    expect(clusters).toHaveLength(SCHEDULERS.length * SIZES.length);
    const left = findLeftovers();
    for (const cluster of clusters) expect(leftoversOfCluster(cluster, left)).toEqual([]);
    for (const cluster of clusters) expect(existsSync(`/var/lib/schedbench/${cluster}`)).toBe(false);
  });
});
