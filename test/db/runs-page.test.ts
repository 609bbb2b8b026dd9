// The one paging scheme of runs (db/runs.ts, keyset by index), as the web and the API use it:
// walking every page forward and then back again reaches every run once, in order, with and
// without a state filter, with and without the series' count; and cursors only decode from
// what encodeRunsCursor made.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { RunState } from '../../core/states.ts';
import type { Database } from '../../db/client.ts';
import { encodeCursor } from '../../db/cursor.ts';
import {
  applyRunChanges,
  decodeRunsCursor,
  encodeRunsCursor,
  insertRuns,
  runsPage,
  type RunsPosition,
  type RunsQuery,
} from '../../db/runs.ts';
import { backends, withDatabase } from '../support/database.ts';
import { insertSeries } from './fixtures.ts';

const COUNT = 37;
const LIMIT = 5;
const stateOf = (i: number): RunState => (i % 3 === 0 ? 'failed' : 'succeeded');

async function seed(db: Database): Promise<string> {
  const id = await insertSeries(db, COUNT);
  const indices = Array.from({ length: COUNT }, (_, i) => i);
  await insertRuns(
    db,
    id,
    indices.map((i) => ({ index: i, dir: `${i}_x=${i}`, params: { x: String(i) } })),
  );
  await applyRunChanges(
    db,
    id,
    indices.map((i) => ({ index: i, state: stateOf(i) })),
    1,
  );
  return id;
}

/**
 * Follows `next` from the first page to the last, then `prev` back to the first, each
 * position through its cursor (as the API hands it out). Answers the indices of each page.
 */
async function walk(db: Database, id: string, query: Omit<RunsQuery, 'limit'>) {
  const read = (position: RunsPosition | undefined) => {
    const carried = position && decodeRunsCursor(encodeRunsCursor(position));
    return runsPage(db, id, { ...query, limit: LIMIT, ...carried });
  };
  const forward: number[][] = [];
  let page = await read(undefined);
  assert.equal(page.prev, null, 'the first page has no previous one');
  for (;;) {
    forward.push(page.runs.map((r) => r.index));
    if (page.next === null) break;
    page = await read({ from: page.next });
  }
  const backward: number[][] = [forward.at(-1)!];
  while (page.prev !== null) {
    page = await read({ before: page.prev });
    assert.notEqual(page.next, null, 'a page reached going back has a next one');
    backward.unshift(page.runs.map((r) => r.index));
  }
  return { forward, backward };
}

for (const kind of backends) {
  describe(`paging runs on ${kind}`, () => {
    test('forward and back over all runs, and over the runs in one state', () =>
      withDatabase(kind, async ({ db }) => {
        const id = await seed(db);
        const all = Array.from({ length: COUNT }, (_, i) => i);
        for (const total of [COUNT, undefined]) {
          for (const state of [undefined, 'failed', 'succeeded'] as const) {
            const expected = state ? all.filter((i) => stateOf(i) === state) : all;
            const { forward, backward } = await walk(db, id, { state, total });
            const label = `state ${state ?? 'any'}, total ${total ?? 'unknown'}`;
            assert.deepEqual(forward.flat(), expected, `forward, ${label}`);
            assert.deepEqual(backward, forward, `back again, ${label}`);
            assert.ok(
              forward.slice(0, -1).every((p) => p.length === LIMIT),
              `full pages but the last, ${label}`,
            );
          }
        }
      }));

    test('a state no run is in, and a position past the end, are empty pages', () =>
      withDatabase(kind, async ({ db }) => {
        const id = await seed(db);
        assert.deepEqual(await runsPage(db, id, { state: 'cancelled', limit: LIMIT }), {
          runs: [],
          next: null,
          prev: null,
        });
        assert.deepEqual(await runsPage(db, id, { from: COUNT + 10, limit: LIMIT, total: COUNT }), {
          runs: [],
          next: null,
          prev: null,
        });
      }));
  });
}

test('a runs cursor decodes only from what encodeRunsCursor made', () => {
  assert.deepEqual(decodeRunsCursor(encodeRunsCursor({ from: 0 })), { from: 0 });
  assert.deepEqual(decodeRunsCursor(encodeRunsCursor({ before: 2 ** 31 - 1 })), { before: 2 ** 31 - 1 });
  for (const forged of [
    '',
    'not a cursor',
    '%%%',
    encodeCursor(['from', -1]),
    encodeCursor(['from', 2 ** 31]),
    encodeCursor(['from', 1.5]),
    encodeCursor(['from', '1']),
    encodeCursor(['after', 1]),
    encodeCursor(['from', 1, 2]),
    encodeCursor(['2026-01-01 00:00:00+00', 'series-id']),
    Buffer.from('{"from":1}').toString('base64url'),
  ]) {
    assert.equal(decodeRunsCursor(forged), undefined, `refused: ${JSON.stringify(forged)}`);
  }
});
