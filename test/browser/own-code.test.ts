// Own-code applications in a real Chromium (docs/own-code.md): an admin registers one through
// the applications page's form, choosing the Kind "own code" and giving no command; a member of
// a group granted it but without `ownCode` cannot launch it — the form does not offer it, and
// a forged preview or launch past the form is refused naming the group.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { findApplication } from '../../db/applications.ts';
import { insertGroup, setGrant, setMember } from '../../db/groups.ts';
import { screenshot } from './support/browser.ts';
import { ADMIN, MEMBER } from './support/server.ts';
import { useBrowserOnWebServer } from './support/use-session.ts';
import { signIn, signOut } from './support/sign-in.ts';

const APP = 'mine';
const NOT_ENABLED = "group 'plain' does not let its members run their own code";

const web = useBrowserOnWebServer(ADMIN);

void describe('own-code applications on the web pages', () => {
  void test('an admin registers an own-code application through the Kind select, without a command', async () => {
    await web.page.goto(`${web.tuplet.url}/applications`);
    await web.page.fill('#new-app-name', APP);
    await web.page.selectOption('#new-app-kind', 'own-code');
    await Promise.all([
      web.page.waitForEvent('load'),
      web.page.click('section:has(#new-app-name) button[type=submit]'),
    ]);
    const stored = await findApplication(web.tuplet.db, APP);
    assert.deepEqual([stored?.kind, stored?.command], ['own-code', '']);
    const section = web.page.locator('section', {
      has: web.page.locator('h2', { hasText: new RegExp(`^${APP}$`) }),
    });
    assert.match(await section.locator('.own-code').innerText(), /own code: each series' package carries it/);
    await screenshot(web.page, 'own-code-01-applications');
  });

  void test('a member of a group without ownCode is refused it, on the form and past it', async () => {
    const { db } = web.tuplet;
    const plain = await insertGroup(db, { name: 'plain' });
    assert.ok(plain);
    assert.equal(plain.ownCode, false);
    await setMember(db, plain.id, web.tuplet.ids.member, 'member');
    await setGrant(db, plain.id, { application: APP }, true);
    await setGrant(db, plain.id, { host: 'local' }, true);

    await signOut(web.page);
    await signIn(web.page, web.tuplet.url, MEMBER);
    // The form does not offer what creation would refuse (web/routes/new-series.tsx).
    await web.page.goto(`${web.tuplet.url}/series/new`);
    assert.equal(await web.page.locator(`#application option[value="${APP}"]`).count(), 0);
    await screenshot(web.page, 'own-code-02-member-not-offered');

    // Past the form: the session's own requests, CSRF token and all.
    for (const route of ['/api/v1/sweeps/preview', '/api/v1/series']) {
      const forged = await web.page.evaluate(
        async ({ application, route }) => {
          const csrf = document.querySelector('meta[name="csrf-token"]')?.getAttribute('content') ?? '';
          const response = await fetch(route, {
            method: 'POST',
            headers: { 'X-CSRF-Token': csrf, 'Content-Type': 'application/json' },
            body: JSON.stringify({ application, host: 'local', ini: 'x = 1 2\n' }),
          });
          return {
            status: response.status,
            body: (await response.json()) as { error?: { code: string; message: string } },
          };
        },
        { application: APP, route },
      );
      assert.equal(forged.status, 403, route);
      assert.equal(forged.body.error?.code, 'own_code_not_enabled');
      assert.ok(forged.body.error?.message.includes(NOT_ENABLED), forged.body.error?.message);
    }
    assert.deepEqual(web.session.errors, []);
    assert.deepEqual(web.session.cspViolations, []);
  });
});
