// run_values and series_metric_names (migration 0006) follow the runs through triggers: after
// every way a run is written — created, metrics stored or replaced, reset for a rerun, imported,
// reused, deleted with its series — the table equals the values recomputed from runs' jsonb.
// Plus what the table means (ranks, numbers, text) and what it refuses to hold: over-long names,
// text and numbers that would not fit a btree entry, and filters that try to reach past it.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { eq, sql } from 'drizzle-orm';
import { InvalidRequestError } from '../../core/errors.ts';
import type { Database } from '../../db/client.ts';
import { queryRows } from '../../db/raw.ts';
import { resultsPage, type ResultNames } from '../../db/results.ts';
import { insertReusedRuns } from '../../db/reuse.ts';
import { insertRuns, metricNames, resetRunsForRerun, setRunMetrics } from '../../db/runs.ts';
import { runs, series } from '../../db/schema.ts';
import { insertFinishedRuns } from '../../db/series-import.ts';
import { finishedRun } from '../exports/fixtures.ts';
import { parseSweep } from '../../sweep/index.ts';
import { backends, withDatabase } from '../support/database.ts';
import { insertSeries } from './fixtures.ts';

type Value = { index: number; name: string; rank: number; num: string; text: string };

async function valuesOf(db: Database, id: string): Promise<Value[]> {
  return [
    ...(await queryRows<Value>(
      db,
      sql`select index, name, rank::int as rank, num::text as num, text from run_values
        where series_id = ${id} order by index, name`,
    )),
  ];
}

/** The table equals what runs' jsonb gives now (the triggers missed no write). */
async function assertConsistent(db: Database, id: string): Promise<void> {
  const expected = await valuesFrom(db, id);
  assert.deepEqual(await valuesOf(db, id), expected);
}

async function valuesFrom(db: Database, id: string): Promise<Value[]> {
  const rows = await queryRows<Value>(
    db,
    sql`select r.index, v.name, v.rank::int as rank, v.num::text as num, v.text
        from runs r cross join lateral tuplet_run_values(r.params, r.metrics) v
        where r.series_id = ${id} order by 1, 2`,
  );
  return [...rows];
}

const dirOf = (i: number) => `run-${i}`;

