// Process checks the end-to-end tests share.
import { readFileSync } from 'fs';

/** A process that runs (a zombie has finished; only its parent's reaping is left). */
export function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}
