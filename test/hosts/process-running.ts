// Whether a process runs, for tests that check what a stop left behind.
import { readFileSync } from 'node:fs';

/** True while process `pid` exists and is not a zombie (one waiting for a reaper has stopped). */
export function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}
