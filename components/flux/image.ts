// What a VM image needs to run Flux from `schedbench:flux.tarball`: the tarball itself (an installed prefix,
// member paths relative to /) and the Debian 12 packages that prefix links against or imports at run time.
import type { ImageContent } from '../schedulers/module';

/**
 * Debian 12 packages flux-core 0.88 and flux-sched 0.54 need at run time: the libraries their binaries, broker
 * modules, connectors, plugins and Python extensions link against (`ldd` over every ELF file of an installed
 * prefix, mapped with `dpkg -S`), the Lua module the job shell loads, and the Python modules the `flux` sub-commands
 * import. The rest comes with these packages' own dependencies or the base image (components/image/inputs.ts
 * BASE_PACKAGES: jq, procps and stress-ng for the scripts and the jobs); nothing comes from another scheduler's
 * packages, which an image made for Flux does not have.
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

/** What a Flux stack adds to a VM image: the tarball and its packages, or nothing without a tarball. */
export function fluxImageContent(tarball: string | undefined): ImageContent {
  return tarball === undefined
    ? { packages: [], overlays: [] }
    : { packages: [...FLUX_IMAGE_PACKAGES], overlays: [tarball] };
}
