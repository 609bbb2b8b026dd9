// The home page pages everyone's series with the same keyset pages as the API: its Older and
// Newer links carry cursors and the filter, and going back lands on the page one came from.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Hono } from 'hono';
import { createUser } from '../../db/accounts.ts';
import { newId } from '../../db/ids.ts';
import { insertSeries } from '../../db/series.ts';
import type { WebContext, WebEnv } from '../../web/context.ts';
import { TtlCache } from '../../web/data/cache.ts';
import { HOME_PAGE_SIZE, homePage } from '../../web/routes/home.tsx';
import { openTestDatabase, type TestDatabase } from '../support/database.ts';

let database: TestDatabase;
let web: Hono<WebEnv>;
const ids: string[] = [];

before(async () => {
  database = await openTestDatabase('pglite');
  const { db } = database;
  const owner = await createUser(db, { name: 'ada', role: 'member' });
  for (let i = 0; i < HOME_PAGE_SIZE + 5; i++) {
    const id = newId();
    ids.unshift(id); // newest first
    await insertSeries(db, {
      id,
      ownerId: owner.id,
      application: 'app',
      applicationSnapshot: { name: 'app', command: 'true', configFile: 'config.ini' },
      host: i % 2 === 0 ? 'even' : 'odd',
      ini: 'x = 1\n',
      count: 1,
      workflowId: `series-${id}`,
      state: 'completed',
      createdAt: new Date(Date.UTC(2024, 0, 1, 0, i)),
    });
  }
  const page = homePage({ db, cache: new TtlCache() } as unknown as WebContext);
  web = new Hono<WebEnv>();
  web.get('/', (c) => page(c, { id: owner.id, name: owner.name, role: owner.role }, 'csrf'));
});
after(() => database?.close());

async function open(href: string) {
  const html = await (await web.request(href)).text();
  const rows = [...html.matchAll(/data-series="([^"]+)"/g)].map((m) => m[1]!);
  const link = (label: string) => {
    const found = html.match(new RegExp(`<a href="([^"]+)">${label}</a>`));
    return found ? found[1]!.replaceAll('&amp;', '&') : null;
  };
  return { rows, older: link('Older →'), newer: link('← Newer') };
}

test('Older goes to the next keyset page and Newer comes back to the first', async () => {
  const first = await open('/');
  assert.deepEqual(first.rows, ids.slice(0, HOME_PAGE_SIZE));
  assert.equal(first.newer, null);
  assert.match(first.older ?? '', /^\/\?after=/);
  const second = await open(first.older!);
  assert.deepEqual(second.rows, ids.slice(HOME_PAGE_SIZE));
  assert.equal(second.older, null);
  const back = await open(second.newer!);
  assert.deepEqual(back, first);
});

test('the links keep the filter, and a damaged cursor shows the first page', async () => {
  const mine = await open('/?mine=1&host=');
  assert.match(mine.older ?? '', /^\/\?mine=1&after=/);
  assert.deepEqual((await open(mine.older!)).rows, ids.slice(HOME_PAGE_SIZE));
  const even = ids.filter((_, i) => (ids.length - 1 - i) % 2 === 0);
  const first = await open('/?host=even');
  assert.deepEqual(first.rows, even);
  assert.equal(first.older, null, `${even.length} series fit one page`);
  const damaged = await open('/?after=not-a-cursor');
  assert.deepEqual(damaged.rows, ids.slice(0, HOME_PAGE_SIZE));
});
