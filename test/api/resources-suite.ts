// Hosts (admins register them; anyone may check one) and applications.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { HostSpec } from '../../hosts/executor.ts';
import type { SuiteContext } from './harness.ts';

export function resourceTests(ctx: SuiteContext): void {
  describe('hosts and applications', () => {
    const ssh = {
      name: 'workstation',
      kind: 'ssh',
      address: '127.0.0.1',
      port: 2222,
      user: 'lab',
      identityFile: '~/.ssh/id_ed25519',
      knownHostsFile: '/etc/tuplet/known_hosts',
      workdir: '/scratch/tuplet',
      slots: 2,
      gpus: 2,
    };

    test('hosts: admins register, change and remove them; members read', async () => {
      const { h } = ctx;
      assert.equal(
        (await h.request('POST', '/api/v1/hosts', { token: h.alice.token, body: ssh })).status,
        403,
      );
      const noAddress = await h.request('POST', '/api/v1/hosts', {
        token: h.admin.token,
        body: { ...ssh, address: undefined },
      });
      assert.equal(noAddress.status, 400);
      assert.match(noAddress.body.error.message, /address/);
      for (const bad of [
        { workdir: 'relative/dir' },
        { workdir: '/a/../b' },
        { name: '../x' },
        { identityFile: 'key' },
        { secret: 1 },
      ]) {
        const answer = await h.request('POST', '/api/v1/hosts', {
          token: h.admin.token,
          body: { ...ssh, ...bad },
        });
        assert.equal(answer.status, 400, JSON.stringify(bad));
      }

      const created = await h.request('POST', '/api/v1/hosts', { token: h.admin.token, body: ssh });
      assert.equal(created.status, 201, created.text);
      assert.equal(created.body.partition, null);
      assert.equal(
        (await h.request('POST', '/api/v1/hosts', { token: h.admin.token, body: ssh })).status,
        409,
      );

      const listed = await h.request('GET', '/api/v1/hosts');
      assert.ok(listed.body.hosts.some((x: { name: string }) => x.name === 'workstation'));
      const patched = await h.request('PATCH', '/api/v1/hosts/workstation', {
        token: h.admin.token,
        body: { port: 22, gpus: null },
      });
      assert.equal(patched.status, 200, patched.text);
      assert.equal(patched.body.port, 22);
      assert.equal(patched.body.gpus, null);
      const cleared = await h.request('PATCH', '/api/v1/hosts/workstation', {
        token: h.admin.token,
        body: { address: null },
      });
      assert.equal(cleared.status, 400, 'an ssh host keeps its address');
      assert.equal((await h.request('GET', '/api/v1/hosts/workstation')).body.address, '127.0.0.1');

      assert.equal(
        (await h.request('DELETE', '/api/v1/hosts/workstation', { token: h.alice.token })).status,
        403,
      );
      assert.equal(
        (await h.request('DELETE', '/api/v1/hosts/workstation', { token: h.admin.token })).status,
        204,
      );
      assert.equal((await h.request('GET', '/api/v1/hosts/workstation')).status, 404);
    });

    test('host check: 501 without a checker, its report (or a 502) with one', async () => {
      const { h } = ctx;
      await h.request('POST', '/api/v1/hosts', { token: h.admin.token, body: { ...ssh, name: 'checked' } });
      const absent = await h.request('POST', '/api/v1/hosts/checked/check');
      assert.equal(absent.status, 501);
      assert.equal(absent.body.error.code, 'not_implemented');

      const seen: HostSpec[] = [];
      const app = h.appWith({
        checkHost: async (host) => {
          seen.push(host);
          if (host.port === 2222) return { ssh: 'ok', gpus: 2 };
          throw new Error('connection refused');
        },
      });
      const headers = { authorization: `Bearer ${h.alice.token}` };
      const ok = await app.request('/api/v1/hosts/checked/check', { method: 'POST', headers });
      assert.equal(ok.status, 200);
      assert.deepEqual(await ok.json(), { host: 'checked', result: { ssh: 'ok', gpus: 2 } });
      assert.equal(seen[0]?.knownHostsFile, '/etc/tuplet/known_hosts');
      assert.equal(seen[0]?.partition, undefined, 'absent fields are absent, not null');

      await h.request('PATCH', '/api/v1/hosts/checked', { token: h.admin.token, body: { port: 22 } });
      const failed = await app.request('/api/v1/hosts/checked/check', { method: 'POST', headers });
      assert.equal(failed.status, 502);
      assert.match(
        ((await failed.json()) as { error: { message: string } }).error.message,
        /connection refused/,
      );
      assert.equal((await app.request('/api/v1/hosts/nope/check', { method: 'POST', headers })).status, 404);
    });

    test('applications: admins register, change and remove them; members read', async () => {
      const { h } = ctx;
      const app = { name: 'heat', command: 'python3 heat.py', collect: ['*.png', 'out/**'] };
      const admin = { token: h.admin.token };
      assert.equal((await h.request('POST', '/api/v1/applications', { body: app })).status, 403);
      const created = await h.request('POST', '/api/v1/applications', { ...admin, body: app });
      assert.equal(created.status, 201, created.text);
      assert.equal(created.body.configFile, 'config.ini');
      assert.equal((await h.request('POST', '/api/v1/applications', { ...admin, body: app })).status, 409);
      for (const bad of [
        { configFile: '../x.ini' },
        { collect: ['../../etc'] },
        { collect: ['/abs'] },
        { command: '' },
      ]) {
        const answer = await h.request('POST', '/api/v1/applications', {
          ...admin,
          body: { ...app, name: 'bad', ...bad },
        });
        assert.equal(answer.status, 400, JSON.stringify(bad));
      }
      assert.equal(
        (await h.request('PATCH', '/api/v1/applications/heat', { body: { setup: 'make' } })).status,
        403,
      );
      const patched = await h.request('PATCH', '/api/v1/applications/heat', {
        ...admin,
        body: { setup: 'make', collect: null },
      });
      assert.equal(patched.status, 200);
      assert.equal(patched.body.setup, 'make');
      assert.equal(patched.body.collect, null);
      assert.ok(
        (await h.request('GET', '/api/v1/applications')).body.applications.some(
          (a: { name: string }) => a.name === 'heat',
        ),
      );
      assert.equal((await h.request('DELETE', '/api/v1/applications/heat')).status, 403);
      assert.equal((await h.request('DELETE', '/api/v1/applications/heat', admin)).status, 204);
      assert.equal((await h.request('GET', '/api/v1/applications/heat')).status, 404);
    });
  });
}
