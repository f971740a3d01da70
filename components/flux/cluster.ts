// schedbench:flux:Cluster — a multi-node Flux system instance (flux-core + Fluxion from an existing installation)
// on any Node[], built only over SSH in named stages: install (check the prefix, load tools) → keygen (a CURVE
// certificate, kept secret) → configure (system.toml, certificate on stdin) → start (one broker per node, rank 0
// first) → validate. Deleting it cancels every job, shuts the instance down, kills what is left and removes its
// files. It is the scheduler contract's Flux member: `runStages` hands the run loop its flux submit/jobs scripts.
import * as pulumi from '@pulumi/pulumi';
import * as path from 'path';
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
import type { FluxOptions } from './options';
import { brokerPort, fluxLayout, localUri, type FluxLayout } from './layout';
import { renderExpectedNodes, renderSystemToml } from './render';
import { fluxScript } from './script';
import { remoteCommand } from '../nodes/remote';
import { JOB_WRAPPER } from '../jobs/wrapper';
import { renderPlan } from '../jobs/plan';

export interface FluxClusterArgs extends SchedulerArgs {
  /** The `schedbench:flux` config section; `prefix` must be set (the registry refuses a stack without it). */
  options: FluxOptions;
}

/** What install-check.sh reports (provenance for the RunResult). */
export const InstallInfo = z.strictObject({
  packages: z.record(z.string(), z.string()),
  prefix: z.string(),
  os: z.string(),
  kernel: z.string(),
  host: z.string(),
  hostCpus: z.number().int().positive(),
});
export type InstallInfo = z.infer<typeof InstallInfo>;

const ValidateReport = z.object({ fluxVersion: z.string(), validated: z.literal(true) });

