// `tuplet export` and `tuplet import` (the real CLI) against a running server: a finished series
// goes out as one archive and comes back as a new series of the importer with the same runs;
// a running series is not exported; a refused archive exits 2 naming the entry.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createApiToken } from '../../db/accounts.ts';
import { findSeriesRow } from '../../db/series.ts';
import { startWebTestServer, type WebTestServer } from '../browser/support/server.ts';
import { makeArchive } from '../security/package-archives.ts';
import { finishedRun, seedFinishedSeries } from './fixtures.ts';
import { runTuplet } from '../support/tuplet-cli.ts';

describe('tuplet export and import', () => {
  let server: WebTestServer;
  let token = '';
  let scratch = '';
  const cli = (args: string[]) => runTuplet(args, { url: server.url, token: token });

  before(async () => {
    server = await startWebTestServer();
    token = (await createApiToken(server.db, server.ids.member, 'cli test')).token;
    scratch = await mkdtemp(path.join(os.tmpdir(), 'tuplet-cli-export-'));
  });
  after(async () => {
    await server?.close();
    await rm(scratch, { recursive: true, force: true });
  });

  test('export -o FILE, then import FILE: a new series of the importer with the same runs', async () => {
    const id = await seedFinishedSeries(server.db, server.storageDir, {
      ownerId: server.ids.admin,
      ini: '[m]\na = 1 2 3\n',
      runs: ['1', '2', '3'].map((a, i) =>
        finishedRun(
          i,
          `${i}_a=${a}`,
          { 'm.a': a },
          { metrics: { y: i * 2 }, state: i === 2 ? 'failed' : 'succeeded' },
        ),
      ),
      files: [{ run: 1, name: 'out.txt', content: Buffer.from('one\n') }],
    });
    const file = path.join(scratch, 'completed.tar.gz');
    const exported = await cli(['export', id, '-o', file]);
    assert.equal(exported.code, 0, exported.stderr);
    assert.equal(exported.stdout, `series ${id}: exported to ${file}\n`);
    assert.equal(existsSync(`${file}.partial`), false);

    const imported = await cli(['import', file, '--json']);
    assert.equal(imported.code, 0, imported.stderr);
    const answer = JSON.parse(imported.stdout) as {
      id: string;
      sourceId: string;
      runs: number;
      files: number;
    };
    assert.deepEqual({ ...answer, id: '' }, { id: '', sourceId: id, runs: 3, files: 1 });
    const [source, copy] = await Promise.all([
      findSeriesRow(server.db, id),
      findSeriesRow(server.db, answer.id),
    ]);
    assert.equal(copy?.ownerId, server.ids.member);
    assert.equal(copy?.state, source?.state);
    assert.equal(copy?.ini, source?.ini);
  });

  test('a running series is not exported; a refused archive exits 2 naming the entry', async () => {
    const running = await cli(['export', server.running.id, '-o', path.join(scratch, 'running.tar.gz')]);
    assert.equal(running.code, 2, running.stderr);
    assert.match(running.stderr, /series is running: export it once it has finished/);
    assert.equal(existsSync(path.join(scratch, 'running.tar.gz')), false);

    const hostile = makeArchive(scratch, 'hostile.tar.gz', 'tar.gz', [{ name: '../x', data: 'x' }]);
    const refused = await cli(['import', hostile]);
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, /archive entry "\.\.\/x" would land outside/);

    const missing = await cli(['import', path.join(scratch, 'nothing.tar.gz')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /cannot read .*nothing\.tar\.gz/);
  });
});
