// The Results tab's export links in a real Chromium, signed in by the browser session: they
// carry the table's filter, download the matching runs as CSV and Parquet through the session
// cookie, and the series archive link appears for a finished series only.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ADMIN } from './support/server.ts';
import { useBrowserOnWebServer } from './support/use-session.ts';

const web = useBrowserOnWebServer(ADMIN);

void describe('results export links', () => {
  void test('the links carry the filter and download with the session', async () => {
    const filter = 'model.alpha = 0.2';
    await web.page.goto(
      `${web.tuplet.url}/series/${web.tuplet.completed.id}/results?filter=${encodeURIComponent(filter)}`,
    );
    const links = web.page.locator('#results-export a');
    assert.deepEqual(await links.allInnerTexts(), [
      'CSV',
      'JSON Lines',
      'Parquet',
      'Series archive (.tar.gz)',
    ]);
    const csvHref = (await links.nth(0).getAttribute('href'))!;
    assert.equal(new URL(csvHref, web.tuplet.url).searchParams.get('filter'), filter);

    // The page's own request context sends its session cookie, as a click on the link would.
    const csv = await web.page.request.get(new URL(csvHref, web.tuplet.url).toString());
    assert.equal(csv.status(), 200);
    const lines = (await csv.text()).trimEnd().split('\r\n');
    assert.match(lines[0]!, /^index,state,exit_code,started_at,ended_at,model\.alpha,tissue\.beta,/);
    // alpha 0.2 is runs 4..7 (index = 4·a + b).
    assert.deepEqual(
      lines.slice(1).map((l) => l.split(',')[0]),
      ['4', '5', '6', '7'],
    );
    const parquet = await web.page.request.get(
      new URL((await links.nth(2).getAttribute('href'))!, web.tuplet.url).toString(),
    );
    assert.equal(parquet.status(), 200);
    const bytes = await parquet.body();
    assert.equal(bytes.subarray(0, 4).toString(), 'PAR1');
    assert.equal(bytes.subarray(-4).toString(), 'PAR1');
    assert.deepEqual(web.session.errors, []);
  });

  void test('a running series offers its results but not the archive', async () => {
    await web.page.goto(`${web.tuplet.url}/series/${web.tuplet.running.id}/results`);
    assert.deepEqual(await web.page.locator('#results-export a').allInnerTexts(), [
      'CSV',
      'JSON Lines',
      'Parquet',
    ]);
  });
});
