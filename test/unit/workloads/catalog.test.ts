// The workload catalog: every preset expands to job specs that fit the profile, with bounded real load.
import fc from 'fast-check';
import { renderPlan } from '../../../components/jobs/plan';
import { expandWorkload, expectedRunSeconds, jobCount, runTimeoutSeconds } from '../../../workloads/catalog';
import { PRESET_NAMES } from '../../../workloads/presets';

const small = { nodes: 2, vcpus: 4, memoryGiB: 8 };

describe('expandWorkload', () => {
  test.each(PRESET_NAMES)(
    '%s: jobs fit a node of the profile and every stress job is bounded in time',
    (name) => {
      const specs = expandWorkload(name, small);
      expect(specs.length).toBeGreaterThan(0);
      for (const s of specs) {
        expect(s.cpus * s.tasksPerNode).toBeLessThanOrEqual(small.vcpus);
        expect(s.nodes).toBeLessThanOrEqual(small.nodes);
        expect(s.memoryMiB).toBeLessThanOrEqual(small.memoryGiB * 1024);
        if (s.kind === 'stress') expect(s.args).toContain('--timeout');
        expect(s.expectedSeconds).toBeLessThanOrEqual(12);
      }
    },
  );

  test('property: for any profile, every spec fits one node and the counts are positive', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...PRESET_NAMES),
        fc.integer({ min: 1, max: 64 }),
        fc.integer({ min: 1, max: 512 }),
        fc.double({ min: 0.25, max: 4096, noNaN: true }),
        (name, nodes, vcpus, memoryGiB) => {
          for (const s of expandWorkload(name, { nodes, vcpus, memoryGiB })) {
            expect(s.count).toBeGreaterThan(0);
            expect(s.cpus * s.tasksPerNode).toBeLessThanOrEqual(vcpus);
            expect(s.nodes).toBeLessThanOrEqual(nodes);
            expect(s.memoryMiB).toBeLessThanOrEqual(memoryGiB * 1024);
          }
        },
      ),
    );
  });

  test('cpu_intensive fills the cluster twice; throughput is many trivial jobs', () => {
    const cpu = expandWorkload('cpu_intensive', small);
    expect(jobCount(cpu) * (cpu[0]?.cpus ?? 0)).toBe(2 * small.nodes * small.vcpus);
    const tp = expandWorkload('throughput', small);
    expect(tp[0]).toMatchObject({ kind: 'noop', cpus: 1 });
    expect(jobCount(tp)).toBeGreaterThanOrEqual(50);
  });

  test('mixed staggers its arrivals', () => {
    const offsets = expandWorkload('mixed', small).map((s) => s.arrival.offsetSeconds);
    expect(new Set(offsets).size).toBeGreaterThan(1);
  });
});

describe('timeouts and the SLURM plan', () => {
  test('the run bound grows with the timeout factor and is at least the expected duration', () => {
    const specs = expandWorkload('mixed', small);
    expect(runTimeoutSeconds(specs, small, 4)).toBeGreaterThan(runTimeoutSeconds(specs, small, 1));
    expect(runTimeoutSeconds(specs, small, 1)).toBeGreaterThanOrEqual(expectedRunSeconds(specs, small));
  });

  test('renderPlan: one line per spec in the order submit.sh reads', () => {
    const plan = renderPlan(expandWorkload('cpu_intensive', small), 4).split('\n');
    expect(plan).toEqual(['0 8 0 0 1 1 2 64 1 normal stress --cpu 2 --cpu-method matrixprod --timeout 3s']);
    const mixed = renderPlan(expandWorkload('mixed', small), 4).split('\n');
    expect(mixed[1]).toMatch(
      /^1 8 1 0.5 1 1 1 2048 1 normal stress --vm 1 --vm-bytes 1024M --vm-keep --timeout 3s$/,
    );
  });
});
