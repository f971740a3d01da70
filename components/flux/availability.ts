// Whether a Flux stack can be stood up: a prefix is configured and, where this machine's filesystem is the
// nodes' (netns), it holds flux-core and Fluxion. Elsewhere the install stage checks every node over SSH.
import { FLUX_PREFIX_ENV } from './config';
import { missingFluxParts } from './install';

/** Where a stack's Flux installation is: the configured prefix, and whether the nodes share this filesystem. */
export interface FluxSite {
  prefix: string | undefined;
  local: boolean;
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
  if (site !== undefined && !site.local) return { available: true };
  const missing = missingFluxParts(prefix);
  return missing.length === 0
    ? { available: true }
    : {
        available: false,
        reason: `no Flux installation at ${prefix} (schedbench:flux.prefix): missing ${missing.join('; ')}`,
      };
}
