// Series post-processing on the series page (docs/postprocess.md), in a real Chromium over the
// whole stack: an application's post-processing command reads runs.tsv and each run's
// metrics.json and writes a PNG plot and a CSV; once the series ends, its page shows the plot
// (an image the browser decoded, of the size the command drew) and the CSV as a table; "Run
// post-processing again" runs it again. A failing command is shown — state, exit code, its
// stderr — while the series completes.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { waitFor } from '../support/wait.ts';
import { screenshot } from './support/browser.ts';
import { useBrowserOnStack, addApplication, runSeries } from './support/stack-seed.ts';

/** Each run squares its x into metrics.json. */
const SQUARE = `awk -F' = ' '$1=="x"{printf "{\\"y\\": %d}", $2*$2}' config.ini > metrics.json`;

/** y against the run index as a bar chart (a PNG written with zlib alone), and as a CSV. */
const PLOT = `python3 - <<'PY'
import csv, json, struct, zlib
runs = list(csv.DictReader(open('runs.tsv'), delimiter='\\t'))
ys = [json.load(open('runs/%s/metrics.json' % r['dir']))['y'] for r in runs]
with open('postprocess/y.csv', 'w') as out:
    out.write('index,y\\n')
    for r, y in zip(runs, ys):
        out.write('%s,%d\\n' % (r['index'], y))
W, H, top = 24 * len(ys) + 8, 108, max(ys)
def pixel(x, y):
    i = (x - 4) // 24
    bar = 0 <= i < len(ys) and (x - 4) % 24 < 18 and H - 4 - ys[i] * 100 // top <= y < H - 4
    return b'\\x00\\x72\\xb2' if bar else b'\\xff\\xff\\xff'
rows = b''.join(b'\\x00' + b''.join(pixel(x, y) for x in range(W)) for y in range(H))
def chunk(kind, data):
    return struct.pack('>I', len(data)) + kind + data + struct.pack('>I', zlib.crc32(kind + data))
png = b'\\x89PNG\\r\\n\\x1a\\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', W, H, 8, 2, 0, 0, 0))
open('postprocess/y.png', 'wb').write(png + chunk(b'IDAT', zlib.compress(rows)) + chunk(b'IEND', b''))
print('plotted %d runs' % len(ys))
PY`;

const INI = '[p]\nx = 1 2 3\n';

const web = useBrowserOnStack();
let plotted = '';
let broken = '';

/** The natural size of the first image of the post-processing card, once the browser decoded it. */
async function shownPlotSize(): Promise<number[]> {
  const plot = web.page.locator('#postprocess-files img').first();
  assert.equal(await plot.getAttribute('alt'), 'y.png', 'images lead the files');
  await plot.scrollIntoViewIfNeeded(); // it loads lazily
  return plot.evaluate((img: HTMLImageElement) =>
    img.complete && img.naturalWidth > 0
      ? [img.naturalWidth, img.naturalHeight]
      : new Promise<number[]>((resolve, reject) => {
          img.addEventListener('load', () => resolve([img.naturalWidth, img.naturalHeight]), { once: true });
          img.addEventListener('error', () => reject(new Error(`${img.src} did not load`)), { once: true });
        }),
  );
}

interface Postprocess {
  outcome: { state: string; startedAt?: string } | null;
}

void describe('post-processing on the series page', { timeout: 600_000 }, () => {
  before(async () => {
    await addApplication(web.tuplet.stack, { name: 'squares', command: SQUARE, postprocess: PLOT });
    await addApplication(web.tuplet.stack, {
      name: 'squares-unplotted',
      command: SQUARE,
      postprocess: 'echo "no plot today" >&2; exit 3',
    });
    const [good, bad] = await Promise.all([
      runSeries(web.tuplet.stack, { application: 'squares', host: 'local', ini: INI }),
      runSeries(web.tuplet.stack, { application: 'squares-unplotted', host: 'local', ini: INI }),
    ]);
    assert.equal(good.state, 'completed', JSON.stringify(good));
    plotted = good.id;
    broken = bad.id;
  });

  void test("the command's plot and CSV show on the series page", async () => {
    await web.page.goto(`${web.tuplet.stack.url}/series/${plotted}`);
    const card = web.page.locator('#postprocess');
    assert.equal(await card.locator('h2 [data-state]').getAttribute('data-state'), 'succeeded');
    assert.match(await card.locator('p.small').first().innerText(), /exit code 0$/);
    // In a <details> left closed when the step succeeded.
    assert.match((await web.page.locator('#postprocess-log').textContent()) ?? '', /plotted 3 runs/);

    // The browser decoded the plot, at the size the command drew it.
    assert.deepEqual(await shownPlotSize(), [24 * 3 + 8, 108]);

    const csv = web.page.locator('#postprocess-files details', { hasText: 'y.csv' });
    assert.deepEqual(await csv.locator('table tr').allInnerTexts(), ['index\ty', '0\t1', '1\t4', '2\t9']);
    await screenshot(web.page, 'postprocess-01-plot');
  });

  void test('"Run post-processing again" runs the command again', async () => {
    const before = await web.tuplet.stack.request<Postprocess>(
      'GET',
      `/api/v1/series/${plotted}/postprocess`,
    );
    await web.page.goto(`${web.tuplet.stack.url}/series/${plotted}`);
    // Once the request is taken, the page reloads.
    await Promise.all([web.page.waitForEvent('load'), web.page.click('#postprocess-again')]);
    await waitFor(
      async () => {
        const now = await web.tuplet.stack.request<Postprocess>(
          'GET',
          `/api/v1/series/${plotted}/postprocess`,
        );
        const outcome = now.body.outcome;
        return outcome?.state === 'succeeded' && outcome.startedAt !== before.body.outcome?.startedAt
          ? outcome
          : undefined;
      },
      { what: 'post-processing to run again', timeoutMs: 120_000 },
    );
    await web.page.reload();
    assert.equal(
      await web.page.locator('#postprocess h2 [data-state]').getAttribute('data-state'),
      'succeeded',
    );
    assert.deepEqual(await shownPlotSize(), [24 * 3 + 8, 108]);
  });

  void test('a failing command is shown with its exit code and output; the series completes', async () => {
    await web.page.goto(`${web.tuplet.stack.url}/series/${broken}`);
    assert.equal(await web.page.locator('h1 [data-state]').getAttribute('data-state'), 'completed');
    const card = web.page.locator('#postprocess');
    assert.equal(await card.locator('h2 [data-state]').getAttribute('data-state'), 'failed');
    assert.match(await card.locator('p.small').first().innerText(), /exit code 3$/);
    assert.ok(await web.page.locator('#postprocess-log').isVisible(), 'the output is open when it failed');
    assert.match(await web.page.locator('#postprocess-log').innerText(), /no plot today/);
    assert.equal(await web.page.locator('#postprocess-files').count(), 0);
    await screenshot(web.page, 'postprocess-02-failed');
    assert.deepEqual(web.session.errors, []);
    assert.deepEqual(web.session.cspViolations, []);
  });
});
