import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createUser } from '../../db/accounts.ts';
import type { Database } from '../../db/client.ts';
import { newId } from '../../db/ids.ts';
import {
  decodeSeriesCursor,
  encodeSeriesCursor,
  insertSeries,
  listSeriesPage,
  type SeriesPageQuery,
} from '../../db/series.ts';
import type { SeriesState } from '../../core/states.ts';
import { backends, withDatabase } from '../support/database.ts';

interface Seed {
  owner: { id: string };
  description?: string;
  host?: string;
  state?: SeriesState;
  createdAt: Date;
}

async function seed(db: Database, s: Seed): Promise<string> {
  const id = newId();
  await insertSeries(db, {
    id,
    ownerId: s.owner.id,
    application: 'app',
    applicationSnapshot: { name: 'app', command: 'true', configFile: 'config.ini' },
    host: s.host ?? 'local',
    ini: 'x = 1\n',
    count: 1,
    workflowId: `series-${id}`,
    description: s.description ?? '',
    state: s.state ?? 'completed',
    createdAt: s.createdAt,
  });
  return id;
}

/** Every page, following `older` from the first; then back, following `newer` from the last. */
async function walk(db: Database, query: SeriesPageQuery) {
  const forward: string[][] = [];
  let page = await listSeriesPage(db, query);
  forward.push(page.rows.map((r) => r.id));
  while (page.older) {
    page = await listSeriesPage(db, { ...query, after: page.older });
    forward.push(page.rows.map((r) => r.id));
  }
  const backward: string[][] = [page.rows.map((r) => r.id)];
  while (page.newer) {
    page = await listSeriesPage(db, { ...query, before: page.newer });
    backward.unshift(page.rows.map((r) => r.id));
  }
  return { forward, backward };
}

test('series cursors survive the URL and refuse what they did not make', () => {
  const cursor = { createdAt: '2024-05-01 10:00:00.123456+00', id: 'abc' };
  assert.deepEqual(decodeSeriesCursor(encodeSeriesCursor(cursor)), cursor);
  for (const bad of ['', 'not base64 json', Buffer.from('["x","y"]').toString('base64url'), 'W10']) {
    assert.equal(decodeSeriesCursor(bad), undefined, bad);
  }
});

for (const kind of backends) {
  describe(`series pages on ${kind}`, () => {
    test('keyset pages go older and back newer over ties in creation time, each series once', () =>
      withDatabase(kind, async ({ db }) => {
        const owner = await createUser(db, { name: 'ada', role: 'member' });
        // Three series created in the same microsecond: the id breaks the tie.
        const base = Date.parse('2024-05-01T10:00:00Z');
        const ids: string[] = [];
        for (let i = 0; i < 7; i++) {
          ids.push(await seed(db, { owner, createdAt: new Date(base + (i < 3 ? 0 : i) * 1000) }));
        }
        // The order of one page holding them all; within the tie, the database's order of ids.
        const newestFirst = (await listSeriesPage(db, { limit: 100 })).rows.map((r) => r.id);
        assert.deepEqual(newestFirst.slice(0, 4), ids.slice(3).reverse());
        assert.deepEqual([...newestFirst.slice(4)].sort(), ids.slice(0, 3).sort());
        const { forward, backward } = await walk(db, { limit: 3 });
        assert.deepEqual(forward, [newestFirst.slice(0, 3), newestFirst.slice(3, 6), newestFirst.slice(6)]);
        assert.deepEqual(backward, forward);
        const first = await listSeriesPage(db, { limit: 3 });
        assert.equal(first.newer, null, 'nothing is newer than the first page');
      }));

    test('an exact fit has no older page, and an empty listing no cursor at all', () =>
      withDatabase(kind, async ({ db }) => {
        assert.deepEqual(await listSeriesPage(db, { limit: 2 }), { rows: [], older: null, newer: null });
        const owner = await createUser(db, { name: 'ada', role: 'member' });
        for (let i = 0; i < 2; i++) await seed(db, { owner, createdAt: new Date(Date.UTC(2024, 0, i + 1)) });
        const page = await listSeriesPage(db, { limit: 2 });
        assert.equal(page.rows.length, 2);
        assert.equal(page.older, null);
      }));

    test('filters by words, owner, states and host, and rows carry the owner but not the sweep', () =>
      withDatabase(kind, async ({ db }) => {
        const ada = await createUser(db, { name: 'ada', role: 'member' });
        const bob = await createUser(db, { name: 'bob', role: 'member' });
        const day = (d: number) => new Date(Date.UTC(2024, 0, d));
        const a = await seed(db, {
          owner: ada,
          description: 'spiral waves',
          state: 'running',
          createdAt: day(1),
        });
        const b = await seed(db, { owner: bob, description: 'spiral 100%', host: 'hpc', createdAt: day(2) });
        const c = await seed(db, { owner: bob, description: 'training', state: 'failed', createdAt: day(3) });
        const ids = async (query: Omit<SeriesPageQuery, 'limit'>) =>
          (await listSeriesPage(db, { ...query, limit: 10 })).rows.map((r) => r.id);
        assert.deepEqual(await ids({}), [c, b, a]);
        assert.deepEqual(await ids({ text: 'spiral' }), [b, a]);
        assert.deepEqual(await ids({ text: 'spiral bob' }), [b]);
        // `%` typed by a user matches itself only.
        assert.deepEqual(await ids({ text: '100%' }), [b]);
        assert.deepEqual(await ids({ ownerId: ada.id }), [a]);
        assert.deepEqual(await ids({ ownerName: 'bob' }), [c, b]);
        assert.deepEqual(await ids({ states: ['running', 'failed'] }), [c, a]);
        assert.deepEqual(await ids({ host: 'hpc' }), [b]);
        assert.deepEqual(await ids({ application: 'other' }), []);
        const [row] = (await listSeriesPage(db, { limit: 1 })).rows;
        assert.equal(row?.ownerName, 'bob');
        assert.ok(row && !('ini' in row) && !('applicationSnapshot' in row));
      }));
  });
}
