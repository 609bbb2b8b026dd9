// `tuplet submit` options against a running server with a real Temporal. --priority
// (docs/fair-share.md): low is recorded on the series; a plain member asking for high exits with
// the API's refusal, naming priority, and nothing is stored. --pool (docs/multi-host.md): the
// series goes over the pool's hosts; a pool with hosts, or an unknown pool, is refused.
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

describe('tuplet submit --priority and --pool', { timeout: 120_000 }, () => {
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

  /** `tuplet submit` of the test sweep on the local host, then `extra`. */
  const submitOnLocal = (...extra: string[]) => [
    'submit',
    sweep,
    '--app',
    ECHO_APP,
    '--host',
    'local',
    ...extra,
  ];

  test('low priority is recorded on the series', async () => {
    const submitted = await cli(submitOnLocal('--priority', 'low', '--json'));
    assert.equal(submitted.code, 0, submitted.stderr);
    const { id } = JSON.parse(submitted.stdout) as { id: string };
    const shown = await h.request('GET', `/api/v1/series/${id}`);
    assert.equal(shown.status, 200, shown.text);
    assert.equal(shown.body.priority, 'low');
  });

  test('high as a plain member exits with the API refusal, nothing stored', async () => {
    const before = await h.rowCounts();
    const refused = await cli(submitOnLocal('--priority', 'high'));
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /priority: high is for admins and members of a group with highPriority/);
    assert.deepEqual(await h.rowCounts(), before);

    const unknown = await cli(submitOnLocal('--priority', 'urgent'));
    assert.notEqual(unknown.code, 0);
    assert.match(unknown.stderr, /--priority.*urgent|urgent.*priority/);
  });

  test('--pool runs the series over the pool; with --host, --preview or an unknown pool it is refused', async () => {
    const admin = { token: h.admin.token };
    await h.request('POST', '/api/v1/hosts', {
      ...admin,
      body: { name: 'second', kind: 'local', workdir: path.join(h.storageDir, 'second'), pool: 'desks' },
    });
    await h.request('PATCH', '/api/v1/hosts/local', { ...admin, body: { pool: 'desks' } });
    const submitted = await cli(['submit', sweep, '--app', ECHO_APP, '--pool', 'desks', '--json']);
    assert.equal(submitted.code, 0, submitted.stderr);
    const { id } = JSON.parse(submitted.stdout) as { id: string };
    assert.deepEqual((await h.request('GET', `/api/v1/series/${id}`)).body.hosts, ['local', 'second']);

    const before = await h.rowCounts();
    for (const [args, message] of [
      [['--pool', 'desks', '--host', 'local'], /name hosts \(--host\) or a pool \(--pool\), not both/],
      [['--pool', 'desks', '--preview'], /use --host, not --pool/],
      [['--pool', 'nowhere'], /empty_pool|pool 'nowhere' has no host/],
      [[], /--host <name>' \(or --pool\) not specified/],
    ] as const) {
      const refused = await cli(['submit', sweep, '--app', ECHO_APP, ...args]);
      assert.notEqual(refused.code, 0, args.join(' '));
      assert.match(refused.stderr, message);
    }
    assert.deepEqual(await h.rowCounts(), before);
  });
});
