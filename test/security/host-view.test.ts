// Members see hosts without the key-file paths of a worker's machine, without the OS account
// runs execute as, and with only the accounts and QOS they may choose (no user lists) — over
// the API and on the Hosts page. Admins see everything.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Hono } from 'hono';
import type { WebContext, WebEnv } from '../../web/context.ts';
import { hostsPage } from '../../web/routes/admin.tsx';
import { createHarness, type ApiHarness, type TestUser } from '../api/harness.ts';
import { openTestDatabase, type TestDatabase } from '../support/database.ts';
import { startTemporal, type TestTemporal } from '../support/temporal.ts';

let temporal: TestTemporal;
let database: TestDatabase;
let h: ApiHarness;
const KEY = '/srv/tuplet/keys/cluster-secret-key';
const KNOWN = '/srv/tuplet/keys/known_hosts_cluster';

before(async () => {
  [temporal, database] = await Promise.all([startTemporal(), openTestDatabase('pglite')]);
  h = await createHarness(database.db, temporal);
  const cluster = await h.request('POST', '/api/v1/hosts', {
    token: h.admin.token,
    body: {
      name: 'view-cluster',
      kind: 'slurm',
      address: 'login.example.org',
      user: 'labacct',
      identityFile: KEY,
      knownHostsFile: KNOWN,
      workdir: '/scratch/tuplet',
      accounts: [{ name: 'lab' }, { name: 'grant-x', users: [h.alice.name] }],
      qos: [{ name: 'normal' }, { name: 'urgent', users: [h.alice.name] }],
    },
  });
  assert.equal(cluster.status, 201, cluster.text);
  const local = await h.request('POST', '/api/v1/hosts', {
    token: h.admin.token,
    body: { name: 'view-local', kind: 'local', workdir: '/scratch/local', runUser: 'tuplet-runs' },
  });
  assert.equal(local.status, 201, local.text);
});
after(async () => {
  await h?.close();
  await database?.close();
  await temporal?.stop();
});

async function hostsAs(user: TestUser) {
  const list = await h.request('GET', '/api/v1/hosts', { token: user.token });
  assert.equal(list.status, 200, list.text);
  const one = await h.request('GET', '/api/v1/hosts/view-cluster', { token: user.token });
  assert.equal(one.status, 200, one.text);
  return {
    list: list.text,
    one: one.body,
    local: list.body.hosts.find((x: { name: string }) => x.name === 'view-local'),
  };
}

test('members see no key paths, no run account, only their own choices', async () => {
  const bob = await hostsAs(h.bob);
  for (const secret of [KEY, KNOWN, 'tuplet-runs', 'grant-x', 'urgent', h.alice.name]) {
    assert.ok(!bob.list.includes(secret), `bob's host list shows ${secret}`);
  }
  assert.equal(bob.one.identityFile, null);
  assert.equal(bob.one.knownHostsFile, null);
  assert.deepEqual(bob.one.accounts, [{ name: 'lab' }]);
  assert.deepEqual(bob.one.qos, [{ name: 'normal' }]);
  assert.equal(bob.local.runUser, null);

  const alice = await hostsAs(h.alice);
  assert.deepEqual(alice.one.accounts, [{ name: 'lab' }, { name: 'grant-x' }]);
  assert.equal(alice.one.identityFile, null);
});

test('admins see every field', async () => {
  const admin = await hostsAs(h.admin);
  assert.equal(admin.one.identityFile, KEY);
  assert.equal(admin.one.knownHostsFile, KNOWN);
  assert.deepEqual(admin.one.accounts, [{ name: 'lab' }, { name: 'grant-x', users: [h.alice.name] }]);
  assert.equal(admin.local.runUser, 'tuplet-runs');
});

test('the Hosts page shows a member what the API does', async () => {
  const web = new Hono<WebEnv>();
  const page = hostsPage({ db: h.db } as unknown as WebContext);
  web.get('/hosts/:user', (c) => {
    const user = [h.admin, h.bob].find((u) => u.name === c.req.param('user'))!;
    return page(c, { id: user.id, name: user.name, role: user.role }, 'csrf');
  });
  const bobs = await (await web.request(`/hosts/${h.bob.name}`)).text();
  for (const secret of [KEY, KNOWN, 'tuplet-runs', 'grant-x', h.alice.name]) {
    assert.ok(!bobs.includes(secret), `bob's Hosts page shows ${secret}`);
  }
  assert.match(bobs, /view-cluster/);
  const admins = await (await web.request(`/hosts/${h.admin.name}`)).text();
  for (const shown of [KEY, KNOWN, 'tuplet-runs', 'grant-x']) assert.ok(admins.includes(shown), shown);
});
