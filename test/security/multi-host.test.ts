// A series over several hosts (docs/multi-host.md) is checked host by host, as one host is: a
// member naming, among granted hosts, one their groups do not grant is refused, the refusal
// names that entry, and nothing is stored. Its own database: groups change what members see.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { openTestDatabase, type TestDatabase } from '../support/database.ts';
import { startTemporal, type TestTemporal } from '../support/temporal.ts';
import { createHarness, ECHO_APP, INI, type ApiHarness } from '../api/harness.ts';

describe('hosts of a multi-host series', () => {
  let temporal: TestTemporal;
  let database: TestDatabase;
  let h: ApiHarness;
  before(async () => {
    [temporal, database] = await Promise.all([startTemporal(), openTestDatabase('pglite')]);
    h = await createHarness(database.db, temporal);
    const admin = { token: h.admin.token };
    const steps: Array<[string, string, unknown?]> = [
      ['POST', '/api/v1/hosts', { name: 'ungranted', kind: 'local', workdir: '/tmp/tuplet-ungranted' }],
      ['POST', '/api/v1/groups', { name: 'optics' }],
      ['PUT', `/api/v1/groups/optics/applications/${ECHO_APP}`],
      ['PUT', '/api/v1/groups/optics/hosts/local'],
      ['PUT', `/api/v1/groups/optics/members/${h.alice.name}`, { role: 'member' }],
    ];
    for (const [method, route, body] of steps) {
      const answer = await h.request(method, route, { ...admin, ...(body ? { body } : {}) });
      assert.ok(answer.status < 300, `${method} ${route}: ${answer.status} ${answer.text}`);
    }
  });
  after(async () => {
    await h?.close();
    await database?.close();
    await temporal?.stop();
  });

  test("naming a host the member's groups do not grant is refused, naming it", async () => {
    const before = await h.rowCounts();
    const refused = await h.request('POST', '/api/v1/series', {
      body: { application: ECHO_APP, hosts: ['local', 'ungranted'], ini: INI },
    });
    assert.equal(refused.status, 422, refused.text);
    assert.equal(refused.body.error.code, 'unknown_host');
    assert.equal(refused.body.error.field, 'hosts');
    assert.match(
      refused.body.error.message,
      /^hosts\[1\]: host 'ungranted' does not exist or is not granted/,
    );
    assert.deepEqual(await h.rowCounts(), before);
  });

  test('a host named twice, or `host` outside `hosts`, is refused before anything is looked up', async () => {
    const twice = await h.request('POST', '/api/v1/series', {
      body: { application: ECHO_APP, hosts: ['local', 'local'], ini: INI },
    });
    assert.equal(twice.status, 400, twice.text);
    assert.match(twice.body.error.message, /hosts\[1\]: host 'local' is named twice/);
    const outside = await h.request('POST', '/api/v1/series', {
      body: { application: ECHO_APP, host: 'ungranted', hosts: ['local'], ini: INI },
    });
    assert.equal(outside.status, 400, outside.text);
    assert.match(outside.body.error.message, /host: 'ungranted' is not one of hosts/);
  });
});
