// The researcher's path through the whole stack (Temporal, workers, the local host, the web
// UI) in a real Chromium: sign in → new series from the example → the count follows the
// typing → launch → progress reaches 100% without a reload → open a run and see its image →
// cancel a second series launched with low priority → clone the first with a changed value → sign out.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import type { InProcessStack } from '../support/stack.ts';
import { screenshot } from './support/browser.ts';
import { openBrowserSession, STACK_ADMIN, type BrowserSession } from './support/session.ts';
import { signOut } from './support/sign-in.ts';
import { startBrowserTestStack, type BrowserTestStack } from './support/stack-seed.ts';

const SMALL = { a: 'a = 0.6 0.9', b: 'b = 0.02 0.06' };

let running: BrowserTestStack;
let stack: InProcessStack;
let session: BrowserSession;
let page: Page;
let firstSeries = '';

const text = (selector: string) => page.locator(selector).first().innerText();

/** Replaces one line of the INI editor that starts with `key =`, as a user would. */
async function setLine(key: string, line: string) {
  const editor = page.locator('#ini');
  const ini = await editor.inputValue();
  const next = ini.replace(new RegExp(`^${key} =.*$`, 'm'), line);
  assert.notEqual(next, ini, `the INI has a line for ${key}`);
  await editor.fill(next);
}

void describe('the whole path in a browser', { timeout: 600_000 }, () => {
  before(async () => {
    running = await startBrowserTestStack();
    stack = running.stack;
    session = await openBrowserSession(stack.url, STACK_ADMIN);
    page = session.page;
    page.on('dialog', (dialog) => void dialog.accept());
  });
  after(async () => {
    await session?.close();
    await running?.stop();
  });

  void test('signed in, an empty home that shows how to start', async () => {
    assert.ok(await page.getByText('No series yet').isVisible());
    await screenshot(page, 'flow-01-empty-home');
  });

  void test('new series from the example: the count follows the typing; launch lands on the series', async () => {
    await page.click('text=Launch the example series');
    await page.waitForFunction(() => document.getElementById('preview-count')?.textContent === '66');
    await setLine('a', SMALL.a);
    await page.waitForFunction(() => document.getElementById('preview-count')?.textContent === '22');
    await setLine('b', SMALL.b);
    await page.waitForFunction(() => document.getElementById('preview-count')?.textContent === '4');
    assert.equal(await page.locator('#application').inputValue(), 'spiral');
    assert.equal(await page.locator('#host').inputValue(), 'local');
    await page.fill('#description', 'Four spirals from the browser');
    await screenshot(page, 'flow-02-new-series');
    await Promise.all([page.waitForURL(/\/series\/(?!new)[^/?]+$/), page.click('#launch')]);
    firstSeries = page.url().split('/').at(-1)!;
  });

  void test('progress reaches 100% and the series completes without a reload', async () => {
    await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));
    await page.waitForFunction(
      () => document.querySelector('[data-progress-label]')?.textContent === '4 / 4 · 100%',
      undefined,
      { timeout: 240_000 },
    );
    await page.waitForFunction(
      () =>
        document.querySelector('[data-series-state] [data-state]')?.getAttribute('data-state') ===
        'completed',
      undefined,
      { timeout: 120_000 },
    );
    assert.equal(
      await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument),
      true,
    );
    assert.equal(await text('[data-count="succeeded"]'), '4');
    await page.waitForFunction(
      () => document.querySelectorAll('#map svg a[data-state="succeeded"]').length === 4,
    );
    // The runs table and the actions follow without a reload, too.
    await page.waitForFunction(() => document.querySelectorAll('#runs tbody tr').length === 4);
    await page.locator('#series-actions a', { hasText: 'Download archive' }).waitFor();
    await screenshot(page, 'flow-03-series-done');
  });

  void test('a run shows its image', async () => {
    await page.locator('#map svg a[data-index="3"]').click();
    await page.waitForURL(/\/runs\/3$/);
    const image = page.locator('img[alt="spiral.png"]');
    await image.waitFor();
    await page.waitForFunction(() => {
      const img = document.querySelector<HTMLImageElement>('img[alt="spiral.png"]');
      return img !== null && img.complete && img.naturalWidth > 0;
    });
    assert.match(await page.locator('main').innerText(), /a\s+0\.9/);
    await screenshot(page, 'flow-04-run');
  });

  void test('a second series is cancelled from its page', async () => {
    await page.goto(`${stack.url}/series/new?example=1`);
    await page.waitForFunction(() => document.getElementById('preview-count')?.textContent === '66');
    await page.fill('#description', 'Series to cancel');
    // The admin may ask for any priority; low is recorded and shown among the series' facts.
    assert.deepEqual(
      await page.$$eval('#priority option', (options) => options.map((o) => (o as HTMLOptionElement).value)),
      ['low', 'normal', 'high'],
    );
    await page.selectOption('#priority', 'low');
    await Promise.all([page.waitForURL(/\/series\/(?!new)[^/?]+$/), page.click('#launch')]);
    assert.equal(await page.locator('dd[data-priority]').innerText(), 'low');
    await page.locator('#cancel').click();
    await page.waitForFunction(
      () =>
        document.querySelector('[data-series-state] [data-state]')?.getAttribute('data-state') ===
        'cancelled',
      undefined,
      { timeout: 120_000 },
    );
    await screenshot(page, 'flow-05-cancelled');
  });

  void test('clone the first series with a changed value', async () => {
    await page.goto(`${stack.url}/series/${firstSeries}`);
    await Promise.all([page.waitForURL(/\/series\/new\?from=/), page.click('#clone')]);
    await page.waitForFunction(() => document.getElementById('preview-count')?.textContent === '4');
    await setLine('a', 'a = 0.6 0.7');
    await page.waitForFunction(() =>
      /model\.a: 0\.6, 0\.7/.test(document.getElementById('preview-params')?.textContent ?? ''),
    );
    await screenshot(page, 'flow-06-clone');
    await Promise.all([
      page.waitForURL(
        (url) => /^\/series\/(?!new$)[^/]+$/.test(url.pathname) && !url.pathname.endsWith(firstSeries),
      ),
      page.click('#launch'),
    ]);
    assert.equal(await page.locator('dt', { hasText: 'Cloned from' }).count(), 1);
    await page.click('summary:has-text("INI template")');
    assert.match(await page.locator('details pre').last().innerText(), /^a = 0\.6 0\.7/m);
    const home = await page.goto(stack.url);
    assert.equal(home?.status(), 200);
    assert.equal(await page.locator('tr[data-series]').count(), 3);
    await screenshot(page, 'flow-07-home');
  });

  void test('the local host answers its check', async () => {
    await page.goto(`${stack.url}/hosts`);
    await page.click('[data-check="local"]');
    const result = page.locator('[data-check-result="local"]');
    await result.waitFor({ timeout: 60_000 });
    assert.match(await result.innerText(), /"host": "local"/);
    await screenshot(page, 'flow-08-host-check');
  });

  void test('sign out', async () => {
    await signOut(page);
    await page.goto(stack.url);
    assert.match(page.url(), /\/login/);
    assert.deepEqual(session.errors, []);
    assert.deepEqual(session.cspViolations, []);
  });
});
