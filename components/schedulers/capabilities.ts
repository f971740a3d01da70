// What the registry knows of each scheduler without standing anything up: whether this version can run it here,
// what it cannot honour, the socket paths it will make, what a VM image needs, where its state lives. Pure (no
// Pulumi): `validate`, campaign plans and the image CLI ask here and start at once.
import { accessSync, constants } from 'fs';
import * as path from 'path';
import type { BenchConfig } from '../config/schema';
import type { SchedulerName } from '../../results/vocabulary';
import { fluxAvailability, type FluxSite } from '../flux/availability';
import { fluxImageContent } from '../flux/image';
import {
  kubernetesAvailability,
  kubernetesCapacityProblem,
  type KubernetesSite,
} from '../kubernetes/availability';
import { KUBERNETES_IMAGE_DIR, kubernetesImageContent } from '../kubernetes/image';
import type { KubernetesOptions } from '../kubernetes/options';
import type { ImageOverlay } from '../image/inputs';
import { thisHost, type HostFacts } from '../nodes/host-facts';
import { plannedNodeNames } from '../nodes/names';
import { clusterLayout as slurmLayout, slurmSocketPaths } from '../slurm/layout';
import { clusterLayout as kubernetesLayout, kubernetesSocketPaths } from '../kubernetes/render';
import { fluxLayout, fluxSocketPaths } from '../flux/render';
import type { LimitedPath } from './runtime-dir';

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

/**
 * Why the scheduler cannot honour the stack's profile where its nodes are (e.g. more CPUs per node than a kubelet
 * can advertise), or undefined: such a stack is refused, not skipped.
 */
export function schedulerCapacityProblem(
  config: BenchConfig,
  host: HostFacts = thisHost(),
): string | undefined {
  switch (config.scheduler) {
    case 'slurm':
    case 'flux':
      return undefined;
    case 'kubernetes':
      return kubernetesCapacityProblem(kubernetesSite(config, host));
    default: {
      const unknown: never = config.scheduler;
      throw new Error(`unknown scheduler ${String(unknown)}`);
    }
  }
}

/**
 * Where a stack's Kubernetes binaries come from, and on netns the host its nodes share (availability, campaigns).
 */
export function kubernetesSite(
  config: Pick<BenchConfig, 'kubernetes' | 'backend'> & Partial<Pick<BenchConfig, 'profile' | 'profiles'>>,
  host: HostFacts = thisHost(),
): KubernetesSite {
  const profile = config.profile === undefined ? undefined : config.profiles?.[config.profile];
  return {
    backend: config.backend.type,
    goInstalled: onPath('go'),
    ...(config.backend.type === 'netns' && profile !== undefined && config.profile !== undefined
      ? { sharedHost: { profile: config.profile, vcpus: profile.vcpus, hostCpus: host.cores } }
      : {}),
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

/** Whether `program` is an executable file in one of PATH's directories. */
function onPath(program: string): boolean {
  return (process.env.PATH ?? '').split(path.delimiter).some((dir) => {
    try {
      accessSync(path.join(dir, program), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** The longest socket paths the configured scheduler will make on the stack's nodes (checked before `up`). */
export function schedulerSocketPaths(config: BenchConfig): LimitedPath[] {
  const profile = config.profiles[config.profile];
  if (profile === undefined) return [];
  const nodes = plannedNodeNames(config, profile.nodes);
  const stateDir = schedulerStateDir(config);
  switch (config.scheduler) {
    case 'slurm':
      return slurmSocketPaths(slurmLayout(stateDir), nodes);
    case 'kubernetes':
      return kubernetesSocketPaths(kubernetesLayout(stateDir), nodes);
    case 'flux':
      return fluxSocketPaths(fluxLayout(stateDir), nodes);
    default: {
      const unknown: never = config.scheduler;
      throw new Error(`unknown scheduler ${String(unknown)}`);
    }
  }
}
