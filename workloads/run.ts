// schedbench:workloads:Run — one workload × repetition on any scheduler behind the contract, as named stages:
// check (skip a run whose result file is already valid) → start samplers → submit → wait → collect and stop
// samplers (side by side) → write the RunResult on the program's machine. The scheduler supplies each stage's
// command; this file only orders them. Runs of a stack are chained one after another by `after`.
import * as command from '@pulumi/command';
import * as pulumi from '@pulumi/pulumi';
import * as path from 'path';
import type { Profile } from '../components/config/schema';
import type { Node } from '../components/nodes/types';
import { remoteScript } from '../components/script';
import {
  SamplerStarted,
  SubmitOutput,
  type RunStages,
  type SchedulerCluster,
  type StageCommand,
} from '../components/schedulers/contract';
import { resultPath } from '../results/vocabulary';
import { jobCount, runTimeoutSeconds } from './catalog';
import { type JobSpec } from '../components/jobs/spec';
import type { Emulation, RunResult } from '../results/schema';
import type { ReplayFacts } from './expand';
import { RunSummary, type RunMeta } from './result';
import { remoteCommand } from '../components/nodes/remote';
import { TS_ENVIRONMENT, TS_RUN } from '../components/tsx';
import { REPO_ROOT } from '../components/repo-root';
import type { Bundle } from '../components/build/component';

const SAMPLERS_SCRIPTS_DIR = path.join(__dirname, '..', 'components', 'samplers', 'scripts');
const JOB_SCRIPTS_DIR = path.join(REPO_ROOT, 'components', 'jobs', 'scripts');
const WRITER_ENTRY = path.join(__dirname, 'write-result.ts');
/**
 * `writer check|write`: the writer's bundle (components/build), or the same code through tsx when the bundle is
 * not there (removed by hand since it was written).
 */
const WRITER = `writer() { if [ -r "$SCHEDBENCH_WRITER_BUNDLE" ]; then node "$SCHEDBENCH_WRITER_BUNDLE" "$@"; else ${TS_RUN} "$SCHEDBENCH_WRITER" "$@"; fi; };`;

/** What the backend knows of the nodes, for the provenance of every result. */
export interface BackendFacts {
  kind: RunMeta['backend']['kind'];
  /** Name of the machine the nodes run on, when the backend knows better than the first node (netns). */
  host: string | null;
  /** Hardware virtualisation of the nodes (libvirt: kvm or tcg); null for netns and bare metal. */
  virtualization: pulumi.Input<'kvm' | 'tcg' | null>;
  /** SHA-256 of the VM base image, or null. */
  imageDigest: pulumi.Input<string | null>;
  /** Whether the profile oversubscribes the host's cores (netns: measured on the host); null when unknown. */
  oversubscribed: pulumi.Input<boolean | null>;
}

/** What a RunResult records of its workload's expansion. */
export interface WorkloadFacts {
  seed: number | null;
  offeredLoad: number | null;
  groups: { name: string; spec: JobSpec }[];
  replay?: ReplayFacts;
}

function workloadFacts(facts: WorkloadFacts | undefined): Omit<RunResult['workload'], 'name' | 'specCount'> {
  if (facts === undefined) return {};
  return {
    ...(facts.seed === null ? {} : { seed: facts.seed }),
    offeredLoad: facts.offeredLoad,
    groups: facts.groups.map((g) => ({
      name: g.name,
      count: g.spec.count,
      nodes: g.spec.nodes,
      tasksPerNode: g.spec.tasksPerNode,
      cpusPerTask: g.spec.cpus,
      expectedSeconds: g.spec.expectedSeconds,
    })),
    ...(facts.replay === undefined
      ? {}
      : {
          replay: {
            file: facts.replay.file,
            scale: facts.replay.scale,
            machineProcessors: facts.replay.machineProcessors,
            droppedWider: facts.replay.droppedWider,
            sha256: facts.replay.sha256,
            warmupJobs: facts.replay.warmupJobs,
            cooldownJobs: facts.replay.cooldownJobs,
          },
        }),
  };
}

