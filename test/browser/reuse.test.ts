// Result reuse in the new-series form (docs/reuse.md), in a real Chromium over the whole stack:
// a sweep whose tuples already succeeded is offered them with a box that is not ticked for
// the user; ticked, the launch runs nothing and the runs table links each run to its original.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { waitForSeriesEnd } from '../support/stack.ts';
import { screenshot } from './support/browser.ts';
import { useBrowserOnStack, addApplication, runSeries } from './support/stack-seed.ts';

const INI = '[model]\nn = 1 2 3\n';

const web = useBrowserOnStack();
let original = '';

void describe('reuse in the new-series form', { timeout: 600_000 }, () => {
  before(async () => {
    await addApplication(web.tuplet.stack, { name: 'noop', command: 'true' });
    const first = await runSeries(web.tuplet.stack, {
      application: 'noop',
      host: 'local',
      ini: INI,
      description: 'the first three',
    });
    assert.equal(first.state, 'completed');
    original = first.id;
  });

  void test('the form offers the runs that already succeeded, unticked; ticked, the launch reuses them', async () => {
    await web.page.goto(`${web.tuplet.stack.url}/series/new`);
    await web.page.selectOption('#application', 'noop');
    await web.page.selectOption('#host', 'local');
    await web.page.locator('#ini').fill(INI);
    const offer = web.page.locator('#reuse');
    await offer.waitFor({ state: 'visible' });
    assert.match(
      await web.page.locator('#reuse-text').innerText(),
      /^3 of 3 tuples already succeeded in series the first three — reuse them/,
    );
    assert.equal(await web.page.locator('#reuse-box').isChecked(), false, 'never ticked for the user');
    assert.equal(await web.page.locator(`#reuse-sources a[href="/series/${original}"]`).count(), 1);

    // A value no earlier series ran: the offer shrinks to the common tuples.
    await web.page.locator('#ini').fill('[model]\nn = 1 2 4\n');
    await web.page.waitForFunction(() =>
      document.getElementById('reuse-text')?.textContent?.startsWith('2 of 3 tuples'),
    );
    await screenshot(web.page, 'reuse-01-offer');

    await web.page.check('#reuse-box');
    await Promise.all([web.page.waitForURL(/\/series\/(?!new)[^/?]+$/), web.page.click('#launch')]);
    const id = web.page.url().split('/').at(-1)!;
    assert.equal((await waitForSeriesEnd(web.tuplet.stack, id)).state, 'completed');
    await web.page.reload();
    const links = web.page.locator(`#runs a[data-reused-from="${original}"]`);
    assert.equal(await links.count(), 2);
    await links.first().click();
    await web.page.waitForURL(new RegExp(`/series/${original}/runs/0$`));
    await screenshot(web.page, 'reuse-02-original-run');
    assert.deepEqual(web.session.errors, []);
  });
});