function stageOptions(
  parent: pulumi.Resource,
  dependsOn: pulumi.Input<pulumi.Resource>[],
  extra: pulumi.CustomResourceOptions = {},
): pulumi.CustomResourceOptions {
  return { parent, dependsOn, deleteBeforeReplace: true, ...extra };
}

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
  readonly installInfo: pulumi.Output<InstallInfo>;
  readonly validated: pulumi.Resource;
  /** Environment every script on rank 0 needs to reach the instance. */
  readonly rank0Env: Record<string, string>;
  readonly provenance: pulumi.Output<SchedulerProvenance>;

  constructor(name: string, args: FluxClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super('schedbench:flux:Cluster', name, {}, opts);
    const rank0 = args.nodes[0];
    if (rank0 === undefined) throw new pulumi.ResourceError('flux: a cluster needs at least one node', this);
    if (!path.posix.isAbsolute(args.stateDir))
      throw new pulumi.ResourceError(`flux: stateDir must be absolute, got ${args.stateDir}`, this);
    const prefix = args.options.prefix;
    if (prefix === undefined)
      throw new pulumi.ResourceError(
        'flux: schedbench:flux.prefix is not set (nor SCHEDBENCH_FLUX_PREFIX): where is Flux installed?',
        this,
      );
    this.clusterName = args.cluster;
    this.nodes = args.nodes;
    this.rank0 = rank0;
    this.stateDir = args.stateDir;
    this.layout = fluxLayout(args.stateDir);
    this.port = brokerPort(args.cluster, args.options.port);
    const layout = this.layout;
    const stop = String(args.options.stopTimeoutSeconds);
    const specs = args.nodes.map((n) => ({ name: n.name, address: n.address, cores: args.profile.vcpus }));
    const systemToml = renderSystemToml({ nodes: specs, layout, port: this.port, options: args.options });
    this.rank0Env = { ROOT: layout.root, FLUX_PREFIX: prefix, FLUX_URI: localUri(layout, rank0.name) };

    const installs = args.nodes.map((node) =>
      remoteCommand(
        `${name}-install-${node.name}`,
        {
          connection: node.connection,
          create: fluxScript('install-check.sh'),
          environment: { FLUX_PREFIX: prefix },
        },
        stageOptions(this, [node.ready]),
      ),
    );
    const firstInstall = installs[0];
    if (firstInstall === undefined)
      throw new pulumi.ResourceError('flux: a cluster needs at least one node', this);
    // The certificate: made once by `flux keygen` on rank 0, a secret from then on, delivered on stdin only.
    const cert = remoteCommand(
      `${name}-curve-cert`,
      {
        connection: rank0.connection,
        create: fluxScript('keygen.sh'),
        environment: { FLUX_PREFIX: prefix },
        logging: 'none',
      },
      stageOptions(this, [firstInstall], { additionalSecretOutputs: ['stdout'] }),
    );
    let rank0Start: pulumi.Resource | undefined;
    const starts = args.nodes.map((node, rank) => {
      const env = { ROOT: layout.root, NODE: node.name, FLUX_PREFIX: prefix };
      const install = installs[rank] ?? firstInstall;
      const configure = remoteCommand(
        `${name}-configure-${node.name}`,
        {
          connection: node.connection,
          create: fluxScript('configure.sh'),
          delete: fluxScript('unconfigure.sh'),
          environment: { ...env, SYSTEM_TOML: systemToml, JOB_SCRIPT_TEXT: JOB_WRAPPER },
          stdin: pulumi.secret(cert.stdout),
          logging: 'stdoutAndStderr',
        },
        stageOptions(this, [install, cert]),
      );
      // Rank 0 first: the others connect to it (and are deleted, i.e. stopped, before it).
      const start = remoteCommand(
        `${name}-broker-${node.name}`,
        {
          connection: node.connection,
          create: fluxScript('start.sh'),
          delete: fluxScript('stop.sh'),
          environment: { ...env, RANK: String(rank), STOP_TIMEOUT: stop },
        },
        stageOptions(this, rank0Start === undefined ? [configure] : [configure, rank0Start]),
      );
      if (rank === 0) rank0Start = start;
      return start;
    });
    const validate = remoteCommand(
      `${name}-validate`,
      {
        connection: rank0.connection,
        create: fluxScript('validate.sh'),
        // Deleting the validation stage is the first step of tearing down: cancel every job of the instance.
        delete: fluxScript('drain.sh'),
        environment: {
          ...this.rank0Env,
          CLUSTER: args.cluster,
          EXPECTED_NODES: renderExpectedNodes(specs),
          VALIDATE_TIMEOUT: String(args.options.validateTimeoutSeconds),
          STOP_TIMEOUT: stop,
        },
      },
      stageOptions(this, starts),
    );
    this.validated = validate;
    this.fluxVersion = validate.stdout.apply((out) => ValidateReport.parse(JSON.parse(out)).fluxVersion);
    this.installInfo = firstInstall.stdout.apply((out) => InstallInfo.parse(JSON.parse(out)));
    const settings: SchedulerProvenance['settings'] = {
      queuePolicy: args.options.queuePolicy,
      matchPolicy: args.options.matchPolicy,
      memoryEnforced: false,
    };
    this.provenance = pulumi
      .all([this.fluxVersion, this.installInfo])
      .apply(([version, install]): SchedulerProvenance => {
        const { prefix: installedAt, ...facts } = install;
        return { version, ...facts, settings: { ...settings, prefix: installedAt } };
      });

    this.registerOutputs({ clusterName: this.clusterName, fluxVersion: this.fluxVersion, port: this.port });
  }

  /** One run's stages on rank 0: the flux jobs/resource/module-stats sampler, flux submit, the wait, flux jobs --json. */
  runStages(run: RunParams): RunStages {
    const base = { ...this.rank0Env, SCHEDBENCH_SKIP: run.skip };
    const on = (create: string, environment: StageCommand['environment'], del?: string): StageCommand => ({
      node: this.rank0,
      create,
      ...(del === undefined ? {} : { delete: del }),
      environment: { ...base, ...environment },
    });
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
}
