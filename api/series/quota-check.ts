// Quotas at submit (docs/quotas.md): a series that can never fit a quota binding it is refused
// with the limit named; one that only has to wait is accepted and stored `queued`.
import type { Database } from '../../db/client.ts';
import {
  hostsOfSeries,
  quotasBinding,
  quotaSubjectText,
  waitReasonUnder,
  withQuotasLocked,
  type QuotaSubject,
} from '../../db/quotas.ts';
import { insertSeries, type NewSeriesRow } from '../../db/series.ts';
import { ApiError } from '../errors.ts';

export async function refuseOverQuota(db: Database, subject: QuotaSubject, count: number): Promise<void> {
  for (const quota of await quotasBinding(db, subject)) {
    if (quota.maxTuples !== null && count > quota.maxTuples) {
      throw new ApiError(
        422,
        'over_quota',
        `the sweep has ${count} tuples; the quota of ${quotaSubjectText(quota)} allows at most maxTuples ${quota.maxTuples} per series`,
        { field: 'ini', quota: quota.id, limit: 'maxTuples', value: quota.maxTuples },
      );
    }
    // Every run of a series is queued when it starts: more than maxQueued never fits.
    if (quota.maxQueued !== null && count > quota.maxQueued) {
      throw new ApiError(
        422,
        'over_quota',
        `the sweep has ${count} tuples; the quota of ${quotaSubjectText(quota)} allows at most maxQueued ${quota.maxQueued} runs in the queue`,
        { field: 'ini', quota: quota.id, limit: 'maxQueued', value: quota.maxQueued },
      );
    }
  }
}

/**
 * Stores a new series admitted (`staging`) when its queue and storage quotas on every host it
 * may run on let it start now, else `queued` with the reason. The check and the insert are one
 * transaction holding the quotas' rows: series submitted at the same instant are decided one
 * after the other, each counting those admitted before it (a check before the insert let all of
 * them in). The workflow looks again before staging (quotaHold) and admits a queued series the
 * same way.
 */
export async function insertSeriesWithinQuota(
  db: Database,
  row: Omit<NewSeriesRow, 'state' | 'waitReason'>,
): Promise<void> {
  // All its tuples: with `reuse` the taken ones are known only once recorded (create.ts), so a
  // series that fits only thanks to them is admitted by its workflow's first look instead.
  const count = row.count;
  // A multi-host series is decided on each of its hosts (docs/quotas.md, "Multi-host series").
  const hosts = hostsOfSeries(row);
  const subject = { userId: row.ownerId, groupId: row.groupId ?? null, hosts };
  await withQuotasLocked(db, subject, async (tx, binding) => {
    const waitReason = await waitReasonUnder(tx, binding, { seriesId: row.id, hosts, count });
    await insertSeries(tx, { ...row, state: waitReason === null ? 'staging' : 'queued', waitReason });
  });
}
