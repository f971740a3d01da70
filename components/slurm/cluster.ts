// schedbench:slurm:Cluster — a real SLURM cluster with slurmdbd + MariaDB accounting on any Node[], built
// only over SSH in named stages: install → configure → start (munge, MariaDB, slurmdbd + slurmctld, slurmd)
// → validate. Deleting it drains jobs, stops every daemon it started by PID, drops its database, removes files.
// It is the scheduler contract's SLURM member (components/schedulers/contract.ts): `runStages` hands the run
// loop the sbatch/squeue/sacct/sdiag scripts of one run.
import * as command from '@pulumi/command';
import * as pulumi from '@pulumi/pulumi';
import * as path from 'path';
import type { Node } from '../nodes/types';
import { remoteCommand } from '../nodes/remote';
import { JOB_WRAPPER } from '../jobs/wrapper';
import { renderPlan } from '../jobs/plan';
import type {
  RunParams,
  RunStages,
  SchedulerArgs,
  SchedulerCluster,
  SchedulerProvenance,
} from '../schedulers/contract';
import {
  InstallInfo,
  stageCommandsOn,
  stageOptions,
  stageOutput,
  validatedVersion,
} from '../schedulers/stages';
import { SLURM_NODE_PACKAGES } from './image';
import { clusterLayout, clusterPorts, type SlurmLayout, type SlurmPorts } from './layout';
import { slurmdBlocks, slurmNodesOf, type SlurmdBlock } from './placement';
import type { SlurmOptions } from './options';
import {
  databaseName,
  PRIORITY_TYPE,
  realMemoryMiB,
  renderCgroupConf,
  renderSlurmConf,
  renderSlurmdbdConf,
  schedulerParameters,
  type SlurmNodeSpec,
} from './render';
import { slurmScript, TASKS_SCRIPT } from './script';

/**
 * `cluster` is SLURM's ClusterName (the database name and the port block derive from it); the first node runs
 * slurmctld, slurmdbd and MariaDB, every node runs slurmd; validation checks every node against its vCPUs and
 * memory; `stateDir` is the root of this cluster's files on every node.
 */
export interface SlurmClusterArgs extends SchedulerArgs {
  /** The `schedbench:slurm` config section. */
  options: SlurmOptions;
}

/** The cluster's secrets: made once by local commands, kept secret, delivered to the nodes on stdin only. */
interface Secrets {
  mungeKey: pulumi.Output<string>;
  dbPassword: pulumi.Output<string>;
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
  /** Each stack node with the SLURM nodes whose slurmd it runs (itself; or, emulated, a block of emulated nodes). */
  readonly blocks: SlurmdBlock<Node>[];
  /** Every SLURM node of the cluster, in order: what slurm.conf declares and validation checks. */
  readonly slurmNodes: SlurmNodeSpec[];
  /** Whether its SLURM nodes are emulated (docs/scale.md). */
  readonly emulated: boolean;
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
  /** The component's name: its stages' names derive from it (`<name>-install-<node>`, …). */
  private readonly baseName: string;
  private readonly options: SlurmOptions;

