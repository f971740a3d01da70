// Whether a Flux stack can be stood up: a prefix is configured and, where this machine's filesystem is the
// nodes' (netns), it holds flux-core and Fluxion; where VM images are built with `flux.tarball`, the tarball
// holds them. Elsewhere the install stage checks every node over SSH.
import { FLUX_PREFIX_ENV } from './options';
import { missingFromTarball } from './image';
import { missingFluxParts } from './install';

/**
 * Where a stack's Flux installation is: the configured prefix, whether the nodes share this filesystem, and the
 * tarball a VM image is made with (libvirt).
 */
export interface FluxSite {
  prefix: string | undefined;
  local: boolean;
  tarball?: string;
  /** Whether the VM image is built here (`backend.image.source: build`): only a built image takes the tarball. */
  imageBuilt?: boolean;
}

export type FluxAvailability = { available: true } | { available: false; reason: string };

/** Available, or "no Flux installation at <prefix>" with what is missing (campaigns print it as skipped). */
export function fluxAvailability(site?: FluxSite): FluxAvailability {
  const prefix = site?.prefix ?? (process.env[FLUX_PREFIX_ENV] || undefined);
  if (prefix === undefined)
    return {
      available: false,
      reason: `no Flux installation: set schedbench:flux.prefix (or ${FLUX_PREFIX_ENV}) to where flux-core and flux-sched are installed`,
    };
  if (site !== undefined && !site.local) {
    // VM images get the prefix from the tarball: it must hold it. Without one, the image (or the hosts) must
    // have Flux already; the install stage checks every node over SSH.
    if (site.tarball === undefined) return { available: true };
    if (site.imageBuilt === false)
      return {
        available: false,
        reason: `schedbench:flux.tarball is unpacked into built images only, and schedbench:backend.image.source is "file": install Flux in that image (and drop flux.tarball), or build one (image.source "build")`,
      };
    const missing = missingFromTarball(site.tarball, prefix);
    return missing.length === 0
      ? { available: true }
      : {
          available: false,
          reason: `schedbench:flux.tarball = ${site.tarball} holds no Flux installation at ${prefix} (schedbench:flux.prefix): missing ${missing.join('; ')}`,
        };
  }
  const missing = missingFluxParts(prefix);
  return missing.length === 0
    ? { available: true }
    : {
        available: false,
        reason: `no Flux installation at ${prefix} (schedbench:flux.prefix): missing ${missing.join('; ')}`,
      };
}
