// Unix socket addresses hold at most 107 bytes of path on Linux (sun_path is 108 with its NUL), and schedulers
// name sockets after the node, the job and the step: under a state directory that carries the cluster's name,
// they overflow (slurmstepd's `<spool>/<node>_<job>.<step>` reached 111 bytes under a 20-character cluster name
// and every job was cancelled). So a cluster keeps its sockets under a short runtime directory of fixed length,
// and every scheduler lists the longest socket paths it can make, checked before anything is created. Not under
// /run: a machine booted through Debian's initramfs mounts /run noexec, and slurmd runs batch scripts from its
// spool (every job of a VM node failed there).
import { createHash } from 'crypto';
import * as path from 'path';

/** Longest path a Unix socket may have on Linux (bytes, without the terminating NUL). */
export const UNIX_SOCKET_MAX_BYTES = 107;

/** Where every cluster's runtime directory lives (root-owned, on the state's own filesystem). */
export const RUNTIME_ROOT = '/var/lib/schedbench/run';

/** Hex digits of the state directory's hash naming a runtime directory: 16^8 names, never shared in practice. */
const RUNTIME_TAG_HEX = 8;

/**
 * `/var/lib/schedbench/run/<8 hex of SHA-256 of stateDir>`: the runtime directory of the cluster whose state is
 * under `stateDir` (which names the cluster and the scheduler), 32 bytes whatever the names.
 */
export function runtimeDir(stateDir: string): string {
  const tag = createHash('sha256')
    .update(path.posix.normalize(stateDir))
    .digest('hex')
    .slice(0, RUNTIME_TAG_HEX);
  return `${RUNTIME_ROOT}/${tag}`;
}

/** A path with a length limit, as long as it can get (the longest job and step ids, the longest node name). */
export interface LimitedPath {
  /** What it is, for the message: e.g. `slurmstepd socket of node c-n1`. */
  what: string;
  path: string;
  /** Most bytes allowed. */
  limit: number;
}

/** The paths over their limit, each with a sentence that says by how much. */
export function overLimit(paths: readonly LimitedPath[]): string[] {
  return paths
    .filter((p) => Buffer.byteLength(p.path) > p.limit)
    .map((p) => `${p.what} ${p.path} is ${Buffer.byteLength(p.path)} bytes, more than ${p.limit}`);
}
