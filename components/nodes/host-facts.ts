// What this machine offers to nodes that share it (netns): the CPUs the kernel shows and the memory it has. Read
// before anything is created — to size the `host` profile and to refuse a profile a scheduler cannot honour here.
import * as os from 'os';

export interface HostFacts {
  /** CPUs the kernel shows (/proc/cpuinfo's processors: what a kubelet advertises at most). */
  cores: number;
  /** Memory the kernel manages (MemTotal), MiB. */
  memoryMiB: number;
}

/** This machine's facts. */
export function thisHost(): HostFacts {
  return { cores: Math.max(1, os.cpus().length), memoryMiB: Math.floor(os.totalmem() / (1024 * 1024)) };
}
