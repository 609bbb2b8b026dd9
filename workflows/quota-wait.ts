// A series whose subject is at a queue or storage quota (docs/quotas.md) is accepted and waits
// here, before staging, with the quota named as its waitReason; it looks again with back-off
// (5 s doubling to 5 min keeps a day's wait to a few hundred events of history).
import { patched, sleep } from '@temporalio/workflow';
import type { SeriesState } from '../core/states.ts';
import { control } from './activities.ts';

const FIRST_LOOK_MS = 5_000;
const LONGEST_WAIT_MS = 300_000;

/**
 * Patch: a series held by a quota is `queued` while it waits and `staging` again when it moves
 * on (two setSeriesState calls around the waiting). Series of the old code stayed `staging`.
 */
const RECORD_QUEUED_WHILE_WAITING = 'series-queued-while-waiting-for-quota';

export async function waitForQuota(
  seriesId: string,
  setState: (state: SeriesState) => Promise<void>,
): Promise<void> {
  if ((await control.quotaHold(seriesId)) === null) return;
  // Asked only once a quota holds the series: one that may start at once has no marker.
  const recordQueued = patched(RECORD_QUEUED_WHILE_WAITING);
  if (recordQueued) await setState('queued');
  let wait = FIRST_LOOK_MS;
  do {
    await sleep(wait);
    wait = Math.min(wait * 2, LONGEST_WAIT_MS);
  } while ((await control.quotaHold(seriesId)) !== null);
  if (recordQueued) await setState('staging');
}
