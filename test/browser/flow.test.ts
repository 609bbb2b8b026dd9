// The researcher's path through the whole stack (Temporal, workers, the local host, the web
// UI) in a real Chromium: sign in → new series from the example → the count follows the
// typing → launch → progress reaches 100% without a reload → open a run and see its image →
// cancel a second series launched with low priority → clone the first with a changed value → sign out.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { screenshot } from './support/browser.ts';
import { waitForShownSeriesState } from './support/series-page.ts';
import { signOut } from './support/sign-in.ts';
import { useBrowserOnStack } from './support/stack-seed.ts';

const SMALL = { a: 'a = 0.6 0.9', b: 'b = 0.02 0.06' };

const web = useBrowserOnStack();
let firstSeries = '';

const text = (selector: string) => web.page.locator(selector).first().innerText();

/** Replaces one line of the INI editor that starts with `key =`, as a user would. */
async function setLine(key: string, line: string) {
  const editor = web.page.locator('#ini');
  const ini = await editor.inputValue();
  const next = ini.replace(new RegExp(`^${key} =.*$`, 'm'), line);
  assert.notEqual(next, ini, `the INI has a line for ${key}`);
  await editor.fill(next);
}

void describe('the whole path in a browser', { timeout: 600_000 }, () => {
  before(async () => {
    web.page.on('dialog', (dialog) => void dialog.accept());
  });

  void test('signed in, an empty home that shows how to start', async () => {
    assert.ok(await web.page.getByText('No series yet').isVisible());
    await screenshot(web.page, 'flow-01-empty-home');
  });

  void test('new series from the example: the count follows the typing; launch lands on the series', async () => {
    await web.page.click('text=Launch the example series');
    await web.page.waitForFunction(() => document.getElementById('preview-count')?.textContent === '66');
    await setLine('a', SMALL.a);
    await web.page.waitForFunction(() => document.getElementById('preview-count')?.textContent === '22');
    await setLine('b', SMALL.b);
    await web.page.waitForFunction(() => document.getElementById('preview-count')?.textContent === '4');
    assert.equal(await web.page.locator('#application').inputValue(), 'spiral');
    assert.equal(await web.page.locator('#host').inputValue(), 'local');
    await web.page.fill('#description', 'Four spirals from the browser');
    await screenshot(web.page, 'flow-02-new-series');
    await Promise.all([web.page.waitForURL(/\/series\/(?!new)[^/?]+$/), web.page.click('#launch')]);
    firstSeries = web.page.url().split('/').at(-1)!;
  });

  void test('progress reaches 100% and the series completes without a reload', async () => {
    await web.page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));
    await web.page.waitForFunction(
      () => document.querySelector('[data-progress-label]')?.textContent === '4 / 4 · 100%',
      undefined,
      { timeout: 240_000 },
    );
    await waitForShownSeriesState(web.page, 'completed');
    assert.equal(
      await web.page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument),
      true,
    );
    assert.equal(await text('[data-count="succeeded"]'), '4');
    await web.page.waitForFunction(
      () => document.querySelectorAll('#map svg a[data-state="succeeded"]').length === 4,
    );
    // The runs table and the actions follow without a reload, too.
    await web.page.waitForFunction(() => document.querySelectorAll('#runs tbody tr').length === 4);
    await web.page.locator('#series-actions a', { hasText: 'Download archive' }).waitFor();
    await screenshot(web.page, 'flow-03-series-done');
  });

  void test('a run shows its image', async () => {
    await web.page.locator('#map svg a[data-index="3"]').click();
    await web.page.waitForURL(/\/runs\/3$/);
    const image = web.page.locator('img[alt="spiral.png"]');
    await image.waitFor();
    await web.page.waitForFunction(() => {
      const img = document.querySelector<HTMLImageElement>('img[alt="spiral.png"]');
      return img !== null && img.complete && img.naturalWidth > 0;
    });
    assert.match(await web.page.locator('main').innerText(), /a\s+0\.9/);
    await screenshot(web.page, 'flow-04-run');
  });

  void test('a second series is cancelled from its page', async () => {
    await web.page.goto(`${web.tuplet.stack.url}/series/new?example=1`);
    await web.page.waitForFunction(() => document.getElementById('preview-count')?.textContent === '66');
    await web.page.fill('#description', 'Series to cancel');
    // The admin may ask for any priority; low is recorded and shown among the series' facts.
    assert.deepEqual(
      await web.page.$$eval('#priority option', (options) =>
        options.map((o) => (o as HTMLOptionElement).value),
      ),
      ['low', 'normal', 'high'],
    );
    await web.page.selectOption('#priority', 'low');
    await Promise.all([web.page.waitForURL(/\/series\/(?!new)[^/?]+$/), web.page.click('#launch')]);
    assert.equal(await web.page.locator('dd[data-priority]').innerText(), 'low');
    await web.page.locator('#cancel').click();
    await waitForShownSeriesState(web.page, 'cancelled');
    await screenshot(web.page, 'flow-05-cancelled');
  });

  void test('clone the first series with a changed value', async () => {
    await web.page.goto(`${web.tuplet.stack.url}/series/${firstSeries}`);
    await Promise.all([web.page.waitForURL(/\/series\/new\?from=/), web.page.click('#clone')]);
    await web.page.waitForFunction(() => document.getElementById('preview-count')?.textContent === '4');
    await setLine('a', 'a = 0.6 0.7');
    await web.page.waitForFunction(() =>
      /model\.a: 0\.6, 0\.7/.test(document.getElementById('preview-params')?.textContent ?? ''),
    );
    await screenshot(web.page, 'flow-06-clone');
    await Promise.all([
      web.page.waitForURL(
        (url) => /^\/series\/(?!new$)[^/]+$/.test(url.pathname) && !url.pathname.endsWith(firstSeries),
      ),
      web.page.click('#launch'),
    ]);
    assert.equal(await web.page.locator('dt', { hasText: 'Cloned from' }).count(), 1);
    await web.page.click('summary:has-text("INI template")');
    assert.match(await web.page.locator('details pre').last().innerText(), /^a = 0\.6 0\.7/m);
    const home = await web.page.goto(web.tuplet.stack.url);
    assert.equal(home?.status(), 200);
    assert.equal(await web.page.locator('tr[data-series]').count(), 3);
    await screenshot(web.page, 'flow-07-home');
  });

  void test('the local host answers its check', async () => {
    await web.page.goto(`${web.tuplet.stack.url}/hosts`);
    await web.page.click('[data-check="local"]');
    const result = web.page.locator('[data-check-result="local"]');
    await result.waitFor({ timeout: 60_000 });
    assert.match(await result.innerText(), /"host": "local"/);
    await screenshot(web.page, 'flow-08-host-check');
  });

  void test('sign out', async () => {
    await signOut(web.page);
    await web.page.goto(web.tuplet.stack.url);
    assert.match(web.page.url(), /\/login/);
    assert.deepEqual(web.session.errors, []);
    assert.deepEqual(web.session.cspViolations, []);
  });
});
