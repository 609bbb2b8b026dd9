// Groups in a real Chromium (docs/groups.md, "Web"): an admin creates groups, grants
// applications and hosts and adds members through the pages; a member's new-series form offers
// only the group's applications, and for each only the hosts it runs on that the member may use
// (a forged launch elsewhere is refused, naming the host); a group admin adds a member to their
// own group but cannot see or change another (forged requests refused). Also the hosts page's
// admission thresholds, and the check of `applications.hosts` names.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { createApiToken, createUser } from '../../db/accounts.ts';
import { insertApplication } from '../../db/applications.ts';
import { findGroup } from '../../db/groups.ts';
import { findHost, insertHost } from '../../db/hosts.ts';
import { screenshot } from './support/browser.ts';
import { ADMIN, MEMBER, startWebTestServer, type WebTestServer } from './support/server.ts';
import { openBrowserSession, type BrowserSession } from './support/session.ts';
import { signIn, signOut } from './support/sign-in.ts';

const GROUP_ADMIN = { name: 'gus', password: 'group-admin-password' };
const NEWCOMER = 'nina';

let server: WebTestServer;
let session: BrowserSession;
let page: Page;

/** A request from the signed-in page, with the session's cookie and (unless told) its CSRF token. */
async function fromPage(
  method: string,
  url: string,
  body?: unknown,
  options: { csrf?: boolean; form?: boolean } = {},
): Promise<{ status: number; body: { error?: { code: string; message: string; field?: string } } }> {
  return page.evaluate(
    async ({ method, url, body, options }) => {
      const headers: Record<string, string> = {};
      if (options.csrf !== false) {
        headers['X-CSRF-Token'] =
          document.querySelector('meta[name="csrf-token"]')?.getAttribute('content') ?? '';
      }
      let payload: string | undefined;
      if (body !== undefined && options.form) {
        headers['Content-Type'] = 'application/x-www-form-urlencoded';
        payload = new URLSearchParams(body as Record<string, string>).toString();
      } else if (body !== undefined) {
        headers['Content-Type'] = 'application/json';
        payload = JSON.stringify(body);
      }
      const response = await fetch(url, { method, headers, body: payload, credentials: 'same-origin' });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : {} };
    },
    { method, url, body, options },
  );
}

/** Clicks a control that reloads the page when the API answers, and waits for the reload. */
async function andReload(action: () => Promise<void>) {
  await Promise.all([page.waitForEvent('load'), action()]);
}

const optionValues = (selector: string) =>
  page.$$eval(selector, (options) => (options as HTMLOptionElement[]).map((o) => o.value));

