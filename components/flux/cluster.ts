// schedbench:flux:Cluster — a multi-node Flux system instance (flux-core + Fluxion from an existing installation)
// on any Node[], built only over SSH in named stages: install (check the prefix, load tools) → CURVE certificate
// (made on rank 0, kept secret) → configure (system.toml, certificate on stdin) → brokers (one per node, rank 0
// first) → validate. Deleting it cancels every job, shuts the instance down, kills what is left and removes its
// files. It is the scheduler contract's Flux member: `runStages` hands the run loop its flux submit/jobs scripts.
import type * as command from '@pulumi/command';
import * as pulumi from '@pulumi/pulumi';
import * as path from 'path';
import { z } from 'zod';
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
import { brokerPort, fluxLayout, localUri, type FluxLayout } from './layout';
import type { FluxOptions } from './options';
import { renderExpectedNodes, renderSystemToml } from './render';
import { fluxScript } from './script';

/**
 * `cluster` names the instance (its broker port derives from it); the first node is rank 0, every node runs a
 * broker and Flux schedules on each node's vCPUs; `stateDir` is the root of this cluster's files on every node.
 */
export interface FluxClusterArgs extends SchedulerArgs {
  /** The `schedbench:flux` config section; `prefix` must be set (the registry refuses a stack without it). */
  options: FluxOptions;
}

/** What install-check.sh reports: the machine facts and versions, and the prefix Flux runs from (provenance). */
export const FluxInstallInfo = InstallInfo.extend({ prefix: z.string() });
export type FluxInstallInfo = z.infer<typeof FluxInstallInfo>;

export class FluxCluster extends pulumi.ComponentResource implements SchedulerCluster {
  readonly scheduler = 'flux' as const;
  readonly clusterName: string;
  readonly nodes: Node[];
  /** Rank 0: every command of a run goes through its broker's local socket. */
  readonly rank0: Node;
  readonly stateDir: string;
  readonly layout: FluxLayout;
  /** The brokers' overlay port. */
  readonly port: number;
  /** flux-core version reported by the running instance. */
  readonly fluxVersion: pulumi.Output<string>;
  /** Versions, prefix, OS and kernel of rank 0's node. */
  readonly installInfo: pulumi.Output<FluxInstallInfo>;
  /** The validation stage: workload runs depend on it. */
  readonly validated: pulumi.Resource;
  /** Environment every script on rank 0 needs to reach the instance. */
  readonly rank0Env: Record<string, string>;
  /** Version, packages and settings for the results' provenance. */
  readonly provenance: pulumi.Output<SchedulerProvenance>;
  /** The component's name: its stages' names derive from it (`<name>-install-<node>`, …). */
  private readonly baseName: string;
  private readonly options: FluxOptions;
  /** Where Flux is installed on every node (`options.prefix`, checked to be set). */
  private readonly prefix: string;

  constructor(name: string, args: FluxClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super('schedbench:flux:Cluster', name, {}, opts);
    const rank0 = args.nodes[0];
    if (rank0 === undefined) throw new pulumi.ResourceError('flux: a cluster needs at least one node', this);
    if (!path.posix.isAbsolute(args.stateDir))
      throw new pulumi.ResourceError(`flux: stateDir must be absolute, got ${args.stateDir}`, this);
    if (args.options.prefix === undefined)
      throw new pulumi.ResourceError(
        'flux: schedbench:flux.prefix is not set (nor SCHEDBENCH_FLUX_PREFIX): where is Flux installed?',
        this,
      );
    this.baseName = name;
    this.options = args.options;
    this.prefix = args.options.prefix;
    this.clusterName = args.cluster;
    this.nodes = args.nodes;
    this.rank0 = rank0;
    this.stateDir = args.stateDir;
    this.layout = fluxLayout(args.stateDir);
    this.port = brokerPort(args.cluster, args.options.port);
    this.rank0Env = {
      ROOT: this.layout.root,
      FLUX_PREFIX: this.prefix,
      FLUX_URI: localUri(this.layout, rank0.name),
    };

    const installed = args.nodes.map((node) => ({ node, install: this.install(node) }));
    const [first] = installed;
    if (first === undefined) throw new pulumi.ResourceError('flux: a cluster needs at least one node', this);
    const certificate = this.curveCertificate(first.install);
    const configured = installed.map(({ node, install }) => ({
      node,
      configure: this.configure(node, install, certificate),
    }));
    const validate = this.validate(this.brokers(configured));

    this.validated = validate;
    this.fluxVersion = validatedVersion(validate.stdout, 'fluxVersion');
    this.installInfo = stageOutput(first.install.stdout, FluxInstallInfo);
    const settings: SchedulerProvenance['settings'] = {
      queuePolicy: this.options.queuePolicy,
      matchPolicy: this.options.matchPolicy,
      memoryEnforced: false,
    };
    this.provenance = pulumi
      .all([this.fluxVersion, this.installInfo])
      .apply(([version, { prefix, ...install }]): SchedulerProvenance => ({
        version,
        ...install,
        settings: { ...settings, prefix },
      }));
    this.registerOutputs({ clusterName: this.clusterName, fluxVersion: this.fluxVersion, port: this.port });
  }

