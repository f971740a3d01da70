// Whether a Flux stack can be stood up: a prefix is configured and, where this machine's filesystem is the
// nodes' (netns), it holds flux-core and Fluxion; where VM images are built with `flux.tarball`, the tarball
// holds them. Elsewhere the install stage checks every node over SSH (install-check.sh).
import { spawnSync } from 'child_process';
import { existsSync, readdirSync } from 'fs';
import * as path from 'path';
import type { Availability } from '../schedulers/module';
import { FLUX_PREFIX_ENV } from './options';

/** The Fluxion modules a prefix must hold. */
export const FLUXION_MODULES = ['sched-fluxion-qmanager', 'sched-fluxion-resource'] as const;

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

/** Available, or "no Flux installation at <prefix>" with what is missing (campaigns print it as skipped). */
export function fluxAvailability(site?: FluxSite): Availability {
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

/** What is missing under `prefix` on this machine (empty when it is a Flux installation with Fluxion). */
export function missingFluxParts(prefix: string): string[] {
  const missing: string[] = [];
  if (!existsSync(path.join(prefix, 'bin', 'flux'))) missing.push(`${prefix}/bin/flux`);
  const moduleDirs = ['lib', 'lib64']
    .map((lib) => path.join(prefix, lib, 'flux', 'modules'))
    .filter((dir) => existsSync(dir));
  const modules = new Set(moduleDirs.flatMap((dir) => readdirSync(dir)));
  for (const m of FLUXION_MODULES) {
    if (!modules.has(`${m}.so`)) missing.push(`the ${m} module (${prefix}/lib/flux/modules/${m}.so)`);
  }
  return missing;
}

/** Member names of a tarball (`tar -tf`), without a leading `./` or `/`. */
export function tarballMembers(tarball: string): string[] {
  const listed = spawnSync('tar', ['-tf', tarball], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (listed.status !== 0)
    throw new Error(`tar -tf ${tarball}: ${listed.stderr.trim() || `exit ${String(listed.status)}`}`);
  return listed.stdout
    .split('\n')
    .filter((m) => m !== '')
    .map((m) => m.replace(/^\.?\/+/, ''));
}

/** What the tarball lacks of a Flux installation at `prefix` (empty when it holds one with Fluxion). */
export function missingFromTarball(tarball: string, prefix: string): string[] {
  if (!existsSync(tarball)) return [`the file itself (${tarball} does not exist)`];
  const members = new Set(tarballMembers(tarball));
  const at = prefix.replace(/^\/+/, '').replace(/\/+$/, '');
  const missing: string[] = [];
  if (!members.has(`${at}/bin/flux`)) missing.push(`${at}/bin/flux`);
  for (const m of FLUXION_MODULES) {
    const found = ['lib', 'lib64'].some((lib) => members.has(`${at}/${lib}/flux/modules/${m}.so`));
    if (!found) missing.push(`${at}/lib/flux/modules/${m}.so`);
  }
  return missing;
}
