// schedbench:slurm:Cluster — a real SLURM cluster with slurmdbd + MariaDB accounting on any Node[], built
// only over SSH in named stages: install → configure → start (munge, MariaDB, slurmdbd + slurmctld, slurmd)
// → validate. Deleting it drains jobs, stops every daemon it started by PID, drops its database, removes files.
// It is the scheduler contract's SLURM member (components/schedulers/contract.ts): `runStages` hands the run
// loop the sbatch/squeue/sacct/sdiag scripts of one run.
import * as command from '@pulumi/command';
import * as pulumi from '@pulumi/pulumi';
import { z } from 'zod';
import type { Node } from '../nodes/types';
import type {
  RunParams,
  RunStages,
  SchedulerArgs,
  SchedulerCluster,
  SchedulerProvenance,
  StageCommand,
} from '../schedulers/contract';
import type { SlurmOptions } from './options';
import { renderPlan } from '../jobs/plan';
import { clusterLayout, clusterPorts, spoolDir, type SlurmLayout, type SlurmPorts } from './layout';
import { databaseName, realMemoryMiB, renderCgroupConf, renderSlurmConf, renderSlurmdbdConf } from './render';
import { slurmScript } from './script';
import * as path from 'path';
import { remoteCommand } from '../nodes/remote';
import { JOB_WRAPPER } from '../jobs/wrapper';

/**
 * `cluster` is SLURM's ClusterName (the database name and the port block derive from it); the first node runs
 * slurmctld, slurmdbd and MariaDB, every node runs slurmd; validation checks every node against `profile`;
 * `stateDir` is the root of this cluster's files on every node.
 */
export interface SlurmClusterArgs extends SchedulerArgs {
  /** The `schedbench:slurm` config section. */
  options: SlurmOptions;
}

/** What install.sh reports (provenance for the RunResult). */
export const InstallInfo = z.strictObject({
  packages: z.record(z.string(), z.string()),
  os: z.string(),
  kernel: z.string(),
  host: z.string(),
  /** CPUs of the machine the node runs on (all netns nodes share the host's). */
  hostCpus: z.number().int().positive(),
});
export type InstallInfo = z.infer<typeof InstallInfo>;

const ValidateReport = z.object({ slurmVersion: z.string(), validated: z.literal(true) });

/** `remote.Command` options every stage shares: replacements delete first (scripts reuse fixed paths). */
function stageOptions(
  parent: pulumi.Resource,
  dependsOn: pulumi.Input<pulumi.Resource>[],
): pulumi.CustomResourceOptions {
  return { parent, dependsOn, deleteBeforeReplace: true };
}

export class SlurmCluster extends pulumi.ComponentResource implements SchedulerCluster {
  readonly scheduler = 'slurm' as const;
  /** Cluster name (SLURM's ClusterName). */
  readonly clusterName: string;
  /** All nodes; `controller` is the first. */
  readonly nodes: Node[];
  readonly controller: Node;
  readonly partition: string;
  readonly stateDir: string;
  readonly layout: SlurmLayout;
  readonly ports: SlurmPorts;
  /** SLURM version reported by the running controller. */
  readonly slurmVersion: pulumi.Output<string>;
  /** Packages, OS and kernel of the controller node. */
  readonly installInfo: pulumi.Output<InstallInfo>;
  /** The validation stage: workload runs depend on it. */
  readonly validated: pulumi.Resource;
  /** Environment every script on the controller needs to reach this cluster. */
  readonly controllerEnv: Record<string, string>;
  /** Version, packages and settings for the results' provenance. */
  readonly provenance: pulumi.Output<SchedulerProvenance>;

