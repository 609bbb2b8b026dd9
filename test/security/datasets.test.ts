// Datasets through the API, attacked (docs/datasets.md): a dataset of another group is neither
// visible nor usable (404 on every read path and in a series body, nothing created); a mount
// path that leaves the run directory or enters Tuplet's own is refused naming the field; a host
// path with `..` (or relative) is refused naming `path`, and a member not granted the host
// cannot register one; a hostile archive is refused naming its entry with nothing stored; a
// dataset a live series uses is not deleted (409 naming the series).
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createApiToken, createUser } from '../../db/accounts.ts';
import { createHarness, ECHO_APP, INI, type ApiHarness } from '../api/harness.ts';
import { backends, openTestDatabase, type TestDatabase } from '../support/database.ts';
import { startTemporal, type TestTemporal } from '../support/temporal.ts';
import { makeArchive } from './package-archives.ts';

let temporal: TestTemporal | undefined;
let temporalStarting: Promise<TestTemporal> | undefined;
const temporalServer = () => (temporalStarting ??= startTemporal().then((t) => (temporal = t)));
let scratch: string;
before(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), 'tuplet-security-datasets-'));
});
after(async () => {
  await temporal?.stop();
  await rm(scratch, { recursive: true, force: true });
});

for (const kind of backends) {
  describe(`dataset attacks on ${kind}`, () => {
    let h: ApiHarness;
    let database: TestDatabase | undefined;
    let eve: { token: string };
    const as = (token: string) => ({ token });

    before(async () => {
      const [server, opened] = await Promise.all([temporalServer(), openTestDatabase(kind)]);
      database = opened;
      h = await createHarness(opened.db, server);
      const created = await createUser(opened.db, { name: `eve-${kind}`, role: 'member' });
      eve = { token: (await createApiToken(opened.db, created.id, 'test')).token };
      // alice in optics, bob in bio: both may run echo on local; eve is in no group.
      const admin = as(h.admin.token);
      for (const [group, user] of [
        ['optics', h.alice.name],
        ['bio', h.bob.name],
      ] as const) {
        assert.equal(
          (await h.request('POST', '/api/v1/groups', { ...admin, body: { name: group } })).status,
          201,
        );
        await h.request('PUT', `/api/v1/groups/${group}/members/${user}`, {
          ...admin,
          body: { role: 'member' },
        });
        await h.request('PUT', `/api/v1/groups/${group}/applications/${ECHO_APP}`, admin);
        await h.request('PUT', `/api/v1/groups/${group}/hosts/local`, admin);
      }
      assert.equal(
        (await h.request('POST', '/api/v1/datasets', { body: { name: 'secret', group: 'optics' } })).status,
        201,
      );
      const zip = makeArchive(scratch, `ok-${kind}.zip`, 'zip', [{ name: 'data.txt', data: 'x\n' }]);
      assert.equal((await upload('secret', await readFile(zip), h.alice.token)).status, 201);
    });
    after(async () => {
      await h?.close();
      await database?.close();
    });

    async function upload(name: string, body: Uint8Array, token: string) {
      const response = await h.app.request(`/api/v1/datasets/${name}/versions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
        body: new Uint8Array(body),
      });
      return { status: response.status, body: (await response.json()) as { error?: { message: string } } };
    }

    const submit = (token: string, datasets: unknown) =>
      h.request('POST', '/api/v1/series', {
        token,
        body: { application: ECHO_APP, host: 'local', ini: INI, datasets },
      });

    test("another group's dataset is neither visible nor usable: 404, nothing created", async () => {
      const bob = as(h.bob.token);
      for (const route of ['/api/v1/datasets/secret', '/api/v1/datasets/secret/versions/1']) {
        assert.equal((await h.request('GET', route, bob)).status, 404, route);
        assert.equal((await h.request('DELETE', route, bob)).status, 404, route);
      }
      assert.deepEqual((await h.request('GET', '/api/v1/datasets', bob)).body.datasets, []);
      const zip = makeArchive(scratch, `bob-${kind}.zip`, 'zip', [{ name: 'data.txt', data: 'y\n' }]);
      assert.equal((await upload('secret', await readFile(zip), h.bob.token)).status, 404);
      const before = await h.rowCounts();
      const refused = await submit(h.bob.token, [{ name: 'secret', version: 1 }]);
      assert.equal(refused.status, 404, JSON.stringify(refused.body));
      assert.match(refused.body.error.message, /^datasets\[0\]: dataset 'secret' version 1 not found/);
      assert.deepEqual(await h.rowCounts(), before);
      // Its owner sees it, with its group.
      const mine = await h.request('GET', '/api/v1/datasets/secret');
      assert.equal(mine.status, 200);
      assert.equal(mine.body.group, 'optics');
    });

    test('a mount path outside the run directory or in Tuplet’s own is refused naming the field', async () => {
      const before = await h.rowCounts();
      for (const mountPath of ['../x', '/etc/x', 'a/../../x', 'a/./b', '.tuplet/x', 'inputs//x', '']) {
        const refused = await submit(h.alice.token, [{ name: 'secret', version: 1, mountPath }]);
        assert.equal(refused.status, 400, `${mountPath}: ${JSON.stringify(refused.body)}`);
        assert.equal(refused.body.error.field, 'datasets[0].mountPath', mountPath);
      }
      const twice = await submit(h.alice.token, [
        { name: 'secret', version: 1, mountPath: 'in' },
        { name: 'secret', version: 1, mountPath: 'in/deeper' },
      ]);
      assert.equal(twice.status, 400);
      assert.equal(twice.body.error.field, 'datasets[1].mountPath');
      assert.deepEqual(await h.rowCounts(), before);
    });

    test('a host path with .. or not absolute is refused naming path; only admins register one', async () => {
      assert.equal((await h.request('POST', '/api/v1/datasets', { body: { name: 'scratch' } })).status, 201);
      for (const bad of ['/scratch/../etc', '/scratch/./x', 'scratch/x', '/', '/a//b', '/a/b/']) {
        const refused = await h.request('POST', '/api/v1/datasets/scratch/host-versions', {
          ...as(h.admin.token),
          body: { host: 'local', path: bad },
        });
        assert.equal(refused.status, 400, bad);
        assert.equal(refused.body.error.field, 'path', bad);
      }
      // A member may not point a dataset at a host path, granted host or not: its files would be
      // read as the service account (its SSH keys, other members' data) into her runs' outputs.
      assert.equal(
        (await h.request('POST', '/api/v1/datasets', { ...as(eve.token), body: { name: 'eves' } })).status,
        201,
      );
      for (const [token, dataset] of [
        [eve.token, 'eves'],
        [h.alice.token, 'scratch'],
      ] as const) {
        const refused = await h.request('POST', `/api/v1/datasets/${dataset}/host-versions`, {
          ...as(token),
          body: { host: 'local', path: '/root/.ssh' },
        });
        assert.equal(refused.status, 403, `${dataset}: ${JSON.stringify(refused.body)}`);
        assert.match(refused.body.error.message, /only admins/);
      }
      const ok = await h.request('POST', '/api/v1/datasets/scratch/host-versions', {
        ...as(h.admin.token),
        body: { host: 'local', path: '/scratch/shared' },
      });
      assert.equal(ok.status, 201, JSON.stringify(ok.body));
    });

    test('a hostile archive is refused naming its entry, and nothing is stored', async () => {
      const stored = async () =>
        (await readdir(path.join(h.storageDir, 'datasets'), { recursive: true })).sort();
      const before = await stored();
      const evil = makeArchive(scratch, `evil-${kind}.tar`, 'tar', [
        { name: 'ok.txt', data: 'fine\n' },
        { name: 'link', symlink: '/etc/passwd' },
      ]);
      const refused = await upload('secret', await readFile(evil), h.alice.token);
      assert.equal(refused.status, 400);
      assert.match(refused.body.error!.message, /link/);
      assert.deepEqual(await stored(), before);
      const versions = await h.request('GET', '/api/v1/datasets/secret');
      assert.deepEqual(
        versions.body.versions.map((v: { version: number }) => v.version),
        [1],
      );
    });

    test('a dataset a live series uses is not deleted: 409 naming the series', async () => {
      // No worker serves the harness: the series stays in staging, live.
      const created = await submit(h.alice.token, [{ name: 'secret', version: 1 }]);
      assert.equal(created.status, 201, JSON.stringify(created.body));
      for (const route of ['/api/v1/datasets/secret/versions/1', '/api/v1/datasets/secret']) {
        const refused = await h.request('DELETE', route);
        assert.equal(refused.status, 409, route);
        assert.deepEqual(refused.body.error.series, [created.body.id]);
      }
      // A clone takes the datasets along, checked for the cloner: bob does not see secret.
      const cloned = await h.request('POST', `/api/v1/series/${created.body.id}/clone`, { body: {} });
      assert.equal(cloned.status, 201, JSON.stringify(cloned.body));
      const bobs = await h.request('POST', `/api/v1/series/${created.body.id}/clone`, {
        ...as(h.bob.token),
        body: {},
      });
      assert.equal(bobs.status, 404, JSON.stringify(bobs.body));
      assert.match(bobs.body.error.message, /^datasets\[0\]: dataset 'secret'/);
      const detail = await h.request('GET', '/api/v1/datasets/secret/versions/1');
      assert.deepEqual(
        detail.body.usedBy
          .map((u: { seriesId: string; mountPath: string }) => [u.seriesId, u.mountPath])
          .sort(),
        [
          [cloned.body.id, 'inputs/secret'],
          [created.body.id, 'inputs/secret'],
        ].sort(),
      );
    });
  });
}