export interface WorkloadRunArgs {
  /** The validated scheduler the jobs run on. */
  cluster: SchedulerCluster;
  /** Workload name (file names and job names carry it). */
  workload: string;
  /** 1-based repetition number. */
  repetition: number;
  /** The workload's job specs (workloads/catalog.ts). */
  specs: JobSpec[];
  /** What the RunResult records of the workload beyond its name: seed, offered load, groups (workloads/expand.ts). */
  facts?: WorkloadFacts;
  /** The profile the specs were sized for (emulated: N nodes of the emulation's size). */
  profile: Profile & { name: string };
  /** The run's emulation as its RunResult records it, or null: real execution. */
  emulation: Emulation | null;
  /** `<UTC timestamp>_<first 12 hex of the config hash>` (components/identity). */
  runId: pulumi.Input<string>;
  /** SHA-256 of the canonical validated config. */
  configHash: string;
  /** The campaign this stack belongs to, or null. */
  campaignId: string | null;
  /** Stack name (result path, provenance). */
  stack: string;
  /** Node and scheduler sample interval (ms); scheduler statistics at most every `statsIntervalSeconds` (s). */
  sampling: { intervalMs: number; statsIntervalSeconds: number };
  /** Idle time before submitting (s): samplers record the quiet baseline, the previous run's tail settles. */
  idleGapSeconds: number;
  /** Multiplier on the expected duration that bounds the wait. */
  timeoutFactor: number;
  /** Absolute directory of RunResult files on the program's machine. */
  resultsDir: string;
  /** Version of schedbench (provenance). */
  schedbenchVersion: string;
  backend: BackendFacts;
  /** The RunResult writer's bundle (components/build): the check and write stages run it. */
  writer: Bundle;
  /** The resource this run starts after: the previous run, or the scheduler's validation. */
  after: pulumi.Resource;
}

/** One child command of the run: replacements delete first (scripts reuse fixed paths). */
function stage(
  parent: pulumi.Resource,
  name: string,
  cmd: StageCommand,
  dependsOn: pulumi.Input<pulumi.Resource>[],
): command.remote.Command {
  return remoteCommand(
    name,
    {
      connection: cmd.node.connection,
      create: cmd.create,
      ...(cmd.delete === undefined ? {} : { delete: cmd.delete }),
      environment: cmd.environment,
    },
    { parent, dependsOn, deleteBeforeReplace: true },
  );
}

/** `startedAt` of what a scheduler sampler's start printed (epoch seconds, its node's clock), or '' without one. */
export function samplerStartedAt(stdout: string): string {
  let value: unknown;
  try {
    value = JSON.parse(stdout);
  } catch {
    return '';
  }
  const parsed = SamplerStarted.safeParse(value);
  return parsed.success && parsed.data.startedAt !== undefined ? parsed.data.startedAt.toFixed(6) : '';
}

/** The node sampler of one node: start (stopped on delete too, after a crash) and stop. */
function nodeSampler(
  root: string,
  slug: pulumi.Input<string>,
  node: Node,
  intervalMs: number,
  skip: pulumi.Input<string>,
  jobFilesDir: pulumi.Input<string>,
) {
  const environment = {
    SAMPLER_DIR: pulumi.interpolate`${root}/samplers/${slug}/${node.name}`,
    INTERVAL_MS: String(intervalMs),
    IFACE: node.interface,
    SCHEDBENCH_SKIP: skip,
    JOB_FILES_DIR: jobFilesDir,
  };
  const stop = remoteScript(SAMPLERS_SCRIPTS_DIR, 'node-sampler-stop.sh');
  return {
    start: {
      node,
      create: remoteScript(SAMPLERS_SCRIPTS_DIR, 'node-sampler-start.sh', [
        path.join(SAMPLERS_SCRIPTS_DIR, 'energy.sh'),
      ]),
      delete: stop,
      environment,
    },
    stop: { node, create: stop, environment },
  };
}

