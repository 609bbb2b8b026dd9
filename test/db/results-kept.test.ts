// A finished series' unfiltered aggregates are kept (db/result-aggregates.ts, as JSON text): the
// kept answer read back must be the computed one, group for group — values of one and of two
// parameters (text and missing among them), counts, the statistics with their nulls, the run.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { eq } from 'drizzle-orm';
import { aggregateResults, aggregateResultsJson, type ResultNames } from '../../db/results.ts';
import { insertRuns, setRunMetrics } from '../../db/runs.ts';
import { resultAggregates, series } from '../../db/schema.ts';
import { backends, withDatabase } from '../support/database.ts';
import { insertSeries } from './fixtures.ts';

const N = 40;
const NAMES: ResultNames = { parameters: ['a', 'b'], metrics: ['period'] };

for (const kind of backends) {
  describe(`kept aggregates on ${kind}`, () => {
    test('the kept answer of a finished series equals the computed one', () =>
      withDatabase(kind, async ({ db }) => {
        const id = await insertSeries(db, N);
        const runs = Array.from({ length: N }, (_, i) => ({
          index: i,
          dir: `run-${i}`,
          params: { a: String(i % 4), b: i % 5 === 0 ? 'off' : String(i % 3) },
        }));
        await insertRuns(db, id, runs);
        // Some runs report nothing, so some groups have one value (a run) or none (nulls).
        await setRunMetrics(
          db,
          id,
          runs
            .filter((r) => r.index % 7 !== 0)
            .map((r) => ({ index: r.index, metrics: { period: (r.index * 13) % 9 } })),
        );
        const queries = [
          { by: ['a'], metric: 'period' },
          { by: ['a', 'b'], metric: 'period' },
        ];
        // Running: computed each time, nothing kept.
        const computed = [];
        for (const q of queries) computed.push(await aggregateResults(db, id, NAMES, q));
        assert.equal((await db.select().from(resultAggregates)).length, 0);
        await db.update(series).set({ state: 'completed' }).where(eq(series.id, id));
        for (const [i, q] of queries.entries()) {
          const first = await aggregateResults(db, id, NAMES, q); // computes and keeps
          const kept = await aggregateResults(db, id, NAMES, q); // reads it back
          assert.deepEqual(first, computed[i], `computed by ${q.by.join(',')}`);
          assert.deepEqual(kept, computed[i], `kept by ${q.by.join(',')}`);
          const text = await aggregateResultsJson(db, id, NAMES, q); // the text the API sends
          assert.deepEqual(JSON.parse(text), computed[i], `kept text by ${q.by.join(',')}`);
        }
        assert.equal((await db.select().from(resultAggregates)).length, queries.length);
        const single = computed[1]!.filter((g) => g.count === 1);
        assert.ok(single.length > 0 && single.every((g) => g.run !== null && g.std === null));
      }));

    test('a kept text once read is answered from memory at its version; a rerun reads the table again', () =>
      withDatabase(kind, async ({ db }) => {
        const id = await insertSeries(db, N);
        const runs = Array.from({ length: N }, (_, i) => ({
          index: i,
          dir: `run-${i}`,
          params: { a: String(i % 4) },
        }));
        await insertRuns(db, id, runs);
        await setRunMetrics(
          db,
          id,
          runs.map((r) => ({ index: r.index, metrics: { period: r.index } })),
        );
        await db.update(series).set({ state: 'completed' }).where(eq(series.id, id));
        const q = { by: ['a'], metric: 'period' };
        await aggregateResultsJson(db, id, NAMES, q); // computes and keeps
        const read = await aggregateResultsJson(db, id, NAMES, q); // reads the table, remembers
        // The table's text changed behind the memory at the same version: memory answers.
        const marker =
          '[{"values":{"a":"marker"},"count":0,"mean":null,"min":null,"max":null,"std":null,"run":null}]';
        await db.update(resultAggregates).set({ groups: marker }).where(eq(resultAggregates.seriesId, id));
        assert.equal(await aggregateResultsJson(db, id, NAMES, q), read);
        // A rerun changes the version: the memory of the old one does not answer.
        await db.update(series).set({ attempt: 2 }).where(eq(series.id, id));
        await db
          .update(resultAggregates)
          .set({ version: 'completed:2' })
          .where(eq(resultAggregates.seriesId, id));
        assert.equal(await aggregateResultsJson(db, id, NAMES, q), marker);
      }));
  });
}
