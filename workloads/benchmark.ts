// The benchmark of one stack: the configured scheduler on the nodes, then every runnable workload ×
// repetition as a strictly sequential chain of runs (one run's load never overlaps another's), and the
// outputs a user reads after `up`. The same for every scheduler: it only speaks the contract.
import * as pulumi from '@pulumi/pulumi';
import * as path from 'path';
import { Bundle } from '../components/build/component';
import type { BenchConfig, Profile } from '../components/config/schema';
import type { JobSpec } from '../components/jobs/spec';
import type { Emulation } from '../results/schema';
import { runnableWorkloads } from '../components/config/workloads';
import type { ClusterNodes } from '../components/nodes/backend';
import type { SchedulerCluster } from '../components/schedulers/contract';
import { createScheduler } from '../components/schedulers/create';
import { schedulerEmulationMode } from '../components/schedulers/registry';
import { schedulingProfile, stackEmulation } from '../components/config/emulation';
import { emulatedSpecs } from '../components/jobs/emulate';
import { resolveResultsDir, runName } from '../results/vocabulary';
import { expandWorkloadFully } from './catalog';
import { workloadPreface } from './preface';
import type { RunSummary } from './result';
import { WorkloadRun } from './run';
import packageJson from '../package.json';

export interface Benchmark {
  cluster: SchedulerCluster;
  /** In execution order. */
  runs: WorkloadRun[];
  /** Stack outputs: the scheduler and, per `<workload>-r<N>`, status, job counts, makespan, result path. */
  outputs: pulumi.Output<{ scheduler: string; version: string; runs: Record<string, RunSummary> }>;
  /** The RunResult writer's bundle (made on first use): a run added after these takes it too. */
  writer: () => Bundle;
  /** What a run added after these is sized for and records: the scheduling profile and the emulation (or null). */
  profile: Profile & { name: string };
  emulation: Emulation | null;
  /** A run's specs as this stack executes them: emulated, a job sleeps its expected time instead of working. */
  executed: (specs: JobSpec[]) => JobSpec[];
}

export interface BenchmarkArgs {
  config: BenchConfig;
  nodes: ClusterNodes;
  /** The stack's run id and config hash (components/identity). */
  identity: { runId: pulumi.Input<string>; configHash: string };
  /** Directory the program runs in: a relative `resultsDir` is resolved against it. */
  projectDir: string;
}

/** The scheduler, validated, then (unless `stopAfter: scheduler`) every workload run. */
export function benchmark({ config, nodes, identity, projectDir }: BenchmarkArgs): Benchmark {
  const cluster = createScheduler(config, nodes.nodes);
  const emulation = stackEmulation(config);
  const sized = schedulingProfile(config.profiles, config.profile, emulation);
  if (sized === undefined) throw new pulumi.RunError(`schedbench:profile: no profile ${config.profile}`);
  // The profile the workloads are expanded for and every run records: emulated, N nodes of the emulation's size.
  const profile = { ...sized.profile, name: sized.name };
  const emulated = emulation && {
    ...emulation,
    realNodes: nodes.nodes.length,
    mode: schedulerEmulationMode(config.scheduler) ?? 'none',
  };
  if (emulated !== null)
    void pulumi.log.info(
      `emulated execution (docs/scale.md): ${config.scheduler} decides for ${emulated.nodes} nodes of profile ` +
        `${emulated.profile} on ${emulated.realNodes} real nodes (${emulated.mode}); results say execution: emulated`,
    );
  // Emulated: the scheduler places every job as it would, but a job sleeps its expected time instead of working.
  const executed = (specs: JobSpec[]): JobSpec[] => (emulated === null ? specs : emulatedSpecs(specs));
  const workloads = config.stopAfter === 'scheduler' ? [] : runnableWorkloads(config);
  const runs: WorkloadRun[] = [];
  const keys: string[] = [];
  let after: pulumi.Resource = cluster.validated;
  // The RunResult writer every run's first and last stage starts, as one file (components/build); made with
  // the first run, so a stack without runs has none.
  let writer: Bundle | undefined;
  const writerBundle = (): Bundle =>
    (writer ??= new Bundle(`${config.clusterName}-writer`, {
      entry: path.join(__dirname, 'write-result.ts'),
      outFile: path.join(__dirname, '..', '.schedbench', 'build', config.stack, 'write-result.cjs'),
    }));
  for (const workload of workloads) {
    const expansion = expandWorkloadFully(workload, sized.profile, {
      definitions: config.workloadDefinitions,
      seed: config.seed,
      profileName: profile.name,
    });
    const specs = executed(expansion.groups.map((g) => g.spec));
    // Said before the runs start: a replay at 300 % load is a queue test, not a mistake, but the user should know.
    void pulumi.log.info(workloadPreface(workload, expansion, profile.name));
    for (let repetition = 1; repetition <= config.repetitions; repetition++) {
      const run = new WorkloadRun(`${config.clusterName}-${workload.replace(/_/g, '-')}-r${repetition}`, {
        cluster,
        workload,
        repetition,
        specs,
        facts: expansion,
        profile,
        emulation: emulated,
        runId: identity.runId,
        configHash: identity.configHash,
        campaignId: config.campaignId ?? null,
        stack: config.stack,
        sampling: config.sampling,
        idleGapSeconds: config.idleGapSeconds,
        timeoutFactor: config.timeoutFactor,
        resultsDir: resolveResultsDir(projectDir, config.resultsDir),
        schedbenchVersion: packageJson.version,
        backend: {
          kind: config.backend.type,
          // netns nodes report their own hostname; the machine is the configured host.
          host: config.backend.type === 'netns' ? config.host.name : null,
          virtualization: nodes.virtualization,
          imageDigest: nodes.imageDigest,
          oversubscribed: nodes.oversubscribed,
        },
        writer: writerBundle(),
        after,
      });
      runs.push(run);
      keys.push(runName(workload, repetition));
      after = run.done;
    }
  }
  const outputs = pulumi
    .all([cluster.provenance, pulumi.all(runs.map((r) => r.summary))])
    .apply(([provenance, summaries]) => ({
      scheduler: cluster.scheduler,
      version: provenance.version,
      runs: Object.fromEntries(
        keys.map((k, i) => [k, summaries[i]]).filter((e): e is [string, RunSummary] => e[1] !== undefined),
      ),
    }));
  return {
    cluster,
    runs,
    outputs,
    writer: writerBundle,
    profile,
    emulation: emulated,
    executed,
  };
}
