// Tests wait for a condition, never for a fixed time: a fixed sleep is either too short on a
// loaded machine (a flaky test) or too long everywhere else (a slow one). `waitFor` polls the
// condition until it holds and fails after a deadline naming what it waited for.
import { setTimeout as pause } from 'node:timers/promises';

export interface WaitOptions {
  /** What the test waits for, as the failure should name it ("the runner to exit"). */
  what: string;
  /** How long before giving up (default 30 s: generous, since only a broken condition hits it). */
  timeoutMs?: number;
  /** How often to look (default 100 ms). */
  intervalMs?: number;
  /** What was last seen, for the failure message (e.g. the last state polled). */
  lastSeen?: () => unknown;
}

/**
 * Polls `condition` until it returns a truthy value, and returns that value. Fails after
 * `timeoutMs` with "timed out after N ms waiting for WHAT" (plus what was last seen). An
 * exception from the condition fails at once: it is a bug, not a "not yet".
 */
export async function waitFor<T>(
  condition: () => T | Promise<T>,
  options: WaitOptions,
): Promise<NonNullable<T>> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await condition();
    if (value) return value as NonNullable<T>;
    if (Date.now() >= deadline) {
      const last = options.lastSeen ? `; last seen: ${JSON.stringify(options.lastSeen())}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${options.what}${last}`);
    }
    await pause(Math.min(options.intervalMs ?? 100, Math.max(0, deadline - Date.now())));
  }
}