export class WorkloadRun extends pulumi.ComponentResource {
  /** Where the RunResult is written. */
  readonly resultPath: pulumi.Output<string>;
  /** Status, jobs completed/failed/cancelled/unfinished, makespan and path (as the writer printed them). */
  readonly summary: pulumi.Output<RunSummary>;
  /** The last stage: the next run depends on it. */
  readonly done: pulumi.Resource;

  constructor(name: string, args: WorkloadRunArgs, opts?: pulumi.ComponentResourceOptions) {
    super('schedbench:workloads:Run', name, {}, opts);
    const run = { stack: args.stack, workload: args.workload, repetition: args.repetition };
    this.resultPath = pulumi
      .output(args.runId)
      .apply((runId) => resultPath(args.resultsDir, { ...run, runId }));
    const slug = pulumi.interpolate`${args.runId}.${args.stack}.${args.workload}-r${args.repetition}`;
    const writerEnv = {
      RESULT_PATH: this.resultPath,
      ...TS_ENVIRONMENT,
      SCHEDBENCH_WRITER: WRITER_ENTRY,
      SCHEDBENCH_WRITER_BUNDLE: args.writer.path,
    };
    const local = (
      stageName: string,
      create: string,
      deps: pulumi.Resource[],
      stdin?: pulumi.Input<string>,
    ) =>
      new command.local.Command(
        `${name}-${stageName}`,
        { create, environment: writerEnv, ...(stdin === undefined ? {} : { stdin }) },
        { parent: this, dependsOn: [...deps, args.writer.written], deleteBeforeReplace: true },
      );

    // check: `done` when the result is already written; every later stage then returns at once. No file there
    // is the common case and needs no validation: the writer (a TypeScript process, 0.7–6 s to start here) only
    // runs when there is a file to judge — it answers `todo` for a missing file too, so the answer is the same.
    const check = local(
      'check',
      `${WRITER} if [ -e "$RESULT_PATH" ]; then writer check; else printf todo; fi`,
      [args.after],
    );
    const skip = check.stdout.apply((s) => s.trim());
    const stages: RunStages = args.cluster.runStages({
      slug,
      specs: args.specs,
      timeoutFactor: args.timeoutFactor,
      timeoutSeconds: runTimeoutSeconds(args.specs, args.profile, args.timeoutFactor),
      idleGapSeconds: args.idleGapSeconds,
      sampling: args.sampling,
      skip,
    });

    // samplers: one per node and the scheduler's own, started before the first submission.
    const nodeSamplers = args.cluster.nodes.map((node) => {
      const sampler = nodeSampler(
        args.cluster.stateDir,
        slug,
        node,
        args.sampling.intervalMs,
        skip,
        stages.jobFilesDir,
      );
      return { node, sampler, start: stage(this, `${name}-sampler-${node.name}`, sampler.start, [check]) };
    });
    const schedStart = stage(this, `${name}-sched-sampler`, stages.samplerStart, [check]);

    // submit → wait → collect. The idle gap counts from when the scheduler sampler started, by the clock of the
    // node both run on (IDLE_FROM): starting the samplers is then part of the gap, not time added before it.
    const idleFrom =
      stages.samplerStart.node.name === stages.submit.node.name
        ? schedStart.stdout.apply((out) => samplerStartedAt(out))
        : '';
    const submitCmd = {
      ...stages.submit,
      environment: { ...stages.submit.environment, IDLE_FROM: idleFrom },
    };
    const submit = stage(this, `${name}-submit`, submitCmd, [
      schedStart,
      ...nodeSamplers.map((s) => s.start),
    ]);
    const wait = stage(this, `${name}-wait`, stages.wait, [submit]);
    const jobIds = submit.stdout.apply((out) => {
      const parsed = SubmitOutput.safeParse(JSON.parse(out));
      return parsed.success ? parsed.data.jobs.map((j) => j.id).join(',') : '';
    });
    const collectCmd = { ...stages.collect, environment: { ...stages.collect.environment, JOB_IDS: jobIds } };
    const collect = stage(this, `${name}-collect`, collectCmd, [wait]);

    // stop samplers once the jobs are done, each printing what it sampled — beside collect, not after it: the
    // scheduler's accounting query is no part of the run to sample, and running them together saves a stage.
    const nodeStops = nodeSamplers.map((s) =>
      stage(this, `${name}-sampler-stop-${s.node.name}`, s.sampler.stop, [wait]),
    );
    const schedStop = stage(this, `${name}-sched-sampler-stop`, stages.samplerStop, [wait]);
    // The job files of the nodes that do not share the collect node's filesystem (netns nodes share this host's),
    // beside collect too.
    const gathers =
      args.backend.kind === 'netns'
        ? []
        : args.cluster.nodes
            .filter((node) => node.name !== stages.collect.node.name)
            .map((node) => ({
              node,
              stage: stage(
                this,
                `${name}-job-files-${node.name}`,
                {
                  node,
                  create: remoteScript(JOB_SCRIPTS_DIR, 'job-files.sh'),
                  environment: { JOB_FILES_DIR: stages.jobFilesDir, SCHEDBENCH_SKIP: skip },
                },
                [wait],
              ),
            }));

    // write: the RunResult, on the program's machine.
    const bundle = pulumi
      .all([
        this.meta(args),
        submit.stdout,
        wait.stdout,
        collect.stdout,
        pulumi.all(nodeStops.map((s) => s.stdout)),
        schedStop.stdout,
        pulumi.all(gathers.map((g) => g.stage.stdout)),
      ])
      .apply(([meta, sub, w, col, stops, sched, files]) =>
        JSON.stringify({
          meta,
          submit: sub,
          wait: w,
          collect: col,
          nodeSamplers: Object.fromEntries(nodeSamplers.map((s, i) => [s.node.name, stops[i] ?? ''])),
          schedulerSampler: sched,
          nodeJobFiles: Object.fromEntries(gathers.map((g, i) => [g.node.name, files[i] ?? ''])),
        }),
      );
    const write = local('write', `${WRITER} writer write`, [collect, schedStop, ...nodeStops], bundle);
    this.done = write;
    this.summary = write.stdout.apply((out) => RunSummary.parse(JSON.parse(out)));
    this.registerOutputs({ resultPath: this.resultPath, summary: this.summary });
  }

