// schedbench:workloads:Run — one workload × repetition on a SLURM cluster, as named stages: check (skip a
// run whose result file is already valid) → start samplers → submit → wait → collect → stop samplers → write
// the RunResult on the program's machine. Runs of a stack are chained one after another by `after`.
import * as command from '@pulumi/command';
import * as pulumi from '@pulumi/pulumi';
import * as path from 'path';
import { z } from 'zod';
import type { Profile } from '../components/config/schema';
import type { SlurmCluster } from '../components/slurm/cluster';
import { jobPrefix, renderPlan } from '../components/slurm/plan';
import { scriptCommand, slurmScript } from '../components/slurm/script';
import { jobCount, runTimeoutSeconds, type JobSpec } from './catalog';
import { RunSummary, type RunMeta } from './result';

export const SAMPLERS_SCRIPTS_DIR = path.join(__dirname, '..', 'components', 'samplers', 'scripts');
const PROJECT_ROOT = path.join(__dirname, '..');

/** Identity of the stack's campaign (components/config identity). */
export interface RunIdentity {
  /** `<UTC timestamp>_<first 12 hex of the config hash>`. */
  runId: pulumi.Input<string>;
  /** SHA-256 of the canonical validated config. */
  configHash: pulumi.Input<string>;
}

export interface WorkloadRunArgs {
  /** The validated cluster the jobs run on. */
  cluster: SlurmCluster;
  /** Workload name (file names and job names carry it). */
  workload: string;
  /** 1-based repetition number. */
  repetition: number;
  /** The workload's job specs (workloads/catalog.ts). */
  specs: JobSpec[];
  /** The profile the specs were sized for. */
  profile: Profile & { name: string };
  identity: RunIdentity;
  /** Stack name (result path, provenance). */
  stack: string;
  /** Node and scheduler sample interval (ms); sdiag at most every `statsIntervalSeconds` (s). */
  sampling: { intervalMs: number; statsIntervalSeconds: number };
  /** Idle time before submitting (s): samplers record the quiet baseline, the previous run's tail settles. */
  idleGapSeconds: number;
  /** Multiplier on the expected duration that bounds the wait. */
  timeoutFactor: number;
  /** Absolute directory of RunResult files on the program's machine. */
  resultsDir: string;
  /** Version of schedbench (provenance). */
  schedbenchVersion: string;
  /** Hardware virtualisation of the nodes (provenance); null for netns and bare metal. */
  virtualization?: pulumi.Input<'kvm' | 'tcg' | null>;
  /** Whether the profile oversubscribes the host's cores, when the node backend knows. */
  oversubscribed?: pulumi.Input<boolean>;
  /** SHA-256 of the VM base image (libvirt), or null. */
  imageDigest?: pulumi.Input<string | null>;
  /** Name of the machine the nodes run on (provenance); default: what the controller node reports. */
  hostName?: string;
  /** The resource this run starts after: the previous run, or the cluster's validation. */
  after: pulumi.Resource;
}

const SubmitJobs = z.object({ jobs: z.array(z.object({ id: z.string() })) });

export class WorkloadRun extends pulumi.ComponentResource {
  /** Where the RunResult is written. */
  readonly resultPath: pulumi.Output<string>;
  /** Status, jobs completed/failed, makespan and path (as the writer printed them). */
  readonly summary: pulumi.Output<RunSummary>;
  /** The last stage: the next run depends on it. */
  readonly done: pulumi.Resource;

