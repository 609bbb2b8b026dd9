// The waiting reason on the series page (docs/quotas.md), in a real Chromium over the whole
// stack: a series held by its owner's storage quota shows `queued` and the quota that holds it,
// the home page's state filter finds it; once the admin removes the quota, the open page follows
// the series live to its end and the reason goes.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { waitForSeries, type SeriesBody } from '../support/stack.ts';
import { screenshot } from './support/browser.ts';
import { waitForShownSeriesState } from './support/series-page.ts';
import { addApplication, useBrowserOnStack } from './support/stack-seed.ts';

const HELD_BY_STORAGE = 'user quota: 0 bytes stored, at maxStorageBytes 0 of user admin on host local';

void describe('the waiting reason on the series page', () => {
  const web = useBrowserOnStack();

  before(async () => {
    await addApplication(web.tuplet.stack, { name: 'quick', command: 'true' });
  });

  void test('a series held by a quota shows queued and why, until the quota goes', async () => {
    const { stack } = web.tuplet;
    const { page } = web;
    // No storage at all: the series waits until the quota is removed.
    const quota = await stack.request<{ id: string }>('POST', '/api/v1/quotas', {
      scope: 'user',
      subject: 'admin',
      host: 'local',
      maxStorageBytes: 0,
    });
    assert.equal(quota.status, 201, JSON.stringify(quota.body));
    const created = await stack.request<{ id: string }>('POST', '/api/v1/series', {
      application: 'quick',
      host: 'local',
      ini: 'x = 1 2\n',
      description: 'held by storage',
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id = created.body.id;
    await waitForSeries<SeriesBody>(stack, id, (s) => s.state === 'queued');

    await page.goto(`${stack.url}/series/${id}`);
    assert.equal(await page.locator('[data-series-state] [data-state]').getAttribute('data-state'), 'queued');
    const reason = page.locator('[data-series-wait-reason]');
    assert.equal(await reason.innerText(), `Waiting: ${HELD_BY_STORAGE}`);
    await screenshot(page, 'quota-wait-01-queued');

    await page.goto(`${stack.url}/?state=queued`);
    assert.equal((await page.locator(`a[href="/series/${id}"]`).count()) > 0, true, 'listed under queued');

    await page.goto(`${stack.url}/series/${id}`);
    const removed = await stack.request('DELETE', `/api/v1/quotas/${quota.body.id}`);
    assert.equal(removed.status, 204);
    // The open page follows the series (server-sent events): it runs, and the reason goes.
    await waitForShownSeriesState(page, 'completed');
    assert.equal(await reason.isVisible(), false);
    assert.equal(await reason.innerText(), '');
    await screenshot(page, 'quota-wait-02-completed');
    assert.deepEqual(web.session.errors, []);
    assert.deepEqual(web.session.cspViolations, []);
  });
});
