// `tuplet datasets` against a running server (the whole HTTP app over a seeded database): create,
// upload an archive (streamed from the file), show the version's files with their sha256, register
// a host path (a relative one refused naming `path`), list; an unreadable file exits 2.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createApiToken } from '../../db/accounts.ts';
import { startWebTestServer, type WebTestServer } from '../browser/support/server.ts';
import { makeArchive } from '../security/package-archives.ts';
import { runTuplet } from '../support/tuplet-cli.ts';

describe('tuplet datasets', () => {
  let server: WebTestServer;
  let token: string;
  let scratch: string;

  const cli = (args: string[]) => runTuplet(args, { url: server.url, token: token });

  before(async () => {
    server = await startWebTestServer();
    token = (await createApiToken(server.db, server.ids.admin, 'cli test')).token;
    scratch = await mkdtemp(path.join(os.tmpdir(), 'tuplet-cli-datasets-'));
  });
  after(async () => {
    await server?.close();
    await rm(scratch, { recursive: true, force: true });
  });

  test('create, upload, show, register, list', async () => {
    const created = await cli(['datasets', 'create', 'cells', '--description', 'cell counts']);
    assert.equal(created.code, 0, created.stderr);
    const zip = makeArchive(scratch, 'cells.zip', 'zip', [{ name: 'data.txt', data: 'counts\n' }]);
    const uploaded = await cli(['datasets', 'upload', 'cells', zip]);
    assert.equal(uploaded.code, 0, uploaded.stderr);
    assert.match(uploaded.stdout, /^dataset cells v1\tupload, 1 entries, 7 bytes/);

    const shown = await cli(['datasets', 'show', 'cells', '1']);
    assert.equal(shown.code, 0, shown.stderr);
    const sha256 = createHash('sha256').update('counts\n').digest('hex');
    assert.match(shown.stdout, new RegExp(`\\n  data\\.txt\\t7\\t${sha256}\\n`));
    assert.match(shown.stdout, /used by no series/);

    const relative = await cli(['datasets', 'register', 'cells', '--host', 'local', '--path', 'scratch/x']);
    assert.notEqual(relative.code, 0);
    assert.match(relative.stderr, /path: "scratch\/x" must be an absolute path/);
    const registered = await cli([
      'datasets',
      'register',
      'cells',
      '--host',
      'local',
      '--path',
      '/scratch/x',
    ]);
    assert.equal(registered.code, 0, registered.stderr);
    assert.match(registered.stdout, /^dataset cells v2\tlocal:\/scratch\/x/);

    const versions = await cli(['datasets', 'show', 'cells']);
    assert.match(versions.stdout, /^v2\tlocal:\/scratch\/x/m);
    assert.match(versions.stdout, /^v1\tupload/m);
    const listed = await cli(['datasets']);
    assert.match(listed.stdout, /^cells\t\S+\t-\tcell counts$/m);
  });

  test('an archive that cannot be read exits 2 naming it', async () => {
    const missing = path.join(scratch, 'nope.zip');
    const failed = await cli(['datasets', 'upload', 'cells', missing]);
    assert.equal(failed.code, 2);
    assert.match(failed.stderr, /cannot read .*nope\.zip/);
  });
});