  /** What the writer needs to know of the run besides the stages' outputs. */
  private meta(args: WorkloadRunArgs): pulumi.Output<RunMeta> {
    const { backend } = args;
    return pulumi
      .all([
        args.runId,
        args.cluster.provenance,
        backend.virtualization,
        backend.imageDigest,
        backend.oversubscribed,
      ])
      .apply(([runId, schedulerProvenance, virtualization, imageDigest, oversubscribed]) => ({
        runId,
        configHash: args.configHash,
        campaignId: args.campaignId,
        stack: args.stack,
        scheduler: args.cluster.scheduler,
        profile: {
          name: args.profile.name,
          nodes: args.profile.nodes,
          vcpus: args.profile.vcpus,
          memoryGiB: args.profile.memoryGiB,
        },
        workload: { name: args.workload, specCount: jobCount(args.specs), ...workloadFacts(args.facts) },
        repetition: args.repetition,
        logJobs: args.facts?.replay?.logJobs ?? [],
        jobShapes: args.specs.map((s) => ({
          nodes: s.nodes,
          tasksPerNode: s.tasksPerNode,
          priority: s.priority,
        })),
        nodes: args.cluster.nodes.map((n) => ({ name: n.name, cpus: n.vcpus, memoryMiB: n.memoryMiB })),
        samplingIntervalMs: args.sampling.intervalMs,
        schedulerProvenance,
        backend: { kind: backend.kind, host: backend.host, virtualization, imageDigest, oversubscribed },
        schedbenchVersion: args.schedbenchVersion,
        profileSizedFrom: args.profile.sizedFrom ?? null,
        emulation: args.emulation,
      }));
  }
}
