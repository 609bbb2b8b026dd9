// Groups through the API (docs/groups.md): management and its attacks (a member granting
// themselves, a group admin of one group editing another), the catalogue per group, and a
// group-only series that a non-member cannot reach through any read path of the API or the web
// UI (each answers 404, where a member of the group gets the content).
// Its own databases: the first group changes what every member sees, so other suites must not
// share them.
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createApiToken, createUser } from '../../db/accounts.ts';
import { runs } from '../../db/schema.ts';
import { backends, openTestDatabase, type TestDatabase } from '../support/database.ts';
import { startTemporal, type TestTemporal } from '../support/temporal.ts';
import { createHarness, ECHO_APP, INI, type ApiHarness } from './harness.ts';

let temporal: TestTemporal | undefined;
let temporalStarting: Promise<TestTemporal> | undefined;
const temporalServer = () => (temporalStarting ??= startTemporal().then((t) => (temporal = t)));
after(() => temporal?.stop());

for (const kind of backends) {
  describe(`groups API on ${kind}`, () => {
    let h: ApiHarness;
    let database: TestDatabase | undefined;
    let eve: { name: string; token: string };
    const secret = 'secret-app';
    before(async () => {
      const [server, opened] = await Promise.all([temporalServer(), openTestDatabase(kind)]);
      database = opened;
      h = await createHarness(opened.db, server);
      const created = await createUser(opened.db, { name: `eve-${kind}`, role: 'member' });
      eve = { name: created.name, token: (await createApiToken(opened.db, created.id, 'test')).token };
    });
    after(async () => {
      await h?.close();
      await database?.close();
    });

    const as = (token: string) => ({ token });
    const names = (rows: Array<{ name: string }>) => rows.map((r) => r.name).sort();

    test('before any group exists, members see and use every application and host', async () => {
      const added = await h.request('POST', '/api/v1/applications', {
        token: h.admin.token,
        body: { name: secret, command: 'true' },
      });
      assert.equal(added.status, 201, added.text);
      assert.deepEqual(names((await h.request('GET', '/api/v1/applications')).body.applications), [
        ECHO_APP,
        secret,
      ]);
      assert.equal((await h.request('GET', `/api/v1/applications/${secret}`)).status, 200);
    });

    test('admins create groups and grant; group admins manage members, not grants', async () => {
      for (const name of ['optics', 'bio']) {
        const created = await h.request('POST', '/api/v1/groups', { token: h.admin.token, body: { name } });
        assert.equal(created.status, 201, created.text);
      }
      assert.equal(
        (await h.request('POST', '/api/v1/groups', { token: h.admin.token, body: { name: 'bio' } })).status,
        409,
      );
      const grant = (group: string, what: string) =>
        h.request('PUT', `/api/v1/groups/${group}/${what}`, { token: h.admin.token });
      for (const [group, what] of [
        ['optics', `applications/${ECHO_APP}`],
        ['optics', 'hosts/local'],
        ['bio', `applications/${secret}`],
        ['bio', 'hosts/local'],
      ] as const) {
        assert.equal((await grant(group, what)).status, 204, `${group} ${what}`);
      }
      assert.equal((await grant('optics', 'applications/no-such-app')).status, 404);
      const member = (group: string, user: string, role: string, token = h.admin.token) =>
        h.request('PUT', `/api/v1/groups/${group}/members/${user}`, { token, body: { role } });
      assert.equal((await member('optics', h.alice.name, 'member')).status, 200);
      assert.equal((await member('bio', h.bob.name, 'admin')).status, 200);

      // bob, admin of bio, adds and removes bio's members …
      assert.equal((await member('bio', eve.name, 'member', h.bob.token)).status, 200);
      assert.equal(
        (await h.request('DELETE', `/api/v1/groups/bio/members/${eve.name}`, as(h.bob.token))).status,
        204,
      );
      // … but cannot grant bio anything, nor touch optics, which he cannot even see.
      const bobGrants = await h.request(
        'PUT',
        `/api/v1/groups/bio/applications/${ECHO_APP}`,
        as(h.bob.token),
      );
      assert.equal(bobGrants.status, 403);
      assert.equal((await member('optics', h.bob.name, 'admin', h.bob.token)).status, 404);
      assert.equal((await h.request('GET', '/api/v1/groups/optics', as(h.bob.token))).status, 404);
      assert.equal(
        (await h.request('DELETE', `/api/v1/groups/optics/members/${h.alice.name}`, as(h.bob.token))).status,
        404,
      );

      // alice, a plain member, can neither grant herself nor promote herself.
      assert.equal(
        (await h.request('PUT', `/api/v1/groups/optics/applications/${secret}`, as(h.alice.token))).status,
        403,
      );
      assert.equal((await member('optics', h.alice.name, 'admin', h.alice.token)).status, 403);
      assert.equal((await h.request('POST', '/api/v1/groups', { body: { name: 'mine' } })).status, 403);
      assert.equal((await h.request('DELETE', '/api/v1/groups/optics')).status, 403);

      const optics = await h.request('GET', '/api/v1/groups/optics');
      assert.equal(optics.status, 200);
      assert.equal(optics.body.role, 'member');
      assert.deepEqual(optics.body.members, [{ name: h.alice.name, role: 'member' }]);
      assert.deepEqual(optics.body.applications, [ECHO_APP]);
      assert.deepEqual(optics.body.hosts, ['local']);
      assert.deepEqual(names((await h.request('GET', '/api/v1/groups')).body.groups), ['optics']);
      assert.deepEqual(
        names((await h.request('GET', '/api/v1/groups', { token: h.admin.token })).body.groups),
        ['bio', 'optics'],
      );
    });

    test("a member sees and uses only their groups' applications and hosts", async () => {
      assert.deepEqual(names((await h.request('GET', '/api/v1/applications')).body.applications), [ECHO_APP]);
      assert.equal((await h.request('GET', `/api/v1/applications/${secret}`)).status, 404);
      assert.deepEqual(names((await h.request('GET', '/api/v1/hosts')).body.hosts), ['local']);
      assert.deepEqual(names((await h.request('GET', '/api/v1/hosts', as(eve.token))).body.hosts), []);
      assert.deepEqual(
        names((await h.request('GET', '/api/v1/applications', as(h.admin.token))).body.applications),
        [ECHO_APP, secret],
      );

      const before = await h.rowCounts();
      const refused = await h.request('POST', '/api/v1/series', {
        body: { application: secret, host: 'local', ini: INI },
      });
      assert.equal(refused.status, 422, refused.text);
      assert.equal(refused.body.error.field, 'application');
      assert.match(refused.body.error.message, /not granted/);
      const otherGroup = await h.request('POST', '/api/v1/series', {
        body: { application: secret, host: 'local', ini: INI, group: 'bio' },
      });
      assert.equal(otherGroup.status, 422);
      assert.equal(otherGroup.body.error.code, 'unknown_group');
      const noGroup = await h.request('POST', '/api/v1/series', {
        token: eve.token,
        body: { application: ECHO_APP, host: 'local', ini: INI },
      });
      assert.equal(noGroup.status, 422, 'a member in no group may use nothing once groups exist');
      assert.deepEqual(await h.rowCounts(), before);
    });

    test('an application limited to some hosts runs only there', async () => {
      // Only registered hosts may be named (api/routes/applications.ts).
      const elsewhere = await h.request('POST', '/api/v1/hosts', {
        token: h.admin.token,
        body: { name: 'elsewhere', kind: 'local', workdir: '/tmp/tuplet-elsewhere' },
      });
      assert.equal(elsewhere.status, 201, elsewhere.text);
      const limited = await h.request('PATCH', `/api/v1/applications/${ECHO_APP}`, {
        token: h.admin.token,
        body: { hosts: ['elsewhere'] },
      });
      assert.equal(limited.status, 200, limited.text);
      const refused = await h.request('POST', '/api/v1/series', {
        body: { application: ECHO_APP, host: 'local', ini: INI },
      });
      assert.equal(refused.status, 422, refused.text);
      assert.equal(refused.body.error.code, 'application_not_on_host');
      assert.match(refused.body.error.message, /elsewhere/);
      await h.request('PATCH', `/api/v1/applications/${ECHO_APP}`, {
        token: h.admin.token,
        body: { hosts: null },
      });
    });

    test("a group-only series: every read path answers 404 to a non-member, the group's members read it", async () => {
      const created = await h.request('POST', '/api/v1/series', {
        body: { application: ECHO_APP, host: 'local', ini: INI, visibility: 'group' },
      });
      assert.equal(created.status, 201, created.text);
      const id: string = created.body.id;
      const shown = await h.request('GET', `/api/v1/series/${id}`);
      assert.equal(shown.body.group, 'optics', "the member's only group by default");
      assert.equal(shown.body.visibility, 'group');
      // A run with a file, so that run and file paths have something to show.
      await h.db.insert(runs).values({ seriesId: id, index: 0, dir: '0', params: {}, state: 'succeeded' });
      await mkdir(path.join(h.storageDir, id, 'runs', '0'), { recursive: true });
      await writeFile(path.join(h.storageDir, id, 'runs', '0', 'out.txt'), 'secret result\n');
      await writeFile(path.join(h.storageDir, `${id}.tar.gz`), 'archive');

      // A member of optics, not the owner.
      const mate = await createUser(h.db, { name: `mate-${kind}`, role: 'member' });
      const mateToken = (await createApiToken(h.db, mate.id, 'test')).token;
      const joined = await h.request('PUT', `/api/v1/groups/optics/members/${mate.name}`, {
        token: h.admin.token,
        body: {},
      });
      assert.equal(joined.status, 200, joined.text);

      const reads: Array<[string, string]> = [
        ['GET', `/api/v1/series/${id}`],
        ['GET', `/api/v1/series/${id}/runs`],
        ['GET', `/api/v1/series/${id}/runs/0/files`],
        ['GET', `/api/v1/series/${id}/runs/0/files/out.txt`],
        ['GET', `/api/v1/series/${id}/archive`],
        ['GET', `/api/v1/series/${id}/results`],
        ['GET', `/series/${id}`],
        ['GET', `/series/${id}/runs/0`],
        ['GET', `/series/${id}/results`],
        ['GET', `/web-api/series/${id}/runs.csv`],
        ['GET', `/web-api/series/${id}/map`],
        ['GET', `/web-api/series/${id}/files/runs/0/out.txt`],
      ];
      for (const [method, route] of reads) {
        const seen = await h.request(method, route, as(mateToken));
        assert.equal(seen.status, 200, `a member reads ${route}: ${seen.text.slice(0, 200)}`);
        const hidden = await h.request(method, route, as(eve.token));
        assert.equal(hidden.status, 404, `a non-member gets 404 for ${route}`);
        assert.doesNotMatch(hidden.text, /secret result/);
      }
      // The event stream (the member's stream stays open: only its status is read).
      const events = await h.app.request(`/api/v1/series/${id}/events`, {
        headers: { authorization: `Bearer ${eve.token}` },
      });
      assert.equal(events.status, 404);
      // Actions that read the series first: clone, cancel, rerun, delete.
      for (const [method, route, body] of [
        ['POST', `/api/v1/series/${id}/clone`, {}],
        ['POST', `/api/v1/series/${id}/cancel`, undefined],
        ['POST', `/api/v1/series/${id}/rerun`, {}],
        ['DELETE', `/api/v1/series/${id}`, undefined],
      ] as const) {
        assert.equal((await h.request(method, route, { token: eve.token, body })).status, 404, route);
      }
      // Lists and live progress leave it out; the new-series form does not copy it.
      const listed = await h.request('GET', '/api/v1/series', as(eve.token));
      assert.ok(!listed.body.series.some((s: { id: string }) => s.id === id));
      assert.ok(
        (await h.request('GET', '/api/v1/series', as(mateToken))).body.series.some(
          (s: { id: string }) => s.id === id,
        ),
      );
      const progress = await h.request('GET', `/web-api/progress?ids=${id}`, as(eve.token));
      assert.deepEqual(progress.body, { series: {} });
      const home = await h.request('GET', '/', as(eve.token));
      assert.doesNotMatch(home.text, new RegExp(id));
      const form = await h.request('GET', `/series/new?from=${id}`, as(eve.token));
      assert.equal(form.status, 200);
      assert.doesNotMatch(form.text, /spiral wave/, "the source's INI is not shown");
      // Admins see it.
      assert.equal((await h.request('GET', `/api/v1/series/${id}`, as(h.admin.token))).status, 200);
    });
  });
}
