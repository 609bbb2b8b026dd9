// Attack: an anonymous caller reads /healthz while the database is down and learns from the
// raw error where the database lives (host, port, user) — the old answer carried it. Now
// anonymous callers and members get {ok} only; a signed-in admin gets each check's answer.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import type { Database } from '../../db/client.ts';
import * as schema from '../../db/schema.ts';
import { freePort } from '../../workers/dev-server.ts';
import { createHarness, type ApiHarness } from '../api/harness.ts';
import { openTestDatabase, type TestDatabase } from '../support/database.ts';
import { startTemporal, type TestTemporal } from '../support/temporal.ts';

describe('/healthz tells anonymous callers ok or not, and no more', () => {
  let temporal: TestTemporal;
  let database: TestDatabase;
  let h: ApiHarness;

  before(async () => {
    [temporal, database] = await Promise.all([startTemporal(), openTestDatabase('pglite')]);
    h = await createHarness(database.db, temporal);
  });
  after(async () => {
    await h?.close();
    await database?.close();
    await temporal?.stop();
  });

  const health = async (app: ApiHarness['app'], token?: string) => {
    const response = await app.request(
      '/healthz',
      token ? { headers: { authorization: `Bearer ${token}` } } : {},
    );
    const text = await response.text();
    return { status: response.status, text, body: JSON.parse(text) as unknown };
  };

  test('everything up: 200 {ok:true}', async () => {
    assert.deepEqual(await health(h.app), { status: 200, text: '{"ok":true}', body: { ok: true } });
    const admin = await health(h.app, h.admin.token);
    assert.deepEqual(admin.body, { ok: true, checks: { database: 'ok', temporal: 'ok' } });
  });

  test('database down: anonymous gets 503 {ok:false}, without the error', async () => {
    // A PostgreSQL that does not answer: nothing listens on this port.
    const port = await freePort();
    const client = postgres(`postgres://tuplet:not-a-secret@127.0.0.1:${port}/tuplet`, {
      max: 1,
      connect_timeout: 2,
      onnotice: () => {},
    });
    try {
      const down = h.appWith({ db: drizzle(client, { schema }) as unknown as Database });
      for (const token of [undefined, h.alice.token, h.admin.token]) {
        // Nobody can be recognised without the database: everyone gets the short answer.
        const answer = await health(down, token);
        assert.equal(answer.status, 503);
        assert.deepEqual(answer.body, { ok: false });
        assert.doesNotMatch(answer.text, new RegExp(`ECONNREFUSED|${port}|127\\.0\\.0\\.1|tuplet`));
      }
    } finally {
      await client.end({ timeout: 1 });
    }
  });

  test('Temporal without our namespace: only an admin learns which check failed and why', async () => {
    const connection = await Connection.connect({ address: temporal.address });
    try {
      const wrong = h.appWith({ temporal: new Client({ connection, namespace: 'no-such-namespace' }) });
      for (const token of [undefined, h.alice.token]) {
        const answer = await health(wrong, token);
        assert.equal(answer.status, 503);
        assert.deepEqual(answer.body, { ok: false });
      }
      const admin = await health(wrong, h.admin.token);
      assert.equal(admin.status, 503);
      const { checks } = admin.body as { ok: boolean; checks: { database: string; temporal: string } };
      assert.equal(checks.database, 'ok');
      assert.match(checks.temporal, /no-such-namespace/);
    } finally {
      await connection.close();
    }
  });
});
