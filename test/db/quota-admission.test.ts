// Admission under queue quotas is one step (docs/quotas.md, "Admission is one step"): series
// decided at the same instant are decided one after the other under the quotas' row locks, each
// counting those admitted before it. Real concurrency on PostgreSQL (a pool of connections);
// PGlite (one connection) must give the same answers.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { eq } from 'drizzle-orm';
import { insertSeriesWithinQuota } from '../../api/series/quota-check.ts';
import type { Database } from '../../db/client.ts';
import { quotaWaitReason } from '../../db/quotas.ts';
import { series } from '../../db/schema.ts';
import { backends, withDatabase } from '../support/database.ts';
import { ownerUnderQueueQuota, seriesRowOn, seriesStates } from './quota-fixtures.ts';

const HOST = 'local';
/** Three tuples a series, four in the queue at most: one series at a time fits. */
const TUPLES = 3;
const MAX_QUEUED = 4;

const seriesRow = (ownerId: string) => seriesRowOn(ownerId, [HOST], TUPLES);
const ownerUnderQuota = (db: Database) => ownerUnderQueueQuota(db, HOST, MAX_QUEUED);

describe('admission under a queue quota', () => {
  for (const kind of backends) {
    test(`series submitted at once: exactly one is admitted, the others stored queued (${kind})`, () =>
      withDatabase(kind, async ({ db }) => {
        const ownerId = await ownerUnderQuota(db);
        const rows = Array.from({ length: 4 }, () => seriesRow(ownerId));
        await Promise.all(rows.map((row) => insertSeriesWithinQuota(db, row)));
        const states = [
          ...(
            await seriesStates(
              db,
              rows.map((r) => r.id),
            )
          ).values(),
        ];
        assert.deepEqual(states.map((s) => s.state).sort(), ['queued', 'queued', 'queued', 'staging']);
        for (const queued of states.filter((s) => s.state === 'queued')) {
          assert.match(
            queued.waitReason!,
            /^user quota: 3 queued on host local, and this series' 3 would pass maxQueued 4 of user owner-/,
          );
        }
      }));

    test(`queued series looking again at once: exactly one is admitted (${kind})`, () =>
      withDatabase(kind, async ({ db }) => {
        const ownerId = await ownerUnderQuota(db);
        const rows = Array.from({ length: 3 }, () => seriesRow(ownerId));
        // Waiting, as the workflow left them; none has run rows yet (they come after staging).
        for (const row of rows)
          await db.insert(series).values({ ...row, state: 'queued', waitReason: 'held' });
        const reasons = await Promise.all(
          rows.map((row) =>
            quotaWaitReason(db, {
              seriesId: row.id,
              userId: ownerId,
              groupId: null,
              host: HOST,
              count: TUPLES,
            }),
          ),
        );
        assert.equal(reasons.filter((r) => r === null).length, 1, JSON.stringify(reasons));
        const admitted = rows[reasons.indexOf(null)]!.id;
        const states = await seriesStates(
          db,
          rows.map((r) => r.id),
        );
        for (const row of rows)
          assert.equal(states.get(row.id)!.state, row.id === admitted ? 'staging' : 'queued');

        // Once the admitted series is over, the next one fits.
        await db.update(series).set({ state: 'completed' }).where(eq(series.id, admitted));
        const next = rows.find((r) => r.id !== admitted)!;
        assert.equal(
          await quotaWaitReason(db, {
            seriesId: next.id,
            userId: ownerId,
            groupId: null,
            host: HOST,
            count: TUPLES,
          }),
          null,
        );
      }));
  }
});
