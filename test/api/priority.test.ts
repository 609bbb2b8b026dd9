// Series priorities through the API (docs/fair-share.md): anyone may ask for low or normal;
// `high` is refused at submit, naming it, unless the user is an admin or launches in a group an
// admin allowed highPriority — the attack (a member giving their own series high priority) is
// performed for real and refused, nothing stored. A clone does not inherit the source's priority.
// Its own databases: the groups it creates change what every member sees.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { backends, openTestDatabase, type TestDatabase } from '../support/database.ts';
import { startTemporal, type TestTemporal } from '../support/temporal.ts';
import { createHarness, ECHO_APP, INI, type ApiHarness } from './harness.ts';

let temporal: TestTemporal | undefined;
let temporalStarting: Promise<TestTemporal> | undefined;
const temporalServer = () => (temporalStarting ??= startTemporal().then((t) => (temporal = t)));
after(() => temporal?.stop());

for (const kind of backends) {
  describe(`series priority on ${kind}`, () => {
    let h: ApiHarness;
    let database: TestDatabase | undefined;
    before(async () => {
      const [server, opened] = await Promise.all([temporalServer(), openTestDatabase(kind)]);
      database = opened;
      h = await createHarness(opened.db, server);
    });
    after(async () => {
      await h?.close();
      await database?.close();
    });

    const submit = (priority: string, token = h.alice.token, extra: Record<string, unknown> = {}) =>
      h.request('POST', '/api/v1/series', {
        token,
        body: { application: ECHO_APP, host: 'local', ini: INI, priority, ...extra },
      });
    const priorityOf = async (id: string, token = h.admin.token) =>
      (await h.request('GET', `/api/v1/series/${id}`, { token })).body.priority;

    test('a member without a group asking for high priority is refused naming it; low and normal are theirs', async () => {
      const before = await h.rowCounts();
      const refused = await submit('high');
      assert.equal(refused.status, 422, refused.text);
      assert.equal(refused.body.error.code, 'priority_not_allowed');
      assert.equal(refused.body.error.field, 'priority');
      assert.match(refused.body.error.message, /priority: high .*highPriority/);
      assert.deepEqual(await h.rowCounts(), before, 'nothing stored');

      const unknown = await submit('urgent');
      assert.equal(unknown.status, 400, unknown.text);
      assert.match(unknown.text, /priority/);

      const low = await submit('low');
      assert.equal(low.status, 201, low.text);
      assert.equal(await priorityOf(low.body.id), 'low');
      const plain = await submit('normal');
      assert.equal(await priorityOf(plain.body.id), 'normal');
      const admins = await submit('high', h.admin.token);
      assert.equal(admins.status, 201, admins.text);
      assert.equal(await priorityOf(admins.body.id), 'high');

      // Cloning the admin's high-priority series does not hand alice its priority.
      const clone = await h.request('POST', `/api/v1/series/${admins.body.id}/clone`, { body: {} });
      assert.equal(clone.status, 201, clone.text);
      assert.equal(await priorityOf(clone.body.id), 'normal');
      const asked = await h.request('POST', `/api/v1/series/${admins.body.id}/clone`, {
        body: { priority: 'high' },
      });
      assert.equal(asked.status, 422, asked.text);
      assert.equal(asked.body.error.field, 'priority');
    });

    test('high priority is for members of a group with highPriority, in that group', async () => {
      const admin = { token: h.admin.token };
      assert.equal(
        (await h.request('POST', '/api/v1/groups', { ...admin, body: { name: 'fast' } })).status,
        201,
      );
      for (const what of [`applications/${ECHO_APP}`, 'hosts/local']) {
        assert.equal((await h.request('PUT', `/api/v1/groups/fast/${what}`, admin)).status, 204);
      }
      const member = await h.request('PUT', `/api/v1/groups/fast/members/${h.alice.name}`, {
        ...admin,
        body: { role: 'member' },
      });
      assert.equal(member.status, 200, member.text);

      const refused = await submit('high', h.alice.token, { group: 'fast' });
      assert.equal(refused.status, 422, refused.text);
      assert.match(refused.body.error.message, /group 'fast' does not have highPriority/);
      // A member cannot allow it themselves.
      const selfAllowed = await h.request('PATCH', '/api/v1/groups/fast', { body: { highPriority: true } });
      assert.equal(selfAllowed.status, 403, selfAllowed.text);

      const allowed = await h.request('PATCH', '/api/v1/groups/fast', {
        ...admin,
        body: { highPriority: true },
      });
      assert.equal(allowed.status, 200, allowed.text);
      const high = await submit('high', h.alice.token, { group: 'fast' });
      assert.equal(high.status, 201, high.text);
      assert.equal(await priorityOf(high.body.id), 'high');
    });
  });
}
