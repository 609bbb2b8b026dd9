// Drained hosts and host pools (docs/multi-host.md): only admins drain a host or put it in a
// pool; a member naming a pool gets only the pool's hosts their group is granted and the
// application runs on (the others are as if not in it) and not drained; a series whose every
// host is drained is refused; a pool name that is no name is a 400 naming the field. Its own
// database: groups change what members see.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { useApiHarness } from '../support/api-harness-per-file.ts';
import { ECHO_APP, INI } from '../api/harness.ts';

describe('drained hosts and host pools', () => {
  const testApi = useApiHarness();
  const asAdmin = async (method: string, route: string, body?: unknown) => {
    const answer = await testApi.harness.request(method, route, {
      token: testApi.harness.admin.token,
      ...(body ? { body } : {}),
    });
    assert.ok(answer.status < 300, `${method} ${route}: ${answer.status} ${answer.text}`);
    return answer;
  };
  const hostsOf = async (id: string) =>
    (await testApi.harness.request('GET', `/api/v1/series/${id}`, { token: testApi.harness.admin.token }))
      .body.hosts as string[];

  before(async () => {
    await asAdmin('POST', '/api/v1/hosts', {
      name: 'ungranted',
      kind: 'local',
      workdir: '/tmp/tuplet-p1',
      pool: 'p',
    });
    await asAdmin('POST', '/api/v1/hosts', {
      name: 'second',
      kind: 'local',
      workdir: '/tmp/tuplet-p2',
      pool: 'p',
    });
    await asAdmin('PATCH', '/api/v1/hosts/local', { pool: 'p' });
    await asAdmin('POST', '/api/v1/groups', { name: 'optics' });
    await asAdmin('PUT', `/api/v1/groups/optics/applications/${ECHO_APP}`);
    await asAdmin('PUT', '/api/v1/groups/optics/hosts/local');
    await asAdmin('PUT', '/api/v1/groups/optics/hosts/second');
    await asAdmin('PUT', `/api/v1/groups/optics/members/${testApi.harness.alice.name}`, { role: 'member' });
  });

  test('a member can neither drain a host nor move it to a pool (403); an admin can, and sees it', async () => {
    for (const body of [{ drained: true }, { pool: 'mine' }]) {
      const refused = await testApi.harness.request('PATCH', '/api/v1/hosts/local', { body });
      assert.equal(refused.status, 403, refused.text);
    }
    const host = (await testApi.harness.request('GET', '/api/v1/hosts/local')).body;
    assert.equal(host.drained, false);
    assert.equal(host.pool, 'p');
  });

  test('a pool name with a NUL or other odd characters is a 400 naming the field', async () => {
    for (const pool of ['g\u0000pu', 'gpu/../x', ' gpu', 'a:b']) {
      const patch = await testApi.harness.request('PATCH', '/api/v1/hosts/local', {
        token: testApi.harness.admin.token,
        body: { pool },
      });
      assert.equal(patch.status, 400, patch.text);
      assert.match(patch.text, /pool/);
      const before = await testApi.harness.rowCounts();
      const series = await testApi.harness.request('POST', '/api/v1/series', {
        body: { application: ECHO_APP, pool, ini: INI },
      });
      assert.equal(series.status, 400, series.text);
      assert.match(series.text, /pool/);
      assert.deepEqual(await testApi.harness.rowCounts(), before);
    }
  });

  test("a member's pool is its granted hosts only; an admin's all of them; the series records them", async () => {
    const member = await testApi.harness.request('POST', '/api/v1/series', {
      body: { application: ECHO_APP, pool: 'p', ini: INI },
    });
    assert.equal(member.status, 201, member.text);
    assert.deepEqual(await hostsOf(member.body.id), ['local', 'second']);
    const admin = await testApi.harness.request('POST', '/api/v1/series', {
      token: testApi.harness.admin.token,
      body: { application: ECHO_APP, pool: 'p', ini: INI },
    });
    assert.equal(admin.status, 201, admin.text);
    assert.deepEqual(await hostsOf(admin.body.id), ['local', 'second', 'ungranted']);
    const both = await testApi.harness.request('POST', '/api/v1/series', {
      body: { application: ECHO_APP, pool: 'p', host: 'local', ini: INI },
    });
    assert.equal(both.status, 400, both.text);
    assert.equal(both.body.error.field, 'pool');
  });

  test('a pool gives only the hosts the application runs on, not a refusal for the others', async () => {
    await asAdmin('POST', '/api/v1/applications', {
      name: 'local-only',
      command: 'cat config.ini',
      hosts: ['local'],
    });
    await asAdmin('PUT', '/api/v1/groups/optics/applications/local-only');
    const series = await testApi.harness.request('POST', '/api/v1/series', {
      body: { application: 'local-only', pool: 'p', ini: INI },
    });
    assert.equal(series.status, 201, series.text);
    assert.deepEqual(await hostsOf(series.body.id), ['local']);
  });

  test('drained hosts leave the pool; a series whose every host is drained is refused, naming it', async () => {
    await asAdmin('PATCH', '/api/v1/hosts/second', { drained: true });
    try {
      const one = await testApi.harness.request('POST', '/api/v1/series', {
        body: { application: ECHO_APP, pool: 'p', ini: INI },
      });
      assert.equal(one.status, 201, one.text);
      assert.deepEqual(await hostsOf(one.body.id), ['local']);
      const mixed = await testApi.harness.request('POST', '/api/v1/series', {
        body: { application: ECHO_APP, hosts: ['local', 'second'], ini: INI },
      });
      assert.equal(mixed.status, 201, 'a drained host among others is accepted: it takes no chunk');

      await asAdmin('PATCH', '/api/v1/hosts/local', { drained: true });
      const before = await testApi.harness.rowCounts();
      const drained = await testApi.harness.request('POST', '/api/v1/series', {
        body: { application: ECHO_APP, host: 'second', ini: INI },
      });
      assert.equal(drained.status, 422, drained.text);
      assert.equal(drained.body.error.code, 'host_drained');
      assert.match(drained.body.error.message, /host 'second' is drained/);
      const all = await testApi.harness.request('POST', '/api/v1/series', {
        body: { application: ECHO_APP, hosts: ['local', 'second'], ini: INI },
      });
      assert.equal(all.status, 422, all.text);
      assert.match(all.body.error.message, /every host named \(local, second\) is drained/);
      const empty = await testApi.harness.request('POST', '/api/v1/series', {
        body: { application: ECHO_APP, pool: 'p', ini: INI },
      });
      assert.equal(empty.status, 422, empty.text);
      assert.equal(empty.body.error.code, 'empty_pool');
      assert.equal(empty.body.error.field, 'pool');
      assert.deepEqual(await testApi.harness.rowCounts(), before);
    } finally {
      await asAdmin('PATCH', '/api/v1/hosts/second', { drained: false });
      await asAdmin('PATCH', '/api/v1/hosts/local', { drained: false });
    }
  });
});
