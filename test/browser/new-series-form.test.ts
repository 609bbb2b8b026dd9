// The new-series form in a real Chromium, over the HTTP app and a seeded database (no series
// runs here: every refusal comes before a workflow would start):
// - the live preview checks a template only the uploaded input package holds, naming its line,
//   before launch (issue 11);
// - own-code applications are offered only to members a group of theirs lets run their own code;
// - several hosts: the form sends `hosts`, and a refusal naming `hosts[i]` marks that host's box.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { insertApplication } from '../../db/applications.ts';
import { findGroup, insertGroup, setGrant, setMember, updateGroup } from '../../db/groups.ts';
import { hosts } from '../../db/schema.ts';
import { makeArchive } from '../security/package-archives.ts';
import { FITS, MISSING, TEMPLATE, UNUSED } from '../support/template-sweeps.ts';
import { screenshot } from './support/browser.ts';
import { ADMIN, MEMBER, startWebTestServer, type WebTestServer } from './support/server.ts';
import { openBrowserSession, type BrowserSession } from './support/session.ts';
import { signIn, signOut } from './support/sign-in.ts';

const TEMPLATED = 'packaged';
const OWN_CODE = 'mine';

let server: WebTestServer;
let session: BrowserSession;
let page: Page;
let scratch: string;

const applicationOptions = () =>
  page
    .locator('#application option')
    .evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value));

void describe('the new-series form', () => {
  before(async () => {
    scratch = await mkdtemp(path.join(os.tmpdir(), 'tuplet-new-series-form-'));
    server = await startWebTestServer();
    const { db } = server;
    await insertApplication(db, {
      name: TEMPLATED,
      command: 'cat model.txt',
      configFile: 'model.txt',
      input: { format: 'template', template: 'model.tpl' },
    });
    await insertApplication(db, { name: OWN_CODE, kind: 'own-code', command: '' });
    await db.insert(hosts).values({ name: 'far', kind: 'local', workdir: path.join(scratch, 'far') });
    session = await openBrowserSession(server.url, ADMIN);
    page = session.page;
  });
  after(async () => {
    await session?.close();
    await server?.close();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  void test("the preview names the line of the uploaded package's template before launch", async () => {
    await page.goto(`${server.url}/series/new`);
    await page.selectOption('#application', TEMPLATED);
    const archive = makeArchive(scratch, 'model.zip', 'zip', [{ name: 'model.tpl', data: TEMPLATE }]);
    await page.setInputFiles('#package', {
      name: 'model.zip',
      mimeType: 'application/zip',
      buffer: await readFile(archive),
    });
    await page.locator('#package-files', { hasText: 'model.tpl' }).waitFor();
    // {{m.n}} on the template's line 3 names no key of this sweep.
    await page.fill('#ini', MISSING);
    await page
      .locator('#preview-error', { hasText: /^model\.tpl line 3: placeholder \{\{m\.n\}\} names no key/ })
      .waitFor();
    // A varied parameter the template never uses: the sweep's line, marked in the gutter.
    await page.fill('#ini', UNUSED);
    await page.locator('#preview-error', { hasText: /^line 4: m\.dt is varied but the template/ }).waitFor();
    assert.equal(await page.locator('#gutter .bad').innerText(), '4');
    await screenshot(page, 'new-series-01-package-template');
    await page.fill('#ini', FITS);
    await page.locator('#preview-count[data-count="2"]').waitFor();
    assert.equal(await page.locator('#preview-error').isVisible(), false);
  });

  void test('own code is offered only to members of a group that allows it', async () => {
    const { db } = server;
    const lab = await insertGroup(db, { name: 'lab' });
    assert.ok(lab);
    await setMember(db, lab.id, server.ids.member, 'member');
    for (const application of [OWN_CODE, 'spiral']) await setGrant(db, lab.id, { application }, true);
    for (const host of ['local', 'far']) await setGrant(db, lab.id, { host }, true);

    await signOut(page);
    await signIn(page, server.url, MEMBER);
    await page.goto(`${server.url}/series/new`);
    // Granted, but the group does not allow own code: creation would answer 403, so not offered.
    assert.deepEqual(await applicationOptions(), ['spiral']);
    await updateGroup(db, 'lab', { ownCode: true });
    await page.goto(`${server.url}/series/new`);
    assert.deepEqual(await applicationOptions(), [OWN_CODE, 'spiral']);
    await updateGroup(db, 'lab', { ownCode: false });
  });

  void test("several hosts: a refusal naming hosts[i] marks that host's box", async () => {
    await page.goto(`${server.url}/series/new`);
    await page.selectOption('#application', 'spiral');
    await page.selectOption('#host', 'local');
    // The chosen Host has no box of its own among the others.
    assert.equal(await page.locator('[data-more-host="local"]').isVisible(), false);
    await page.check('[data-more-host="far"] input');
    assert.equal(await page.locator('[data-review="host"]').innerText(), 'local, far');
    await page.fill('#ini', '[model]\nalpha = 1 2\n');
    await page.locator('#preview-count[data-count="2"]').waitFor();
    // The grant goes while the form is open: the API refuses the second host by its place.
    const lab = await findGroup(server.db, 'lab');
    assert.ok(lab);
    await setGrant(server.db, lab.id, { host: 'far' }, false);
    await page.click('#launch');
    await page
      .locator('#launch-error', { hasText: /^hosts\[1\]: host 'far' does not exist or is not granted/ })
      .waitFor();
    assert.equal(await page.locator('[data-more-host="far"][data-refused]').count(), 1);
    assert.equal(await page.locator('#host[data-refused]').count(), 0);
    await screenshot(page, 'new-series-02-host-refused');
    assert.deepEqual(session.errors, []);
    assert.deepEqual(session.cspViolations, []);
  });
});