for (const kind of backends) {
  describe(`run values on ${kind}`, () => {
    test('created, metrics set and replaced, reset for a rerun, deleted with the series', () =>
      withDatabase(kind, async ({ db }) => {
        const id = await insertSeries(db, 3);
        await insertRuns(db, id, [
          { index: 0, dir: dirOf(0), params: { a: '1.50', c: 'u' } },
          { index: 1, dir: dirOf(1), params: { a: '10', c: 'v' } },
          { index: 2, dir: dirOf(2), params: { a: 'x', c: 'v' } },
        ]);
        assert.deepEqual(await valuesOf(db, id), [
          { index: 0, name: 'a', rank: 0, num: '1.50', text: '' },
          { index: 0, name: 'c', rank: 1, num: '0', text: 'u' },
          { index: 1, name: 'a', rank: 0, num: '10', text: '' },
          { index: 1, name: 'c', rank: 1, num: '0', text: 'v' },
          { index: 2, name: 'a', rank: 1, num: '0', text: 'x' },
          { index: 2, name: 'c', rank: 1, num: '0', text: 'v' },
        ]);
        // A name that is both a parameter and a metric holds the parameter (as resolveField).
        await setRunMetrics(db, id, [
          { index: 0, metrics: { period: 2.5, note: 'ok', gone: null, a: 99 } },
          { index: 1, metrics: { period: 3 } },
        ]);
        await assertConsistent(db, id);
        const run0 = (await valuesOf(db, id)).filter((v) => v.index === 0);
        assert.deepEqual(
          run0.map((v) => [v.name, v.rank, v.num, v.text]),
          [
            ['a', 0, '1.50', ''],
            ['c', 1, '0', 'u'],
            ['note', 1, '0', 'ok'],
            ['period', 0, '2.5', ''],
          ],
        );
        assert.deepEqual(await metricNames(db, id), ['a', 'period', 'gone', 'note']);
        await setRunMetrics(db, id, [{ index: 0, metrics: { period: 7 } }]);
        await assertConsistent(db, id);
        assert.ok(
          !(await valuesOf(db, id)).some((v) => v.name === 'note'),
          'replaced metrics leave no value',
        );

        await db.update(runs).set({ state: 'succeeded' }).where(eq(runs.seriesId, id));
        await resetRunsForRerun(db, id, ['succeeded'], 2);
        await assertConsistent(db, id);
        assert.ok(!(await valuesOf(db, id)).some((v) => v.name === 'period'), 'a rerun clears the metrics');
        assert.equal((await valuesOf(db, id)).length, 6, 'parameters stay');

        const other = await insertSeries(db, 1);
        await insertRuns(db, other, [{ index: 0, dir: dirOf(0), params: { a: '1' } }]);
        await db.delete(series).where(eq(series.id, id));
        assert.deepEqual(await valuesOf(db, id), []);
        assert.deepEqual(await metricNames(db, id), []);
        assert.equal((await valuesOf(db, other)).length, 1, "another series' values stay");
      }));

    test('a metric only late runs report is a metric of the series', () =>
      withDatabase(kind, async ({ db }) => {
        // The names were a sample of the first 200 runs with metrics: 'late' was never offered.
        const id = await insertSeries(db, 300);
        await insertRuns(
          db,
          id,
          Array.from({ length: 300 }, (_, i) => ({ index: i, dir: dirOf(i), params: { a: String(i) } })),
        );
        await setRunMetrics(
          db,
          id,
          Array.from({ length: 300 }, (_, i) => ({
            index: i,
            metrics: i === 299 ? { period: i, late: 'yes' } : { period: i },
          })),
        );
        assert.deepEqual(await metricNames(db, id), ['period', 'late']);
        const names: ResultNames = { parameters: ['a'], metrics: await metricNames(db, id) };
        const page = await resultsPage(db, id, names, { filter: 'late = yes', limit: 10 });
        assert.deepEqual(
          page.rows.map((r) => r.index),
          [299],
        );
      }));

    test('imported and reused runs have their values', () =>
      withDatabase(kind, async ({ db }) => {
        const source = await insertSeries(db, 2);
        await insertFinishedRuns(db, source, [
          finishedRun(0, 'x=1', { x: '1' }, { metrics: { period: 4 } }),
          finishedRun(1, 'x=2', { x: '2' }, { metrics: { period: 5, kind: 'b' } }),
        ]);
        await assertConsistent(db, source);
        assert.equal((await valuesOf(db, source)).length, 5);
        assert.deepEqual(await metricNames(db, source), ['period', 'kind']);

        const target = await insertSeries(db, 2);
        const reused = await insertReusedRuns(db, target, parseSweep('x = 1 2\n'), [
          { index: 1, fromSeries: source, fromIndex: 1 },
        ]);
        assert.equal(reused.length, 1);
        await assertConsistent(db, target);
        assert.deepEqual(
          (await valuesOf(db, target)).map((v) => [v.index, v.name, v.num, v.text]),
          [
            [1, 'kind', '0', 'b'],
            [1, 'period', '5', ''],
            [1, 'x', '2', ''],
          ],
        );
        assert.deepEqual(await metricNames(db, target), ['period', 'kind']);
      }));

    test('attacks: over-long names, text and numbers are bounded, never fail a write', () =>
      withDatabase(kind, async ({ db }) => {
        const id = await insertSeries(db, 2);
        const long = 'n'.repeat(10_000);
        const digits = '9'.repeat(3_000);
        // Each of these alone, unbounded, is a btree entry over its 2.7 kB limit: the write failed.
        await insertRuns(db, id, [
          { index: 0, dir: dirOf(0), params: { a: 'v'.repeat(10_000), b: digits } },
          { index: 1, dir: dirOf(1), params: { a: '1e999', b: '-1e-999' } },
        ]);
        await setRunMetrics(db, id, [
          { index: 0, metrics: { [long]: 1, text: 't'.repeat(10_000), big: Number.MAX_VALUE } },
        ]);
        // JSON cannot carry a 3,000-digit number from JavaScript: write one as jsonb directly.
        await db.execute(
          sql`update runs set metrics = metrics || jsonb_build_object('huge', ${digits}::numeric)
              where series_id = ${id} and index = 0`,
        );
        await assertConsistent(db, id);
        const values = await valuesOf(db, id);
        assert.ok(!values.some((v) => v.name === long), 'a 10,000-character name has no value row');
        const at = (index: number, name: string) => values.find((v) => v.index === index && v.name === name);
        assert.equal(at(0, 'a')?.text.length, 200);
        assert.equal(at(0, 'text')?.text.length, 200);
        assert.deepEqual([at(0, 'b')?.rank, at(0, 'huge')?.rank], [1, 1], 'over-long numbers count as text');
        assert.equal(at(0, 'big')?.rank, 0);
        assert.deepEqual([at(1, 'a')?.rank, at(1, 'b')?.rank], [0, 0]);

        const names: ResultNames = { parameters: ['a', 'b'], metrics: ['big', 'text'] };
        const indices = async (filter: string, sort?: string) =>
          (await resultsPage(db, id, names, { filter, sort, limit: 10 })).rows.map((r) => r.index);
        assert.deepEqual(await indices('a > 1e998'), [1]);
        assert.deepEqual(await indices('b > -1e-998, b < 0'), [1]);
        assert.deepEqual(await indices('big >= 1.7976931348623157e308'), [0]);
        // NaN and Infinity are no numbers here: they compare as text ('1.79…e+308' < 'Infinity').
        assert.deepEqual(await indices('a = NaN'), []);
        assert.deepEqual(await indices('big < Infinity'), [0]);
        assert.deepEqual(await indices('', '-a'), [1, 0]);
        for (const [query, pattern] of [
          [{ filter: `${long.slice(0, 300)} > 1` }, /^filter: 'n{300}' is neither/],
          [{ sort: long }, /^sort: 'n{10000}' is neither/],
          [{ filter: `a > 1; drop table run_values` }, /^filter: /],
        ] as const)
          await assert.rejects(
            resultsPage(db, id, names, { ...query, limit: 10 }),
            (e: unknown) => e instanceof InvalidRequestError && pattern.test(e.message),
          );
      }));
  });
}
