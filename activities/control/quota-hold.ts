// A new series waits for its subject's queue and storage quotas before it stages anything
// (docs/quotas.md): the reason is its waitReason until it may start.
import type { Database } from '../../db/client.ts';
import { quotaWaitReason } from '../../db/quotas.ts';
import { countReusedRuns } from '../../db/reuse.ts';
import { findSeriesRow, noteSeriesWaiting } from '../../db/series.ts';
import { notFound } from '../errors.ts';

/** Why the series may not start yet (recorded as its waitReason), or null once it may. */
export async function quotaHold(db: Database, seriesId: string): Promise<string | null> {
  const row = await findSeriesRow(db, seriesId);
  if (!row) throw notFound(`series ${seriesId}`);
  // Runs reused from other series were recorded at submit: only the others will be queued.
  const toRun = row.count - (await countReusedRuns(db, seriesId));
  const reason = await quotaWaitReason(db, {
    seriesId,
    userId: row.ownerId,
    groupId: row.groupId,
    host: row.host,
    count: toRun,
  });
  if (reason !== row.waitReason) await noteSeriesWaiting(db, seriesId, reason);
  return reason;
}
