// What a VM image needs to run Flux from `schedbench:flux.tarball`: the tarball itself (an installed prefix,
// member paths relative to /) and the Debian 12 packages that prefix links against or imports at run time.
import { spawnSync } from 'child_process';
import { existsSync } from 'fs';
import { FLUXION_MODULES } from './install';

/**
 * Debian 12 packages flux-core 0.88 and flux-sched 0.54 need at run time: the libraries their binaries and broker
 * modules link against (found with `ldd` over an installed prefix, mapped with `dpkg -S`) and the Python modules
 * the `flux` sub-commands import. SLURM's packages are in every image already.
 */
export const FLUX_IMAGE_PACKAGES: readonly string[] = [
  'libarchive13',
  'libboost-graph1.74.0',
  'libboost-regex1.74.0',
  'libhwloc15',
  'libjansson4',
  'liblua5.1-0',
  'liblz4-1',
  'libpython3.11',
  'libsodium23',
  'libsqlite3-0',
  'libuuid1',
  'libxml2',
  'libyaml-cpp0.7',
  'libzmq5',
  'lua-posix',
  'python3',
  'python3-cffi',
  'python3-ply',
  'python3-yaml',
];

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

/** What a Flux stack adds to a VM image: the tarball and its packages, or nothing without a tarball. */
export function fluxImageContent(tarball: string | undefined): { packages: string[]; overlays: string[] } {
  return tarball === undefined
    ? { packages: [], overlays: [] }
    : { packages: [...FLUX_IMAGE_PACKAGES], overlays: [tarball] };
}