  constructor(name: string, args: SlurmClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super('schedbench:slurm:Cluster', name, {}, opts);
    const controller = args.nodes[0];
    if (controller === undefined)
      throw new pulumi.ResourceError('slurm: a cluster needs at least one node', this);
    if (!path.posix.isAbsolute(args.stateDir))
      throw new pulumi.ResourceError(`slurm: stateDir must be absolute, got ${args.stateDir}`, this);
    this.baseName = name;
    this.options = args.options;
    this.clusterName = args.cluster;
    this.nodes = args.nodes;
    this.controller = controller;
    this.partition = args.options.partition;
    this.stateDir = args.stateDir;
    this.layout = clusterLayout(args.stateDir);
    this.ports = clusterPorts(args.cluster, args.options.basePort);
    this.emulated = args.emulation !== null;
    this.blocks = slurmdBlocks(args.nodes, args.emulation, this.ports);
    this.slurmNodes = slurmNodesOf(this.blocks);
    this.controllerEnv = { ROOT: this.layout.root, CLUSTER: args.cluster, PARTITION: args.options.partition };

    const secrets = this.secrets();
    const perNode = args.nodes.map((node) => {
      const install = this.install(node);
      const configure = this.configure(node, install, secrets);
      return { node, install, configure, munge: this.munge(node, configure) };
    });
    const [first] = perNode;
    if (first === undefined) throw new pulumi.ResourceError('slurm: a cluster needs at least one node', this);
    const database = this.database(secrets, first.munge);
    const daemons = this.controllerDaemons(secrets, [database, ...perNode.map((p) => p.configure)]);
    const slurmds = perNode.map((p) => this.slurmd(p.node, [p.munge, daemons]));
    const validate = this.validate(slurmds);

    this.validated = validate;
    this.slurmVersion = validatedVersion(validate.stdout, 'slurmVersion');
    this.installInfo = stageOutput(first.install.stdout, InstallInfo);
    const settings: SchedulerProvenance['settings'] = {
      tuning: this.options.tuning,
      partition: this.partition,
      schedulerParameters: schedulerParameters(this.options),
      priorityType: PRIORITY_TYPE,
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
    const on = stageCommandsOn(this.controller, { ...this.controllerEnv, SCHEDBENCH_SKIP: run.skip });
    const jobPrefix = pulumi.interpolate`${run.slug}.`;
    const sampler = {
      SAMPLER_DIR: pulumi.interpolate`${this.layout.samplersDir}/${run.slug}/scheduler`,
      INTERVAL_MS: String(run.sampling.intervalMs),
      STATS_INTERVAL_SECONDS: String(run.sampling.statsIntervalSeconds),
      SAMPLE_NODES: this.emulated ? '0' : '1',
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

  /** The munge key and the database password: generated here, secret outputs from the start. */
  private secrets(): Secrets {
    const secret = (what: string, create: string): pulumi.Output<string> =>
      new command.local.Command(
        `${this.baseName}-${what}`,
        { create, logging: 'none' },
        { parent: this, additionalSecretOutputs: ['stdout'] },
      ).stdout;
    return {
      mungeKey: secret('munge-key', 'head -c 1024 /dev/urandom | base64 -w0'),
      dbPassword: secret('db-password', "head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \\n'"),
    };
  }

  /** Install: SLURM's, munge's, MariaDB's packages and the load tools, where missing. */
  private install(node: Node): command.remote.Command {
    return remoteCommand(
      `${this.baseName}-install-${node.name}`,
      {
        connection: node.connection,
        create: slurmScript('install.sh'),
        environment: { PACKAGES: SLURM_NODE_PACKAGES.join(' ') },
      },
      stageOptions(this, [node.ready]),
    );
  }

  /**
   * What every per-node script gets: the cluster's files, the node, the SLURM nodes whose slurmd it runs (spools
   * under RUN_DIR), the stop grace.
   */
  private nodeEnv(node: Node): Record<string, string> {
    const block = this.blocks.find((b) => b.host === node);
    return {
      ROOT: this.layout.root,
      NODE: node.name,
      RUN_DIR: this.layout.runDir,
      SLURMDS: (block?.nodes ?? []).map((n) => n.name).join(' '),
      STOP_TIMEOUT: String(this.options.stopTimeoutSeconds),
    };
  }

  /** Configure: slurm.conf, cgroup.conf, the job wrapper and its task launcher, the munge key (stdin) on the node. */
  private configure(node: Node, install: pulumi.Resource, secrets: Secrets): command.remote.Command {
    const slurmConf = renderSlurmConf({
      cluster: this.clusterName,
      controller: this.controller,
      nodes: this.slurmNodes,
      options: this.options,
      layout: this.layout,
      ports: this.ports,
    });
    return remoteCommand(
      `${this.baseName}-configure-${node.name}`,
      {
        connection: node.connection,
        create: slurmScript('configure.sh'),
        delete: slurmScript('unconfigure.sh'),
        environment: {
          ...this.nodeEnv(node),
          SLURM_CONF_TEXT: slurmConf,
          CGROUP_CONF_TEXT: renderCgroupConf(),
          JOB_SCRIPT_TEXT: JOB_WRAPPER,
          TASKS_SCRIPT_TEXT: TASKS_SCRIPT,
        },
        stdin: pulumi.secret(secrets.mungeKey),
        logging: 'stdoutAndStderr',
      },
      stageOptions(this, [install]),
    );
  }

  /** munged of the cluster, on the node (netns nodes share one). */
  private munge(node: Node, configure: pulumi.Resource): command.remote.Command {
    return remoteCommand(
      `${this.baseName}-munge-${node.name}`,
      {
        connection: node.connection,
        create: slurmScript('start-munge.sh'),
        delete: slurmScript('stop-munge.sh'),
        environment: this.nodeEnv(node),
      },
      stageOptions(this, [configure]),
    );
  }

  /** The cluster's own MariaDB on the controller, with the accounting database and its user (password on stdin). */
  private database(secrets: Secrets, after: pulumi.Resource): command.remote.Command {
    return remoteCommand(
      `${this.baseName}-db`,
      {
        connection: this.controller.connection,
        create: slurmScript('start-db.sh'),
        delete: slurmScript('stop-db.sh'),
        environment: {
          ROOT: this.layout.root,
          DB_NAME: databaseName(this.clusterName),
          DB_PORT: String(this.ports.mariadb),
          DB_ADDRESS: this.controller.address,
          STOP_TIMEOUT: String(this.options.stopTimeoutSeconds),
        },
        stdin: pulumi.secret(secrets.dbPassword),
      },
      stageOptions(this, [after]),
    );
  }

  /** On the controller: slurmdbd, the cluster and root's association in accounting, then slurmctld. */
  private controllerDaemons(secrets: Secrets, after: pulumi.Resource[]): command.remote.Command {
    const slurmdbdConf = renderSlurmdbdConf({
      cluster: this.clusterName,
      controllerName: this.controller.name,
      controllerAddress: this.controller.address,
      layout: this.layout,
      ports: this.ports,
    });
    return remoteCommand(
      `${this.baseName}-controller`,
      {
        connection: this.controller.connection,
        create: slurmScript('start-controller.sh'),
        delete: slurmScript('stop-controller.sh'),
        environment: {
          ROOT: this.layout.root,
          CLUSTER: this.clusterName,
          STOP_TIMEOUT: String(this.options.stopTimeoutSeconds),
          SLURMDBD_CONF_TEXT: slurmdbdConf,
        },
        stdin: pulumi.secret(secrets.dbPassword),
      },
      stageOptions(this, after),
    );
  }

  /** slurmd of the node. */
  private slurmd(node: Node, after: pulumi.Resource[]): command.remote.Command {
    return remoteCommand(
      `${this.baseName}-slurmd-${node.name}`,
      {
        connection: node.connection,
        create: slurmScript('start-slurmd.sh'),
        delete: slurmScript('stop-slurmd.sh'),
        environment: this.nodeEnv(node),
      },
      stageOptions(this, after),
    );
  }

  /**
   * Validate, from the controller: every node idle with its vCPUs and memory, one job on each completes and is in
   * accounting. Deleting it is the first step of tearing down: every job of the cluster is cancelled.
   */
  private validate(after: pulumi.Resource[]): command.remote.Command {
    const expected = this.slurmNodes.map((n) => `${n.name} ${n.vcpus} ${realMemoryMiB(n)}`).join('\n');
    // A validation job runs on every SLURM node: emulated, a second more for every 20 of them.
    const validateTimeout =
      this.options.validateTimeoutSeconds + (this.emulated ? Math.ceil(this.slurmNodes.length / 20) : 0);
    return remoteCommand(
      `${this.baseName}-validate`,
      {
        connection: this.controller.connection,
        create: slurmScript('validate.sh'),
        delete: slurmScript('drain.sh'),
        environment: {
          ...this.controllerEnv,
          EXPECTED_NODES: expected,
          STOP_TIMEOUT: String(this.options.stopTimeoutSeconds),
          VALIDATE_TIMEOUT: String(validateTimeout),
        },
      },
      stageOptions(this, after),
    );
  }
}
