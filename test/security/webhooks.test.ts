// Attacks on notifications through the API: webhook URLs that aim the server at itself, at
// loopback, link-local or cloud metadata addresses (SSRF) in every spelling, other schemes and
// embedded credentials are refused (400 naming `url`) and stored nowhere; an admin's allowance
// (TUPLET_WEBHOOK_ALLOW) opens exactly the address it names. A mail address carrying header
// lines is refused; one user cannot delete another's webhook; a secret is shown once.
import assert from 'node:assert/strict';
import os from 'node:os';
import { after, before, test } from 'node:test';
import { loadConfig } from '../../config.ts';
import { createHarness, type ApiHarness } from '../api/harness.ts';
import { openTestDatabase, type TestDatabase } from '../support/database.ts';
import { startTemporal, type TestTemporal } from '../support/temporal.ts';

let temporal: TestTemporal;
let database: TestDatabase;
let h: ApiHarness;

const config = (env: Record<string, string> = {}) =>
  loadConfig({
    TUPLET_LOG_LEVEL: 'silent',
    TUPLET_WEBHOOK_KEY: 'a-test-webhook-key-of-at-least-32-chars',
    ...env,
  });

before(async () => {
  [temporal, database] = await Promise.all([startTemporal(), openTestDatabase('pglite')]);
  h = await createHarness(database.db, temporal, { config: config() });
});
after(async () => {
  await h?.close();
  await database?.close();
  await temporal?.stop();
});

/** A non-loopback address of this machine's own interfaces, when it has one. */
const ownAddress = Object.values(os.networkInterfaces())
  .flat()
  .find((i) => i && !i.internal && i.family === 'IPv4')?.address;

const refused = [
  'http://127.0.0.1:3000/api/v1/users',
  'http://localhost/',
  'http://[::1]/',
  'http://0.0.0.0:3000/',
  'http://2130706433/', // 127.0.0.1 as one number
  'http://0x7f.1/', // and in hex
  'http://169.254.169.254/latest/meta-data/iam/security-credentials/',
  'http://[::ffff:169.254.169.254]/',
  'http://[fd00:ec2::254]/latest/meta-data/',
  'http://[fe80::1]/',
  'http://224.0.0.1/',
  ...(ownAddress ? [`http://${ownAddress}:3000/`] : []),
  'file:///etc/passwd',
  'gopher://127.0.0.1:25/',
  'ftp://example.org/',
  'http://user:password@example.org/',
  'not a url',
];

test('webhook URLs aimed at this server, loopback, link-local or metadata are refused', async () => {
  for (const url of refused) {
    const answer = await h.request('POST', '/api/v1/me/webhooks', { body: { url } });
    assert.equal(answer.status, 400, `${url}: ${answer.text}`);
    assert.match(answer.body.error.message, /^url: /, url);
    assert.doesNotMatch(answer.text, /secret/);
  }
  const listed = await h.request('GET', '/api/v1/me/webhooks');
  assert.deepEqual(listed.body.webhooks, [], 'nothing was stored');
});

test('an admin allowance opens the address it names and nothing else', async () => {
  const allowing = h.appWith({ config: config({ TUPLET_WEBHOOK_ALLOW: '127.0.0.1' }) });
  const post = (url: string) =>
    allowing.request('/api/v1/me/webhooks', {
      method: 'POST',
      headers: { authorization: `Bearer ${h.bob.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url }),
    });
  const allowed = await post('http://127.0.0.1:9/hook');
  assert.equal(allowed.status, 201, await allowed.clone().text());
  const body = (await allowed.json()) as { id: string; secret: string };
  assert.match(body.secret, /^[0-9a-f]{64}$/);
  for (const url of ['http://127.0.0.2/', 'http://169.254.169.254/', 'http://[::1]/']) {
    assert.equal((await post(url)).status, 400, url);
  }
  // The secret is shown once: the list never has it, and alice cannot delete bob's webhook.
  const listed = await h.request('GET', '/api/v1/me/webhooks', { token: h.bob.token });
  assert.equal(listed.body.webhooks.length, 1);
  assert.ok(!JSON.stringify(listed.body).includes(body.secret));
  const stolen = await h.request('DELETE', `/api/v1/me/webhooks/${body.id}`, { token: h.alice.token });
  assert.equal(stolen.status, 404);
  const own = await h.request('DELETE', `/api/v1/me/webhooks/${body.id}`, { token: h.bob.token });
  assert.equal(own.status, 204);
});

test('a mail address with header lines in it is refused', async () => {
  for (const email of [
    'alice@lab.example\r\nBcc: everyone@lab.example',
    'alice@lab.example\nSubject: x',
    'no-at-sign',
  ]) {
    const answer = await h.request('PUT', '/api/v1/me/notifications/settings', {
      body: { email, sendEmail: true, events: ['succeeded'] },
    });
    assert.equal(answer.status, 400, `${JSON.stringify(email)}: ${answer.text}`);
    assert.match(answer.text, /email/);
  }
  const missing = await h.request('PUT', '/api/v1/me/notifications/settings', {
    body: { email: null, sendEmail: true, events: ['succeeded'] },
  });
  assert.equal(missing.status, 400);
  assert.match(missing.body.error.message, /email: needed when sendEmail/);
  const settings = await h.request('GET', '/api/v1/me/notifications/settings');
  assert.deepEqual(
    { email: settings.body.email, sendEmail: settings.body.sendEmail },
    { email: null, sendEmail: false },
    'nothing was stored',
  );
});
