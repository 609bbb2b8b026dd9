// The Results tab's export links in a real Chromium, signed in by the browser session: they
// carry the table's filter, download the matching runs as CSV and Parquet through the session
// cookie, and the series archive link appears for a finished series only.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { ADMIN, startWebTestServer, type WebTestServer } from './support/server.ts';
import { openBrowserSession, type BrowserSession } from './support/session.ts';

let server: WebTestServer;
let session: BrowserSession;
let page: Page;

void describe('results export links', () => {
  before(async () => {
    server = await startWebTestServer();
    session = await openBrowserSession(server.url, ADMIN);
    page = session.page;
  });
  after(async () => {
    await session?.close();
    await server?.close();
  });

  void test('the links carry the filter and download with the session', async () => {
    const filter = 'model.alpha = 0.2';
    await page.goto(
      `${server.url}/series/${server.completed.id}/results?filter=${encodeURIComponent(filter)}`,
    );
    const links = page.locator('#results-export a');
    assert.deepEqual(await links.allInnerTexts(), [
      'CSV',
      'JSON Lines',
      'Parquet',
      'Series archive (.tar.gz)',
    ]);
    const csvHref = (await links.nth(0).getAttribute('href'))!;
    assert.equal(new URL(csvHref, server.url).searchParams.get('filter'), filter);

    // The page's own request context sends its session cookie, as a click on the link would.
    const csv = await page.request.get(new URL(csvHref, server.url).toString());
    assert.equal(csv.status(), 200);
    const lines = (await csv.text()).trimEnd().split('\r\n');
    assert.match(lines[0]!, /^index,state,exit_code,started_at,ended_at,model\.alpha,tissue\.beta,/);
    // alpha 0.2 is runs 4..7 (index = 4·a + b).
    assert.deepEqual(
      lines.slice(1).map((l) => l.split(',')[0]),
      ['4', '5', '6', '7'],
    );
    const parquet = await page.request.get(
      new URL((await links.nth(2).getAttribute('href'))!, server.url).toString(),
    );
    assert.equal(parquet.status(), 200);
    const bytes = await parquet.body();
    assert.equal(bytes.subarray(0, 4).toString(), 'PAR1');
    assert.equal(bytes.subarray(-4).toString(), 'PAR1');
    assert.deepEqual(session.errors, []);
  });

  void test('a running series offers its results but not the archive', async () => {
    await page.goto(`${server.url}/series/${server.running.id}/results`);
    assert.deepEqual(await page.locator('#results-export a').allInnerTexts(), [
      'CSV',
      'JSON Lines',
      'Parquet',
    ]);
  });
});