  constructor(name: string, args: SlurmClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super('schedbench:slurm:Cluster', name, {}, opts);
    const controller = args.nodes[0];
    if (controller === undefined)
      throw new pulumi.ResourceError('slurm: a cluster needs at least one node', this);
    if (!path.posix.isAbsolute(args.stateDir)) {
      throw new pulumi.ResourceError(`slurm: stateDir must be absolute, got ${args.stateDir}`, this);
    }
    this.clusterName = args.cluster;
    this.nodes = args.nodes;
    this.controller = controller;
    this.partition = args.options.partition;
    this.stateDir = args.stateDir;
    this.layout = clusterLayout(args.stateDir);
    this.ports = clusterPorts(args.cluster, args.options.basePort);
    const layout = this.layout;
    const stop = String(args.options.stopTimeoutSeconds);
    const specs = args.nodes.map((n) => ({
      name: n.name,
      address: n.address,
      vcpus: n.vcpus,
      memoryMiB: n.memoryMiB,
    }));
    const slurmConf = renderSlurmConf({
      cluster: args.cluster,
      nodes: specs,
      options: args.options,
      layout,
      ports: this.ports,
    });
    const dbName = databaseName(args.cluster);
    this.controllerEnv = { ROOT: layout.root, CLUSTER: args.cluster, PARTITION: args.options.partition };

    // Secrets: generated once by local commands, kept secret, delivered on stdin only.
    const mungeKey = new command.local.Command(
      `${name}-munge-key`,
      { create: 'head -c 1024 /dev/urandom | base64 -w0', logging: 'none' },
      { parent: this, additionalSecretOutputs: ['stdout'] },
    );
    const dbPassword = new command.local.Command(
      `${name}-db-password`,
      { create: "head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \\n'", logging: 'none' },
      { parent: this, additionalSecretOutputs: ['stdout'] },
    );

    const perNode = args.nodes.map((node) => {
      const install = remoteCommand(
        `${name}-install-${node.name}`,
        { connection: node.connection, create: slurmScript('install.sh') },
        stageOptions(this, [node.ready]),
      );
      const env = {
        ROOT: layout.root,
        NODE: node.name,
        SPOOL_DIR: spoolDir(layout, node.name),
        STOP_TIMEOUT: stop,
      };
      const configure = remoteCommand(
        `${name}-configure-${node.name}`,
        {
          connection: node.connection,
          create: slurmScript('configure.sh'),
          delete: slurmScript('unconfigure.sh'),
          environment: {
            ...env,
            SLURM_CONF_TEXT: slurmConf,
            CGROUP_CONF_TEXT: renderCgroupConf(),
            JOB_SCRIPT_TEXT: JOB_WRAPPER,
          },
          stdin: pulumi.secret(mungeKey.stdout),
          logging: 'stdoutAndStderr',
        },
        stageOptions(this, [install]),
      );
      const munge = remoteCommand(
        `${name}-munge-${node.name}`,
        {
          connection: node.connection,
          create: slurmScript('start-munge.sh'),
          delete: slurmScript('stop-munge.sh'),
          environment: env,
        },
        stageOptions(this, [configure]),
      );
      return { node, install, configure, munge, env };
    });
    const first = perNode[0];
    if (first === undefined) throw new pulumi.ResourceError('slurm: a cluster needs at least one node', this);

    const dbEnv = {
      ROOT: layout.root,
      DB_NAME: dbName,
      DB_PORT: String(this.ports.mariadb),
      DB_ADDRESS: controller.address,
      STOP_TIMEOUT: stop,
    };
    const db = remoteCommand(
      `${name}-db`,
      {
        connection: controller.connection,
        create: slurmScript('start-db.sh'),
        delete: slurmScript('stop-db.sh'),
        environment: dbEnv,
        stdin: pulumi.secret(dbPassword.stdout),
      },
      stageOptions(this, [first.munge]),
    );
    const controllerStart = remoteCommand(
      `${name}-controller`,
      {
        connection: controller.connection,
        create: slurmScript('start-controller.sh'),
        delete: slurmScript('stop-controller.sh'),
        environment: {
          ROOT: layout.root,
          CLUSTER: args.cluster,
          STOP_TIMEOUT: stop,
          SLURMDBD_CONF_TEXT: renderSlurmdbdConf({
            cluster: args.cluster,
            controllerName: controller.name,
            controllerAddress: controller.address,
            layout,
            ports: this.ports,
          }),
        },
        stdin: pulumi.secret(dbPassword.stdout),
      },
      stageOptions(this, [db, ...perNode.map((p) => p.configure)]),
    );
    const slurmds = perNode.map((p) =>
      remoteCommand(
        `${name}-slurmd-${p.node.name}`,
        {
          connection: p.node.connection,
          create: slurmScript('start-slurmd.sh'),
          delete: slurmScript('stop-slurmd.sh'),
          environment: p.env,
        },
        stageOptions(this, [p.munge, controllerStart]),
      ),
    );
    const expected = args.nodes.map((n) => `${n.name} ${n.vcpus} ${realMemoryMiB(n)}`).join('\n');
    const validate = remoteCommand(
      `${name}-validate`,
      {
        connection: controller.connection,
        create: slurmScript('validate.sh'),
        // Deleting the validation stage is the first step of tearing down: cancel every job of the cluster.
        delete: slurmScript('drain.sh'),
        environment: { ...this.controllerEnv, EXPECTED_NODES: expected, STOP_TIMEOUT: stop },
      },
      stageOptions(this, slurmds),
    );
    this.validated = validate;
    this.slurmVersion = validate.stdout.apply((out) => ValidateReport.parse(JSON.parse(out)).slurmVersion);
    this.installInfo = first.install.stdout.apply((out) => InstallInfo.parse(JSON.parse(out)));
    const settings: SchedulerProvenance['settings'] = {
      tuning: args.options.tuning,
      partition: args.options.partition,
    };
    this.provenance = pulumi
      .all([this.slurmVersion, this.installInfo])
      .apply(([version, install]): SchedulerProvenance => ({ version, ...install, settings }));

    this.registerOutputs({
      clusterName: this.clusterName,
      slurmVersion: this.slurmVersion,
      installInfo: this.installInfo,
    });
  }

