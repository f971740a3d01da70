// schedbench:kubernetes:Cluster — a real Kubernetes of upstream components on any Node[], built only over SSH in
// named stages: build (binaries and images, cached on this machine) → install → PKI (kubeadm's offline phases) →
// configure → containerd (per node, images imported) + control plane (etcd, kube-apiserver,
// kube-controller-manager, kube-scheduler on the first node) → kubelet (per node) → validate → the benchmark's
// in-cluster objects. Deleting it drains the pods, stops every daemon by PID, and removes mounts, CNI state, etcd
// data, cgroups and files. It is the scheduler contract's Kubernetes member (components/schedulers/contract.ts): a
// run's JobSpecs become batch/v1 Jobs (render.ts) created, waited for and collected with kubectl on the first node.
import * as command from '@pulumi/command';
import * as pulumi from '@pulumi/pulumi';
import { readFileSync } from 'fs';
import * as path from 'path';
import type { Emulation } from '../config/emulation';
import { renderPlan } from '../jobs/plan';
import { remoteCommand } from '../nodes/remote';
import type { Node } from '../nodes/types';
import { REPO_ROOT } from '../repo-root';
import type {
  RunParams,
  RunStages,
  SchedulerArgs,
  SchedulerCluster,
  SchedulerProvenance,
} from '../schedulers/contract';
import { stageCommandsOn, stageOptions, stageOutput, validatedVersion } from '../schedulers/stages';
import { kubernetesMirrorEnvironment } from './build-key';
import { BuildVersions } from './build/gomod';
import versionsJson from './build/versions.json';
import { allocatable, kubeletCgroupRoot, reservationFor, type Reservation } from './capacity';
import { KUBERNETES_NODE_PACKAGES } from './image';
import {
  EMULATED_LABEL,
  emulatedNodeNameFormat,
  emulatedNodeTemplate,
  emulatedPodsPerNode,
  KWOK_USER,
  KWOK_VERSION,
  kwokArgs,
  NODE_MONITOR_GRACE_SECONDS,
} from './emulation';
import { KubernetesObjects } from './in-cluster';
import {
  checkSocketPaths,
  clusterLayout,
  CNI_BIN_DIR,
  KUBE_SCHEDULER_METRICS_URL,
  nodePaths,
  type KubernetesLayout,
} from './layout';
import { RUNNER_ACCOUNT } from './objects';
import type { KubernetesOptions } from './options';
import { BuildOutput, KubernetesInstallInfo, PkiOutput } from './parse';
import {
  BENCH_NAMESPACE,
  controlPlaneArgs,
  expectedNodes,
  jobNamePrefix,
  kubeletArgs,
  podCidrOf,
  podRoutes,
  renderCniConfig,
  renderContainerdConfig,
  renderJobTemplates,
  renderKubeadmConfig,
  renderKubeletConfig,
  runLabelOf,
  validationPod,
  type ClusterSpec,
} from './render';
import { kubernetesScript } from './script';

export interface KubernetesClusterArgs extends SchedulerArgs {
  /** The `schedbench:kubernetes` config section. */
  options: KubernetesOptions;
}

/** The pinned releases this version builds (components/kubernetes/build/versions.json). */
const KUBERNETES_VERSIONS = BuildVersions.parse(versionsJson);

/** Where the binaries and image archives are, and the build stage every node's install waits for (if any). */
interface Built {
  binDir: pulumi.Output<string>;
  imagesDir: pulumi.Output<string>;
  /** Emulated clusters: the kwok binary (build/kwok.sh's, or `<binDir>/bin/kwok` of a given build). */
  kwok?: pulumi.Output<string>;
  after: pulumi.Resource[];
}

/** kwok's stages (components/kubernetes/kwok/stages.yaml): what it does to emulated nodes and their pods. */
const KWOK_STAGES_FILE = path.join(REPO_ROOT, 'components', 'kubernetes', 'kwok', 'stages.yaml');

/** A node's install stage, what it reported, and the kubelet reservation that makes it advertise the profile. */
interface Installed {
  node: Node;
  install: command.remote.Command;
  info: pulumi.Output<KubernetesInstallInfo>;
  reservation: pulumi.Output<Reservation>;
}

