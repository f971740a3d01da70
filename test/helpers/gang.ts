// A run of jobs of both nodes with two one-CPU tasks on each (the whole of a 2 × 2-vCPU cluster per job), as the
// product expands a stack's own definition (workloads/expand.ts): the SLURM and Flux e2e suites run it as an extra run.
import type { ExtraRun } from '../fixtures/program/extra';
import { WorkloadDefinition } from '../../workloads/definition';
import { expandDefinition } from '../../workloads/expand';

/** The suites' profile: 2 nodes × 2 vCPUs × 2 GiB. */
export const PAIR_PROFILE = { nodes: 2, vcpus: 2, memoryGiB: 2 };

export function gangRun(
  workload: string,
  options: { count: number; memoryPerNodeMiB: number; everySeconds: number },
): ExtraRun {
  const definition = WorkloadDefinition.parse({
    groups: [
      {
        name: 'gang',
        count: options.count,
        nodes: 2,
        tasksPerNode: 2,
        cpusPerTask: 1,
        memoryPerNodeMiB: options.memoryPerNodeMiB,
        work: { kind: 'cpu', seconds: 3, workers: 1 },
        arrival:
          options.everySeconds > 0
            ? { kind: 'interval', everySeconds: options.everySeconds }
            : { kind: 'atOnce' },
      },
    ],
  });
  const specs = expandDefinition(definition, PAIR_PROFILE, 'pair', 1).groups.map((g) => g.spec);
  return { workload, timeoutFactor: 4, specs };
}