  /** One run's stages on the controller: sdiag/squeue sampler, sbatch, the squeue wait, sacct. */
  runStages(run: RunParams): RunStages {
    const base = { ...this.controllerEnv, SCHEDBENCH_SKIP: run.skip };
    const on = (create: string, environment: StageCommand['environment'], del?: string): StageCommand => ({
      node: this.controller,
      create,
      ...(del === undefined ? {} : { delete: del }),
      environment: { ...base, ...environment },
    });
    const jobPrefix = pulumi.interpolate`${run.slug}.`;
    const sampler = {
      SAMPLER_DIR: pulumi.interpolate`${this.layout.samplersDir}/${run.slug}/scheduler`,
      INTERVAL_MS: String(run.sampling.intervalMs),
      STATS_INTERVAL_SECONDS: String(run.sampling.statsIntervalSeconds),
    };
    return {
      samplerStart: on(slurmScript('sampler-start.sh'), sampler, slurmScript('sampler-stop.sh')),
      samplerStop: on(slurmScript('sampler-stop.sh'), sampler),
      submit: on(slurmScript('submit.sh'), {
        RUN_KEY: run.slug,
        JOB_PREFIX: jobPrefix,
        PLAN: renderPlan(run.specs, run.timeoutFactor),
        IDLE_GAP_SECONDS: String(run.idleGapSeconds),
      }),
      wait: on(slurmScript('wait.sh'), {
        JOB_PREFIX: jobPrefix,
        TIMEOUT_SECONDS: String(run.timeoutSeconds),
      }),
      collect: on(slurmScript('collect.sh'), { RUN_KEY: run.slug }),
      // submit.sh and collect.sh name it from ROOT and RUN_KEY the same way.
      jobFilesDir: pulumi.interpolate`${this.layout.root}/jobs/out/${run.slug}`,
    };
  }
}
