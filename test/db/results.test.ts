// The results table's queries (db/results.ts) against values computed by hand: sorting by a
// parameter or a metric (numbers as numbers, runs without a value last), filters, keyset pages
// walked forward and back, aggregates per value of one and two parameters, scatter points; and
// filters and cursors that try to reach SQL.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InvalidRequestError } from '../../core/errors.ts';
import type { Database } from '../../db/client.ts';
import { encodeCursor } from '../../db/cursor.ts';
import { queryRows } from '../../db/raw.ts';
import { sql } from 'drizzle-orm';
import { aggregateResults, resultsPage, scatterPoints, type ResultNames } from '../../db/results.ts';
import { insertRuns, setRunMetrics } from '../../db/runs.ts';
import { backends, withDatabase } from '../support/database.ts';
import { insertSeries } from './fixtures.ts';

//  index  a   c   period  width
//  0      1   u   3       0      (and note = "ok")
//  1      1   v   5       2
//  2      2   u   4       4
//  3      2   v   8       6
//  4      10  u   1       8
//  5      10  v   —       —      (no metrics yet)
const A = ['1', '1', '2', '2', '10', '10'];
const C = ['u', 'v', 'u', 'v', 'u', 'v'];
const PERIOD = [3, 5, 4, 8, 1];
const NAMES: ResultNames = { parameters: ['a', 'c'], metrics: ['period', 'width', 'note'] };

async function seed(db: Database): Promise<string> {
  const id = await insertSeries(db, 6);
  await insertRuns(
    db,
    id,
    A.map((a, i) => ({ index: i, dir: `${i}_a=${a}_c=${C[i]}`, params: { a, c: C[i]! } })),
  );
  await setRunMetrics(
    db,
    id,
    PERIOD.map((period, i) => ({
      index: i,
      metrics: { period, width: i * 2, ...(i === 0 ? { note: 'ok' } : {}) },
    })),
  );
  return id;
}

/** Every page forward with `limit`, then back; answers both orders of indices. */
async function walk(db: Database, id: string, sort: string | undefined, filter?: string, limit = 2) {
  const forward: number[] = [];
  let page = await resultsPage(db, id, NAMES, { sort, filter, limit });
  assert.equal(page.prev, null, 'the first page has no previous one');
  for (;;) {
    forward.push(...page.rows.map((r) => r.index));
    if (page.next === null) break;
    page = await resultsPage(db, id, NAMES, { sort, filter, limit, cursor: page.next });
  }
  const backward: number[] = page.rows.map((r) => r.index);
  while (page.prev !== null) {
    page = await resultsPage(db, id, NAMES, { sort, filter, limit, cursor: page.prev });
    backward.unshift(...page.rows.map((r) => r.index));
  }
  return { forward, backward };
}

const refused = (fn: () => Promise<unknown>, pattern: RegExp) =>
  assert.rejects(fn, (e: unknown) => e instanceof InvalidRequestError && pattern.test(e.message));

