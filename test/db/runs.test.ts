import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { and, asc, eq } from 'drizzle-orm';
import type { RunChange } from '../../hosts/executor.ts';
import type { Database } from '../../db/client.ts';
import { BATCH_ROWS, batches } from '../../db/raw.ts';
import {
  applyRunChanges,
  cancelUnfinishedRuns,
  countRunsByState,
  insertRuns,
  markOutputsLeftOn,
  markRunsQueued,
  resetRunsForRerun,
  setRunMetrics,
} from '../../db/runs.ts';
import { insertFiles } from '../../db/files.ts';
import { files, runs } from '../../db/schema.ts';
import { backends, withDatabase } from '../support/database.ts';
import { insertSeries } from './fixtures.ts';

function newRuns(count: number, from = 0) {
  return Array.from({ length: count }, (_, i) => ({
    index: from + i,
    dir: `${String(from + i).padStart(6, '0')}_x=${from + i}`,
    params: { x: String(from + i), label: 'a "quoted" value' },
  }));
}

async function runRow(db: Database, seriesId: string, index: number) {
  const [row] = await db
    .select()
    .from(runs)
    .where(and(eq(runs.seriesId, seriesId), eq(runs.index, index)));
  assert.ok(row, `run ${index} exists`);
  return row;
}

async function countsOf(db: Database, seriesId: string) {
  return (await countRunsByState(db, [{ id: seriesId }])).get(seriesId)!;
}

async function statesOf(db: Database, seriesId: string) {
  const rows = await db
    .select({ state: runs.state })
    .from(runs)
    .where(eq(runs.seriesId, seriesId))
    .orderBy(asc(runs.index));
  return rows.map((r) => r.state);
}

test('batches cover every row once, in order', () => {
  const rows = Array.from({ length: 2 * BATCH_ROWS + 1 }, (_, i) => i);
  const split = [...batches(rows)];
  assert.deepEqual(
    split.map((b) => b.length),
    [BATCH_ROWS, BATCH_ROWS, 1],
  );
  assert.deepEqual(split.flat(), rows);
  assert.deepEqual([...batches([])], []);
  assert.throws(() => [...batches(rows, 0)], RangeError);
});

