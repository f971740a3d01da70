// schedbench:kubernetes:Cluster — a real Kubernetes of upstream components on any Node[], built only over SSH in
// named stages: build (binaries and images, cached on this machine) → install → PKI (kubeadm's offline phases) →
// configure → containerd (per node, images imported) + control plane (etcd, kube-apiserver,
// kube-controller-manager, kube-scheduler on the first node) → kubelet (per node) → validate. Deleting it drains
// the pods, stops every daemon by PID, and removes mounts, CNI state, etcd data, cgroups and files.
// It is the scheduler contract's Kubernetes member (components/schedulers/contract.ts): a run's JobSpecs become
// batch/v1 Jobs (workload.ts) created, waited for and collected with kubectl on the first node.
import * as command from '@pulumi/command';
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
import type { KubernetesOptions } from './options';
import { allocatable, kubeletCgroupRoot, reservationFor } from './capacity';
import { checkSocketPaths, clusterLayout, nodePaths, type KubernetesLayout } from './layout';
import {
  controlPlaneArgs,
  expectedNodes,
  kubeletArgs,
  podCidrOf,
  podRoutes,
  renderCniConfig,
  renderContainerdConfig,
  renderKubeadmConfig,
  renderKubeletConfig,
  validationPod,
  type ClusterSpec,
} from './render';
import { kubernetesScript } from './script';
import { REPO_ROOT } from '../repo-root';
import { BuildVersions } from './build/gomod';
import versionsJson from './build/versions.json';
import { remoteCommand } from '../nodes/remote';
import { BENCH_NAMESPACE, jobNamePrefix, renderJobPlan, runLabelOf } from './workload';
import { KubernetesObjects } from './in-cluster';
import { RUNNER_ACCOUNT } from './objects';
import { KUBERNETES_NODE_PACKAGES } from './image';
import { kubernetesMirrorEnvironment } from './build-key';

export interface KubernetesClusterArgs extends SchedulerArgs {
  /** The `schedbench:kubernetes` config section. */
  options: KubernetesOptions;
}

/** The pinned releases this version builds (components/kubernetes/build/versions.json). */
export const KUBERNETES_VERSIONS = BuildVersions.parse(versionsJson);

/** Where the build put the binaries and image archives (build/all.sh). */
const BuildOutput = z.strictObject({
  binDir: z.string().startsWith('/'),
  imagesDir: z.string().startsWith('/'),
});

const ImageInfo = z.object({ ref: z.string(), digest: z.string(), archive: z.string() });

/** What install.sh reports about a node. */
export const InstallInfo = z.strictObject({
  facts: z.strictObject({
    cpus: z.number().int().positive(),
    memoryBytes: z.number().int().positive(),
    cgroup: z.string().startsWith('/'),
    cgroupVersion: z.union([z.literal(1), z.literal(2)]),
  }),
  os: z.string(),
  kernel: z.string(),
  host: z.string(),
  hostCpus: z.number().int().positive(),
  cni: z.string(),
  versions: z.record(z.string(), z.string()),
  go: z.string(),
  images: z.object({ pause: ImageInfo, workload: ImageInfo.extend({ stressNg: z.string() }) }),
});
export type InstallInfo = z.infer<typeof InstallInfo>;

/** What pki.sh prints (a secret). */
const PkiOutput = z.strictObject({
  admin: z.string().min(1),
  ca: z.string().min(1),
  kubelets: z.record(z.string(), z.string().min(1)),
});

const ValidateReport = z.object({ kubernetesVersion: z.string(), validated: z.literal(true) });

function stageOptions(
  parent: pulumi.Resource,
  dependsOn: pulumi.Input<pulumi.Resource>[],
): pulumi.CustomResourceOptions {
  return { parent, dependsOn, deleteBeforeReplace: true };
}

/** The kube-scheduler's secure port on the first node's loopback (its default; /metrics needs no credentials). */
const KUBE_SCHEDULER_METRICS_URL = 'https://127.0.0.1:10259/metrics';

/** Whether the node shares this host with the others (netns): its cgroup and its machine facts are not its own. */
const sharesHost = (node: Node): boolean => node.backend === 'netns';

/** Arguments one per line, as the start scripts read them. */
const lines = (args: string[]): string => args.join('\n');