for (const kind of backends) {
  describe(`results on ${kind}`, () => {
    test('sorted by index, a parameter or a metric, each way, paged forward and back', () =>
      withDatabase(kind, async ({ db }) => {
        const id = await seed(db);
        const cases: Array<[string | undefined, number[]]> = [
          [undefined, [0, 1, 2, 3, 4, 5]],
          ['-index', [5, 4, 3, 2, 1, 0]],
          ['period', [4, 0, 2, 1, 3, 5]],
          ['-period', [3, 1, 2, 0, 4, 5]],
          ['a', [0, 1, 2, 3, 4, 5]], // 10 after 2: numbers compare as numbers
          ['-a', [5, 4, 3, 2, 1, 0]],
          ['-c', [5, 3, 1, 4, 2, 0]],
          ['note', [0, 1, 2, 3, 4, 5]], // only run 0 has it; the rest follow by index
        ];
        for (const [sort, expected] of cases) {
          for (const limit of [1, 2, 4, 10]) {
            const { forward, backward } = await walk(db, id, sort, undefined, limit);
            assert.deepEqual(forward, expected, `forward, sort ${sort ?? 'none'}, limit ${limit}`);
            assert.deepEqual(backward, expected, `backward, sort ${sort ?? 'none'}, limit ${limit}`);
          }
        }
        const [first] = (await resultsPage(db, id, NAMES, { limit: 1 })).rows;
        assert.deepEqual(first, {
          index: 0,
          state: 'pending',
          params: { a: '1', c: 'u' },
          metrics: { period: 3, width: 0, note: 'ok' },
        });
      }));

    test('filters: metric and parameter comparisons, combined', () =>
      withDatabase(kind, async ({ db }) => {
        const id = await seed(db);
        const cases: Array<[string, number[]]> = [
          ['period > 3.5', [1, 2, 3]],
          ['period > 3.5 and c = v', [1, 3]],
          ['a = 10', [4, 5]],
          ['a != 1, period <= 4', [2, 4]],
          ['c = "u"', [0, 2, 4]],
          ['note == ok && a < 2', [0]],
          ['a = "1.0"', []], // quoted: text, and the text is "1"
          ['a = 1.0', [0, 1]], // bare: a number
          ['period >= -1e2', [0, 1, 2, 3, 4]],
          ['   ', [0, 1, 2, 3, 4, 5]],
        ];
        for (const [filter, expected] of cases) {
          const { forward, backward } = await walk(db, id, '-period', filter);
          const sortedByPeriodDesc = [...expected].sort((x, y) => (PERIOD[y] ?? -1) - (PERIOD[x] ?? -1));
          assert.deepEqual([...forward].sort(), [...expected].sort(), `filter ${filter}`);
          assert.deepEqual(forward, sortedByPeriodDesc, `order, filter ${filter}`);
          assert.deepEqual(backward, forward, `back, filter ${filter}`);
        }
      }));

    test('aggregates per value of one and of two parameters', () =>
      withDatabase(kind, async ({ db }) => {
        const id = await seed(db);
        const byA = await aggregateResults(db, id, NAMES, { by: ['a'], metric: 'period' });
        assert.deepEqual(
          byA.map((g) => [g.values.a, g.count, g.mean, g.min, g.max, g.run]),
          [
            ['1', 2, 4, 3, 5, null],
            ['2', 2, 6, 4, 8, null],
            ['10', 1, 1, 1, 1, 4],
          ],
        );
        assert.ok(Math.abs(byA[0]!.std! - Math.SQRT2) < 1e-12, 'std of 3 and 5 is √2');
        assert.ok(Math.abs(byA[1]!.std! - 2 * Math.SQRT2) < 1e-12, 'std of 4 and 8 is 2√2');
        assert.equal(byA[2]!.std, null, 'one value has no sample std');

        const byAC = await aggregateResults(db, id, NAMES, { by: ['a', 'c'], metric: 'period' });
        assert.deepEqual(
          byAC.map((g) => [g.values.a, g.values.c, g.count, g.mean, g.run]),
          [
            ['1', 'u', 1, 3, 0],
            ['1', 'v', 1, 5, 1],
            ['2', 'u', 1, 4, 2],
            ['2', 'v', 1, 8, 3],
            ['10', 'u', 1, 1, 4],
            ['10', 'v', 0, null, null],
          ],
        );
        const filtered = await aggregateResults(db, id, NAMES, {
          by: ['c'],
          metric: 'width',
          filter: 'a != 2',
        });
        assert.deepEqual(
          filtered.map((g) => [g.values.c, g.count, g.mean, g.min, g.max]),
          [
            ['u', 2, 4, 0, 8],
            ['v', 1, 2, 2, 2],
          ],
        );
        await refused(
          () => aggregateResults(db, id, NAMES, { by: ['period'], metric: 'width' }),
          /^by: 'period' is a metric/,
        );
        await refused(
          () => aggregateResults(db, id, NAMES, { by: ['a', 'c', 'a'], metric: 'width' }),
          /^by: one or two/,
        );
        await refused(
          () => aggregateResults(db, id, NAMES, { by: ['a'], metric: 'nope' }),
          /^metric: 'nope' is neither/,
        );
      }));

    test('scatter points: runs with both metrics, in index order, capped', () =>
      withDatabase(kind, async ({ db }) => {
        const id = await seed(db);
        const points = await scatterPoints(db, id, NAMES, { x: 'period', y: 'width', color: 'c', limit: 3 });
        assert.deepEqual(points, [
          { index: 0, x: 3, y: 0, color: 'u' },
          { index: 1, x: 5, y: 2, color: 'v' },
          { index: 2, x: 4, y: 4, color: 'u' },
        ]);
      }));

    test('attacks: filters, sorts and cursors never become SQL', () =>
      withDatabase(kind, async ({ db }) => {
        const id = await seed(db);
        const page = (q: { sort?: string; filter?: string; cursor?: string }) =>
          resultsPage(db, id, NAMES, { limit: 10, ...q });
        // A value that would close a quoted string in concatenated SQL is just a text that matches nothing.
        assert.deepEqual((await page({ filter: `c = "u' or '1'='1"` })).rows, []);
        assert.deepEqual((await page({ filter: `c = "u\\" or 1=1 --"` })).rows, []);
        await refused(
          () => page({ filter: `"a') or true --" = 1` }),
          /^filter: 'a'\) or true --' is neither/,
        );
        await refused(() => page({ filter: 'a = 1; drop table runs' }), /^filter: expected 'and' or ','/);
        await refused(() => page({ filter: 'a = 1 or 1 = 1' }), /^filter: expected 'and' or ','.*'or'/);
        await refused(() => page({ filter: 'period > ' }), /^filter: expected a value after 'period >'/);
        await refused(() => page({ filter: 'period >> 1' }), /^filter: expected a value/);
        await refused(() => page({ filter: '"unclosed = 1' }), /^filter: unclosed quote at character 1/);
        await refused(() => page({ filter: 'a = 1 and' }), /^filter: expected a clause after the last 'and'/);
        await refused(
          () => page({ filter: 'a = 1 and '.repeat(17) + 'a = 1' }),
          /^filter: more than 16 clauses/,
        );
        await refused(() => page({ filter: 'x'.repeat(1001) }), /^filter: longer than 1000/);
        await refused(() => page({ sort: 'params' }), /^sort: 'params' is neither/);
        await refused(() => page({ sort: '-(select 1)' }), /^sort: '\(select 1\)' is neither/);
        // Cursors: forged, damaged, of another sort, or carrying SQL in their key.
        const first = await resultsPage(db, id, NAMES, { sort: 'period', limit: 2 });
        await refused(
          () => page({ sort: '-period', cursor: first.next! }),
          /^cursor: made for sort 'period'/,
        );
        await refused(() => page({ cursor: 'not-a-cursor' }), /^cursor: not a cursor this API returned/);
        const forged = [
          ['after', 'period', 0, '0) or (1=1', '', 1],
          ['after', 'period', 0, '1', '', 2 ** 31],
          ['after', 'period', 7, '1', '', 1],
          ['sideways', 'period', 0, '1', '', 1],
          ['after', 'period', 0, '1e999999', '', 1],
        ];
        for (const values of forged)
          await refused(
            () => page({ sort: 'period', cursor: encodeCursor(values as never) }),
            /^cursor: not a cursor/,
          );
        // The text part of a key is only ever bound: a quote in it is harmless.
        const quoted = encodeCursor(['after', 'c', 0, '0', "u' or '1'='1", 0]);
        assert.ok((await page({ sort: 'c', cursor: quoted })).rows.length >= 0);
        const [counted] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from runs`);
        assert.equal(counted?.n, 6, 'the runs are all still there');
      }));
  });
}
