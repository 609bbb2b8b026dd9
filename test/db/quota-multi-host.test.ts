// Queue quotas of a series over several hosts (docs/quotas.md, "Multi-host series"): before its
// runs are placed its whole count may land on any of its hosts, so it is decided and counted
// on each; a run handed to a host counts on that host only. The quota here binds the series'
// second host, which the old code never looked at (it counted `series.host` only). Decided under
// the quotas' row locks like a series of one host: real concurrency on PostgreSQL.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { inArray } from 'drizzle-orm';
import { insertSeriesWithinQuota } from '../../api/series/quota-check.ts';
import type { Database } from '../../db/client.ts';
import { quotaWaitReason } from '../../db/quotas.ts';
import { runs, series } from '../../db/schema.ts';
import { backends, withDatabase } from '../support/database.ts';
import { ownerUnderQueueQuota, seriesRowOn, seriesStates } from './quota-fixtures.ts';

/** The quota binds host `b` only, four in its queue at most. */
const MAX_QUEUED_ON_B = 4;

const ownerWithQuotaOnB = (db: Database) => ownerUnderQueueQuota(db, 'b', MAX_QUEUED_ON_B);

/** The series' runs as its chunks left them: every one in `state`, handed to `host` (or none). */
async function recordRuns(
  db: Database,
  seriesId: string,
  count: number,
  state: 'pending' | 'queued',
  host: string | null,
) {
  await db.insert(runs).values(
    Array.from({ length: count }, (_, index) => ({
      seriesId,
      index,
      dir: String(index),
      params: {},
      state,
      host,
    })),
  );
}

describe('queue quotas of a series over several hosts', () => {
  for (const kind of backends) {
    test(`decided on every host it may run on, with its whole count (${kind})`, () =>
      withDatabase(kind, async ({ db }) => {
        const ownerId = await ownerWithQuotaOnB(db);
        // b's queue holds 3 of a series of one host: a series over a and b of 3 more does not fit on b.
        const onB = seriesRowOn(ownerId, ['b'], 3);
        const overAB = seriesRowOn(ownerId, ['a', 'b'], 3);
        await insertSeriesWithinQuota(db, onB);
        await insertSeriesWithinQuota(db, overAB);
        const states = await seriesStates(db, [onB.id, overAB.id]);
        assert.equal(states.get(onB.id)!.state, 'staging');
        assert.equal(states.get(overAB.id)!.state, 'queued', 'the quota of its second host holds it');
        assert.match(
          states.get(overAB.id)!.waitReason!,
          /^user quota: 3 queued on host b, and this series' 3 would pass maxQueued 4 of user owner-.* on host b$/,
        );
      }));

    test(`counted on each of its hosts until placed, then on the host its runs went to (${kind})`, () =>
      withDatabase(kind, async ({ db }) => {
        const ownerId = await ownerWithQuotaOnB(db);
        const overAB = seriesRowOn(ownerId, ['a', 'b'], 3);
        await insertSeriesWithinQuota(db, overAB);
        assert.equal((await seriesStates(db, [overAB.id])).get(overAB.id)!.state, 'staging');

        // Not placed (no run rows yet): its 3 count on b, so 3 more on b would pass 4.
        const onB = seriesRowOn(ownerId, ['b'], 3);
        await db.insert(series).values({ ...onB, state: 'queued', waitReason: 'held' });
        const look = () =>
          quotaWaitReason(db, { seriesId: onB.id, userId: ownerId, groupId: null, host: 'b', count: 3 });
        assert.match((await look()) ?? '', /^user quota: 3 queued on host b/);

        // Its runs pending (never handed to a host, or put back by a lost one): still on each host.
        await recordRuns(db, overAB.id, 3, 'pending', null);
        assert.match((await look()) ?? '', /^user quota: 3 queued on host b/);

        // Handed to a: they wait in a's queue, not b's; the series on b is admitted.
        await db
          .update(runs)
          .set({ state: 'queued', host: 'a' })
          .where(inArray(runs.seriesId, [overAB.id]));
        assert.equal(await look(), null);
        assert.equal((await seriesStates(db, [onB.id])).get(onB.id)!.state, 'staging');
      }));

    test(`series over several hosts submitted at once: exactly one admitted under the second host's quota (${kind})`, () =>
      withDatabase(kind, async ({ db }) => {
        const ownerId = await ownerWithQuotaOnB(db);
        const rows = Array.from({ length: 4 }, () => seriesRowOn(ownerId, ['a', 'b'], 3));
        await Promise.all(rows.map((row) => insertSeriesWithinQuota(db, row)));
        const states = await seriesStates(
          db,
          rows.map((r) => r.id),
        );
        assert.deepEqual([...states.values()].map((s) => s.state).sort(), [
          'queued',
          'queued',
          'queued',
          'staging',
        ]);

        // Once the admitted one is over, the three waiting look again at once: exactly one admitted.
        const waiting = rows.filter((r) => states.get(r.id)!.state === 'queued');
        await db
          .update(series)
          .set({ state: 'completed' })
          .where(inArray(series.state, ['staging']));
        const reasons = await Promise.all(
          waiting.map((row) =>
            quotaWaitReason(db, { seriesId: row.id, userId: ownerId, groupId: null, host: 'a', count: 3 }),
          ),
        );
        assert.equal(reasons.filter((r) => r === null).length, 1, JSON.stringify(reasons));
      }));
  }
});
