// A real RunResult (SLURM 22.05.8 on two netns nodes, the `mixed` workload, written by the SLURM e2e test)
// goes through the analysis, and its figures agree with what its job records say directly.
import { join } from 'node:path';
import { loadRunFile } from '../../../analysis/load';
import { runDetails } from '../../../analysis/metrics';

const FIXTURE = join(__dirname, 'fixtures', 'slurm-mixed-r1.json');

it('analyses a real SLURM run', () => {
  const loaded = loadRunFile(FIXTURE);
  if (loaded === 'ignored' || !('run' in loaded))
    throw new Error(`fixture did not load: ${JSON.stringify(loaded)}`);
  const { run } = loaded;
  const { metrics: m, perNode } = runDetails(run);
  const t = (iso: string | null) => (iso === null ? NaN : Date.parse(iso) / 1000);
  const submits = run.jobs.map((j) => t(j.submitTime));
  const ends = run.jobs.map((j) => t(j.endTime));
  const waits = run.jobs.map((j) => t(j.startTime) - t(j.submitTime));
  expect(m.jobsTotal).toBe(run.jobs.length);
  expect(m.jobsCompleted).toBe(run.jobs.filter((j) => j.state === 'COMPLETED').length);
  expect(m.makespanSeconds).toBe(Math.max(...ends) - Math.min(...submits));
  expect(m.waitMeanSeconds).toBeCloseTo(waits.reduce((a, b) => a + b, 0) / waits.length, 10);
  expect(m.waitMaxSeconds).toBe(Math.max(...waits));
  for (const share of [
    m.utilisationAllocated,
    m.utilisationMeasured,
    m.idleWhilePendingShare,
    m.fragmentation,
  ]) {
    expect(share).toBeGreaterThanOrEqual(0);
    expect(share).toBeLessThanOrEqual(1);
  }
  expect(m.fragmentation ?? NaN).toBeLessThanOrEqual(m.idleWhilePendingShare ?? NaN);
  expect((m.idleWhilePendingShare ?? NaN) + (m.utilisationAllocated ?? NaN)).toBeLessThanOrEqual(1 + 1e-9);
  expect(m.cpuEfficiencyMean).toBeGreaterThan(0);
  expect(m.schedulerCycleMeanMicroseconds).not.toBeNull();
  // no RAPL on the recording machine and no host.power model: not measured, never another machine's model
  expect(m.energySource).toBe('none');
  expect(m.energyJoules).toBeNull();
  expect(perNode.map((n) => n.node)).toEqual(run.nodes.map((n) => n.name));
  expect(perNode.every((n) => n.samples > 0)).toBe(true);
});
