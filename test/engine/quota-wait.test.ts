// Quotas that make a series wait (docs/quotas.md), on the whole stack: a series over its
// owner's maxQueued is accepted and waits `queued` with the quota named, in the API, the state
// filter and `tuplet status`; its owner is told once (a signed webhook); it can be cancelled
// while it waits, and one that waits starts and completes once the first series' runs have
// left the queue. Reused tuples count for no quota. The reconcile tells the owner of a series
// it marks failed.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import { addGatedHost } from '../support/gated-host.ts';
import { createLogger } from '../../log.ts';
import { reconcileSeries } from '../../workers/reconcile.ts';
import { startTestStack, waitForSeries, type InProcessStack, type SeriesBody } from '../support/stack.ts';
import { startTemporal, type TestTemporal } from '../support/temporal.ts';
import { runTuplet } from '../support/tuplet-cli.ts';
import { waitFor } from '../support/wait.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.ts';

type Series = SeriesBody & { waitReason: string | null; reason: string | null; workflowId: string };
interface Hook {
  event: string;
  series: { id: string; waitReason: string | null };
}
interface Run {
  index: number;
  startedAt: string | null;
}

describe('series waiting for a quota', { timeout: 600_000 }, () => {
  let temporal: TestTemporal;
  let stack: InProcessStack;
  let receiver: WebhookReceiver;
  let secret: string;
  let quotaId: string;
  let gate: string;

  before(async () => {
    [temporal, receiver] = await Promise.all([startTemporal(), startWebhookReceiver('127.0.0.1')]);
    stack = await startTestStack({
      temporalAddress: temporal.address,
      env: { TUPLET_WEBHOOK_ALLOW: '127.0.0.1' },
    });
    // One slot: a three-run series keeps two runs queued while its first one runs, until the gate.
    gate = await addGatedHost(stack, [
      [
        'PUT',
        '/api/v1/me/notifications/settings',
        { email: null, sendEmail: false, events: ['held', 'succeeded', 'failed', 'cancelled'] },
      ],
    ]);
    const hook = await stack.request<{ secret: string }>('POST', '/api/v1/me/webhooks', {
      url: receiver.url,
    });
    assert.equal(hook.status, 201, JSON.stringify(hook.body));
    secret = hook.body.secret;
    const quota = await stack.request<{ id: string }>('POST', '/api/v1/quotas', {
      scope: 'user',
      subject: 'admin',
      host: 'one',
      maxQueued: 3,
    });
    assert.equal(quota.status, 201, JSON.stringify(quota.body));
    quotaId = quota.body.id;
  });
  after(async () => {
    // A run still waiting at the gate (a failed test) ends with it.
    if (gate) await writeFile(gate, '');
    await stack?.stop();
    await receiver?.stop();
    await temporal?.stop();
  });

  const submit = async (ini: string, extra: Record<string, unknown> = {}) => {
    const created = await stack.request<{ id: string; reused?: number }>('POST', '/api/v1/series', {
      application: 'gated',
      host: 'one',
      ini,
      ...extra,
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    return created.body;
  };
  const series = async (id: string) => (await stack.request<Series>('GET', `/api/v1/series/${id}`)).body;
  /** The webhook bodies received, each checked against the secret shown at creation. */
  const hooks = (): Hook[] =>
    receiver.received.map((hook) => {
      const signature = `sha256=${createHmac('sha256', secret).update(hook.body).digest('hex')}`;
      assert.equal(hook.headers['x-tuplet-signature'], signature, hook.body);
      return JSON.parse(hook.body) as Hook;
    });
  const hooksOf = (id: string, event: string) =>
    hooks().filter((h) => h.series.id === id && h.event === event);
  const runsOf = async (id: string) =>
    (await stack.request<{ runs: Run[] }>('GET', `/api/v1/series/${id}/runs?limit=100`)).body.runs;
  const QUEUE_REASON =
    /^user quota: 2 queued on host one, and this series' (\d+) would pass maxQueued 3 of user admin on host one$/;

  test('a series over maxQueued waits queued with the quota named, is announced once, starts when the queue empties', async () => {
    const first = await submit('x = 1 2 3\n');
    // Its runs are in the queue (one running, two queued) before the next series asks.
    await waitForSeries<Series>(stack, first.id, (s) => s.counts.running === 1 && s.counts.queued === 2);

    const second = await submit('x = 4 5 6\n');
    const waiting = await waitForSeries<Series>(stack, second.id, (s) => s.state === 'queued');
    assert.match(waiting.waitReason ?? '', QUEUE_REASON);
    assert.equal(QUEUE_REASON.exec(waiting.waitReason!)![1], '3');
    const listed = await stack.request<{ series: Array<{ id: string }> }>(
      'GET',
      '/api/v1/series?state=queued',
    );
    assert.equal(listed.status, 200, JSON.stringify(listed.body));
    assert.deepEqual(
      listed.body.series.map((s) => s.id),
      [second.id],
    );
    const status = await runTuplet(['status', second.id], stack);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, new RegExp(`^series ${second.id}: queued, 0/3 done`));
    assert.match(status.stdout, /\n {2}waiting: user quota: 2 queued on host one/);
    await waitFor(() => hooksOf(second.id, 'held').length === 1, { what: 'the held webhook' });
    assert.match(hooksOf(second.id, 'held')[0]!.series.waitReason ?? '', QUEUE_REASON);

    // Another waiting series is cancelled before it ever stages.
    const third = await submit('x = 7 8\n');
    await waitForSeries<Series>(stack, third.id, (s) => s.state === 'queued');
    const cancel = await stack.request('POST', `/api/v1/series/${third.id}/cancel`, {});
    assert.equal(cancel.status, 202, JSON.stringify(cancel.body));
    const cancelled = await waitForSeries<Series>(stack, third.id, (s) => s.state === 'cancelled');
    assert.equal(cancelled.waitReason, null);

    // Still held while the first series' runs wait in the queue.
    assert.equal((await series(second.id)).state, 'queued');
    await writeFile(gate, '');
    for (const id of [first.id, second.id]) {
      const done = await waitForSeries<Series>(
        stack,
        id,
        (s) => s.state === 'completed' || s.state === 'failed',
      );
      assert.equal(done.state, 'completed', JSON.stringify(done));
      assert.equal(done.waitReason, null);
    }
    // It started once the first series' last run had left the queue.
    const lastOfFirst = (await runsOf(first.id)).find((r) => r.index === 2)!;
    const started = (await runsOf(second.id)).map((r) => Date.parse(r.startedAt!));
    assert.ok(
      Math.min(...started) >= Date.parse(lastOfFirst.startedAt!),
      `the second series started a run at ${Math.min(...started)}, before ${lastOfFirst.startedAt}`,
    );
    await waitFor(() => hooksOf(second.id, 'succeeded').length === 1, { what: 'the succeeded webhook' });
    assert.equal(hooksOf(second.id, 'held').length, 1, 'held is told once');
  });

  test('reused tuples count for neither maxTuples nor maxQueued', async () => {
    const patched = await stack.request('PATCH', `/api/v1/quotas/${quotaId}`, { maxTuples: 3 });
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    // x = 1..6 succeeded above; 4 of these 5 tuples are taken from there, one runs.
    const ini = 'x = 3 4 5 6 9\n';
    const whole = await stack.request<{ error: { code: string; limit: string } }>('POST', '/api/v1/series', {
      application: 'gated',
      host: 'one',
      ini,
    });
    assert.equal(whole.status, 422, JSON.stringify(whole.body));
    assert.equal(whole.body.error.limit, 'maxTuples');

    const reusing = await submit(ini, { reuse: true });
    assert.equal(reusing.reused, 4);
    const done = await waitForSeries<Series>(
      stack,
      reusing.id,
      (s) => s.state === 'completed' || s.state === 'failed',
    );
    assert.equal(done.state, 'completed', JSON.stringify(done));
    assert.equal(hooksOf(reusing.id, 'held').length, 0, 'one tuple to run fits the queue at once');

    // Two new tuples past maxTuples: refused, naming the limit, with reuse too.
    const over = await stack.request<{ error: { limit: string } }>('POST', '/api/v1/series', {
      application: 'gated',
      host: 'one',
      ini: 'x = 1 2 10 11 12 13\n',
      reuse: true,
    });
    assert.equal(over.status, 422, JSON.stringify(over.body));
    assert.equal(over.body.error.limit, 'maxTuples');
  });

  test('the reconcile tells the owner of a series it marks failed', async () => {
    // No storage at all: the next series waits for good.
    const patched = await stack.request('PATCH', `/api/v1/quotas/${quotaId}`, { maxStorageBytes: 0 });
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    const held = await submit('x = 20\n');
    const waiting = await waitForSeries<Series>(stack, held.id, (s) => s.state === 'queued');
    assert.match(
      waiting.waitReason ?? '',
      /^user quota: \d+ bytes stored, at maxStorageBytes 0 of user admin on host one$/,
    );

    const connection = await Connection.connect({ address: temporal.address });
    try {
      const client = new Client({ connection, namespace: temporal.namespace });
      await client.workflow.getHandle(waiting.workflowId).terminate('terminated behind the database');
      // The stack's own periodic pass may get there first: either way the same code ran.
      await reconcileSeries({
        db: stack.stack.database.db,
        temporal: client,
        logger: createLogger('silent', 'quota-wait-test'),
      });
    } finally {
      await connection.close();
    }
    const failed = await series(held.id);
    assert.equal(failed.state, 'failed');
    assert.equal(failed.waitReason, null);
    await waitFor(() => hooksOf(held.id, 'failed').length === 1, { what: 'the failed webhook' });
  });
});
