// The run page plots NetCDF data in a real Chromium: a classic file and a NetCDF-4 file written
// by netCDF4-python (test/fixtures/netcdf) are a run's outputs; their 2-D slices show as
// heatmaps, a 1-D variable as a line, the form chooses the variable and the slice, a bad index
// is refused naming the dimension, and the SVG and PNG downloads work.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { insertFiles } from '../../db/files.ts';
import { getRun } from '../../db/runs.ts';
import { netCdfFixture } from '../support/netcdf.ts';
import { collectPageErrors, launchBrowser, screenshot, type Browser } from './support/browser.ts';
import { ADMIN, startWebTestServer, type WebTestServer } from './support/server.ts';
import { signIn } from './support/sign-in.ts';

let server: WebTestServer;
let browser: Browser;
let page: Page;
let errors: string[];
let runUrl: string;

/** The preview section of one file (its <details>). */
const fileCard = (name: string) =>
  page.locator('details.file', { has: page.locator(`summary code:text-is("${name}")`) });

void describe('run page: NetCDF variables plotted', () => {
  before(async () => {
    server = await startWebTestServer();
    const run = (await getRun(server.db, server.completed.id, 1))!;
    const dir = path.join(server.storageDir, server.completed.id, 'runs', run.dir);
    await mkdir(dir, { recursive: true });
    const outputs: Array<[string, Buffer]> = [
      ['ocean.nc', netCdfFixture('classic.nc')],
      ['atmos.nc', netCdfFixture('netcdf4.nc')],
    ];
    for (const [name, bytes] of outputs) await writeFile(path.join(dir, name), bytes);
    await insertFiles(
      server.db,
      server.completed.id,
      outputs.map(([name, bytes]) => ({
        runIndex: 1,
        path: `runs/${run.dir}/${name}`,
        size: bytes.length,
        sha256: '0'.repeat(64),
      })),
    );
    runUrl = `${server.url}/series/${server.completed.id}/runs/1`;
    browser = await launchBrowser();
    page = await browser.newPage();
    errors = collectPageErrors(page);
    await signIn(page, server.url, ADMIN);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  void test('both files show temp(y, x) at time=0 as a heatmap with its missing value grey', async () => {
    await page.goto(runUrl);
    for (const name of ['ocean.nc', 'atmos.nc']) {
      const card = fileCard(name);
      const cells = card.locator('svg.plot .netcdf-cells rect');
      assert.equal(await cells.count(), 12, `${name}: 3 × 4 cells`);
      assert.equal(await card.locator('svg.plot title').first().textContent(), 'temp(y, x) at time=0');
      // Row 2, column 3 of time 0 is -7 + 1.5 × 11 = 9.5; the colour bar names the units.
      assert.equal(await cells.nth(11).locator('title').textContent(), 'y[2], x[3]: 9.5');
      assert.ok(await card.getByText('temp (K)').isVisible(), `${name}: colour bar label`);
    }
    await screenshot(page, 'netcdf-01-heatmaps');
  });

  void test('the form chooses the slice and the variable', async () => {
    const card = fileCard('atmos.nc');
    await card.locator('input[name="at.time"]').fill('1');
    await Promise.all([page.waitForURL(/at\.time=1/), card.getByRole('button', { name: 'Plot' }).click()]);
    const atmos = fileCard('atmos.nc');
    assert.equal(await atmos.locator('svg.plot title').first().textContent(), 'temp(y, x) at time=1');
    assert.equal(
      await atmos.locator('.netcdf-cells rect').nth(11).locator('title').textContent(),
      'y[2], x[3]: missing',
      'the _FillValue is a missing cell',
    );
    assert.equal(await atmos.locator('.netcdf-cells rect').nth(11).getAttribute('fill'), '#ddd');

    const ocean = fileCard('ocean.nc');
    await ocean.locator('select[name="var"]').selectOption('series');
    await Promise.all([page.waitForURL(/var=series/), ocean.getByRole('button', { name: 'Plot' }).click()]);
    const line = fileCard('ocean.nc').locator('svg.plot polyline');
    assert.equal(await line.count(), 1, 'series(time) is a line');
    assert.equal(await fileCard('ocean.nc').locator('svg.plot title').first().textContent(), 'series(time)');
    assert.equal((await line.getAttribute('points'))!.split(' ').length, 3, 'one point per record');
    await screenshot(page, 'netcdf-02-line');
  });

  void test('an index out of range is refused naming the dimension', async () => {
    await page.goto(`${runUrl}?nc=ocean.nc&var=temp&at.time=7`);
    assert.equal(
      await fileCard('ocean.nc').getByRole('alert').textContent(),
      "index of dimension 'time': 7 is out of range (it has 3 entries, 0–2)",
    );
    const svg = await page.request.get(`${runUrl}?nc=ocean.nc&var=temp&at.time=7&format=svg`);
    assert.equal(svg.status(), 422);
    assert.match(await svg.text(), /ocean\.nc: index of dimension 'time': 7 is out of range/);
  });

  void test('SVG and PNG downloads of the plot', async () => {
    await page.goto(`${runUrl}?nc=atmos.nc&var=temp&at.time=2`);
    const card = fileCard('atmos.nc');
    const href = await card.getByRole('link', { name: 'Download SVG' }).getAttribute('href');
    const svg = await page.request.get(new URL(href!, page.url()).toString());
    assert.equal(svg.status(), 200);
    assert.match(svg.headers()['content-type']!, /^image\/svg\+xml/);
    const body = await svg.text();
    assert.match(body, /^<\?xml/);
    assert.match(body, /<title id="plot-title">temp\(y, x\) at time=2<\/title>/);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      card.getByRole('button', { name: 'Download PNG' }).click(),
    ]);
    const png = await readFile((await download.path())!);
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    assert.ok(png.length > 2000, `a drawn image, not an empty one (${png.length} bytes)`);
    assert.deepEqual(errors, []);
  });
});
