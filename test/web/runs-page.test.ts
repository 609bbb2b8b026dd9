// Keyset paging of a series' runs over a real (in-memory PGlite) database: forward, backward,
// with and without a state filter, and the map data read by run index.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openDatabase, type DatabaseHandle } from '../../db/client.ts';
import { users } from '../../db/schema.ts';
import { parseSweep } from '../../sweep/index.ts';
import { mapData } from '../../web/data/map.ts';
import { countRunsByState, runsPage } from '../../db/runs.ts';
import { seedHostAndApplication, seedSeries } from '../browser/support/seed.ts';

const INI = 'a = 1...1...5\nb = 1...1...5\n';
let handle: DatabaseHandle;
let id: string;

void describe('runs of a series', () => {
  before(async () => {
    handle = await openDatabase({});
    await handle.db.insert(users).values({ id: 'u1', name: 'u1', role: 'member' });
    await seedHostAndApplication(handle.db, '/tmp/unused');
    ({ id } = await seedSeries(handle.db, {
      ownerId: 'u1',
      ini: INI,
      description: 'paging',
      state: 'running',
      runState: (i) => (i % 3 === 0 ? 'failed' : 'succeeded'),
      metrics: (v) => ({ score: Number(v.a) * 10 + Number(v.b) }),
    }));
  });
  after(async () => {
    await handle?.close();
  });

  void test('pages forward and back over all runs, with or without the count', async () => {
    for (const total of [25, undefined]) {
      const first = await runsPage(handle.db, id, { limit: 10, total });
      assert.deepEqual(
        first.runs.map((r) => r.index),
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
      );
      assert.deepEqual([first.prev, first.next], [null, 10]);
      const last = await runsPage(handle.db, id, { limit: 10, from: 20, total });
      assert.deepEqual([last.runs.length, last.prev, last.next], [5, 20, null]);
      const back = await runsPage(handle.db, id, { limit: 10, before: 20, total });
      assert.deepEqual(
        [back.runs[0]!.index, back.runs.at(-1)!.index, back.prev, back.next],
        [10, 19, 10, 20],
      );
    }
  });

  void test('a state filter pages over the matching runs only', async () => {
    const failed = await runsPage(handle.db, id, { state: 'failed', limit: 4, total: 25 });
    assert.deepEqual(
      failed.runs.map((r) => r.index),
      [0, 3, 6, 9],
    );
    assert.equal(failed.prev, null);
    const next = await runsPage(handle.db, id, { state: 'failed', limit: 4, from: failed.next!, total: 25 });
    assert.deepEqual(
      next.runs.map((r) => r.index),
      [12, 15, 18, 21],
    );
    assert.equal(next.prev, 12);
    const end = await runsPage(handle.db, id, { state: 'failed', limit: 4, from: next.next!, total: 25 });
    assert.deepEqual([end.runs.map((r) => r.index), end.next], [[24], null]);
  });

  void test('counts and the parameter map agree with the seeded runs', async () => {
    const counts = (await countRunsByState(handle.db, [{ id, count: 25 }])).get(id)!;
    assert.equal(counts.failed, 9);
    assert.equal(counts.succeeded, 16);
    const map = await mapData(handle.db, id, parseSweep(INI), { x: 'b', y: 'a', metric: 'score' });
    assert.equal(map.states.length, 25);
    // run i = a_index × 5 + b_index: failed every third run
    for (let i = 0; i < 25; i++) assert.equal(map.states[i], i % 3 === 0 ? '4' : '3');
    assert.deepEqual(map.values!.slice(0, 6), [11, 12, 13, 14, 15, 21]);
    const transposed = await mapData(handle.db, id, parseSweep(INI), { x: 'a', y: 'b' });
    assert.equal(transposed.values, null);
    // column 1 (a's second value), row 2 (b's third): run 1 × 5 + 2
    assert.equal(transposed.indices[2 * transposed.columns + 1], 7);
  });
});
