// Notifications end to end, against real servers: the stack mails through aiosmtpd (a real SMTP
// server on 127.0.0.1) and posts to webhook receivers (real HTTP servers) when a series ends.
// One mail per finished series; every webhook body's signature verifies with the secret shown
// at creation; a receiver that fails the first two attempts gets the third, and the deliveries
// log counts them; a stored webhook that points at this machine is refused at delivery.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { insertWebhook } from '../../db/notifications.ts';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp-server.ts';
import {
  startTestStack,
  tempDataDir,
  waitForSeries,
  waitForSeriesEnd,
  type InProcessStack,
} from '../support/stack.ts';
import { startTemporal, type TestTemporal } from '../support/temporal.ts';
import { waitFor } from '../support/wait.ts';
import {
  startWebhookReceiver,
  type ReceivedHook,
  type WebhookReceiver,
} from '../support/webhook-receiver.ts';

interface Delivery {
  id: string;
  channel: 'email' | 'webhook';
  target: string;
  state: string;
  attempts: number;
  lastError: string | null;
  seriesId: string;
  event: string;
}

const ADDRESS = 'owner@lab.example';

function verify(hook: ReceivedHook, secret: string) {
  const expected = `sha256=${createHmac('sha256', secret).update(hook.body).digest('hex')}`;
  assert.equal(hook.headers['x-tuplet-signature'], expected, `signature of ${hook.body}`);
  const body = JSON.parse(hook.body) as { id: string; sentAt: string };
  // The timestamp header repeats the signed sentAt: a receiver may check either.
  assert.equal(hook.headers['x-tuplet-timestamp'], String(Math.floor(Date.parse(body.sentAt) / 1000)));
  assert.equal(hook.headers['x-tuplet-delivery'], body.id);
  return body as unknown as {
    id: string;
    event: string;
    series: { id: string; state: string; url: string; counts: Record<string, number> };
  };
}

