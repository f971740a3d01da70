// What a VM image needs to run SLURM: Debian's packages of the daemons and their accounting database, and the
// units those packages enable at boot, which the cluster component starts itself, configured.
import type { ImageContent } from '../schedulers/module';

/** Debian 12 packages of a SLURM node (the install stage checks them on every node). */
export const SLURM_PACKAGES: readonly string[] = [
  'slurmctld',
  'slurmd',
  'slurmdbd',
  'slurm-client',
  'munge',
  'mariadb-server',
];

/**
 * What the install stage checks on every node and installs where missing: the packages above, and the tools SLURM's
 * scripts and the job wrapper run.
 */
export const SLURM_NODE_PACKAGES: readonly string[] = [
  ...SLURM_PACKAGES,
  'mariadb-client',
  'stress-ng',
  'jq',
  'procps',
  'iproute2',
];

/** systemd units the packages enable: at boot they would only start unconfigured. */
const SLURM_UNITS: readonly string[] = [
  'mariadb.service',
  'munge.service',
  'slurmctld.service',
  'slurmd.service',
  'slurmdbd.service',
];

export function slurmImageContent(): ImageContent {
  return { packages: [...SLURM_PACKAGES], overlays: [], disabledUnits: [...SLURM_UNITS] };
}
