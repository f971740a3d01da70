// What this machine offers to nodes that share it (netns): the CPUs the kernel shows and the memory it has. Read
// before anything is created — to size the `host` profile and to refuse a profile a scheduler cannot honour here.
import { accessSync, constants } from 'fs';
import * as os from 'os';
import * as path from 'path';

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

/** Whether `program` is an executable file in one of PATH's directories (of the machine that runs the program). */
export function onPath(program: string): boolean {
  return (process.env.PATH ?? '').split(path.delimiter).some((dir) => {
    try {
      accessSync(path.join(dir, program), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}
