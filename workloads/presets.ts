// The built-in workloads, as data in the same form a stack's `schedbench:workloadDefinitions` takes
// (workloads/definition.ts): no code, so a user can print one (`schedbench workloads show NAME`), copy it into a
// stack file and change it. Sizes are relative to the profile so every preset fits every profile; jobs stay short
// (seconds) so a campaign finishes in minutes. Load is real (stress-ng), never sleep.
//
// The first four are the original catalog and keep its job lists: cpu_intensive, memory_intensive, mixed and
// throughput. The last four exercise scheduling policy (docs/workloads.md says what a good scheduler does on each
// and which metric shows it): backfill, wide, fragmentation and steady.
import type { WorkloadDefinitionInput } from './definition';

/** Seconds of stress each job of the original catalog runs: short so the whole e2e stays within minutes. */
export const STRESS_SECONDS = 3;

export const PRESETS = {
  cpu_intensive: {
    description: 'Two waves of CPU jobs of half a node each, all at once: raw throughput under full load.',
    groups: [
      {
        name: 'cpu',
        count: { fill: 2 },
        cpusPerTask: '50%',
        memoryPerNodeMiB: 64,
        work: { kind: 'cpu', seconds: STRESS_SECONDS },
      },
    ],
  },
  memory_intensive: {
    description: 'A quarter of each node’s memory per job, touched by stress-ng, one wave at once.',
    groups: [
      {
        name: 'memory',
        count: { fill: 1 },
        cpusPerTask: 1,
        memoryPerNodeMiB: '25%',
        work: { kind: 'memory', seconds: STRESS_SECONDS },
      },
    ],
  },
  mixed: {
    description: 'CPU jobs at once, memory jobs trickling in behind them, and one longer job.',
    groups: [
      {
        name: 'cpu',
        count: { fill: 1 },
        cpusPerTask: '50%',
        memoryPerNodeMiB: 64,
        work: { kind: 'cpu', seconds: STRESS_SECONDS },
      },
      {
        name: 'memory',
        count: { fill: 1 },
        cpusPerTask: 1,
        memoryPerNodeMiB: '25%',
        work: { kind: 'memory', seconds: STRESS_SECONDS },
        arrival: { kind: 'interval', offsetSeconds: 1, everySeconds: 0.5 },
      },
      {
        name: 'long',
        count: 1,
        cpusPerTask: 1,
        memoryPerNodeMiB: 64,
        work: { kind: 'cpu', seconds: 5, workers: 1, method: 'fft' },
        arrival: { kind: 'atOnce', offsetSeconds: 0.5 },
      },
    ],
  },
  throughput: {
    description: 'Many trivial jobs at once: the scheduler itself (submit, start and completion rates).',
    groups: [
      {
        name: 'noop',
        count: { perNode: 25 },
        cpusPerTask: 1,
        memoryPerNodeMiB: 16,
        work: { kind: 'noop' },
      },
    ],
  },
  backfill: {
    description: 'A job of every node waits behind a long one; short one-node jobs behind it fit the hole.',
    expect:
      'A backfilling scheduler (SLURM sched/backfill, Flux with queuePolicy easy) starts the short jobs on the idle ' +
      'nodes before the wide job (backfilledJobs > 0) and delays the wide job only as far as their time limits ' +
      'allow (backfillDelaySecondsMax). Strict FCFS keeps them behind the wide job (backfilledJobs = 0, higher ' +
      'waitMeanSeconds). Kubernetes has no queue order: short pods start at once, and the wide Job’s pods start ' +
      'one by one as nodes free up (partialStartCpuSeconds, gangSkewMaxSeconds).',
    groups: [
      {
        name: 'blocker',
        count: 1,
        cpusPerTask: '100%',
        work: { kind: 'cpu', seconds: 12, workers: 1 },
        timeLimit: { seconds: 300 },
      },
      {
        name: 'wide',
        count: 1,
        nodes: 'all',
        cpusPerTask: '100%',
        work: { kind: 'cpu', seconds: 6, workers: 1 },
        timeLimit: { seconds: 120 },
        arrival: { kind: 'atOnce', offsetSeconds: 1 },
      },
      {
        name: 'short',
        count: { perNode: 2 },
        cpusPerTask: '100%',
        work: { kind: 'cpu', seconds: 3, workers: 1 },
        timeLimit: { seconds: 60 },
        arrival: { kind: 'interval', offsetSeconds: 2, everySeconds: 0.5 },
      },
    ],
  },
  wide: {
    description:
      'Jobs of every node among single-node jobs: gang starts, and nodes idle while a wide job waits.',
    expect:
      'A gang scheduler starts all of a wide job’s tasks together (gangSkewMaxSeconds near 0) and keeps wide jobs ' +
      'from starving (waitMeanSecondsWide close to the narrow jobs’ wait); the price is capacity idle while a wide ' +
      'job collects its nodes (idleWhilePendingShare). Kubernetes starts pods independently: a wide Job holds part ' +
      'of the cluster while its other pods wait (partialStartCpuSeconds).',
    groups: [
      {
        name: 'wide',
        count: 3,
        nodes: 'all',
        cpusPerTask: '100%',
        work: { kind: 'cpu', seconds: 4, workers: 1 },
        arrival: { kind: 'interval', offsetSeconds: 0, everySeconds: 4 },
      },
      {
        name: 'narrow',
        count: { perNode: 3 },
        cpusPerTask: '100%',
        work: { kind: 'cpu', seconds: 2, workers: 1 },
        arrival: { kind: 'interval', offsetSeconds: 0.5, everySeconds: 1 },
      },
    ],
  },
  fragmentation: {
    description: 'Widths that leave holes: three-quarter-node jobs beside half-node jobs of every node.',
    expect:
      'Packing leaves fewer CPUs idle while jobs wait: lower fragmentation and idleWhilePendingShare, higher ' +
      'utilisationAllocated. A scheduler that places the three-quarter jobs so that the half-node gangs still find ' +
      'room on every node keeps waitMeanSecondsWide low.',
    groups: [
      {
        name: 'three-quarter',
        count: { fill: 2 },
        cpusPerTask: '75%',
        work: { kind: 'cpu', seconds: 3, workers: 1 },
      },
      {
        name: 'half-gang',
        count: 2,
        nodes: 'all',
        cpusPerTask: '50%',
        work: { kind: 'cpu', seconds: 3, workers: 1 },
        arrival: { kind: 'interval', offsetSeconds: 1, everySeconds: 2 },
      },
    ],
  },
  steady: {
    description:
      'Poisson arrivals at 80 % offered load for a minute, narrow and wide: a queue in steady state.',
    expect:
      'Near saturation, waits grow with the queue: the scheduler that keeps boundedSlowdownMean and waitP95Seconds ' +
      'low for both widths (boundedSlowdownMeanNarrow, boundedSlowdownMeanWide) without idling nodes ' +
      '(utilisationAllocated near the offered load) handles load best.',
    groups: [
      {
        name: 'narrow',
        cpusPerTask: '50%',
        work: { kind: 'cpu', seconds: 2, workers: 1 },
        arrival: { kind: 'poisson', load: 0.6, forSeconds: 60 },
      },
      {
        name: 'wide',
        nodes: 'all',
        cpusPerTask: '50%',
        work: { kind: 'cpu', seconds: 4, workers: 1 },
        arrival: { kind: 'poisson', load: 0.2, forSeconds: 60 },
      },
    ],
  },
} satisfies Record<string, WorkloadDefinitionInput>;

export type PresetName = keyof typeof PRESETS;
export const PRESET_NAMES = Object.keys(PRESETS) as PresetName[];