for (const kind of backends) {
  describe(`runs on ${kind}`, () => {
    test('inserts 100,000 runs and applies their changes in batches, once', () =>
      withDatabase(kind, async ({ db }) => {
        const seriesId = await insertSeries(db, 100_000);
        const rows = newRuns(100_000);
        await insertRuns(db, seriesId, rows);
        const counts = await countsOf(db, seriesId);
        assert.deepEqual(counts, {
          pending: 100_000,
          queued: 0,
          running: 0,
          succeeded: 0,
          failed: 0,
          cancelled: 0,
        });
        // A retried activity inserts again: nothing changes, nothing fails.
        await insertRuns(db, seriesId, rows.slice(99_000));
        assert.equal((await countsOf(db, seriesId)).pending, 100_000);
        const last = await runRow(db, seriesId, 99_999);
        assert.equal(last.dir, '099999_x=99999');
        assert.deepEqual(last.params, { x: '99999', label: 'a "quoted" value' });
        assert.equal(last.attempt, 1);

        // Every fourth run finishes: more changes than one batch, spread over the series.
        const changes: RunChange[] = rows
          .filter((r) => r.index % 4 === 0)
          .map(({ index }) =>
            index % 20 === 0
              ? { index, state: 'failed', exitCode: 1, reason: 'TIMEOUT' }
              : { index, state: 'succeeded', exitCode: 0 },
          );
        assert.ok(changes.length > BATCH_ROWS);
        assert.equal(await applyRunChanges(db, seriesId, changes, 1), 25_000);
        assert.deepEqual(await countsOf(db, seriesId), {
          pending: 75_000,
          queued: 0,
          running: 0,
          succeeded: 20_000,
          failed: 5_000,
          cancelled: 0,
        });
        assert.equal(await applyRunChanges(db, seriesId, changes, 1), 0);
        assert.equal((await runRow(db, seriesId, 99_980)).reason, 'TIMEOUT');
        assert.equal((await runRow(db, seriesId, 99_981)).state, 'pending');
      }));

    test('changes move runs forward only, and are idempotent', () =>
      withDatabase(kind, async ({ db }) => {
        const seriesId = await insertSeries(db, 4);
        await insertRuns(db, seriesId, newRuns(4));
        const started = '2026-01-02T03:04:05.000Z';
        const endedEpoch = String(Date.parse('2026-01-02T03:05:00Z') / 1000);
        const changes: RunChange[] = [
          { index: 0, state: 'running', startedAt: started },
          { index: 0, state: 'succeeded', exitCode: 0, endedAt: endedEpoch },
          { index: 1, state: 'running', startedAt: started },
          { index: 2, state: 'failed', exitCode: 137, reason: 'OUT_OF_MEMORY' },
        ];
        assert.equal(await applyRunChanges(db, seriesId, changes, 1), 3);
        assert.deepEqual(await statesOf(db, seriesId), ['succeeded', 'running', 'failed', 'pending']);
        const run0 = await runRow(db, seriesId, 0);
        assert.equal(run0.exitCode, 0);
        assert.equal(run0.startedAt?.toISOString(), started);
        assert.equal(run0.endedAt?.toISOString(), '2026-01-02T03:05:00.000Z');
        const run2 = await runRow(db, seriesId, 2);
        assert.equal(run2.exitCode, 137);
        assert.equal(run2.reason, 'OUT_OF_MEMORY');

        // The same report again changes nothing; states reported late never move a run back.
        await applyRunChanges(db, seriesId, changes, 1);
        const stale: RunChange[] = [
          { index: 0, state: 'running' },
          { index: 0, state: 'failed', exitCode: 1 },
          { index: 1, state: 'queued' },
          { index: 2, state: 'succeeded', exitCode: 0 },
          { index: 3, state: 'queued' },
        ];
        assert.equal(await applyRunChanges(db, seriesId, stale, 1), 1); // only run 3 moves
        assert.deepEqual(await statesOf(db, seriesId), ['succeeded', 'running', 'failed', 'queued']);
        assert.equal((await runRow(db, seriesId, 0)).exitCode, 0);
        assert.equal((await runRow(db, seriesId, 2)).exitCode, 137);
        // Changes for another attempt do not apply.
        assert.equal(await applyRunChanges(db, seriesId, [{ index: 3, state: 'running' }], 2), 0);
        assert.deepEqual(await countsOf(db, seriesId), {
          pending: 0,
          queued: 1,
          running: 1,
          succeeded: 1,
          failed: 1,
          cancelled: 0,
        });
        await assert.rejects(
          applyRunChanges(db, seriesId, [{ index: 3, state: 'lost' as never }], 1),
          TypeError,
        );
      }));

    test('rerun resets finished runs under a new attempt and answers their ranges', () =>
      withDatabase(kind, async ({ db }) => {
        const seriesId = await insertSeries(db, 10);
        await insertRuns(db, seriesId, newRuns(10));
        const final: RunChange[] = newRuns(10).map(({ index }) =>
          [2, 3, 7].includes(index)
            ? { index, state: 'failed', exitCode: 2, reason: 'NODE_FAIL' }
            : index === 9
              ? { index, state: 'cancelled' }
              : { index, state: 'succeeded', exitCode: 0 },
        );
        await applyRunChanges(db, seriesId, final, 1);
        await setRunMetrics(db, seriesId, [{ index: 2, metrics: { loss: 1 } }]);

        assert.deepEqual(await resetRunsForRerun(db, seriesId, ['failed'], 2), [
          [2, 4],
          [7, 8],
        ]);
        const run2 = await runRow(db, seriesId, 2);
        assert.equal(run2.state, 'pending');
        assert.equal(run2.attempt, 2);
        assert.equal(run2.exitCode, null);
        assert.equal(run2.reason, null);
        assert.equal(run2.metrics, null);
        // Asked again (a retried request): the same ranges, nothing else reset.
        assert.deepEqual(await resetRunsForRerun(db, seriesId, ['failed'], 2), [
          [2, 4],
          [7, 8],
        ]);
        assert.equal((await runRow(db, seriesId, 9)).state, 'cancelled');

        // A late report from attempt 1 cannot touch the rerun; attempt 2's reports can.
        assert.equal(await applyRunChanges(db, seriesId, [{ index: 2, state: 'failed', exitCode: 2 }], 1), 0);
        const attempt2: RunChange[] = [
          { index: 2, state: 'succeeded', exitCode: 0 },
          { index: 3, state: 'failed', exitCode: 2 },
          { index: 7, state: 'failed', exitCode: 2 },
        ];
        assert.equal(await applyRunChanges(db, seriesId, attempt2, 2), 3);
        assert.deepEqual(await resetRunsForRerun(db, seriesId, ['failed', 'cancelled'], 3), [
          [3, 4],
          [7, 8],
          [9, 10],
        ]);
        await assert.rejects(resetRunsForRerun(db, seriesId, ['running'], 4), TypeError);
      }));

    test('outputs left on a lost host: marked on its runs of the ranges only, cleared by a rerun', () =>
      withDatabase(kind, async ({ db }) => {
        const seriesId = await insertSeries(db, 6);
        await insertRuns(db, seriesId, newRuns(6));
        await markRunsQueued(db, seriesId, [[0, 3]], 'job-a', 'far');
        await markRunsQueued(db, seriesId, [[3, 6]], 'job-b', 'near');
        const ended: RunChange[] = newRuns(6).map(({ index }) => ({
          index,
          state: 'succeeded',
          exitCode: 0,
        }));
        await applyRunChanges(db, seriesId, ended, 1);

        // Runs 2-3 asked, but run 3 ran on `near`: only what ended on `far` stays there.
        assert.equal(await markOutputsLeftOn(db, seriesId, 'far', [[1, 4]]), 2);
        const left = async () =>
          (await db.select().from(runs).where(eq(runs.seriesId, seriesId)).orderBy(asc(runs.index))).map(
            (r) => r.outputsLeftOn,
          );
        assert.deepEqual(await left(), [null, 'far', 'far', null, null, null]);

        // A rerun of the run makes its outputs again: the mark goes with the attempt's other records.
        await resetRunsForRerun(db, seriesId, ['succeeded'], 2);
        assert.deepEqual(await left(), [null, null, null, null, null, null]);
      }));

    test('cancels unfinished runs only', () =>
      withDatabase(kind, async ({ db }) => {
        const seriesId = await insertSeries(db, 3);
        await insertRuns(db, seriesId, newRuns(3));
        await applyRunChanges(
          db,
          seriesId,
          [
            { index: 0, state: 'succeeded', exitCode: 0 },
            { index: 1, state: 'running' },
          ],
          1,
        );
        assert.equal(await cancelUnfinishedRuns(db, seriesId), 2);
        assert.deepEqual(await statesOf(db, seriesId), ['succeeded', 'cancelled', 'cancelled']);
        assert.equal(await cancelUnfinishedRuns(db, seriesId), 0);
      }));

    test('stores metrics as JSON', () =>
      withDatabase(kind, async ({ db }) => {
        const seriesId = await insertSeries(db, 3);
        await insertRuns(db, seriesId, newRuns(3));
        await setRunMetrics(db, seriesId, [
          { index: 0, metrics: { energy: -1.5, steps: 200, converged: true, note: 'nul\u0000byte' } },
          { index: 1, metrics: { energy: 2 } },
        ]);
        assert.deepEqual((await runRow(db, seriesId, 0)).metrics, {
          energy: -1.5,
          steps: 200,
          converged: true,
          note: 'nulbyte',
        });
        await setRunMetrics(db, seriesId, [{ index: 1, metrics: { energy: 3 } }]);
        assert.deepEqual((await runRow(db, seriesId, 1)).metrics, { energy: 3 });
        assert.equal((await runRow(db, seriesId, 2)).metrics, null);
      }));

    test('records files, updating a path seen again', () =>
      withDatabase(kind, async ({ db }) => {
        const seriesId = await insertSeries(db, 2);
        const sha = (c: string) => c.repeat(64);
        await insertFiles(db, seriesId, [
          { runIndex: 0, path: 'runs/000000_x=0/out.txt', size: 10, sha256: sha('a') },
          { runIndex: null, path: 'tuples.tsv', size: 20, sha256: sha('b') },
          { runIndex: 1, path: 'runs/000001_x=1/out.txt', size: 1, sha256: sha('c') },
          { runIndex: 1, path: 'runs/000001_x=1/out.txt', size: 5_000_000_000, sha256: sha('d') },
        ]);
        await insertFiles(db, seriesId, [
          { runIndex: 0, path: 'runs/000000_x=0/out.txt', size: 11, sha256: sha('e') },
        ]);
        const rows = await db
          .select({ path: files.path, runIndex: files.runIndex, size: files.size, sha256: files.sha256 })
          .from(files)
          .where(eq(files.seriesId, seriesId))
          .orderBy(asc(files.path));
        assert.deepEqual(rows, [
          { path: 'runs/000000_x=0/out.txt', runIndex: 0, size: 11, sha256: sha('e') },
          { path: 'runs/000001_x=1/out.txt', runIndex: 1, size: 5_000_000_000, sha256: sha('d') },
          { path: 'tuples.tsv', runIndex: null, size: 20, sha256: sha('b') },
        ]);
      }));
  });
}
