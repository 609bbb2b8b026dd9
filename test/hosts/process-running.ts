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

/** PF_EXITING in /proc/PID/stat's flags: the process has begun to exit. */
const PF_EXITING = 0x4;
/** SIGKILL (9) in a pending-signal mask of /proc/PID/status. */
const SIGKILL_BIT = 1n << 8n;

/**
 * True when process `pid` can no longer run code of its own: gone, a zombie, exiting, or with a
 * SIGKILL pending. A KILL is delivered at once but acted on when the process is next scheduled,
 * which on a loaded machine can come after the one who sent it has moved on.
 */
export function stopped(pid: number): boolean {
  if (!running(pid)) return true;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const flags = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[6]);
    if ((flags & PF_EXITING) !== 0) return true;
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return ['SigPnd', 'ShdPnd'].some((field) => {
      const mask = new RegExp(`^${field}:\\s*([0-9a-f]+)$`, 'm').exec(status)?.[1];
      return mask !== undefined && (BigInt(`0x${mask}`) & SIGKILL_BIT) !== 0n;
    });
  } catch {
    return true; // gone between the reads
  }
}