  constructor(name: string, args: WorkloadRunArgs, opts?: pulumi.ComponentResourceOptions) {
    super('schedbench:workloads:Run', name, {}, opts);
    const { cluster } = args;
    const controller = cluster.controller;
    const runKey = pulumi.interpolate`${args.workload}-r${args.repetition}-${args.identity.runId}`;
    const prefix = pulumi
      .output(args.identity.runId)
      .apply((id) => jobPrefix(id, args.workload, args.repetition));
    this.resultPath = pulumi
      .output(args.identity.runId)
      .apply((id) => path.join(args.resultsDir, id, args.stack, `${args.workload}-r${args.repetition}.json`));
    const writerEnv = {
      RESULT_PATH: this.resultPath,
      SCHEDBENCH_TSX: path.join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx'),
      SCHEDBENCH_WRITER: path.join(PROJECT_ROOT, 'workloads', 'write-result.ts'),
    };
    const child = (dependsOn: pulumi.Input<pulumi.Resource>[]): pulumi.CustomResourceOptions => ({
      parent: this,
      dependsOn,
      deleteBeforeReplace: true,
    });

    const check = new command.local.Command(
      `${name}-check`,
      { create: '"$SCHEDBENCH_TSX" "$SCHEDBENCH_WRITER" check', environment: writerEnv },
      child([args.after]),
    );
    const skip = check.stdout.apply((s) => s.trim());
    const base = { ...cluster.controllerEnv, SCHEDBENCH_SKIP: skip };

    const samplerDir = (node: string) => pulumi.interpolate`${cluster.layout.samplersDir}/${runKey}/${node}`;
    const nodeSamplers = cluster.nodes.map((node) => {
      const env = {
        SAMPLER_DIR: samplerDir(node.name),
        INTERVAL_MS: String(args.sampling.intervalMs),
        IFACE: node.interface,
        SCHEDBENCH_SKIP: skip,
      };
      const start = new command.remote.Command(
        `${name}-sampler-${node.name}`,
        {
          connection: node.connection,
          create: scriptCommand(SAMPLERS_SCRIPTS_DIR, 'node-sampler-start.sh'),
          // After a crash mid-run the sampler may still be going: deleting the run stops it.
          delete: scriptCommand(SAMPLERS_SCRIPTS_DIR, 'node-sampler-stop.sh'),
          environment: env,
        },
        child([check]),
      );
      return { node, env, start };
    });
    const schedEnv = {
      ...base,
      SAMPLER_DIR: samplerDir('scheduler'),
      INTERVAL_MS: String(args.sampling.intervalMs),
      STATS_INTERVAL_SECONDS: String(args.sampling.statsIntervalSeconds),
    };
    const schedStart = new command.remote.Command(
      `${name}-sched-sampler`,
      {
        connection: controller.connection,
        create: scriptCommand(SAMPLERS_SCRIPTS_DIR, 'slurm-sampler-start.sh'),
        delete: scriptCommand(SAMPLERS_SCRIPTS_DIR, 'slurm-sampler-stop.sh'),
        environment: schedEnv,
      },
      child([check]),
    );

    const submit = new command.remote.Command(
      `${name}-submit`,
      {
        connection: controller.connection,
        create: slurmScript('submit.sh'),
        environment: {
          ...base,
          RUN_KEY: runKey,
          JOB_PREFIX: prefix,
          PLAN: renderPlan(args.specs, args.timeoutFactor),
          IDLE_GAP_SECONDS: String(args.idleGapSeconds),
        },
      },
      child([schedStart, ...nodeSamplers.map((s) => s.start)]),
    );
    const wait = new command.remote.Command(
      `${name}-wait`,
      {
        connection: controller.connection,
        create: slurmScript('wait.sh'),
        environment: {
          ...base,
          JOB_PREFIX: prefix,
          TIMEOUT_SECONDS: String(runTimeoutSeconds(args.specs, args.profile, args.timeoutFactor)),
        },
      },
      child([submit]),
    );
    const jobIds = submit.stdout.apply((out) => {
      const parsed = SubmitJobs.safeParse(JSON.parse(out));
      return parsed.success ? parsed.data.jobs.map((j) => j.id).join(',') : '';
    });
    const collect = new command.remote.Command(
      `${name}-collect`,
      {
        connection: controller.connection,
        create: slurmScript('collect.sh'),
        environment: { ...base, RUN_KEY: runKey, JOB_IDS: jobIds },
      },
      child([wait]),
    );
    const nodeStops = nodeSamplers.map(
      (s) =>
        new command.remote.Command(
          `${name}-sampler-stop-${s.node.name}`,
          {
            connection: s.node.connection,
            create: scriptCommand(SAMPLERS_SCRIPTS_DIR, 'node-sampler-stop.sh'),
            environment: s.env,
          },
          child([collect]),
        ),
    );
    const schedStop = new command.remote.Command(
      `${name}-sched-sampler-stop`,
      {
        connection: controller.connection,
        create: scriptCommand(SAMPLERS_SCRIPTS_DIR, 'slurm-sampler-stop.sh'),
        environment: schedEnv,
      },
      child([collect]),
    );

    const meta: pulumi.Output<RunMeta> = pulumi
      .all([
        args.identity.runId,
        args.identity.configHash,
        cluster.slurmVersion,
        cluster.installInfo,
        args.virtualization ?? null,
        args.oversubscribed,
        args.imageDigest ?? null,
      ])
      .apply(([runId, configHash, version, install, virtualization, oversubscribed, imageDigest]) => ({
        runId,
        configHash,
        stack: args.stack,
        scheduler: { name: 'slurm' as const, version },
        profile: {
          name: args.profile.name,
          nodes: args.profile.nodes,
          vcpus: args.profile.vcpus,
          memoryGiB: args.profile.memoryGiB,
        },
        workload: { name: args.workload, specCount: jobCount(args.specs) },
        repetition: args.repetition,
        nodes: cluster.nodes.map((n) => ({ name: n.name, cpus: n.vcpus, memoryMiB: n.memoryMiB })),
        samplingIntervalMs: args.sampling.intervalMs,
        provenance: {
          host: args.hostName ?? install.host,
          os: install.os,
          kernel: install.kernel,
          hostCpus: install.hostCpus,
          backend: controller.backend,
          virtualization,
          imageDigest,
          oversubscribed,
          packages: install.packages,
          schedbenchVersion: args.schedbenchVersion,
        },
      }));
    const bundle = pulumi
      .all([
        meta,
        submit.stdout,
        wait.stdout,
        collect.stdout,
        pulumi.all(nodeStops.map((s) => s.stdout)),
        schedStop.stdout,
      ])
      .apply(([m, sub, w, col, stops, sched]) =>
        JSON.stringify({
          meta: m,
          submit: sub,
          wait: w,
          collect: col,
          nodeSamplers: Object.fromEntries(nodeSamplers.map((s, i) => [s.node.name, stops[i] ?? ''])),
          schedulerSampler: sched,
        }),
      );
    const write = new command.local.Command(
      `${name}-write`,
      { create: '"$SCHEDBENCH_TSX" "$SCHEDBENCH_WRITER" write', environment: writerEnv, stdin: bundle },
      child([schedStop, ...nodeStops]),
    );
    this.done = write;
    this.summary = write.stdout.apply((out) => RunSummary.parse(JSON.parse(out)));
    this.registerOutputs({ resultPath: this.resultPath, summary: this.summary });
  }
}