export class KubernetesCluster extends pulumi.ComponentResource implements SchedulerCluster {
  readonly scheduler = 'kubernetes' as const;
  readonly nodes: Node[];
  readonly controller: Node;
  readonly stateDir: string;
  readonly layout: KubernetesLayout;
  /** The admin kubeconfig (a secret): server = the first node's address. */
  readonly kubeconfig: pulumi.Output<string>;
  /** Kubernetes version the running apiserver reports. */
  readonly kubernetesVersion: pulumi.Output<string>;
  /** The benchmark's objects in the cluster, applied once validation passed: workload runs depend on them. */
  readonly validated: pulumi.Resource;
  /** The in-cluster objects' Kubernetes provider (built from the secret kubeconfig). */
  readonly provider: pulumi.ProviderResource;
  readonly provenance: pulumi.Output<SchedulerProvenance>;
  /** Where the build put the binaries (`<binDir>/bin/kubectl` runs the stages). */
  readonly binDir: pulumi.Output<string>;
  /** Reference of the workload image every node imported. */
  readonly workloadImage: pulumi.Output<string>;

  constructor(name: string, args: KubernetesClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super('schedbench:kubernetes:Cluster', name, {}, opts);
    const controller = args.nodes[0];
    if (controller === undefined)
      throw new pulumi.ResourceError('kubernetes: a cluster needs at least one node', this);
    if (!path.posix.isAbsolute(args.stateDir))
      throw new pulumi.ResourceError(`kubernetes: stateDir must be absolute, got ${args.stateDir}`, this);
    const o = args.options;
    this.nodes = args.nodes;
    this.controller = controller;
    this.stateDir = args.stateDir;
    const layout = clusterLayout(args.stateDir);
    this.layout = layout;
    const spec: ClusterSpec = {
      cluster: args.cluster,
      version: KUBERNETES_VERSIONS.kubernetes,
      controllerName: controller.name,
      controllerAddress: controller.address,
      apiserverPort: o.apiserverPort,
      etcdPort: o.etcdPort,
      podCidr: o.podCidr,
      serviceCidr: o.serviceCidr,
      layout,
    };
    // Impossible settings (too many nodes for the pod network, socket paths too long) fail before anything is made.
    let podCidrs: string[];
    let mirror: Record<string, string> = {};
    try {
      podCidrs = args.nodes.map((_, i) => podCidrOf(o.podCidr, i));
      // The build's images come from Debian packages: SCHEDBENCH_K8S_MIRROR, else the host's apt sources' mirror.
      if (o.binDir === undefined) mirror = kubernetesMirrorEnvironment();
      args.nodes.forEach((n) => checkSocketPaths(nodePaths(layout, n.name), n.name));
    } catch (err) {
      throw new pulumi.ResourceError(err instanceof Error ? err.message : String(err), this);
    }
    const stop = String(o.stopTimeoutSeconds);
    const start = String(o.startTimeoutSeconds);

    // Build: binaries and images on this machine (cached by input hash), or a directory the config names.
    const buildDir = path.join(REPO_ROOT, 'components', 'kubernetes', 'build');
    const build =
      o.binDir === undefined
        ? new command.local.Command(
            `${name}-build`,
            {
              create: 'bash "$SCHEDBENCH_K8S_BUILD/all.sh"',
              environment: { SCHEDBENCH_K8S_BUILD: buildDir, ...mirror },
              logging: 'stderr',
            },
            { parent: this },
          )
        : undefined;
    const built =
      build === undefined
        ? pulumi.output({ binDir: o.binDir ?? '', imagesDir: `${o.binDir ?? ''}/images` })
        : build.stdout.apply((out) => BuildOutput.parse(JSON.parse(out)));
    const binDir = built.apply((b) => b.binDir);
    this.binDir = binDir;
    const imagesDir = built.apply((b) => b.imagesDir);
    const buildDeps = build === undefined ? [] : [build];

    const perNode = args.nodes.map((node) => {
      const install = remoteCommand(
        `${name}-install-${node.name}`,
        {
          connection: node.connection,
          create: kubernetesScript('install.sh'),
          environment: {
            BIN_DIR: binDir,
            IMAGES_DIR: imagesDir,
            NODE_PACKAGES: KUBERNETES_NODE_PACKAGES.join(' '),
            // Nodes sharing the host nest the kubelet's cgroups in their own; other nodes are machines of their own.
            SHARES_HOST: sharesHost(node) ? '1' : '0',
          },
        },
        stageOptions(this, [node.ready, ...buildDeps]),
      );
      const info = install.stdout.apply((out) => InstallInfo.parse(JSON.parse(out)));
      const profile = { vcpus: node.vcpus, memoryMiB: node.memoryMiB };
      const reservation = info.apply((i) => reservationFor(node.name, i.facts, profile, !sharesHost(node)));
      return { node, install, info, reservation };
    });
    const first = perNode[0];
    if (first === undefined)
      throw new pulumi.ResourceError('kubernetes: a cluster needs at least one node', this);

    const pki = remoteCommand(
      `${name}-pki`,
      {
        connection: controller.connection,
        create: kubernetesScript('pki.sh'),
        delete: kubernetesScript('unpki.sh'),
        environment: {
          ROOT: layout.root,
          BIN_DIR: binDir,
          KUBEADM_CONFIG: renderKubeadmConfig(spec),
          NODES: args.nodes.map((n) => n.name).join('\n'),
        },
        logging: 'stderr',
      },
      { ...stageOptions(this, [first.install]), additionalSecretOutputs: ['stdout'] },
    );
    const pkiOut = pki.stdout.apply((out) => PkiOutput.parse(JSON.parse(out)));
    this.kubeconfig = pulumi.secret(pkiOut.apply((p) => p.admin));

    const cp = controlPlaneArgs(spec);
    const controlPlane = remoteCommand(
      `${name}-control-plane`,
      {
        connection: controller.connection,
        create: kubernetesScript('start-control-plane.sh'),
        delete: kubernetesScript('stop-control-plane.sh'),
        environment: {
          ROOT: layout.root,
          BIN_DIR: binDir,
          STOP_TIMEOUT: stop,
          START_TIMEOUT: start,
          ETCD_ARGS: lines(cp.etcd),
          APISERVER_ARGS: lines(cp.apiserver),
          CONTROLLER_MANAGER_ARGS: lines(cp.controllerManager),
          SCHEDULER_ARGS: lines(cp.scheduler),
        },
      },
      stageOptions(this, [pki]),
    );

    const kubelets = perNode.map(({ node, install, info, reservation }, index) => {
      const paths = nodePaths(layout, node.name);
      const podCidr = podCidrs[index] ?? '';
      const routes = podRoutes(args.nodes, o.podCidr, node.name);
      const kubeletConfig = pulumi
        .all([info, reservation])
        .apply(([i, r]) => renderKubeletConfig({ paths, facts: i.facts, reservation: r }));
      const cgroupRoot = info.apply((i) => kubeletCgroupRoot(i.facts));
      const nodeEnv = {
        NODE: node.name,
        NODE_DIR: paths.dir,
        RUN_DIR: paths.runDir,
        BIN_DIR: binDir,
        STOP_TIMEOUT: stop,
        START_TIMEOUT: start,
      };
      const configure = remoteCommand(
        `${name}-configure-${node.name}`,
        {
          connection: node.connection,
          create: kubernetesScript('configure.sh'),
          delete: kubernetesScript('unconfigure.sh'),
          environment: {
            ...nodeEnv,
            CONTAINERD_CONFIG: pulumi.all([binDir, info]).apply(([bin, i]) =>
              renderContainerdConfig({
                paths,
                binDir: `${bin}/bin`,
                sandboxImage: i.images.pause.ref,
                cniBinDir: '/usr/lib/cni',
              }),
            ),
            KUBELET_CONFIG: kubeletConfig,
            CNI_CONFIG: renderCniConfig(paths, podCidr),
          },
          stdin: pulumi.secret(
            pkiOut.apply((p) => JSON.stringify({ kubeconfig: p.kubelets[node.name] ?? '', ca: p.ca })),
          ),
        },
        stageOptions(this, [install, pki]),
      );
      const containerd = remoteCommand(
        `${name}-containerd-${node.name}`,
        {
          connection: node.connection,
          create: kubernetesScript('start-containerd.sh'),
          delete: kubernetesScript('stop-containerd.sh'),
          environment: { ...nodeEnv, IMAGES_DIR: imagesDir },
        },
        stageOptions(this, [configure]),
      );
      const kubelet = remoteCommand(
        `${name}-kubelet-${node.name}`,
        {
          connection: node.connection,
          create: kubernetesScript('start-kubelet.sh'),
          delete: kubernetesScript('stop-kubelet.sh'),
          environment: {
            ...nodeEnv,
            KUBELET_ARGS: lines(kubeletArgs(paths, node)),
            CGROUP_ROOT: cgroupRoot,
            ROUTES: routes,
          },
        },
        stageOptions(this, [containerd, controlPlane]),
      );
      return kubelet;
    });

    const workloadImage = first.info.apply((i) => i.images.workload.ref);
    this.workloadImage = workloadImage;
    const validate = remoteCommand(
      `${name}-validate`,
      {
        connection: controller.connection,
        create: kubernetesScript('validate.sh'),
        // Deleting the validation stage is the first step of tearing down: every pod goes through the API.
        delete: kubernetesScript('drain.sh'),
        environment: {
          ROOT: layout.root,
          BIN_DIR: binDir,
          STOP_TIMEOUT: stop,
          VALIDATE_TIMEOUT: String(o.validateTimeoutSeconds),
          EXPECTED_NODES: pulumi
            .all(perNode.map(({ node, info, reservation }) => pulumi.all([node.name, info, reservation])))
            .apply((all) => expectedNodes(all.map(([name, i, r]) => ({ name, ...allocatable(i.facts, r) })))),
          VALIDATION_PODS: workloadImage.apply((image) =>
            JSON.stringify({
              apiVersion: 'v1',
              kind: 'List',
              items: args.nodes.map((n) => validationPod(n.name, image)),
            }),
          ),
        },
      },
      stageOptions(this, kubelets),
    );
    const objects = new KubernetesObjects(
      `${name}-objects`,
      {
        kubeconfig: this.kubeconfig,
        spec: {
          nodes: args.nodes.map((n) => ({ vcpus: n.vcpus, memoryMiB: n.memoryMiB })),
          podQuota: o.podQuota,
        },
        after: validate,
      },
      { parent: this },
    );
    this.validated = objects;
    this.provider = objects.provider;
    this.kubernetesVersion = validate.stdout.apply(
      (out) => ValidateReport.parse(JSON.parse(out)).kubernetesVersion,
    );
    this.provenance = pulumi
      .all([this.kubernetesVersion, first.info, first.reservation])
      .apply(([version, i, r]): SchedulerProvenance => ({
        version,
        packages: {
          ...i.versions,
          go: i.go,
          'containernetworking-plugins': i.cni,
          'stress-ng': i.images.workload.stressNg,
          'image:pause': `${i.images.pause.ref}@${i.images.pause.digest}`,
          'image:workload': `${i.images.workload.ref}@${i.images.workload.digest}`,
        },
        os: i.os,
        kernel: i.kernel,
        host: i.host,
        hostCpus: i.hostCpus,
        settings: {
          capacity: sharesHost(first.node)
            ? 'kubelet systemReserved = machine − profile'
            : 'the node is a machine of its own: kubelet systemReserved = machine − profile, none when the kernel keeps part of the profile',
          allocatableMemoryMiB: Math.floor(allocatable(i.facts, r).memoryBytes / (1024 * 1024)),
          cgroupVersion: i.facts.cgroupVersion,
          podCidr: o.podCidr,
        },
      }));
    this.registerOutputs({ kubeconfig: this.kubeconfig, kubernetesVersion: this.kubernetesVersion });
  }

