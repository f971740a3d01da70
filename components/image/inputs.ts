// What a base image is built from, and the hash that names it: the same inputs give the same hash, the same
// cache directory, and no rebuild.
import { createHash } from 'crypto';
import { closeSync, openSync, readFileSync, readSync } from 'fs';
import * as path from 'path';
import { NODE_SSHD_DIRECTIVES } from '../nodes/ssh-env';
import { REPO_ROOT as projectRoot } from '../repo-root';

/** Packages every schedbench base image has: boot, SSH, the seed reader's tools and the load (a scheduler's own come
 * from its module's image content). */
export const BASE_PACKAGES: readonly string[] = [
  'linux-image-cloud-amd64',
  'systemd-sysv',
  'udev',
  'dbus',
  'openssh-server',
  'iproute2',
  'iputils-ping',
  'jq',
  'e2fsprogs',
  'util-linux',
  'mount',
  'procps',
  'kmod',
  'stress-ng',
];

export const BUILD_SCRIPT = 'components/image/build.sh';
/** The rules for the directories root writes in (the image cache lies in the libvirt backend's storageDir). */
export const STORAGE_LIB = 'components/nodes/libvirt/scripts/storage.sh';
export const SEED_READER = 'components/image/guest/schedbench-seed.sh';
export const SEED_UNIT = 'components/image/guest/schedbench-seed.service';

/**
 * An overlay a command makes before the image is built (e.g. Kubernetes' node bundle): its path is known before it
 * exists, so the image's hash covers `identity` (the key of every input that makes it) instead of its content.
 */
export interface MadeOverlay {
  path: string;
  identity: string;
  /** The command that makes it; idempotent (a cached result costs seconds). */
  make: { create: string; environment: Record<string, string> };
}

/** A tarball unpacked at / after the packages: a file that exists (hashed by content), or one a command makes. */
export type ImageOverlay = string | MadeOverlay;

export interface ImageBuildOptions {
  /** Debian suite. */
  suite: string;
  /** Debian mirror URL. */
  mirror: string;
  /** Packages beyond BASE_PACKAGES. */
  extraPackages: readonly string[];
  /** Tarballs unpacked at / after the packages, in order, e.g. `schedbench:flux.tarball` (absolute paths here). */
  overlays?: readonly ImageOverlay[];
  /** systemd units the packages enable that a scheduler component starts itself: disabled at boot. */
  disabledUnits?: readonly string[];
  /** Directory holding one subdirectory per input hash. */
  cacheDir: string;
}

/** Everything that determines the image's content; file texts are read from the project. */
export interface ImageInputs {
  suite: string;
  mirror: string;
  packages: string[];
  buildScript: string;
  seedReader: string;
  seedUnit: string;
  /** The node sshd directives every schedbench sshd carries (components/nodes/ssh-env.ts). */
  sshdDirectives: string;
  /**
   * Overlay tarballs and what identifies them: a file's SHA-256 (a tarball rebuilt with other files makes another
   * image), or a made overlay's input key.
   */
  overlays: { path: string; identity: string }[];
  disabledUnits: string[];
}

/** SHA-256 of a file, read in 1 MiB pieces (an installed prefix's tarball is ~100 MB). */
export function fileSha256(file: string): string {
  const hash = createHash('sha256');
  const buffer = Buffer.alloc(1 << 20);
  const fd = openSync(file, 'r');
  try {
    for (let n = readSync(fd, buffer); n > 0; n = readSync(fd, buffer)) hash.update(buffer.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}

export function readImageInputs(
  opts: Pick<ImageBuildOptions, 'suite' | 'mirror' | 'extraPackages' | 'overlays' | 'disabledUnits'>,
): ImageInputs {
  const read = (file: string) => readFileSync(path.join(projectRoot, file), 'utf8');
  return {
    suite: opts.suite,
    mirror: opts.mirror,
    packages: [...new Set([...BASE_PACKAGES, ...opts.extraPackages])].sort(),
    // build.sh with the trusted-directory rules it checks its cache against in front (what runs, and is hashed).
    buildScript: `${read(STORAGE_LIB)}\n${read(BUILD_SCRIPT)}`,
    seedReader: read(SEED_READER),
    seedUnit: read(SEED_UNIT),
    sshdDirectives: NODE_SSHD_DIRECTIVES,
    overlays: (opts.overlays ?? []).map((o) =>
      typeof o === 'string' ? { path: o, identity: fileSha256(o) } : { path: o.path, identity: o.identity },
    ),
    disabledUnits: [...new Set(opts.disabledUnits ?? [])].sort(),
  };
}

/** SHA-256 over the inputs in a fixed key order. */
export function imageInputHash(inputs: ImageInputs): string {
  const canonical = JSON.stringify([
    inputs.suite,
    inputs.mirror,
    inputs.packages,
    inputs.buildScript,
    inputs.seedReader,
    inputs.seedUnit,
    inputs.sshdDirectives,
    // By identity only: the same tarball elsewhere is the same image.
    inputs.overlays.map((o) => o.identity),
    inputs.disabledUnits,
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

/** The cache directory of an image: `<cacheDir>/<suite>-<first 16 hex of the input hash>`. */
export function imageDir(cacheDir: string, inputs: ImageInputs): string {
  return path.posix.join(cacheDir, `${inputs.suite}-${imageInputHash(inputs).slice(0, 16)}`);
}

/** The environment build.sh takes (its whole interface). */
export function buildEnvironment(cacheDir: string, inputs: ImageInputs): Record<string, string> {
  return {
    OUT_DIR: imageDir(cacheDir, inputs),
    SUITE: inputs.suite,
    MIRROR: inputs.mirror,
    PACKAGES: inputs.packages.join(','),
    SEED_READER: inputs.seedReader,
    SEED_UNIT: inputs.seedUnit,
    SSHD_DIRECTIVES: inputs.sshdDirectives,
    OVERLAYS: inputs.overlays.map((o) => o.path).join('\n'),
    DISABLED_UNITS: inputs.disabledUnits.join(' '),
    INPUT_HASH: imageInputHash(inputs),
  };
}

/** The overlays that a command makes, in order (BaseImage runs them before the build). */
export function madeOverlays(overlays: readonly ImageOverlay[] | undefined): MadeOverlay[] {
  return (overlays ?? []).filter((o): o is MadeOverlay => typeof o !== 'string');
}
