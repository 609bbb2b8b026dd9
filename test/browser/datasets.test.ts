// The datasets pages in a real Chromium (docs/datasets.md, "Web"): a member sees their group's
// dataset in the list, its version with the file tree and checksums, and the series that used it
// (a link to the series); a member of another group finds it neither in the list nor at its
// address (the 404 page, as the API answers); a user with no dataset gets the empty state; signed
// out, the sign-in page.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { createApiToken, createUser } from '../../db/accounts.ts';
import { findDataset, insertSeriesDatasets } from '../../db/datasets.ts';
import { insertGroup, setMember } from '../../db/groups.ts';
import { makeArchive } from '../security/package-archives.ts';
import { collectPageErrors, launchBrowser, screenshot, type Browser } from './support/browser.ts';
import { MEMBER, startWebTestServer, type WebTestServer } from './support/server.ts';
import { signIn } from './support/sign-in.ts';

const OUTSIDER = { name: 'otto', password: 'outsider-password-1' };
const DATA = 'counts\n';

let server: WebTestServer;
let browser: Browser;
let page: Page;
let errors: string[];
let scratch: string;

async function signOut() {
  await Promise.all([page.waitForURL(/\/login$/), page.click('form.signout button')]);
}

void describe('datasets in the web UI', () => {
  before(async () => {
    server = await startWebTestServer();
    const { db } = server;
    scratch = await mkdtemp(path.join(os.tmpdir(), 'tuplet-web-datasets-'));
    const outsider = await createUser(db, { ...OUTSIDER, role: 'member' });
    const lab = await insertGroup(db, { name: 'lab' });
    const other = await insertGroup(db, { name: 'other' });
    await setMember(db, lab!.id, server.ids.member, 'member');
    await setMember(db, other!.id, outsider.id, 'member');

    // The member creates and uploads through the API, as `tuplet datasets` does.
    const { token } = await createApiToken(db, server.ids.member, 'datasets test');
    const call = (method: string, route: string, body: BodyInit, type: string) =>
      fetch(`${server.url}${route}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': type },
        body,
      });
    const created = await call(
      'POST',
      '/api/v1/datasets',
      JSON.stringify({ name: 'cells', group: 'lab', description: 'cell counts' }),
      'application/json',
    );
    assert.equal(created.status, 201, await created.text());
    const zip = makeArchive(scratch, 'cells.zip', 'zip', [{ name: 'data.txt', data: DATA }]);
    const uploaded = await call(
      'POST',
      '/api/v1/datasets/cells/versions',
      await readFile(zip),
      'application/octet-stream',
    );
    assert.equal(uploaded.status, 201, await uploaded.text());
    // Which series used it is what POST /series records; the seeded series stands for one.
    const dataset = await findDataset(db, 'cells', undefined);
    await insertSeriesDatasets(db, [
      { seriesId: server.running.id, datasetId: dataset!.id, version: 1, mountPath: 'inputs/cells' },
    ]);

    browser = await launchBrowser();
    page = await browser.newPage();
    errors = collectPageErrors(page);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await rm(scratch, { recursive: true, force: true });
  });

  void test('a member sees their dataset, its files and the series that used it', async () => {
    await signIn(page, server.url, MEMBER);
    await Promise.all([page.waitForURL(`${server.url}/datasets`), page.click('nav a[href="/datasets"]')]);
    const row = page.locator('tr[data-dataset="cells"]');
    assert.match(await row.innerText(), /cell counts\s+mia\s+lab\s+1\s+v1: 7 B/);
    await screenshot(page, 'datasets-01-list');

    await Promise.all([page.waitForURL(/\/datasets\/cells$/), row.locator('a').click()]);
    const version = page.locator('tr[data-version="1"]');
    assert.match(await version.innerText(), /v1\s+upload\s+1\s+7 B\s+[0-9a-f]{64}/);
    const sha256 = createHash('sha256').update(DATA).digest('hex');
    assert.match(
      await page.locator('tr[data-file="data.txt"]').innerText(),
      new RegExp(`data\\.txt\\s+7 B\\s+${sha256}`),
    );
    const used = page.locator(`[data-used-by] li[data-series="${server.running.id}"]`);
    assert.match(await used.innerText(), /running.*at inputs\/cells\//s);
    await screenshot(page, 'datasets-02-dataset');
    await Promise.all([
      page.waitForURL(`${server.url}/series/${server.running.id}`),
      used.locator('a').click(),
    ]);
    assert.deepEqual(errors, []);
    await signOut();
  });

  void test("another group's member sees an empty list and the 404 page for it", async () => {
    await signIn(page, server.url, OUTSIDER);
    await page.goto(`${server.url}/datasets`);
    await page.locator('[data-empty="datasets"]', { hasText: 'tuplet datasets upload' }).waitFor();
    assert.equal(await page.locator('tr[data-dataset]').count(), 0);
    const response = await page.goto(`${server.url}/datasets/cells`);
    assert.equal(response?.status(), 404);
    const main = await page.locator('main').innerText();
    assert.match(main, /Not found/);
    assert.doesNotMatch(main, /cell counts|data\.txt/);
    const version = await page.goto(`${server.url}/datasets/cells?version=1`);
    assert.equal(version?.status(), 404);
    await signOut();
    // Signed out: the sign-in page, nothing of the dataset.
    await page.goto(`${server.url}/datasets/cells`);
    assert.match(page.url(), /\/login/);
    assert.doesNotMatch(await page.locator('main').innerText(), /cell counts/);
  });
});
