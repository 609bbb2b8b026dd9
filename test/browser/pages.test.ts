// The web UI in a real Chromium over a seeded database: every page renders, the client
// scripts work (preview as you type, parameter map, live bars), previews of run files,
// phone-sized layout, and a member's limits. Screenshots go to test-artifacts/screenshots/.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { collectPageErrors, screenshot } from './support/browser.ts';
import { ADMIN, MEMBER } from './support/server.ts';
import { useBrowserOnWebServer } from './support/use-session.ts';
import { SIGN_IN_TIMEOUT_MS, signIn, signOut } from './support/sign-in.ts';

const web = useBrowserOnWebServer();

void describe('web UI over a seeded database', () => {
  before(async () => {
    // Not signed in: the first test is the sign-in itself.
    web.page.on('dialog', (dialog) => void dialog.accept());
  });

  void test('sign-in refuses a wrong password, then lets the admin in', async () => {
    await web.page.goto(`${web.tuplet.url}/series/${web.tuplet.completed.id}`);
    assert.match(web.page.url(), /\/login\?next=/);
    await screenshot(web.page, '01-login');
    await web.page.fill('#name', ADMIN.name);
    await web.page.fill('#password', 'wrong');
    await web.page.click('button[type=submit]');
    await web.page.getByText('Wrong name or password.').waitFor();
    await web.page.fill('#password', ADMIN.password);
    await Promise.all([
      web.page.waitForURL(`${web.tuplet.url}/series/${web.tuplet.completed.id}`, {
        timeout: SIGN_IN_TIMEOUT_MS,
      }),
      web.page.click('button[type=submit]', { timeout: SIGN_IN_TIMEOUT_MS }),
    ]);
    const cookies = await web.session.browser.context.cookies();
    const cookie = cookies.find((c) => c.name === 'tuplet_session');
    assert.ok(cookie?.httpOnly, 'the session cookie is HttpOnly');
    assert.equal(cookie?.sameSite, 'Lax');
  });

  void test('home lists everyone’s series with progress, and searches', async () => {
    await web.page.goto(`${web.tuplet.url}/`);
    const rows = web.page.locator('tr[data-series]');
    assert.equal(await rows.count(), 2);
    assert.equal(
      await rows.first().locator('.desc').innerText(),
      'Member series with long parameter names that should wrap instead of breaking the layout of the page',
    );
    const done = web.page.locator(`tr[data-series="${web.tuplet.completed.id}"] [data-progress-label]`);
    assert.equal(await done.innerText(), '12 / 12 · 100%');
    await screenshot(web.page, '02-home');
    await web.page.fill('#q', 'drift lvcd');
    await Promise.all([web.page.waitForURL(/q=drift/), web.page.click('form[role=search] button')]);
    assert.equal(await web.page.locator('tr[data-series]').count(), 1);
    await web.page.goto(`${web.tuplet.url}/?mine=1&state=running`);
    assert.equal(await web.page.locator('tr[data-series]').count(), 0);
    assert.ok(await web.page.getByText('No series match').isVisible());
  });

  void test('series page: counts, parameter map by state and by metric, runs table, CSV', async () => {
    await web.page.goto(`${web.tuplet.url}/series/${web.tuplet.completed.id}`);
    assert.equal(await web.page.locator('[data-count="succeeded"]').innerText(), '10');
    assert.equal(await web.page.locator('[data-count="failed"]').innerText(), '2');
    const cells = web.page.locator('#map svg a');
    await cells.first().waitFor();
    assert.equal(await cells.count(), 12);
    assert.equal(await web.page.locator('#map svg a[data-state="failed"]').count(), 2);
    assert.equal(await web.page.locator('#rerun').count(), 1, 'the owner may rerun failed runs');
    assert.match(
      (await web.page.locator('a', { hasText: 'Temporal UI' }).getAttribute('href')) ?? '',
      /\/namespaces\/default\/workflows\/series-/,
    );
    await screenshot(web.page, '03-series');

    await web.page.selectOption('#map-color', 'energy');
    await web.page.locator('#map-legend', { hasText: 'energy' }).waitFor();
    // 0.3 × 4 is the largest energy of the grid
    assert.match(await web.page.locator('#map-legend').innerText(), /1\.2/);
    await web.page.selectOption('#map-x', 'tissue.beta');
    await web.page.waitForFunction(() => document.querySelectorAll('#map svg a').length === 12);
    await screenshot(web.page, '04-series-map-metric');

    await web.page.click('nav[aria-label="Filter runs by state"] a:has-text("failed")');
    assert.equal(await web.page.locator('#runs tbody tr').count(), 2);
    const csv = await web.page.request.get(
      `${web.tuplet.url}/web-api/series/${web.tuplet.completed.id}/runs.csv`,
    );
    const lines = (await csv.text()).trim().split('\r\n');
    assert.equal(lines.length, 13);
    assert.equal(lines[0], 'index,dir,state,exit_code,duration_s,model.alpha,tissue.beta,energy,steps');
  });

  void test('run page: image, CSV table and plot, JSON, NetCDF header, output, config', async () => {
    await web.page.goto(`${web.tuplet.url}/series/${web.tuplet.completed.id}`);
    await web.page.locator('#map svg a[data-index="0"]').click();
    await web.page.waitForURL(/\/runs\/0$/);
    const image = web.page.locator('img[alt="spiral.png"]');
    await image.waitFor();
    assert.ok(
      await image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth === 96),
      'the image loads',
    );
    assert.equal(
      await web.page.locator('svg.plot polyline').count(),
      2,
      'trace.csv plots u and v against time',
    );
    assert.ok(await web.page.getByText('long_dimension_name_for_layout').first().isVisible());
    assert.ok(await web.page.getByText('"energy": 0').isVisible(), 'metrics.json pretty-printed');
    assert.ok(await web.page.getByText('run 0 done').isVisible(), 'stdout tail');
    await web.page.click('summary:has-text("Config file")');
    assert.match(await web.page.locator('details pre').last().innerText(), /alpha = 0\.1 ; three values/);
    await screenshot(web.page, '05-run');
  });

  void test('new series from a previous one: the count follows the typing, errors point at their line', async () => {
    await web.page.goto(`${web.tuplet.url}/series/new?from=${web.tuplet.completed.id}`);
    const count = web.page.locator('#preview-count');
    await web.page.waitForFunction(() => document.getElementById('preview-count')?.textContent === '12');
    const ini = web.page.locator('#ini');
    await ini.fill((await ini.inputValue()).replace('beta = 1...1...4', 'beta = 1...1...8'));
    await web.page.waitForFunction(() => document.getElementById('preview-count')?.textContent === '24');
    assert.match(
      await web.page.locator('#preview-params').innerText(),
      /tissue\.beta: 1, 2, 3, 4, 5, 6, 7, 8/,
    );
    await screenshot(web.page, '06-new-series');
    await ini.fill('[model]\nalpha = 1 2\nbeta = 1...0...3\n');
    await web.page.locator('#preview-error').waitFor();
    assert.match(await web.page.locator('#preview-error').innerText(), /line 3/);
    assert.equal(await web.page.locator('#gutter .bad').innerText(), '3');
    assert.equal(await count.innerText(), '–');
    await screenshot(web.page, '07-new-series-error');
  });

  void test('applications, hosts, tokens and users pages; a token is shown once', async () => {
    for (const [path, name] of [
      ['/applications', '08-applications'],
      ['/hosts', '09-hosts'],
      ['/users', '10-users'],
    ] as const) {
      const res = await web.page.goto(`${web.tuplet.url}${path}`);
      assert.equal(res?.status(), 200, path);
      await screenshot(web.page, name);
    }
    await web.page.goto(`${web.tuplet.url}/tokens`);
    await web.page.fill('#token-name', 'laptop');
    await web.page.click('form[data-api] button[type=submit]');
    await web.page.locator('#new-token:not([hidden])').waitFor();
    assert.ok((await web.page.locator('#new-token [data-token]').innerText()).length >= 20);
    await screenshot(web.page, '11-tokens');
    await web.page.reload();
    assert.equal(await web.page.locator('tbody tr', { hasText: 'laptop' }).count(), 1);
    await web.page
      .locator('tbody tr', { hasText: 'laptop' })
      .locator('button', { hasText: 'Revoke' })
      .click();
    await web.page.getByText('You have no API token.').waitFor();
  });

  void test('phone-sized screen: long names wrap, nothing overflows the page', async () => {
    const phone = await web.session.browser.newPage({ mobile: true });
    const phoneErrors = collectPageErrors(phone);
    for (const [path, name] of [
      [`/series/${web.tuplet.running.id}`, '12-phone-series'],
      ['/', '13-phone-home'],
      [`/series/new?from=${web.tuplet.running.id}`, '14-phone-new-series'],
    ] as const) {
      await phone.goto(`${web.tuplet.url}${path}`);
      await phone.waitForLoadState('networkidle').catch(() => undefined);
      const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `${path} overflows by ${overflow}px`);
      await screenshot(phone, name);
    }
    assert.deepEqual(phoneErrors, []);
    await phone.close();
  });

  void test('keyboard: the skip link and the map cells are reachable with Tab', async () => {
    await web.page.goto(`${web.tuplet.url}/series/${web.tuplet.completed.id}`);
    await web.page.keyboard.press('Tab');
    assert.equal(await web.page.evaluate(() => document.activeElement?.textContent), 'Skip to content');
    await web.page.locator('#map svg a').first().waitFor();
    await web.page.locator('#map-color').focus();
    let reached = false;
    for (let i = 0; i < 8 && !reached; i++) {
      await web.page.keyboard.press('Tab');
      reached = await web.page.evaluate(() => document.activeElement?.closest('#map') !== null);
    }
    assert.ok(reached, 'a map cell takes the focus');
    await web.page.keyboard.press('Enter');
    await web.page.waitForURL(/\/runs\/\d+$/);
  });

  void test('a member sees no admin page and cannot act on another’s series', async () => {
    await web.page.goto(`${web.tuplet.url}/`);
    await signOut(web.page);
    await web.page.goto(`${web.tuplet.url}/`);
    assert.match(web.page.url(), /\/login\?next=%2F$/);
    await signIn(web.page, web.tuplet.url, MEMBER);
    assert.equal(await web.page.locator('header nav a', { hasText: 'Users' }).count(), 0);
    const users = await web.page.goto(`${web.tuplet.url}/users`);
    assert.equal(users?.status(), 403);
    await screenshot(web.page, '15-member-forbidden');
    await web.page.goto(`${web.tuplet.url}/series/${web.tuplet.completed.id}`);
    assert.equal(await web.page.locator('#rerun, #cancel').count(), 0, 'no actions on the admin’s series');
    const status = await web.page.evaluate(async (id) => {
      const csrf = document.querySelector('meta[name="csrf-token"]')?.getAttribute('content') ?? '';
      const res = await fetch(`/api/v1/series/${id}/rerun`, {
        method: 'POST',
        headers: { 'X-CSRF-Token': csrf, 'Content-Type': 'application/json' },
        body: '{}',
      });
      return res.status;
    }, web.tuplet.completed.id);
    assert.equal(status, 403);
    const noCsrf = await web.page.evaluate(
      async (id) => (await fetch(`/api/v1/series/${id}/cancel`, { method: 'POST' })).status,
      web.tuplet.running.id,
    );
    assert.equal(noCsrf, 403, 'a cookie request without the CSRF token is refused');
    await web.page.goto(`${web.tuplet.url}/series/${web.tuplet.running.id}`);
    assert.equal(await web.page.locator('#cancel').count(), 1, 'the member may cancel their own series');
    assert.equal(await web.page.locator('applications form, #new-app-name').count(), 0);
    await signOut(web.page);
    const back = await web.page.goto(`${web.tuplet.url}/`);
    assert.match(back?.url() ?? '', /\/login/);
  });

  void test('no script errors on any page', () => {
    assert.deepEqual(web.session.errors, []);
    assert.deepEqual(web.session.cspViolations, []);
  });
});
