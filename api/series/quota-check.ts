// Quotas at submit (docs/quotas.md): a series that can never fit a quota binding it is refused
// with the limit named; one that only has to wait is accepted.
import type { Database } from '../../db/client.ts';
import { quotasBinding, quotaSubjectText } from '../../db/quotas.ts';
import { ApiError } from '../errors.ts';

export async function refuseOverQuota(
  db: Database,
  subject: { userId: string; groupId: string | null; host: string },
  count: number,
): Promise<void> {
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
