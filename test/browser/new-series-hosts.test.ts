// A series over two hosts launched from the new-series form in a real Chromium, on the whole
// stack (Temporal, PGlite, two local hosts each served by a host worker of the stack): the
// Host and one box ticked under "Also run on" become the series' `hosts`, the series completes,
// and its page shows how many runs each host took; a pool chosen instead sends `pool`, which the
// API expands to the pool's hosts that are not drained (docs/multi-host.md).
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { waitForSeriesEnd, type InProcessStack } from '../support/stack.ts';
import { screenshot } from './support/browser.ts';
import { openBrowserSession, STACK_ADMIN, type BrowserSession } from './support/session.ts';
import { addApplication, startBrowserTestStack, type BrowserTestStack } from './support/stack-seed.ts';

const HOSTS = ['near', 'far'];
const RUNS = 8;

let running: BrowserTestStack;
let stack: InProcessStack;
let session: BrowserSession;
let page: Page;
let scratch: string;

void describe('a series over several hosts from the new-series form', { timeout: 400_000 }, () => {
  before(async () => {
    scratch = await mkdtemp(path.join(os.tmpdir(), 'tuplet-new-series-hosts-'));
    running = await startBrowserTestStack();
    stack = running.stack;
    for (const name of HOSTS) {
      const created = await stack.request('POST', '/api/v1/hosts', {
        name,
        kind: 'local',
        workdir: path.join(scratch, name),
        slots: 2,
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
    }
    // Each run takes a moment, so a host's lanes are busy when the next chunk is placed.
    await addApplication(stack, { name: 'pause', command: 'sleep 1; echo done' });
    session = await openBrowserSession(stack.url, STACK_ADMIN);
    page = session.page;
  });
  after(async () => {
    await session?.close();
    await running?.stop();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  void test('the Host and a ticked box launch one series over both; its page shows the split', async () => {
    await page.goto(`${stack.url}/series/new`);
    await page.selectOption('#application', 'pause');
    await page.selectOption('#host', 'near');
    await page.check('[data-more-host="far"] input');
    await page.fill('#ini', `i = ${Array.from({ length: RUNS }, (_, i) => i).join(' ')}\n`);
    await page.locator(`#preview-count[data-count="${RUNS}"]`).waitFor();
    assert.equal(await page.locator('[data-review="host"]').innerText(), 'near, far');
    await Promise.all([page.waitForURL(/\/series\/(?!new)[^/?]+$/), page.click('#launch')]);
    const id = decodeURIComponent(new URL(page.url()).pathname.split('/').at(-1)!);

    const ended = await waitForSeriesEnd(stack, id);
    assert.equal(ended.state, 'completed');
    const { body } = await stack.request<{ hosts: string[] }>('GET', `/api/v1/series/${id}`);
    assert.deepEqual(body.hosts, HOSTS);

    await page.reload();
    const split = await page
      .locator('[data-host-split] li[data-host]')
      .evaluateAll((items) =>
        items.map((li) => [li.getAttribute('data-host'), Number(li.querySelector('strong')?.textContent)]),
      );
    assert.deepEqual(split.map(([host]) => host).sort(), [...HOSTS].sort());
    assert.equal(
      split.reduce((sum, [, runs]) => sum + Number(runs), 0),
      RUNS,
    );
    for (const [host, runs] of split) assert.ok(Number(runs) > 0, `${host} took no run`);
    await screenshot(page, 'new-series-03-two-hosts');
    assert.deepEqual(session.errors, []);
    assert.deepEqual(session.cspViolations, []);
  });

  void test('a pool chosen instead runs on its hosts that are not drained; a drained host cannot be chosen', async () => {
    for (const name of HOSTS) {
      const pooled = await stack.request('PATCH', `/api/v1/hosts/${name}`, { pool: 'lab' });
      assert.equal(pooled.status, 200, JSON.stringify(pooled.body));
    }
    // In the pool too, but drained: the API leaves it out, and the form neither offers nor lists it.
    const spare = await stack.request('POST', '/api/v1/hosts', {
      name: 'spare',
      kind: 'local',
      workdir: path.join(scratch, 'spare'),
      pool: 'lab',
      drained: true,
    });
    assert.equal(spare.status, 201, JSON.stringify(spare.body));

    await page.goto(`${stack.url}/series/new`);
    assert.equal(await page.locator('#host option[value="spare"]').isDisabled(), true);
    assert.match(await page.locator('#host option[value="spare"]').innerText(), /drained/);
    assert.equal(await page.locator('[data-more-host="spare"] input').isDisabled(), true);
    await page.selectOption('#application', 'pause');
    await page.selectOption('#pool', 'lab');
    assert.equal(await page.locator('#host').isDisabled(), true, 'the pool names the hosts');
    await page.fill('#ini', `i = ${Array.from({ length: RUNS }, (_, i) => i).join(' ')}\n`);
    await page.locator(`#preview-count[data-count="${RUNS}"]`).waitFor();
    assert.equal(await page.locator('[data-review="host"]').innerText(), 'pool lab: far, near');
    const sent = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith('/api/v1/series'));
    await Promise.all([page.waitForURL(/\/series\/(?!new)[^/?]+$/), page.click('#launch')]);
    const body = (await sent).postDataJSON() as Record<string, unknown>;
    assert.equal(body.pool, 'lab');
    assert.equal(body.host, undefined, 'no host beside the pool (the API refuses both)');
    assert.equal(body.hosts, undefined);
    const id = decodeURIComponent(new URL(page.url()).pathname.split('/').at(-1)!);

    const ended = await waitForSeriesEnd(stack, id);
    assert.equal(ended.state, 'completed');
    const { body: series } = await stack.request<{ hosts: string[] }>('GET', `/api/v1/series/${id}`);
    assert.deepEqual([...series.hosts].sort(), [...HOSTS].sort());
    assert.deepEqual(session.errors, []);
    assert.deepEqual(session.cspViolations, []);
  });
});