/** The PKI stage and what it printed (a secret). */
interface Pki {
  stage: command.remote.Command;
  out: pulumi.Output<PkiOutput>;
}

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
  /** Emulated execution (KWOK's nodes, emulation.ts), or null. */
  readonly emulation: Emulation | null;
  /** The component's name: its stages' names derive from it (`<name>-install-<node>`, …). */
  private readonly baseName: string;
  private readonly options: KubernetesOptions;
  private readonly spec: ClusterSpec;
  private readonly imagesDir: pulumi.Output<string>;

  constructor(name: string, args: KubernetesClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super('schedbench:kubernetes:Cluster', name, {}, opts);
    const controller = args.nodes[0];
    if (controller === undefined)
      throw new pulumi.ResourceError('kubernetes: a cluster needs at least one node', this);
    if (!path.posix.isAbsolute(args.stateDir))
      throw new pulumi.ResourceError(`kubernetes: stateDir must be absolute, got ${args.stateDir}`, this);
    this.baseName = name;
    this.options = args.options;
    this.nodes = args.nodes;
    this.controller = controller;
    this.stateDir = args.stateDir;
    this.layout = clusterLayout(args.stateDir);
    this.emulation = args.emulation;
    this.spec = this.clusterSpec(args.cluster);
    const podCidrs = this.podCidrs();

    const built = this.build();
    this.binDir = built.binDir;
    this.imagesDir = built.imagesDir;
    const installed = args.nodes.map((node) => this.install(node, built));
    const [first] = installed;
    if (first === undefined)
      throw new pulumi.ResourceError('kubernetes: a cluster needs at least one node', this);
    const pki = this.pki(first.install);
    this.kubeconfig = pulumi.secret(pki.out.apply((p) => p.admin));
    const controlPlane = this.controlPlane(pki.stage);
    const kubelets = installed.map((node, index) => {
      const configure = this.configure(node, podCidrs[index] ?? '', pki);
      const containerd = this.containerd(node.node, configure);
      return this.kubelet(node, [containerd, controlPlane]);
    });
    this.workloadImage = first.info.apply((i) => i.images.workload.ref);
    const validate = this.validate(installed, kubelets);
    const objects = this.objects(validate);
    const emulated = this.kwok(built, objects);

    this.validated = emulated ?? objects;
    this.provider = objects.provider;
    this.kubernetesVersion = validatedVersion(validate.stdout, 'kubernetesVersion');
    this.provenance = this.provenanceOf(first);
    this.registerOutputs({ kubeconfig: this.kubeconfig, kubernetesVersion: this.kubernetesVersion });
  }

  /**
   * A run's stages, all on the first node with the runner account's kubeconfig: the sampler watches the run's pods
   * and reads the kube-scheduler's, the apiserver's and the kubelets' /metrics; submit creates the Jobs (one
   * `kubectl create` per burst); wait polls their conditions; collect reads Jobs and pods, then deletes them.
   */
  runStages(run: RunParams): RunStages {
    const runLabel = pulumi.output(run.slug).apply(runLabelOf);
    const jobFilesDir = pulumi.output(run.slug).apply((slug) => this.layout.jobFilesDir(slug));
    const on = stageCommandsOn(this.controller, {
      ROOT: this.layout.root,
      BIN_DIR: this.binDir,
      NAMESPACE: BENCH_NAMESPACE,
      RUNNER_ACCOUNT,
      // The runner account's token lives as long as the run may (the wait's bound, ten minutes more for the stages
      // around it), twice that at most: lib.sh kube_env mints a new one when less than this is left.
      RUNNER_TOKEN_SECONDS: String(run.timeoutSeconds + 600),
      RUN_LABEL: runLabel,
      SCHEDBENCH_SKIP: run.skip,
    });
    const jobTemplates = pulumi
      .all([this.workloadImage, runLabel, jobFilesDir])
      .apply(([image, label, dir]) =>
        JSON.stringify(
          renderJobTemplates(run.specs, {
            image,
            runLabel: label,
            jobFilesDir: dir,
            timeoutFactor: run.timeoutFactor,
            emulated: this.emulation !== null,
          }),
        ),
      );
    const sampler = {
      SAMPLER_DIR: pulumi.interpolate`${this.layout.samplersDir}/${run.slug}/scheduler`,
      INTERVAL_MS: String(run.sampling.intervalMs),
      STATS_INTERVAL_SECONDS: String(run.sampling.statsIntervalSeconds),
      SCHEDULER_METRICS_URL: KUBE_SCHEDULER_METRICS_URL,
      // Utilisation is of the nodes the scheduler places the jobs on: the emulated ones, when emulated.
      NODE_SELECTOR: this.emulation === null ? '' : `${EMULATED_LABEL}=true`,
    };
    return {
      samplerStart: on(kubernetesScript('sampler-start.sh'), sampler, kubernetesScript('sampler-stop.sh')),
      samplerStop: on(kubernetesScript('sampler-stop.sh'), sampler),
      submit: on(kubernetesScript('submit.sh'), {
        PLAN: renderPlan(run.specs, run.timeoutFactor),
        JOB_TEMPLATES: jobTemplates,
        JOB_PREFIX: runLabel.apply(jobNamePrefix),
        IDLE_GAP_SECONDS: String(run.idleGapSeconds),
      }),
      wait: on(kubernetesScript('wait.sh'), { TIMEOUT_SECONDS: String(run.timeoutSeconds) }),
      collect: on(kubernetesScript('collect.sh'), { OUT_DIR: jobFilesDir }),
      jobFilesDir,
    };
  }

  /** What every renderer of the cluster's configuration gets: its name, version, first node, ports and networks. */
  private clusterSpec(cluster: string): ClusterSpec {
    return {
      cluster,
      version: KUBERNETES_VERSIONS.kubernetes,
      controllerName: this.controller.name,
      controllerAddress: this.controller.address,
      apiserverPort: this.options.apiserverPort,
      etcdPort: this.options.etcdPort,
      podCidr: this.options.podCidr,
      serviceCidr: this.options.serviceCidr,
      layout: this.layout,
      emulated: this.emulation !== null,
      controllerManagerQps: this.options.controllerManagerQps,
    };
  }

  /**
   * Each node's /24 of the pod network, in node order. Impossible settings — too many nodes for the pod network,
   * socket paths too long — fail here, before anything is made.
   */
  private podCidrs(): string[] {
    return this.refuse(() => {
      const cidrs = this.nodes.map((_, i) => podCidrOf(this.options.podCidr, i));
      for (const n of this.nodes) checkSocketPaths(nodePaths(this.layout, n.name), n.name);
      return cidrs;
    });
  }

  /** Build: the binaries and images on this machine (cached by their inputs' hash), or the directory the config names. */
  private build(): Built {
    const given = this.options.binDir;
    if (given !== undefined)
      return {
        binDir: pulumi.output(given),
        imagesDir: pulumi.output(`${given}/images`),
        ...(this.emulation === null ? {} : { kwok: pulumi.output(`${given}/bin/kwok`) }),
        after: [],
      };
    // The build's images come from Debian packages: SCHEDBENCH_K8S_MIRROR, else the host's apt sources' mirror.
    const mirror = this.refuse(() => kubernetesMirrorEnvironment());
    const build = new command.local.Command(
      `${this.baseName}-build`,
      {
        create: 'bash "$SCHEDBENCH_K8S_BUILD/all.sh"',
        environment: {
          SCHEDBENCH_K8S_BUILD: path.join(REPO_ROOT, 'components', 'kubernetes', 'build'),
          ...mirror,
        },
        logging: 'stderr',
      },
      { parent: this },
    );
    const out = stageOutput(build.stdout, BuildOutput);
    const kwok = this.emulation === null ? undefined : this.buildKwok();
    return {
      binDir: out.apply((b) => b.binDir),
      imagesDir: out.apply((b) => b.imagesDir),
      ...(kwok === undefined ? {} : { kwok: kwok.stdout.apply((dir) => `${dir.trim()}/bin/kwok`) }),
      after: kwok === undefined ? [build] : [build, kwok],
    };
  }

  /** Emulated clusters: kwok from Go modules (build/kwok.sh), cached by its inputs' hash. */
  private buildKwok(): command.local.Command {
    return new command.local.Command(
      `${this.baseName}-build-kwok`,
      {
        create: 'bash "$SCHEDBENCH_K8S_BUILD/kwok.sh"',
        environment: { SCHEDBENCH_K8S_BUILD: path.join(REPO_ROOT, 'components', 'kubernetes', 'build') },
        logging: 'stderr',
      },
      { parent: this },
    );
  }

  /**
   * Install: the node's Debian packages where missing, the build's binaries and images checked; what the node has
   * (CPUs, memory, its own cgroup) gives the kubelet's reservation.
   */
  private install(node: Node, built: Built): Installed {
    const install = remoteCommand(
      `${this.baseName}-install-${node.name}`,
      {
        connection: node.connection,
        create: kubernetesScript('install.sh'),
        environment: {
          BIN_DIR: built.binDir,
          IMAGES_DIR: built.imagesDir,
          PACKAGES: KUBERNETES_NODE_PACKAGES.join(' '),
          CNI_BIN_DIR,
          // Nodes sharing the host nest the kubelet's cgroups in their own; other nodes are machines of their own.
          SHARES_HOST: sharesHost(node) ? '1' : '0',
        },
      },
      stageOptions(this, [node.ready, ...built.after]),
    );
    const info = stageOutput(install.stdout, KubernetesInstallInfo);
    const profile = { vcpus: node.vcpus, memoryMiB: node.memoryMiB };
    const reservation = info.apply((i) => reservationFor(node.name, i.facts, profile, !sharesHost(node)));
    return { node, install, info, reservation };
  }

  /** PKI: kubeadm's offline phases on the first node; the kubeconfigs it prints are a secret output. */
  private pki(after: pulumi.Resource): Pki {
    const stage = remoteCommand(
      `${this.baseName}-pki`,
      {
        connection: this.controller.connection,
        create: kubernetesScript('pki.sh'),
        delete: kubernetesScript('unpki.sh'),
        environment: {
          ROOT: this.layout.root,
          BIN_DIR: this.binDir,
          KUBEADM_CONFIG: renderKubeadmConfig(this.spec),
          NODES: this.nodes.map((n) => `${n.name} ${n.address}`).join('\n'),
        },
        logging: 'stderr',
      },
      stageOptions(this, [after], { additionalSecretOutputs: ['stdout'] }),
    );
    return { stage, out: stageOutput(stage.stdout, PkiOutput) };
  }

  /** The control plane on the first node: etcd, kube-apiserver, kube-controller-manager, kube-scheduler. */
  private controlPlane(pki: pulumi.Resource): command.remote.Command {
    const cp = controlPlaneArgs(this.spec);
    return remoteCommand(
      `${this.baseName}-control-plane`,
      {
        connection: this.controller.connection,
        create: kubernetesScript('start-control-plane.sh'),
        delete: kubernetesScript('stop-control-plane.sh'),
        environment: {
          ROOT: this.layout.root,
          BIN_DIR: this.binDir,
          STOP_TIMEOUT: String(this.options.stopTimeoutSeconds),
          START_TIMEOUT: String(this.options.startTimeoutSeconds),
          ETCD_ARGS: lines(cp.etcd),
          APISERVER_ARGS: lines(cp.apiserver),
          CONTROLLER_MANAGER_ARGS: lines(cp.controllerManager),
          SCHEDULER_ARGS: lines(cp.scheduler),
        },
      },
      stageOptions(this, [pki]),
    );
  }

  /** What every per-node script gets: the node, its directories, the binaries, the start and stop bounds. */
  private nodeEnv(node: Node): Record<string, pulumi.Input<string>> {
    const paths = nodePaths(this.layout, node.name);
    return {
      NODE: node.name,
      NODE_DIR: paths.dir,
      RUN_DIR: paths.runDir,
      BIN_DIR: this.binDir,
      STOP_TIMEOUT: String(this.options.stopTimeoutSeconds),
      START_TIMEOUT: String(this.options.startTimeoutSeconds),
    };
  }

  /**
   * Configure: the node's containerd, kubelet and CNI configuration, and (on stdin, secret) its kubelet's
   * kubeconfig, its serving certificate and key, and the cluster CA.
   */
  private configure(
    { node, install, info, reservation }: Installed,
    podCidr: string,
    pki: Pki,
  ): command.remote.Command {
    const paths = nodePaths(this.layout, node.name);
    return remoteCommand(
      `${this.baseName}-configure-${node.name}`,
      {
        connection: node.connection,
        create: kubernetesScript('configure.sh'),
        delete: kubernetesScript('unconfigure.sh'),
        environment: {
          ...this.nodeEnv(node),
          CONTAINERD_CONFIG: pulumi.all([this.binDir, info]).apply(([bin, i]) =>
            renderContainerdConfig({
              paths,
              binDir: `${bin}/bin`,
              sandboxImage: i.images.pause.ref,
              cniBinDir: CNI_BIN_DIR,
            }),
          ),
          KUBELET_CONFIG: pulumi.all([info, reservation]).apply(([i, r]) =>
            renderKubeletConfig({
              paths,
              facts: i.facts,
              reservation: r,
              emulationHost: this.emulation !== null,
            }),
          ),
          CNI_CONFIG: renderCniConfig(paths, podCidr, this.layout.podBridge),
        },
        stdin: pulumi.secret(
          pki.out.apply((p) =>
            JSON.stringify({
              kubeconfig: p.kubelets[node.name] ?? '',
              ca: p.ca,
              servingCert: p.serving[node.name]?.cert ?? '',
              servingKey: p.serving[node.name]?.key ?? '',
            }),
          ),
        ),
      },
      stageOptions(this, [install, pki.stage]),
    );
  }

  /** The node's own containerd, the cluster's images imported into it. */
  private containerd(node: Node, configure: pulumi.Resource): command.remote.Command {
    return remoteCommand(
      `${this.baseName}-containerd-${node.name}`,
      {
        connection: node.connection,
        create: kubernetesScript('start-containerd.sh'),
        delete: kubernetesScript('stop-containerd.sh'),
        environment: { ...this.nodeEnv(node), IMAGES_DIR: this.imagesDir },
      },
      stageOptions(this, [configure]),
    );
  }

  /** The node's kubelet, in its own cgroup root, with routes to the other nodes' pod networks. */
  private kubelet({ node, info }: Installed, after: pulumi.Resource[]): command.remote.Command {
    return remoteCommand(
      `${this.baseName}-kubelet-${node.name}`,
      {
        connection: node.connection,
        create: kubernetesScript('start-kubelet.sh'),
        delete: kubernetesScript('stop-kubelet.sh'),
        environment: {
          ...this.nodeEnv(node),
          KUBELET_ARGS: lines(kubeletArgs(nodePaths(this.layout, node.name), node)),
          CGROUP_ROOT: info.apply((i) => kubeletCgroupRoot(i.facts)),
          ROUTES: podRoutes(this.nodes, this.options.podCidr, node.name),
          POD_BRIDGE: this.layout.podBridge,
        },
      },
      stageOptions(this, after),
    );
  }

  /**
   * Validate, from the first node: /readyz, every node Ready with allocatable = the profile, one pod per node
   * completed there. Deleting it is the first step of tearing down: every pod goes through the API.
   */
  private validate(installed: Installed[], kubelets: pulumi.Resource[]): command.remote.Command {
    return remoteCommand(
      `${this.baseName}-validate`,
      {
        connection: this.controller.connection,
        create: kubernetesScript('validate.sh'),
        delete: kubernetesScript('drain.sh'),
        environment: {
          ROOT: this.layout.root,
          BIN_DIR: this.binDir,
          STOP_TIMEOUT: String(this.options.stopTimeoutSeconds),
          VALIDATE_TIMEOUT: String(this.options.validateTimeoutSeconds),
          EXPECTED_NODES: pulumi
            .all(installed.map(({ node, info, reservation }) => pulumi.all([node.name, info, reservation])))
            .apply((all) => expectedNodes(all.map(([name, i, r]) => ({ name, ...allocatable(i.facts, r) })))),
          VALIDATION_PODS: this.workloadImage.apply((image) =>
            JSON.stringify({
              apiVersion: 'v1',
              kind: 'List',
              items: this.nodes.map((n) => validationPod(n.name, image)),
            }),
          ),
        },
      },
      stageOptions(this, kubelets),
    );
  }

  /** The benchmark's objects in the validated cluster: namespace, priority, limits, quota, pod policy, the runner's RBAC. */
  private objects(validate: pulumi.Resource): KubernetesObjects {
    return new KubernetesObjects(
      `${this.baseName}-objects`,
      {
        kubeconfig: this.kubeconfig,
        spec: {
          // The nodes the benchmark's pods go to: the emulated ones when emulated.
          nodes:
            this.emulation === null
              ? this.nodes.map((n) => ({ vcpus: n.vcpus, memoryMiB: n.memoryMiB }))
              : [{ vcpus: this.emulation.vcpus, memoryMiB: this.emulation.memoryGiB * 1024 }],
          podQuota: this.options.podQuota,
          jobFilesRoot: this.layout.jobFilesRoot,
          ...(this.emulation === null ? {} : { kwokUser: KWOK_USER }),
        },
        after: validate,
      },
      { parent: this },
    );
  }

  /**
   * Emulated clusters: kwok on the first node, the emulated Nodes it keeps Ready, and a validation of its stages
   * (start-kwok.sh); undefined for a real cluster. Deleting it removes the emulated nodes' pods and the nodes while
   * kwok still runs, then stops it — first of the teardown.
   */
  private kwok(built: Built, objects: KubernetesObjects): command.remote.Command | undefined {
    const emulation = this.emulation;
    if (emulation === null || built.kwok === undefined) return undefined;
    return remoteCommand(
      `${this.baseName}-kwok`,
      {
        connection: this.controller.connection,
        create: kubernetesScript('start-kwok.sh'),
        delete: kubernetesScript('stop-kwok.sh'),
        environment: {
          ROOT: this.layout.root,
          BIN_DIR: this.binDir,
          KWOK_BIN: built.kwok,
          KWOK_ARGS: lines(kwokArgs()),
          KWOK_STAGES: readFileSync(KWOK_STAGES_FILE, 'utf8'),
          KWOK_USER,
          NODE_TEMPLATE: JSON.stringify(
            emulatedNodeTemplate(emulation, KUBERNETES_VERSIONS.kubernetes, KWOK_VERSION),
          ),
          NODE_COUNT: String(emulation.nodes),
          NODE_NAME_FORMAT: emulatedNodeNameFormat(emulation.nodes),
          EMULATED_LABEL,
          START_TIMEOUT: String(this.options.startTimeoutSeconds),
          VALIDATE_TIMEOUT: String(this.options.validateTimeoutSeconds),
          STOP_TIMEOUT: String(this.options.stopTimeoutSeconds),
        },
        logging: 'stderr',
      },
      stageOptions(this, [objects]),
    );
  }

  /** Versions, the first node's machine and what shapes capacity, for every result. */
  private provenanceOf(first: Installed): pulumi.Output<SchedulerProvenance> {
    return pulumi
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
          ...(this.emulation === null ? {} : { kwok: KWOK_VERSION }),
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
          podCidr: this.options.podCidr,
          controllerManagerQps: this.options.controllerManagerQps,
          ...(this.emulation === null
            ? {}
            : {
                emulation: `kwok ${KWOK_VERSION}, ${kwokArgs().join(' ')}; controller-manager --node-monitor-grace-period=${NODE_MONITOR_GRACE_SECONDS}s; pods per emulated node ${emulatedPodsPerNode(this.emulation.vcpus)}`,
              }),
        },
      }));
  }

  /** `make()`, its error (an impossible setting) pointing at this component. */
  private refuse<T>(make: () => T): T {
    try {
      return make();
    } catch (err) {
      throw new pulumi.ResourceError(err instanceof Error ? err.message : String(err), this);
    }
  }
}
