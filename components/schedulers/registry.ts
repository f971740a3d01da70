// The one place that names every scheduler component: which can be stood up, how, and why the others cannot.
// Adding a scheduler = a folder behind the contract (contract.ts) + one case here + one in normalisers.ts.
import * as path from 'path';
import * as pulumi from '@pulumi/pulumi';
import type { BenchConfig } from '../config/schema';
import type { Node } from '../nodes/types';
import type { SchedulerName } from '../../results/vocabulary';
import type { SchedulerCluster } from './contract';
import { SlurmCluster } from '../slurm/cluster';
import { KubernetesCluster } from '../kubernetes/cluster';
import { FluxCluster } from '../flux/cluster';
import { fluxAvailability, type FluxSite } from '../flux/availability';
import { fluxImageContent } from '../flux/image';
import { kubernetesAvailability, type KubernetesSite } from '../kubernetes/availability';
import { KUBERNETES_IMAGE_DIR, kubernetesImageContent } from '../kubernetes/image';
import type { KubernetesOptions } from '../kubernetes/options';
import type { ImageOverlay } from '../image/inputs';

export type Availability = { available: true } | { available: false; reason: string };

/** Whether this version can stand `name` up and run workloads on it; the reason says why not (campaigns print it as "skipped"). */
export function schedulerAvailability(
  name: SchedulerName,
  /** Flux only: the configured installation prefix and whether the nodes share this machine's filesystem. */
  flux?: FluxSite,
  /** Kubernetes only: the backend, and where the binaries are when the stack says. */
  kubernetes?: KubernetesSite,
): Availability {
  switch (name) {
    case 'slurm':
      return { available: true };
    case 'kubernetes':
      return kubernetesAvailability(kubernetes);
    case 'flux':
      return fluxAvailability(flux);
    default: {
      const unknown: never = name;
      throw new Error(`unknown scheduler ${String(unknown)}`);
    }
  }
}

/** Refuse, before anything is created, a scheduler this version cannot stand up. */
export function assertSchedulerAvailable(
  config: Pick<BenchConfig, 'scheduler' | 'flux' | 'kubernetes' | 'backend'>,
): void {
  const availability = schedulerAvailability(config.scheduler, fluxSite(config), kubernetesSite(config));
  if (!availability.available)
    throw new pulumi.RunError(
      `schedbench:scheduler = "${config.scheduler}": ${availability.reason}; nothing was created.`,
    );
}

/** Where a stack's Kubernetes binaries come from (availability, campaigns). */
export function kubernetesSite(config: Pick<BenchConfig, 'kubernetes' | 'backend'>): KubernetesSite {
  return {
    backend: config.backend.type,
    ...(config.kubernetes.binDir === undefined ? {} : { binDir: config.kubernetes.binDir }),
    ...(config.backend.type === 'libvirt' ? { imageBuilt: config.backend.image.source === 'build' } : {}),
  };
}

/** True when the stack's VM image carries the Kubernetes node bundle (libvirt, built image, no binDir of its own). */
function kubernetesInImage(config: Pick<BenchConfig, 'scheduler' | 'kubernetes' | 'backend'>): boolean {
  return (
    config.scheduler === 'kubernetes' &&
    config.kubernetes.binDir === undefined &&
    config.backend.type === 'libvirt' &&
    config.backend.image.source === 'build'
  );
}

/** The Kubernetes options the cluster gets: on VMs of a built image, the binaries are where the image put them. */
export function kubernetesOptions(
  config: Pick<BenchConfig, 'scheduler' | 'kubernetes' | 'backend'>,
): KubernetesOptions {
  return kubernetesInImage(config)
    ? { ...config.kubernetes, binDir: KUBERNETES_IMAGE_DIR }
    : config.kubernetes;
}

/** Where a stack's Flux installation is looked for (availability, campaigns). */
export function fluxSite(config: Pick<BenchConfig, 'flux' | 'backend'>): FluxSite {
  return {
    prefix: config.flux.prefix,
    local: config.backend.type === 'netns',
    ...(config.backend.type === 'libvirt' && config.flux.tarball !== undefined
      ? { tarball: config.flux.tarball, imageBuilt: config.backend.image.source === 'build' }
      : {}),
  };
}

/**
 * What the configured scheduler adds to a VM image schedbench builds: packages, and tarballs unpacked at / —
 * Flux's from `flux.tarball`; Kubernetes' node bundle (built on this machine first), unless `kubernetes.binDir`
 * names binaries the VMs already have.
 */
export function schedulerImageContent(config: {
  scheduler: SchedulerName;
  flux: { tarball?: string | undefined };
  kubernetes: { binDir?: string | undefined };
}): {
  packages: string[];
  overlays: ImageOverlay[];
} {
  if (config.scheduler === 'flux') return fluxImageContent(config.flux.tarball);
  if (config.scheduler === 'kubernetes' && config.kubernetes.binDir === undefined)
    return kubernetesImageContent();
  return { packages: [], overlays: [] };
}

/** Root of the scheduler's state on every node: `<backend stateDir>/<cluster>/<scheduler>` (netns), else /var/lib/schedbench/…. */
export function schedulerStateDir(config: BenchConfig): string {
  const root = config.backend.type === 'netns' ? config.backend.stateDir : '/var/lib/schedbench';
  return path.posix.join(path.posix.resolve('/', root), config.clusterName, config.scheduler);
}

/** The configured scheduler, stood up and validated on `nodes`. */
export function createScheduler(
  config: BenchConfig,
  nodes: Node[],
  opts?: pulumi.ComponentResourceOptions,
): SchedulerCluster {
  assertSchedulerAvailable(config);
  const profile = config.profiles[config.profile];
  if (profile === undefined) throw new pulumi.RunError(`schedbench:profile: no profile ${config.profile}`);
  const common = {
    cluster: config.clusterName,
    nodes,
    profile: { ...profile, name: config.profile },
    stateDir: schedulerStateDir(config),
  };
  switch (config.scheduler) {
    case 'slurm':
      return new SlurmCluster(config.clusterName, { ...common, options: config.slurm }, opts);
    case 'kubernetes':
      return new KubernetesCluster(
        config.clusterName,
        { ...common, options: kubernetesOptions(config) },
        opts,
      );
    case 'flux':
      return new FluxCluster(config.clusterName, { ...common, options: config.flux }, opts);
    default: {
      const unknown: never = config.scheduler;
      throw new Error(`unknown scheduler ${String(unknown)}`);
    }
  }
}
