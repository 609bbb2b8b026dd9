// `tuplet submit --priority` against a running server with a real Temporal (docs/fair-share.md):
// low is recorded on the series; a plain member asking for high exits with the API's refusal,
// naming priority, and nothing is stored.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import type { Server as HttpServer } from 'node:http';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { serve, type ServerType } from '@hono/node-server';
import { createHarness, ECHO_APP, INI, type ApiHarness } from '../api/harness.ts';
import { openTestDatabase, type TestDatabase } from '../support/database.ts';
import { startTemporal, type TestTemporal } from '../support/temporal.ts';
import { runTuplet } from '../support/tuplet-cli.ts';

describe('tuplet submit --priority', { timeout: 120_000 }, () => {
  let temporal: TestTemporal | undefined;
  let database: TestDatabase | undefined;
  let h: ApiHarness;
  let server: ServerType | undefined;
  let url: string;
  let sweep: string;

  const cli = (args: string[]) => runTuplet(args, { url: url, token: h.alice.token });

  before(async () => {
    [temporal, database] = await Promise.all([startTemporal(), openTestDatabase('pglite')]);
    h = await createHarness(database.db, temporal);
    server = await new Promise<ServerType>((resolve) => {
      const s = serve({ fetch: h.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
    });
    const address = server.address();
    if (!address || typeof address === 'string') throw new Error('no port');
    url = `http://127.0.0.1:${address.port}`;
    sweep = path.join(h.storageDir, 'sweep.ini');
    await writeFile(sweep, INI);
  });
  after(async () => {
    if (server) {
      (server as HttpServer).closeAllConnections();
      await new Promise<void>((resolve) => server?.close(() => resolve()));
    }
    await h?.close();
    await database?.close();
    await temporal?.stop();
  });

  test('low priority is recorded on the series', async () => {
    const submitted = await cli([
      'submit',
      sweep,
      '--app',
      ECHO_APP,
      '--host',
      'local',
      '--priority',
      'low',
      '--json',
    ]);
    assert.equal(submitted.code, 0, submitted.stderr);
    const { id } = JSON.parse(submitted.stdout) as { id: string };
    const shown = await h.request('GET', `/api/v1/series/${id}`);
    assert.equal(shown.status, 200, shown.text);
    assert.equal(shown.body.priority, 'low');
  });

  test('high as a plain member exits with the API refusal, nothing stored', async () => {
    const before = await h.rowCounts();
    const refused = await cli(['submit', sweep, '--app', ECHO_APP, '--host', 'local', '--priority', 'high']);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /priority: high is for admins and members of a group with highPriority/);
    assert.deepEqual(await h.rowCounts(), before);

    const unknown = await cli([
      'submit',
      sweep,
      '--app',
      ECHO_APP,
      '--host',
      'local',
      '--priority',
      'urgent',
    ]);
    assert.notEqual(unknown.code, 0);
    assert.match(unknown.stderr, /--priority.*urgent|urgent.*priority/);
  });
});
