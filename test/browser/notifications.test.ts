// The notification bell and page in a real Chromium: the header's bell counts the signed-in
// user's own unread notifications (not another user's), the page lists them with the delivery
// log, marks them read, saves the settings and shows a new webhook's secret once.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { recordDeliveryAttempt, recordNotification } from '../../db/notifications.ts';
import { screenshot } from './support/browser.ts';
import { ADMIN, MEMBER, startWebTestServer, type WebTestServer } from './support/server.ts';
import { openBrowserSession, type BrowserSession } from './support/session.ts';
import { signIn, signOut } from './support/sign-in.ts';

let server: WebTestServer;
let session: BrowserSession;
let page: Page;

void describe('the notification bell', () => {
  before(async () => {
    server = await startWebTestServer();
    const { db, completed, running, ids } = server;
    const delivery = `${completed.id}-1-failed-webhook-w1`;
    await recordNotification(
      db,
      { id: `${completed.id}-1-failed`, userId: ids.admin, seriesId: completed.id, event: 'failed' },
      [{ id: delivery, channel: 'webhook', target: 'w1' }],
    );
    await recordDeliveryAttempt(db, delivery, 'answered 503: try later');
    await recordDeliveryAttempt(db, delivery, 'answered 503: try later');
    await recordDeliveryAttempt(db, delivery, null);
    // The member's own notification: never counted on the admin's bell.
    await recordNotification(
      db,
      { id: `${running.id}-1-held`, userId: ids.member, seriesId: running.id, event: 'held' },
      [],
    );
    session = await openBrowserSession(server.url, ADMIN);
    page = session.page;
  });
  after(async () => {
    await session?.close();
    await server?.close();
  });

  void test('the bell counts my unread notifications and leads to them', async () => {
    await page.waitForFunction(
      () => document.querySelector('[data-bell]')?.getAttribute('data-unread-count') === '1',
    );
    assert.equal(await page.locator('[data-bell] [data-unread]').innerText(), '1');
    await screenshot(page, 'notifications-01-bell');
    await Promise.all([page.waitForURL(`${server.url}/notifications`), page.click('[data-bell]')]);
    const entries = page.locator('[data-notification]');
    assert.equal(await entries.count(), 1);
    assert.match(await entries.first().innerText(), /Spiral drift under stimulation — series failed/);
    const logged = page.locator('tr[data-delivery]');
    assert.equal(await logged.count(), 1);
    assert.match(await logged.first().innerText(), /delivered\s+3\s+answered 503: try later/);
    await screenshot(page, 'notifications-02-page');

    await Promise.all([page.waitForEvent('load'), page.click('text=Mark all read')]);
    await page.waitForFunction(
      () => document.querySelector('[data-bell]')?.getAttribute('data-unread-count') === '0',
    );
    assert.equal(await page.locator('[data-bell] [data-unread]').isVisible(), false);
    assert.equal(await page.locator('[data-notification].read').count(), 1);
  });

  void test('settings are saved, and a new webhook’s secret is shown once', async () => {
    await page.goto(`${server.url}/notifications`);
    await page.check('input[name="events"][value="held"]');
    await page.fill('#notify-email', 'ada@lab.example');
    await page.check('input[name="sendEmail"]');
    await page.click('#notify-settings button[type=submit]');
    await page.locator('#toast', { hasText: 'Saved' }).waitFor();
    const settings = (await page.evaluate(async () => {
      const response = await fetch('/api/v1/me/notifications/settings');
      return response.json();
    })) as { email: string; sendEmail: boolean; events: string[] };
    assert.deepEqual(
      { email: settings.email, sendEmail: settings.sendEmail, events: settings.events },
      { email: 'ada@lab.example', sendEmail: true, events: ['succeeded', 'failed', 'held'] },
    );

    // The server itself is refused, with the reason in the toast.
    await page.fill('#webhook-url', `${server.url}/api/v1/users`);
    await page.click('#new-webhook button[type=submit]');
    await page.locator('#toast.error', { hasText: 'url: 127.0.0.1' }).waitFor();
    await page.fill('#webhook-url', 'https://192.0.2.10/hooks/tuplet');
    await page.click('#new-webhook button[type=submit]');
    const secret = page.locator('#webhook-secret [data-secret]');
    await secret.waitFor();
    assert.match(await secret.innerText(), /^[0-9a-f]{64}$/);
    await page.reload();
    assert.match(
      await page.locator('#webhooks-title + p + ul').innerText(),
      /https:\/\/192\.0\.2\.10\/hooks\/tuplet/,
    );
    assert.equal(await page.locator('[data-secret]').innerText(), '', 'not shown again');
  });

  void test('a member’s bell counts only their own series', async () => {
    await signOut(page);
    await signIn(page, server.url, MEMBER);
    await page.waitForFunction(
      () => document.querySelector('[data-bell]')?.getAttribute('data-unread-count') === '1',
    );
    await page.goto(`${server.url}/notifications`);
    assert.match(await page.locator('[data-notification]').innerText(), /held in the queue/);
    assert.deepEqual(session.errors, []);
    assert.deepEqual(session.cspViolations, []);
  });
});
