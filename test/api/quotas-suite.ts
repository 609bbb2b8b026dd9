// Quotas (docs/quotas.md): admins set them; a series that can never fit one is refused at
// submit naming the limit, and nothing is stored.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ECHO_APP, INI, type SuiteContext } from './harness.ts';

export function quotaTests(ctx: SuiteContext): void {
  describe('quotas', () => {
    test('only admins manage quotas; a bad one is refused naming the field', async () => {
      const { h } = ctx;
      const quota = { scope: 'user', subject: h.alice.name, host: 'local', maxTuples: 5 };
      assert.equal((await h.request('POST', '/api/v1/quotas', { body: quota })).status, 403);
      assert.equal((await h.request('GET', '/api/v1/quotas')).status, 403);
      const unknown = await h.request('POST', '/api/v1/quotas', {
        token: h.admin.token,
        body: { ...quota, subject: 'nobody-here' },
      });
      assert.equal(unknown.status, 422);
      assert.equal(unknown.body.error.field, 'subject');
      const noHost = await h.request('POST', '/api/v1/quotas', {
        token: h.admin.token,
        body: { ...quota, host: 'no-such-host' },
      });
      assert.equal(noHost.status, 422);
      assert.equal(noHost.body.error.field, 'host');
      const negative = await h.request('POST', '/api/v1/quotas', {
        token: h.admin.token,
        body: { ...quota, maxRunning: -1 },
      });
      assert.equal(negative.status, 400);
      assert.match(JSON.stringify(negative.body), /maxRunning/);
      // Beyond the integer column (found by the fuzzer: a 500 from the database before).
      const huge = await h.request('POST', '/api/v1/quotas', {
        token: h.admin.token,
        body: { ...quota, maxRunning: 1026438873940 },
      });
      assert.equal(huge.status, 400);
      assert.match(JSON.stringify(huge.body), /maxRunning/);
    });

    test('a series larger than maxTuples is refused at submit with the limit named; others are not', async () => {
      const { h } = ctx;
      const created = await h.request('POST', '/api/v1/quotas', {
        token: h.admin.token,
        body: { scope: 'user', subject: h.alice.name, host: 'local', maxTuples: 5, maxRunning: 4 },
      });
      assert.equal(created.status, 201, created.text);
      assert.equal(created.body.subject, h.alice.name);
      assert.equal(created.body.maxTuples, 5);
      try {
        const before = await h.rowCounts();
        // INI has 9 tuples.
        const refused = await h.request('POST', '/api/v1/series', {
          body: { application: ECHO_APP, host: 'local', ini: INI },
        });
        assert.equal(refused.status, 422, refused.text);
        assert.equal(refused.body.error.code, 'over_quota');
        assert.equal(refused.body.error.limit, 'maxTuples');
        assert.match(refused.body.error.message, /9 tuples.*user .* on host local.*maxTuples 5/);
        assert.deepEqual(await h.rowCounts(), before, 'nothing stored');
        // The quota is alice's: bob's series of the same sweep is not refused by it.
        const bobs = await h.request('POST', '/api/v1/series', {
          token: h.bob.token,
          body: { application: ECHO_APP, host: 'local', ini: INI },
        });
        assert.equal(bobs.status, 201, bobs.text);

        const raised = await h.request('PATCH', `/api/v1/quotas/${created.body.id}`, {
          token: h.admin.token,
          body: { maxTuples: 9 },
        });
        assert.equal(raised.status, 200, raised.text);
        assert.equal(raised.body.maxTuples, 9);
        const listed = await h.request('GET', '/api/v1/quotas', { token: h.admin.token });
        assert.ok(listed.body.quotas.some((q: { id: string }) => q.id === created.body.id));
        const fits = await h.request('POST', '/api/v1/series', {
          body: { application: ECHO_APP, host: 'local', ini: INI },
        });
        assert.equal(fits.status, 201, fits.text);
      } finally {
        const removed = await h.request('DELETE', `/api/v1/quotas/${created.body.id}`, {
          token: h.admin.token,
        });
        assert.equal(removed.status, 204);
      }
    });

    test('a series with more runs than maxQueued is refused at submit naming the limit', async () => {
      const { h } = ctx;
      const created = await h.request('POST', '/api/v1/quotas', {
        token: h.admin.token,
        body: { scope: 'user', subject: h.alice.name, host: null, maxQueued: 8 },
      });
      assert.equal(created.status, 201, created.text);
      try {
        const before = await h.rowCounts();
        const refused = await h.request('POST', '/api/v1/series', {
          body: { application: ECHO_APP, host: 'local', ini: INI },
        });
        assert.equal(refused.status, 422, refused.text);
        assert.equal(refused.body.error.limit, 'maxQueued');
        assert.match(refused.body.error.message, /9 tuples.*user .* on every host.*maxQueued 8/);
        assert.deepEqual(await h.rowCounts(), before, 'nothing stored');
      } finally {
        await h.request('DELETE', `/api/v1/quotas/${created.body.id}`, { token: h.admin.token });
      }
    });
  });
}
