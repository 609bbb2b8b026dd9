// A series over several hosts (docs/multi-host.md) is checked host by host, as one host is: a
// member naming, among granted hosts, one their groups do not grant is refused, the refusal
// names that entry, and nothing is stored. Its own database: groups change what members see.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { useApiHarness } from '../support/api-harness-per-file.ts';
import { ECHO_APP, INI } from '../api/harness.ts';

describe('hosts of a multi-host series', () => {
  const testApi = useApiHarness();
  before(async () => {
    const admin = { token: testApi.harness.admin.token };
    const steps: Array<[string, string, unknown?]> = [
      ['POST', '/api/v1/hosts', { name: 'ungranted', kind: 'local', workdir: '/tmp/tuplet-ungranted' }],
      ['POST', '/api/v1/groups', { name: 'optics' }],
      ['PUT', `/api/v1/groups/optics/applications/${ECHO_APP}`],
      ['PUT', '/api/v1/groups/optics/hosts/local'],
      ['PUT', `/api/v1/groups/optics/members/${testApi.harness.alice.name}`, { role: 'member' }],
    ];
    for (const [method, route, body] of steps) {
      const answer = await testApi.harness.request(method, route, { ...admin, ...(body ? { body } : {}) });
      assert.ok(answer.status < 300, `${method} ${route}: ${answer.status} ${answer.text}`);
    }
  });

  test("naming a host the member's groups do not grant is refused, naming it", async () => {
    const before = await testApi.harness.rowCounts();
    const refused = await testApi.harness.request('POST', '/api/v1/series', {
      body: { application: ECHO_APP, hosts: ['local', 'ungranted'], ini: INI },
    });
    assert.equal(refused.status, 422, refused.text);
    assert.equal(refused.body.error.code, 'unknown_host');
    assert.equal(refused.body.error.field, 'hosts');
    assert.match(
      refused.body.error.message,
      /^hosts\[1\]: host 'ungranted' does not exist or is not granted/,
    );
    assert.deepEqual(await testApi.harness.rowCounts(), before);
  });

  test('a host named twice, or `host` outside `hosts`, is refused before anything is looked up', async () => {
    const twice = await testApi.harness.request('POST', '/api/v1/series', {
      body: { application: ECHO_APP, hosts: ['local', 'local'], ini: INI },
    });
    assert.equal(twice.status, 400, twice.text);
    assert.match(twice.body.error.message, /hosts\[1\]: host 'local' is named twice/);
    const outside = await testApi.harness.request('POST', '/api/v1/series', {
      body: { application: ECHO_APP, host: 'ungranted', hosts: ['local'], ini: INI },
    });
    assert.equal(outside.status, 400, outside.text);
    assert.match(outside.body.error.message, /host: 'ungranted' is not one of hosts/);
  });
});