void describe('groups in the web UI', () => {
  before(async () => {
    server = await startWebTestServer();
    const { db } = server;
    const work = (name: string) => path.join(server.storageDir, '..', name);
    await insertHost(db, { name: 'gpu-box', kind: 'local', workdir: work('gpu-box'), slots: 1 });
    await insertHost(db, { name: 'spare', kind: 'local', workdir: work('spare') });
    await insertHost(db, { name: 'cluster', kind: 'slurm', workdir: '/scratch/tuplet' });
    // lens runs on gpu-box and spare only; optics will be granted gpu-box but not spare.
    await insertApplication(db, { name: 'lens', command: 'true', hosts: ['gpu-box', 'spare'] });
    await insertApplication(db, { name: 'secret', command: 'true' });
    await createUser(db, { ...GROUP_ADMIN, role: 'member' });
    await createUser(db, { name: NEWCOMER, password: 'newcomer-password', role: 'member' });
    session = await openBrowserSession(server.url, ADMIN);
    page = session.page;
    page.on('dialog', (dialog) => void dialog.accept());
  });
  after(async () => {
    await session?.close();
    await server?.close();
  });

  void test('an admin creates groups, grants applications and hosts, and adds members', async () => {
    await page.click('nav >> text=Groups');
    await page.locator('[data-empty="groups"]', { hasText: 'No group yet' }).waitFor();
    await screenshot(page, 'groups-01-empty');
    for (const name of ['optics', 'bio']) {
      await page.fill('#new-group-name', name);
      await andReload(() => page.click('form[data-api="POST /api/v1/groups"] button[type=submit]'));
    }
    assert.deepEqual(
      await page.$$eval('tr[data-group]', (rows) => rows.map((r) => r.getAttribute('data-group'))),
      ['bio', 'optics'],
    );

    // Settings: share and high priority.
    const optics = page.locator('tr[data-group="optics"]');
    await optics.locator('summary').click();
    await optics.locator('input[name="share"]').fill('3');
    await optics.locator('input[name="highPriority"]').check();
    await andReload(() => optics.locator('button[type=submit]').click());
    assert.match(await page.locator('tr[data-group="optics"]').innerText(), /3\s*high priority/);
    const stored = await findGroup(server.db, 'optics');
    assert.deepEqual([stored?.share, stored?.highPriority, stored?.ownCode], [3, true, false]);

    await Promise.all([page.waitForURL(/\/groups\/optics$/), page.click('a[href="/groups/optics"]')]);
    await page.locator('[data-empty="members"]').waitFor();
    await page.locator('[data-empty="grants"]').waitFor();
    for (const [kind, name] of [
      ['applications', 'spiral'],
      ['applications', 'lens'],
      ['hosts', 'local'],
      ['hosts', 'gpu-box'],
    ]) {
      await andReload(() => page.click(`[data-grants="${kind}"] [data-grantable="${name}"] button`));
    }
    assert.equal(await page.locator('[data-empty="grants"]').count(), 0);
    await page.fill('#member-name', MEMBER.name);
    await andReload(() => page.click('#add-member button[type=submit]'));
    assert.match(await page.locator(`tr[data-member="${MEMBER.name}"]`).innerText(), /member/);
    await screenshot(page, 'groups-02-optics');

    // A name nobody has is refused on the form.
    await page.fill('#member-name', 'nobody-here');
    await page.click('#add-member button[type=submit]');
    await page
      .locator('#add-member [data-form-error]', { hasText: "user 'nobody-here' not found" })
      .waitFor();

    await page.goto(`${server.url}/groups/bio`);
    await andReload(() => page.click('[data-grants="applications"] [data-grantable="secret"] button'));
    await andReload(() => page.click('[data-grants="hosts"] [data-grantable="local"] button'));
    await page.fill('#member-name', GROUP_ADMIN.name);
    await page.selectOption('#member-role', 'admin');
    await andReload(() => page.click('#add-member button[type=submit]'));
    assert.match(await page.locator(`tr[data-member="${GROUP_ADMIN.name}"]`).innerText(), /admin/);
    await signOut(page);
  });

  void test("a member's form offers only the group's applications, and each only on its hosts", async () => {
    await signIn(page, server.url, MEMBER);
    await page.goto(`${server.url}/series/new`);
    assert.deepEqual(await optionValues('#application option'), ['lens', 'spiral']);
    assert.deepEqual(await optionValues('#host option'), ['gpu-box', 'local'], 'the granted hosts');
    const offered = () => optionValues('#host option:not([disabled])');
    await page.selectOption('#application', 'lens');
    // lens runs on gpu-box and spare; spare is not granted to optics.
    assert.deepEqual(await offered(), ['gpu-box']);
    assert.equal(await page.inputValue('#host'), 'gpu-box');
    assert.match(await page.locator('#host-limit').innerText(), /lens runs only on gpu-box, spare/);
    await screenshot(page, 'groups-03-member-form');
    await page.selectOption('#application', 'spiral');
    assert.deepEqual(await offered(), ['gpu-box', 'local']);
    assert.equal(await page.locator('#host-limit').isVisible(), false);
    // optics has highPriority (set above): its member may ask for high.
    assert.deepEqual(await optionValues('#priority option'), ['low', 'normal', 'high']);

    // Forged launches past the form: each refused, naming the host.
    const ini = 'x = 1 2\n';
    const offHosts = await fromPage('POST', '/api/v1/series', { application: 'lens', host: 'local', ini });
    assert.equal(offHosts.status, 422);
    assert.equal(offHosts.body.error?.code, 'application_not_on_host');
    assert.match(offHosts.body.error?.message ?? '', /not on 'local'/);
    const notGranted = await fromPage('POST', '/api/v1/series', { application: 'lens', host: 'spare', ini });
    assert.equal(notGranted.status, 422);
    assert.equal(notGranted.body.error?.code, 'unknown_host');
    assert.match(notGranted.body.error?.message ?? '', /host 'spare'/);
    const otherGroups = await fromPage('POST', '/api/v1/series', {
      application: 'secret',
      host: 'local',
      ini,
    });
    assert.equal(otherGroups.status, 422);
    assert.equal(otherGroups.body.error?.code, 'unknown_application');

    // A plain member sees the group, without the controls to change it.
    await page.goto(`${server.url}/groups/optics`);
    assert.equal(await page.locator('#add-member').count(), 0);
    assert.equal(await page.locator('[data-grants] button').count(), 0);
    assert.deepEqual(
      await page.$$eval('[data-grants="hosts"] [data-granted]', (items) => items.map((i) => i.textContent)),
      ['gpu-box', 'local'],
    );
    const promote = await fromPage('PUT', `/api/v1/groups/optics/members/${MEMBER.name}`, { role: 'admin' });
    assert.equal(promote.status, 403);
    await signOut(page);
  });

  void test("high priority is not offered in a group without highPriority; the API's refusal shows on the form", async () => {
    await signIn(page, server.url, GROUP_ADMIN);
    await page.goto(`${server.url}/series/new`);
    assert.deepEqual(await optionValues('#priority option'), ['low', 'normal'], 'bio lacks highPriority');
    // Past the form (an option added by hand): the launch is refused and the form says why.
    await page.fill('#ini', 'x = 1 2\n');
    await page.$eval('#priority', (select) => {
      (select as HTMLSelectElement).add(new Option('high', 'high', true, true));
    });
    await page.click('#launch');
    await page.locator('#launch-error', { hasText: "group 'bio' does not have highPriority" }).waitFor();
    const forged = await fromPage('POST', '/api/v1/series', {
      application: 'secret',
      host: 'local',
      ini: 'x = 1 2\n',
      group: 'bio',
      priority: 'high',
    });
    assert.equal(forged.status, 422);
    assert.equal(forged.body.error?.code, 'priority_not_allowed');
    await signOut(page);
  });

  void test('a group admin adds a member to their group and cannot touch another', async () => {
    await signIn(page, server.url, GROUP_ADMIN);
    await page.goto(`${server.url}/groups`);
    assert.deepEqual(
      await page.$$eval('tr[data-group]', (rows) => rows.map((r) => r.getAttribute('data-group'))),
      ['bio'],
    );
    assert.equal(await page.locator('form[data-api="POST /api/v1/groups"]').count(), 0, 'no create form');
    await page.click('a[href="/groups/bio"]');
    await page.fill('#member-name', NEWCOMER);
    await andReload(() => page.click('#add-member button[type=submit]'));
    assert.match(await page.locator(`tr[data-member="${NEWCOMER}"]`).innerText(), /member/);
    assert.equal(await page.locator('[data-grants] button').count(), 0, 'grants are for admins');

    const response = await page.goto(`${server.url}/groups/optics`);
    assert.equal(response?.status(), 404);
    await page.goto(`${server.url}/groups/bio`);
    const attacks: Array<[string, string, unknown, number]> = [
      ['PUT', `/api/v1/groups/optics/members/${GROUP_ADMIN.name}`, { role: 'admin' }, 404],
      ['DELETE', `/api/v1/groups/optics/members/${MEMBER.name}`, undefined, 404],
      ['PATCH', '/api/v1/groups/optics', { share: 1000 }, 403],
      ['PUT', '/api/v1/groups/bio/applications/spiral', undefined, 403],
      ['PUT', '/api/v1/groups/bio/hosts/spare', undefined, 403],
    ];
    for (const [method, url, body, status] of attacks) {
      assert.equal((await fromPage(method, url, body)).status, status, `${method} ${url}`);
    }
    // A cross-site form post: the session's cookie, no CSRF token.
    const forged = await fromPage('POST', '/api/v1/groups', { name: 'evil' }, { csrf: false, form: true });
    assert.equal(forged.status, 403);
    assert.equal(forged.body.error?.code, 'csrf');

    assert.equal(await findGroup(server.db, 'evil'), undefined);
    const optics = await findGroup(server.db, 'optics');
    assert.equal(optics?.share, 3);
    await signOut(page);
    await signIn(page, server.url, ADMIN);
    await page.goto(`${server.url}/groups/optics`);
    assert.deepEqual(
      await page.$$eval('tr[data-member]', (rows) => rows.map((r) => r.getAttribute('data-member'))),
      [MEMBER.name],
    );
    assert.deepEqual(
      await page.$$eval('[data-grants="hosts"] [data-granted]', (items) =>
        items.map((i) => i.getAttribute('data-granted')),
      ),
      ['gpu-box', 'local'],
    );
  });

  void test('the hosts page sets admission thresholds and shows a refusal on the form', async () => {
    await page.goto(`${server.url}/hosts`);
    const local = page.locator('section[data-host="local"]');
    await local.locator('summary').click();
    const form = local.locator('form[data-admission]');
    await form.locator('input[name="maxLoadPerCore"]').fill('-1');
    await form.locator('button[type=submit]').click();
    await form.locator('[data-form-error]', { hasText: 'admission.maxLoadPerCore' }).waitFor();
    assert.equal(await form.locator('input[name="maxLoadPerCore"]').getAttribute('aria-invalid'), 'true');
    assert.equal((await findHost(server.db, 'local'))?.admission, null);
    await screenshot(page, 'groups-04-admission-refused');

    await form.locator('input[name="maxLoadPerCore"]').fill('0.9');
    await form.locator('input[name="minFreeMemoryBytes"]').fill('512');
    await andReload(() => form.locator('button[type=submit]').click());
    assert.deepEqual((await findHost(server.db, 'local'))?.admission, {
      maxLoadPerCore: 0.9,
      minFreeMemoryBytes: 512 * 1024 * 1024,
    });
    assert.equal(
      await page.locator('section[data-host="local"] [data-admission-summary]').innerText(),
      'load per core below 0.9, at least 512 MiB free memory',
    );

    // Emptied, the thresholds are cleared.
    await page.locator('section[data-host="local"] summary').click();
    const again = page.locator('section[data-host="local"] form[data-admission]');
    assert.equal(await again.locator('input[name="minFreeMemoryBytes"]').inputValue(), '512');
    await again.locator('input[name="maxLoadPerCore"]').fill('');
    await again.locator('input[name="minFreeMemoryBytes"]').fill('');
    await andReload(() => again.locator('button[type=submit]').click());
    assert.equal((await findHost(server.db, 'local'))?.admission, null);
    assert.equal(await page.locator('section[data-host="cluster"] form[data-admission]').count(), 0);
  });

  void test("an application's hosts must be registered ones", async () => {
    const { token } = await createApiToken(server.db, server.ids.admin, 'test');
    const patch = (hosts: string[]) =>
      fetch(`${server.url}/api/v1/applications/lens`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ hosts }),
      });
    const refused = await patch(['gpu-box', 'gpu-bx']);
    assert.equal(refused.status, 400);
    const body = (await refused.json()) as { error: { message: string; field: string } };
    assert.equal(body.error.field, 'hosts');
    assert.match(body.error.message, /'gpu-bx'/);
    assert.doesNotMatch(body.error.message, /'gpu-box'/);
    const created = await fetch(`${server.url}/api/v1/applications`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'typo', command: 'true', hosts: ['locl'] }),
    });
    assert.equal(created.status, 400);
    assert.match(((await created.json()) as { error: { message: string } }).error.message, /'locl'/);
    assert.equal((await patch(['spare'])).status, 200);
    // No host named is no limit (null), never "nowhere".
    const emptied = await patch([]);
    assert.equal(((await emptied.json()) as { hosts: string[] | null }).hosts, null);
    assert.deepEqual(session.errors, []);
    assert.deepEqual(session.cspViolations, []);
  });
});
