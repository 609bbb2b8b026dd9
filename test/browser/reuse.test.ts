// Result reuse in the new-series form (docs/reuse.md), in a real Chromium over the whole stack:
// a sweep whose tuples already succeeded is offered them with a box that is not ticked for
// the user; ticked, the launch runs nothing and the runs table links each run to its original.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { waitForSeriesEnd, type InProcessStack } from '../support/stack.ts';
import { screenshot } from './support/browser.ts';
import { openBrowserSession, STACK_ADMIN, type BrowserSession } from './support/session.ts';
import {
  addApplication,
  runSeries,
  startBrowserTestStack,
  type BrowserTestStack,
} from './support/stack-seed.ts';

const INI = '[model]\nn = 1 2 3\n';

let running: BrowserTestStack;
let stack: InProcessStack;
let session: BrowserSession;
let page: Page;
let original = '';

void describe('reuse in the new-series form', { timeout: 600_000 }, () => {
  before(async () => {
    running = await startBrowserTestStack();
    stack = running.stack;
    await addApplication(stack, { name: 'noop', command: 'true' });
    const first = await runSeries(stack, {
      application: 'noop',
      host: 'local',
      ini: INI,
      description: 'the first three',
    });
    assert.equal(first.state, 'completed');
    original = first.id;
    session = await openBrowserSession(stack.url, STACK_ADMIN);
    page = session.page;
  });
  after(async () => {
    await session?.close();
    await running?.stop();
  });

  void test('the form offers the runs that already succeeded, unticked; ticked, the launch reuses them', async () => {
    await page.goto(`${stack.url}/series/new`);
    await page.selectOption('#application', 'noop');
    await page.selectOption('#host', 'local');
    await page.locator('#ini').fill(INI);
    const offer = page.locator('#reuse');
    await offer.waitFor({ state: 'visible' });
    assert.match(
      await page.locator('#reuse-text').innerText(),
      /^3 of 3 tuples already succeeded in series the first three — reuse them/,
    );
    assert.equal(await page.locator('#reuse-box').isChecked(), false, 'never ticked for the user');
    assert.equal(await page.locator(`#reuse-sources a[href="/series/${original}"]`).count(), 1);

    // A value no earlier series ran: the offer shrinks to the common tuples.
    await page.locator('#ini').fill('[model]\nn = 1 2 4\n');
    await page.waitForFunction(() =>
      document.getElementById('reuse-text')?.textContent?.startsWith('2 of 3 tuples'),
    );
    await screenshot(page, 'reuse-01-offer');

    await page.check('#reuse-box');
    await Promise.all([page.waitForURL(/\/series\/(?!new)[^/?]+$/), page.click('#launch')]);
    const id = page.url().split('/').at(-1)!;
    assert.equal((await waitForSeriesEnd(stack, id)).state, 'completed');
    await page.reload();
    const links = page.locator(`#runs a[data-reused-from="${original}"]`);
    assert.equal(await links.count(), 2);
    await links.first().click();
    await page.waitForURL(new RegExp(`/series/${original}/runs/0$`));
    await screenshot(page, 'reuse-02-original-run');
    assert.deepEqual(session.errors, []);
  });
});
