// Attack: an anonymous caller reads /healthz while the database is down and learns from the
// raw error where the database lives (host, port, user) — the old answer carried it. Now
// anonymous callers and members get {ok} only; a signed-in admin gets each check's answer.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import type { Database } from '../../db/client.ts';
import * as schema from '../../db/schema.ts';
import { freePort } from '../../workers/dev-server.ts';
import { type ApiHarness } from '../api/harness.ts';
import { useApiHarness } from '../support/api-harness-per-file.ts';

describe('/healthz tells anonymous callers ok or not, and no more', () => {
  const testApi = useApiHarness();

  const health = async (app: ApiHarness['app'], token?: string) => {
    const response = await app.request(
      '/healthz',
      token ? { headers: { authorization: `Bearer ${token}` } } : {},
    );
    const text = await response.text();
    return { status: response.status, text, body: JSON.parse(text) as unknown };
  };

  test('everything up: 200 {ok:true}', async () => {
    assert.deepEqual(await health(testApi.harness.app), {
      status: 200,
      text: '{"ok":true}',
      body: { ok: true },
    });
    const admin = await health(testApi.harness.app, testApi.harness.admin.token);
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
      const down = testApi.harness.appWith({ db: drizzle(client, { schema }) as unknown as Database });
      for (const token of [undefined, testApi.harness.alice.token, testApi.harness.admin.token]) {
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
    const connection = await Connection.connect({ address: testApi.temporal.address });
    try {
      const wrong = testApi.harness.appWith({
        temporal: new Client({ connection, namespace: 'no-such-namespace' }),
      });
      for (const token of [undefined, testApi.harness.alice.token]) {
        const answer = await health(wrong, token);
        assert.equal(answer.status, 503);
        assert.deepEqual(answer.body, { ok: false });
      }
      const admin = await health(wrong, testApi.harness.admin.token);
      assert.equal(admin.status, 503);
      const { checks } = admin.body as { ok: boolean; checks: { database: string; temporal: string } };
      assert.equal(checks.database, 'ok');
      assert.match(checks.temporal, /no-such-namespace/);
    } finally {
      await connection.close();
    }
  });
});