  /** One run's stages on rank 0: the flux job stats/resource/module-stats sampler, flux submit, the wait, flux jobs --json. */
  runStages(run: RunParams): RunStages {
    const on = stageCommandsOn(this.rank0, { ...this.rank0Env, SCHEDBENCH_SKIP: run.skip });
    const jobPrefix = pulumi.interpolate`${run.slug}.`;
    const plan = renderPlan(run.specs, run.timeoutFactor);
    const sampler = {
      SAMPLER_DIR: pulumi.interpolate`${this.layout.samplersDir}/${run.slug}/scheduler`,
      INTERVAL_MS: String(run.sampling.intervalMs),
      STATS_INTERVAL_SECONDS: String(run.sampling.statsIntervalSeconds),
      RANKS: this.nodes.map((n) => n.name).join(' '),
    };
    return {
      samplerStart: on(fluxScript('sampler-start.sh'), sampler, fluxScript('sampler-stop.sh')),
      samplerStop: on(fluxScript('sampler-stop.sh'), sampler),
      submit: on(fluxScript('submit.sh'), {
        RUN_KEY: run.slug,
        JOB_PREFIX: jobPrefix,
        PLAN: plan,
        IDLE_GAP_SECONDS: String(run.idleGapSeconds),
      }),
      wait: on(fluxScript('wait.sh'), { JOB_PREFIX: jobPrefix, TIMEOUT_SECONDS: String(run.timeoutSeconds) }),
      collect: on(fluxScript('collect.sh'), { RUN_KEY: run.slug, PLAN: plan }),
      // submit.sh and collect.sh name it from ROOT and RUN_KEY the same way.
      jobFilesDir: pulumi.interpolate`${this.layout.root}/jobs/out/${run.slug}`,
    };
  }

  /** Install: the prefix holds flux-core and Fluxion on the node; the load tools are installed where missing. */
  private install(node: Node): command.remote.Command {
    return remoteCommand(
      `${this.baseName}-install-${node.name}`,
      {
        connection: node.connection,
        create: fluxScript('install-check.sh'),
        environment: { FLUX_PREFIX: this.prefix },
      },
      stageOptions(this, [node.ready]),
    );
  }

  /** The CURVE certificate: made once by `flux keygen` on rank 0, a secret from then on, delivered on stdin only. */
  private curveCertificate(after: pulumi.Resource): command.remote.Command {
    return remoteCommand(
      `${this.baseName}-curve-cert`,
      {
        connection: this.rank0.connection,
        create: fluxScript('keygen.sh'),
        environment: { FLUX_PREFIX: this.prefix },
        logging: 'none',
      },
      stageOptions(this, [after], { additionalSecretOutputs: ['stdout'] }),
    );
  }

  /** What every per-node script gets: the cluster's files, the node, the installation. */
  private nodeEnv(node: Node): Record<string, string> {
    return { ROOT: this.layout.root, NODE: node.name, FLUX_PREFIX: this.prefix };
  }

  /** Configure: system.toml (each node's cores its vCPUs), the job wrapper and the certificate (stdin) on the node. */
  private configure(
    node: Node,
    install: pulumi.Resource,
    certificate: command.remote.Command,
  ): command.remote.Command {
    const systemToml = renderSystemToml({
      nodes: this.nodes,
      layout: this.layout,
      port: this.port,
      options: this.options,
    });
    return remoteCommand(
      `${this.baseName}-configure-${node.name}`,
      {
        connection: node.connection,
        create: fluxScript('configure.sh'),
        delete: fluxScript('unconfigure.sh'),
        environment: { ...this.nodeEnv(node), SYSTEM_TOML: systemToml, JOB_SCRIPT_TEXT: JOB_WRAPPER },
        stdin: pulumi.secret(certificate.stdout),
        logging: 'stdoutAndStderr',
      },
      stageOptions(this, [install, certificate]),
    );
  }

  /**
   * Brokers, one per configured node (in rank order): rank 0 first, as the others connect to it (and are deleted,
   * i.e. stopped, before it).
   */
  private brokers(
    configured: readonly { node: Node; configure: pulumi.Resource }[],
  ): command.remote.Command[] {
    const [first, ...others] = configured;
    if (first === undefined) return [];
    const rank0 = this.broker(first.node, 0, [first.configure]);
    return [rank0, ...others.map((c, i) => this.broker(c.node, i + 1, [c.configure, rank0]))];
  }

  /** The broker of `node` at `rank`. */
  private broker(node: Node, rank: number, after: pulumi.Resource[]): command.remote.Command {
    return remoteCommand(
      `${this.baseName}-broker-${node.name}`,
      {
        connection: node.connection,
        create: fluxScript('start.sh'),
        delete: fluxScript('stop.sh'),
        environment: {
          ...this.nodeEnv(node),
          RANK: String(rank),
          STOP_TIMEOUT: String(this.options.stopTimeoutSeconds),
        },
      },
      stageOptions(this, after),
    );
  }

  /**
   * Validate, from rank 0: Fluxion loaded, every node online with its vCPUs as cores, one task on each. Deleting it
   * is the first step of tearing down: every job of the instance is cancelled.
   */
  private validate(after: pulumi.Resource[]): command.remote.Command {
    return remoteCommand(
      `${this.baseName}-validate`,
      {
        connection: this.rank0.connection,
        create: fluxScript('validate.sh'),
        delete: fluxScript('drain.sh'),
        environment: {
          ...this.rank0Env,
          CLUSTER: this.clusterName,
          EXPECTED_NODES: renderExpectedNodes(this.nodes),
          VALIDATE_TIMEOUT: String(this.options.validateTimeoutSeconds),
          STOP_TIMEOUT: String(this.options.stopTimeoutSeconds),
        },
      },
      stageOptions(this, after),
    );
  }
}