describe('notifications of finished series', { timeout: 600_000 }, () => {
  let temporal: TestTemporal;
  let smtp: TestSmtpServer;
  let stack: InProcessStack;
  let steady: WebhookReceiver;
  let flaky: WebhookReceiver;
  let forbidden: WebhookReceiver;

  before(async () => {
    const workDir = await tempDataDir();
    [temporal, smtp] = await Promise.all([startTemporal(), startSmtpServer(workDir)]);
    steady = await startWebhookReceiver('127.0.0.1');
    // Fails the first two attempts of each delivery, accepts the third.
    flaky = await startWebhookReceiver('127.0.0.1', (hook, all) =>
      all.filter((h) => h.headers['x-tuplet-delivery'] === hook.headers['x-tuplet-delivery']).length <= 2
        ? 503
        : 204,
    );
    // 127.0.0.2 is this machine's loopback too: TUPLET_WEBHOOK_ALLOW below allows 127.0.0.1 only.
    forbidden = await startWebhookReceiver('127.0.0.2');
    stack = await startTestStack({
      temporalAddress: temporal.address,
      env: {
        TUPLET_SMTP_HOST: '127.0.0.1',
        TUPLET_SMTP_PORT: String(smtp.port),
        TUPLET_SMTP_SECURITY: 'none',
        TUPLET_SMTP_FROM: 'tuplet@lab.example',
        TUPLET_WEBHOOK_ALLOW: '127.0.0.1',
      },
    });
    for (const [name, command] of [
      ['quick', 'echo done'],
      ['nap', 'sleep 120'],
    ]) {
      const created = await stack.request('POST', '/api/v1/applications', { name, command });
      assert.equal(created.status, 201, JSON.stringify(created.body));
    }
  });
  after(async () => {
    await stack?.stop();
    await Promise.all([steady?.stop(), flaky?.stop(), forbidden?.stop(), smtp?.stop()]);
    await temporal?.stop();
  });

  const deliveries = async () =>
    (await stack.request<{ deliveries: Delivery[] }>('GET', '/api/v1/me/deliveries?limit=500')).body
      .deliveries;

  test('one mail per finished series, signed webhooks, a third attempt that gets through', async () => {
    const settings = await stack.request('PUT', '/api/v1/me/notifications/settings', {
      email: ADDRESS,
      sendEmail: true,
      events: ['succeeded', 'failed', 'cancelled'],
    });
    assert.equal(settings.status, 200, JSON.stringify(settings.body));
    const hooks: Record<string, { id: string; secret: string }> = {};
    for (const [name, receiver] of [
      ['steady', steady],
      ['flaky', flaky],
    ] as const) {
      const created = await stack.request<{ id: string; secret: string }>('POST', '/api/v1/me/webhooks', {
        url: receiver.url,
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.match(created.body.secret, /^[0-9a-f]{64}$/);
      hooks[name] = created.body;
    }
    const listed = await stack.request<{ webhooks: Array<Record<string, unknown>> }>(
      'GET',
      '/api/v1/me/webhooks',
    );
    assert.equal(listed.body.webhooks.length, 2);
    assert.ok(
      listed.body.webhooks.every((w) => !('secret' in w)),
      'the list never shows a secret',
    );

    const submit = async (application: string, ini: string) => {
      const created = await stack.request<{ id: string }>('POST', '/api/v1/series', {
        application,
        host: 'local',
        ini,
        description: `notify ${application}`,
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      return created.body.id;
    };
    const done = await submit('quick', 'k = 1 2\n');
    const cancelled = await submit('nap', 'k = 1\n');
    await waitForSeries(stack, cancelled, (s) => s.state === 'running');
    const cancel = await stack.request('POST', `/api/v1/series/${cancelled}/cancel`);
    assert.equal(cancel.status, 202, JSON.stringify(cancel.body));
    assert.equal((await waitForSeriesEnd(stack, done)).state, 'completed');
    assert.equal((await waitForSeriesEnd(stack, cancelled)).state, 'cancelled');

    // Two notifications × (mail + two webhooks), every one delivered in the end.
    const log = await waitFor(
      async () => {
        const all = await deliveries();
        return all.length === 6 && all.every((d) => d.state === 'delivered') ? all : undefined;
      },
      { what: 'six deliveries to be delivered', timeoutMs: 120_000, lastSeen: () => undefined },
    );

    const mails = await smtp.messages();
    assert.equal(mails.length, 2, 'exactly one mail per finished series');
    const subjects = mails.map((m) => m.headers.subject ?? '');
    assert.ok(
      subjects.some((s) => s.includes(done) && s.includes('succeeded')),
      subjects.join(' | '),
    );
    assert.ok(
      subjects.some((s) => s.includes(cancelled) && s.includes('cancelled')),
      subjects.join(' | '),
    );
    for (const mail of mails) {
      assert.equal(mail.headers.to, ADDRESS);
      assert.equal(mail.headers.from, 'tuplet@lab.example');
      assert.match(mail.body, /\/series\/[0-9a-z]{12}/);
    }

    assert.equal(steady.received.length, 2, 'one request per event to a receiver that answers');
    const events = steady.received.map((hook) => verify(hook, hooks.steady!.secret));
    assert.deepEqual(
      events.map((e) => `${e.series.id}:${e.event}`).sort(),
      [`${done}:succeeded`, `${cancelled}:cancelled`].sort(),
    );
    const finished = events.find((e) => e.series.id === done)!;
    assert.equal(finished.series.state, 'completed');
    assert.equal(finished.series.counts.succeeded, 2);

    // The flaky receiver: three requests per delivery, each signed; the log counts them.
    assert.equal(flaky.received.length, 6);
    for (const hook of flaky.received) verify(hook, hooks.flaky!.secret);
    assert.throws(
      () => verify(flaky.received[0]!, hooks.steady!.secret),
      'another webhook’s secret does not verify',
    );
    for (const d of log.filter((d) => d.target === hooks.flaky!.id)) {
      assert.equal(d.attempts, 3, JSON.stringify(d));
      assert.match(d.lastError ?? '', /answered 503/);
    }
    for (const d of log.filter((d) => d.target !== hooks.flaky!.id))
      assert.equal(d.attempts, 1, JSON.stringify(d));

    // The bell: both ends, unread until marked.
    const bell = await stack.request<{
      notifications: Array<{ seriesId: string; event: string }>;
      unread: number;
    }>('GET', '/api/v1/me/notifications');
    assert.equal(bell.body.unread, 2);
    assert.deepEqual(
      bell.body.notifications.map((n) => `${n.seriesId}:${n.event}`).sort(),
      [`${done}:succeeded`, `${cancelled}:cancelled`].sort(),
    );
    const read = await stack.request<{ unread: number }>('POST', '/api/v1/me/notifications/read', {
      all: true,
    });
    assert.equal(read.body.unread, 0);

    for (const hook of Object.values(hooks)) {
      assert.equal((await stack.request('DELETE', `/api/v1/me/webhooks/${hook.id}`)).status, 204);
    }
  });

  test('a stored webhook that points at this machine is refused at delivery; nothing reaches it', async () => {
    // As if the name had resolved elsewhere when it was added (DNS rebinding): stored directly.
    const me = await stack.request<{ id: string }>('GET', '/api/v1/users/me');
    const webhook = await insertWebhook(stack.stack.database.db, {
      id: `rebound${Date.now().toString(36)}`,
      userId: me.body.id,
      url: forbidden.url,
    });
    const created = await stack.request<{ id: string }>('POST', '/api/v1/series', {
      application: 'quick',
      host: 'local',
      ini: 'k = 1\n',
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    await waitForSeriesEnd(stack, created.body.id);
    const refused = await waitFor(
      async () => (await deliveries()).find((d) => d.target === webhook.id && d.state === 'failed'),
      { what: 'the delivery to the forbidden webhook to be given up', timeoutMs: 60_000 },
    );
    assert.equal(refused.attempts, 1, 'refused, not retried');
    assert.match(refused.lastError ?? '', /127\.0\.0\.2.*TUPLET_WEBHOOK_ALLOW/);
    assert.equal(forbidden.received.length, 0);
    // The mail of the same notification went out: a refused webhook holds nothing else up.
    await waitFor(async () => (await smtp.messages()).length === 3, { what: 'the third mail' });
  });
});