  /**
   * A run's stages, all on the first node with the admin kubeconfig: the sampler lists the run's pods and reads
   * the kube-scheduler's and apiserver's /metrics; submit creates the Jobs (one `kubectl create` per burst);
   * wait polls their conditions; collect reads Jobs and pods, then deletes them.
   */
  runStages(run: RunParams): RunStages {
    const runLabel = pulumi.output(run.slug).apply(runLabelOf);
    const jobFilesDir = pulumi.output(run.slug).apply((slug) => this.layout.jobFilesDir(slug));
    const base = {
      ROOT: this.layout.root,
      BIN_DIR: this.binDir,
      NAMESPACE: BENCH_NAMESPACE,
      RUNNER_ACCOUNT,
      // The runner account's token outlives the longest stage (wait) by an hour.
      RUNNER_TOKEN_SECONDS: String(run.timeoutSeconds + 3600),
      RUN_LABEL: runLabel,
      SCHEDBENCH_SKIP: run.skip,
    };
    const on = (create: string, environment: StageCommand['environment'], del?: string): StageCommand => ({
      node: this.controller,
      create,
      ...(del === undefined ? {} : { delete: del }),
      environment: { ...base, ...environment },
    });
    const plan = pulumi.all([this.workloadImage, runLabel, jobFilesDir]).apply(([image, label, dir]) =>
      JSON.stringify(
        renderJobPlan(run.specs, {
          image,
          runLabel: label,
          jobFilesDir: dir,
          timeoutFactor: run.timeoutFactor,
        }),
      ),
    );
    const sampler = {
      SAMPLER_DIR: pulumi.interpolate`${this.layout.samplersDir}/${run.slug}/scheduler`,
      INTERVAL_MS: String(run.sampling.intervalMs),
      STATS_INTERVAL_SECONDS: String(run.sampling.statsIntervalSeconds),
      SCHEDULER_METRICS_URL: KUBE_SCHEDULER_METRICS_URL,
    };
    return {
      samplerStart: on(kubernetesScript('sampler-start.sh'), sampler, kubernetesScript('sampler-stop.sh')),
      samplerStop: on(kubernetesScript('sampler-stop.sh'), sampler),
      submit: on(kubernetesScript('submit.sh'), {
        PLAN: plan,
        JOB_PREFIX: runLabel.apply(jobNamePrefix),
        IDLE_GAP_SECONDS: String(run.idleGapSeconds),
      }),
      wait: on(kubernetesScript('wait.sh'), { TIMEOUT_SECONDS: String(run.timeoutSeconds) }),
      collect: on(kubernetesScript('collect.sh'), { OUT_DIR: jobFilesDir }),
      jobFilesDir,
    };
  }
}
