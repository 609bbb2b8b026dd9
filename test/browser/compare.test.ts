// The comparison page and the series page's lineage in a real Chromium, signed in as a member:
// a clone's page links its parent and "Compare with parent"; the comparison shows the one
// changed INI line coloured, the tuple counts, the metric deltas and a plot of B against A
// whose points name their runs and open B's; the parent's page lists its visible clones only
// and compares with any series by id, refusing one the member may not see (not found) and an
// id that is no id (the form says why).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { screenshot } from './support/browser.ts';
import { seedComparePair, type ComparePair } from './support/compare-seed.ts';
import { MEMBER, startWebTestServer, type WebTestServer } from './support/server.ts';
import { openBrowserSession, type BrowserSession } from './support/session.ts';

let server: WebTestServer;
let session: BrowserSession;
let page: Page;
let pair: ComparePair;

void describe('comparison page', () => {
  before(async () => {
    server = await startWebTestServer();
    pair = await seedComparePair(server);
    session = await openBrowserSession(server.url, MEMBER);
    page = session.page;
  });
  after(async () => {
    await session?.close();
    await server?.close();
  });

  void test("a clone's page links its parent; comparing shows the diff, tuples and deltas", async () => {
    await page.goto(`${server.url}/series/${pair.b}`);
    assert.match(
      await page.locator('#lineage-parent').innerText(),
      /Cloned from Spiral drift under stimulation/,
    );
    await Promise.all([page.waitForURL(/\/compare\?/), page.click('#compare-parent')]);
    const url = new URL(page.url());
    assert.deepEqual([url.searchParams.get('a'), url.searchParams.get('b')], [pair.a, pair.b]);

    const removed = page.locator('#ini-diff .diff-del');
    const added = page.locator('#ini-diff .diff-add');
    assert.deepEqual(await removed.allInnerTexts(), ['-alpha = 0.1 0.2 0.3 ; three values\n']);
    assert.deepEqual(await added.allInnerTexts(), ['+alpha = 0.1 0.2 0.4 ; three values\n']);
    const background = (l: typeof added) => l.evaluate((el) => getComputedStyle(el).backgroundColor);
    const [addBg, delBg, sameBg] = await Promise.all([
      background(added),
      background(removed),
      background(page.locator('#ini-diff .diff-same').first()),
    ]);
    assert.notEqual(addBg, delBg, 'added and removed lines are coloured apart');
    assert.notEqual(addBg, sameBg, 'changed lines stand out from context');

    assert.deepEqual(await page.locator('#parameter-changes tbody td').allInnerTexts(), [
      'model.alpha',
      '0.1 0.2 0.3',
      '0.1 0.2 0.4',
    ]);
    const count = (kind: string) => page.locator(`#tuple-counts [data-count=${kind}]`).innerText();
    assert.deepEqual(await Promise.all(['removed', 'added', 'common'].map(count)), ['4', '4', '8']);
    assert.equal(await page.locator('#removed-tuples tbody tr').count(), 4);

    const energy = page.locator('#metric-deltas tbody tr', { hasText: 'energy' }).locator('td');
    assert.deepEqual(await energy.allInnerTexts(), ['energy', '7', '0.3714', '0.1', '0.8']);
    assert.equal(await page.locator('#tuple-deltas tbody tr').count(), 8);
    await screenshot(page, 'compare-01-page');
  });

  void test('the delta plot: one point per common tuple with the metric, hover names the runs, a click opens B’s', async () => {
    await page.goto(`${server.url}/compare?a=${pair.a}&b=${pair.b}&metric=energy`);
    const plot = page.locator('#delta-plot svg');
    assert.match(
      (await plot.locator('title').first().textContent()) ?? '',
      /^energy in series \S+ against series \S+, 7 common tuples$/,
    );
    assert.equal(await plot.locator('line.identity-line').count(), 1);
    const marks = plot.locator('a.plot-mark');
    assert.equal(await marks.count(), 7);
    const mark = marks.filter({ hasText: 'A run 7:' });
    assert.equal(await mark.locator('title').textContent(), 'A run 7: 0.8, B run 7: 1.6 (B − A +0.8)');
    await mark.locator('circle').hover();
    await screenshot(page, 'compare-02-plot');
    await Promise.all([
      page.waitForURL(new RegExp(`/series/${pair.b}/runs/7$`)),
      mark.locator('circle').click(),
    ]);
  });

  void test("the parent's page lists its visible clones and compares with any series by id", async () => {
    await page.goto(`${server.url}/series/${pair.a}`);
    const children = await page.locator('#lineage-children li').allInnerTexts();
    assert.equal(children.length, 1, 'the group-only clone is not listed');
    assert.match(children[0]!, /Spiral drift, alpha 0\.4/);

    await page.fill('#compare-with input[name=b]', pair.hidden);
    await Promise.all([page.waitForURL(/\/compare\?/), page.click('#compare-with button')]);
    assert.match(await page.locator('h1').innerText(), /Not found/);
    assert.doesNotMatch(await page.content(), /Secret clone/);

    await page.goto(`${server.url}/series/${pair.a}`);
    await page.fill('#compare-with input[name=b]', 'no such id!');
    await Promise.all([page.waitForURL(/\/compare\?/), page.click('#compare-with button')]);
    assert.equal(
      await page.locator('#compare-error').innerText(),
      "b: 'no such id!' is not a series id (lowercase letters and digits)",
    );
    assert.equal(await page.inputValue('#compare-b'), 'no such id!', 'the form keeps what was typed');
    await screenshot(page, 'compare-03-refused');
    assert.deepEqual(session.errors, []);
    assert.deepEqual(session.cspViolations, []);
  });
});
