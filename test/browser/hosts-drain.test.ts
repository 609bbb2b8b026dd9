// Drained hosts on the hosts page (docs/multi-host.md): an admin drains a host with its Drain
// button, the page then shows it drained (and its pool), and Undrain brings it back; a member
// sees the state but no button. Real Chromium against the web test server.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { findHost, insertHost } from '../../db/hosts.ts';
import { ADMIN, MEMBER, startWebTestServer, type WebTestServer } from './support/server.ts';
import { openBrowserSession, type BrowserSession } from './support/session.ts';

let server: WebTestServer;
let session: BrowserSession;

void describe('draining a host on the hosts page', () => {
  before(async () => {
    server = await startWebTestServer();
    const workdir = path.join(server.storageDir, '..', 'pooled');
    await insertHost(server.db, { name: 'pooled', kind: 'local', workdir, pool: 'gpu' });
    session = await openBrowserSession(server.url, ADMIN);
    session.page.on('dialog', (dialog) => void dialog.accept());
  });
  after(async () => {
    await session?.close();
    await server?.close();
  });

  void test('Drain marks the host drained; Undrain clears it; a member sees no button', async () => {
    const { page } = session;
    await page.goto(`${server.url}/hosts`);
    const card = page.locator('section[data-host="pooled"]');
    assert.match(await card.locator('h2').innerText(), /pool gpu/);
    assert.equal(await card.locator('[data-drained]').count(), 0);

    await Promise.all([page.waitForEvent('load'), card.locator('button', { hasText: /^Drain$/ }).click()]);
    await card.locator('[data-drained="pooled"]').waitFor();
    assert.equal((await findHost(server.db, 'pooled'))?.drained, true);

    await Promise.all([page.waitForEvent('load'), card.locator('button', { hasText: /^Undrain$/ }).click()]);
    await card.locator('button', { hasText: /^Drain$/ }).waitFor();
    assert.equal((await findHost(server.db, 'pooled'))?.drained, false);

    const member = await openBrowserSession(server.url, MEMBER);
    try {
      await member.page.goto(`${server.url}/hosts`);
      const seen = member.page.locator('section[data-host="pooled"]');
      await seen.waitFor();
      assert.equal(await seen.locator('button', { hasText: /Drain/ }).count(), 0);
    } finally {
      await member.close();
    }
  });
});
