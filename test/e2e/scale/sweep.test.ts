// A scale sweep by emulation end to end, as a user runs it (docs/scale.md): `schedbench campaign` on a stack file
// whose `emulation.nodes` is a list — SLURM deciding for 8 and then 32 emulated Perlmutter CPU nodes spread over the
// two netns nodes of the `host` profile (multiple-slurmd), each size its own stack torn down before the next, and
// Kubernetes skipped with its reason. Checked: every result says `execution: emulated` with its size; jobs ran on
// emulated nodes, wide ones on several of them at once; stress work was emulated (slept, no stress-ng); the report
// has the scaling table and its log-log charts with a point per size; nothing of either cluster is left. Needs root.
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

/** The results of this campaign, smallest size first. */
function campaignResults(campaignId: string): RunResult[] {
  return readResults(resultsDir)
    .filter((r) => r.campaignId === campaignId)
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
          'schedbench:resultsDir': resultsDir,
          'schedbench:schedulerOrder': ['slurm', 'kubernetes'],
        },
      }),
    );
    run = await runCampaign(stackFile);
    writeFileSync(path.join(dir, 'campaign.log'), `${run.stdout}\n--- stderr ---\n${run.stderr}`);
    campaignId = /^campaign (\S+): \d+ steps$/m.exec(run.stdout)?.[1] ?? '';
  });

  it('runs one SLURM step per size and skips Kubernetes, saying why', () => {
    if (run.status !== 0) throw new Error(`campaign failed (${run.status}):\n${run.stderr.slice(-4000)}`);
    for (const size of SIZES)
      expect(run.stdout).toMatch(new RegExp(`^ +slurm +\\(${size} emulated nodes\\) up ok, destroy ok`, 'm'));
    expect(run.stdout).toMatch(
      /^ +kubernetes +\(8 emulated nodes\) skipped: Kubernetes has no emulated execution/m,
    );
  });

  it('records every run as emulated, with its size, on the real nodes that ran it', () => {
    const results = campaignResults(campaignId);
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
      expect(r.provenance.emulation?.mode).toContain('multiple-slurmd');
      expect(r.nodes).toHaveLength(2);
      expect(r.jobs).toHaveLength(NOOPS + WIDE.count);
      expect(r.jobs.every((j) => j.state === 'COMPLETED')).toBe(true);
      // slurmctld's own cost, read at each statistics snapshot.
      expect(r.schedulerStats.some((s) => (s.extra['process.rssMiB'] ?? 0) > 0)).toBe(true);
    }
  });

  it('placed jobs on emulated nodes — wide ones on several at once — and emulated their work', () => {
    for (const r of campaignResults(campaignId)) {
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

  it('ends in a report with the emulated scaling table and a log-log chart per figure, a point per size', () => {
    const html = readFileSync(path.join(resultsDir, 'analysis', campaignId, 'report.html'), 'utf8');
    expect(html).toContain('<h2>Scale by emulation</h2>');
    const charts = [...html.matchAll(/id="emulated-scaling-(\w+)" data-expect="([^"]+)"/g)];
    expect(charts.map((c) => c[1])).toEqual(
      expect.arrayContaining(['startRateJobsPerSecond', 'waitP50Seconds', 'schedulerRssMiB']),
    );
    for (const c of charts)
      expect(JSON.parse((c[2] ?? '').replace(/&quot;/g, '"'))).toEqual({ scaling: 1, sizes: SIZES.length });
    expect(html).toContain('slurm [emulated]');
  });

  it('leaves nothing of either size behind', () => {
    const clusters = [...run.stdout.matchAll(/cluster (\S+)\); /g)].map((m) => m[1] ?? '');
    expect(clusters).toHaveLength(SIZES.length);
    const left = findLeftovers();
    for (const cluster of clusters) expect(leftoversOfCluster(cluster, left)).toEqual([]);
    for (const cluster of clusters) expect(existsSync(`/var/lib/schedbench/${cluster}`)).toBe(false);
  });
});
