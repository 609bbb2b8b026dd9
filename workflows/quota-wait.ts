// A series whose subject is at a queue or storage quota (docs/quotas.md) is accepted and waits
// here, before staging, with the quota named as its waitReason; it looks again with back-off
// (5 s doubling to 5 min keeps a day's wait to a few hundred events of history).
import { sleep } from '@temporalio/workflow';
import { control } from './activities.ts';

const FIRST_LOOK_MS = 5_000;
const LONGEST_WAIT_MS = 300_000;

export async function waitForQuota(seriesId: string): Promise<void> {
  let wait = FIRST_LOOK_MS;
  while ((await control.quotaHold(seriesId)) !== null) {
    await sleep(wait);
    wait = Math.min(wait * 2, LONGEST_WAIT_MS);
  }
}
