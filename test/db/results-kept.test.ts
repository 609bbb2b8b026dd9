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
  });
}
