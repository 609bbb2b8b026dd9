// The Results tab in a real Chromium over a seeded database: the table (sorting by a header,
// filtering), plots drawn on the server from the aggregates (a line per value, a heatmap), a
// point whose title names its run and whose click opens it, the SVG and PNG downloads under
// the page's CSP, and the help shown while a series has no metrics.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { screenshot } from './support/browser.ts';
import { ADMIN, startWebTestServer, type WebTestServer } from './support/server.ts';
import { openBrowserSession, type BrowserSession } from './support/session.ts';

let server: WebTestServer;
let session: BrowserSession;
let page: Page;

// The completed series: alpha 0.1 0.2 0.3 × beta 1 2 3 4 (index = 4·a + b), energy = alpha·beta;
// runs 5 and 10 failed and have no metrics.
const rowIndices = () => page.locator('#results-table tbody tr td:first-child').allInnerTexts();

void describe('results tab', () => {
  before(async () => {
    server = await startWebTestServer();
    session = await openBrowserSession(server.url, ADMIN);
    page = session.page;
  });
  after(async () => {
    await session?.close();
    await server?.close();
  });

  void test('the tab shows the table, sorted by a header and filtered', async () => {
    await page.goto(`${server.url}/series/${server.completed.id}`);
    await Promise.all([page.waitForURL(/\/results$/), page.click('nav.tabs >> text=Results')]);
    assert.deepEqual(await rowIndices(), ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11']);
    await Promise.all([page.waitForURL(/sort=energy/), page.click('#results-table th >> text=energy')]);
    // energy ascending, as doubles: 0.1 (0), 0.2 (1, 4), 0.3 (8) < 0.30000000000000004 (2), 0.4 (3),
    // 0.6 (9) < 0.6000000000000001 (6), 0.8 (7), 1.2 (11), then 5 and 10 without a value.
    assert.deepEqual(await rowIndices(), ['0', '1', '4', '8', '2', '3', '9', '6', '7', '11', '5', '10']);
    await page.fill('#filter', 'energy > 0.5');
    await Promise.all([page.waitForURL(/filter=/), page.click('form[role=search] button')]);
    assert.deepEqual(await rowIndices(), ['9', '6', '7', '11'], 'the filter keeps the sort');
    await page.fill('#filter', 'energy > 0.5 or 1=1');
    await Promise.all([page.waitForURL(/filter=/), page.click('form[role=search] button')]);
    assert.match(await page.locator('#results-error').innerText(), /^filter: expected 'and' or ','/);
    await screenshot(page, 'results-01-table');
  });

  void test('a line plot from the aggregates: hover names the run, a click opens it', async () => {
    await page.goto(`${server.url}/series/${server.completed.id}/results`);
    const plot = page.locator('#plot svg');
    assert.match((await plot.locator('title').first().textContent()) ?? '', /energy against model\.alpha/);
    // One line per beta (4), one point per (alpha, beta) with a value: 12 − 2 runs without.
    assert.equal(await plot.locator('polyline').count(), 4);
    const marks = plot.locator('a.plot-mark');
    assert.equal(await marks.count(), 10);
    const mark = plot.locator('a.plot-mark', { hasText: 'model.alpha=0.3, tissue.beta=4' });
    assert.match((await mark.locator('title').textContent()) ?? '', /energy 1\.2 \(run 11\)/);
    await mark.locator('circle').hover();
    await screenshot(page, 'results-02-line');
    await Promise.all([page.waitForURL(/\/runs\/11$/), mark.locator('circle').click()]);
  });

  void test('a point of several runs opens the table filtered to them', async () => {
    await page.goto(
      `${server.url}/series/${server.completed.id}/results?plot=line&metric=energy&x=model.alpha&line=`,
    );
    const mark = page.locator('#plot svg a.plot-mark', { hasText: 'model.alpha=0.2:' });
    // alpha 0.2 is runs 4-7; run 5 failed without metrics.
    assert.match((await mark.locator('title').textContent()) ?? '', /\(3 runs, min 0\.2, max 0\.8\)/);
    await Promise.all([page.waitForURL(/filter=/), mark.locator('circle').click()]);
    assert.deepEqual(await rowIndices(), ['4', '5', '6', '7']);
  });

  void test('a heatmap over two parameters with its colour legend; a scatter of points', async () => {
    await page.goto(
      `${server.url}/series/${server.completed.id}/results?plot=heatmap&x=model.alpha&y=tissue.beta`,
    );
    const cells = page.locator('#plot svg a.plot-mark rect');
    assert.equal(await cells.count(), 12);
    assert.match(
      (await page.locator('#plot svg').innerHTML()) ?? '',
      /rgb\(253,231,37\)/,
      'the largest mean is yellow',
    );
    await screenshot(page, 'results-03-heatmap');
    await page.goto(
      `${server.url}/series/${server.completed.id}/results?plot=scatter&mx=energy&my=steps&color=model.alpha`,
    );
    assert.equal(await page.locator('#plot svg circle').count(), 10);
  });

  void test('SVG and PNG downloads of the plot', async () => {
    await page.goto(
      `${server.url}/series/${server.completed.id}/results?plot=heatmap&x=model.alpha&y=tissue.beta`,
    );
    const svgHref = await page.locator('a[download][href*="plot.svg"]').getAttribute('href');
    const svg = await page.request.get(`${server.url}${svgHref}`);
    assert.equal(svg.status(), 200);
    assert.match(svg.headers()['content-type'] ?? '', /^image\/svg\+xml/);
    assert.match(await svg.text(), /^<\?xml[^>]*>\n<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    // A finished series' plot never changes: the browser revalidates it by its ETag.
    const etag = svg.headers()['etag'];
    assert.ok(etag, "a finished series' plot has an ETag");
    const again = await page.request.get(`${server.url}${svgHref}`, { headers: { 'if-none-match': etag } });
    assert.equal(again.status(), 304);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#plot-png')]);
    const png = await readFile((await download.path())!);
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    assert.ok(png.length > 2000, `a drawn image, not an empty one (${png.length} bytes)`);
  });

  void test('a series without metrics says how runs report them', async () => {
    await page.goto(`${server.url}/series/${server.running.id}/results`);
    assert.match(await page.locator('#no-metrics').innerText(), /metrics\.json.*metricSources/s);
    assert.deepEqual(session.errors, []);
    assert.deepEqual(session.cspViolations, []);
  });
});
