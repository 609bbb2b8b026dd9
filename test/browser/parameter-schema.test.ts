// The new-series form with an application that declares a parameter schema, in a real
// Chromium over the whole stack: the schema's description and unit sit beside the INI editor,
// a value the schema refuses is flagged on its line before launch (and the launch is refused),
// a package with a bad entry is refused by name, and a good package is uploaded with its
// checked file list and unpacked for the runs of the series launched with it.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { waitForSeriesEnd } from '../support/stack.ts';
import { screenshot } from './support/browser.ts';
import { useBrowserOnStack, addApplication } from './support/stack-seed.ts';

const run = promisify(execFile);
const APP = 'decay';
const SCHEMA = [
  {
    name: 'model.rate',
    type: 'float',
    min: 0,
    max: 1,
    unit: '1/s',
    description: 'how fast the signal decays',
  },
  { name: 'model.size', type: 'int', min: 1, max: 64, unit: 'cells', description: 'grid cells per side' },
];
const GOOD = '[model]\nrate = 0.5\nsize = 8 16\n';

/** A zip written by Python's zipfile, which takes any entry name (also `../x`). */
async function makeZip(file: string, entries: Record<string, string>): Promise<string> {
  const script = `import sys, zipfile, json\nwith zipfile.ZipFile(sys.argv[1], 'w') as z:\n  for k, v in json.loads(sys.argv[2]).items(): z.writestr(k, v)\n`;
  await run('python3', ['-c', script, file, JSON.stringify(entries)]);
  return file;
}

const web = useBrowserOnStack();

void describe('the new-series form with a parameter schema and a package', { timeout: 300_000 }, () => {
  before(async () => {
    await addApplication(web.tuplet.stack, {
      name: APP,
      command: 'cat ../../inputs/greeting.txt > seen.txt',
      parameters: SCHEMA,
    });
  });

  void test("the chosen application's parameters are described, with units, beside the editor", async () => {
    await web.page.goto(`${web.tuplet.stack.url}/series/new`);
    await web.page.selectOption('#application', APP);
    const guide = web.page.locator(`[data-schema-for="${APP}"]`);
    await guide.waitFor({ state: 'visible' });
    const rate = guide.locator('[data-parameter="model.rate"]');
    assert.equal(await rate.locator('[data-unit]').innerText(), '1/s');
    assert.equal(await rate.locator('[data-description]').innerText(), 'how fast the signal decays');
    assert.match(await rate.innerText(), /float 0 … 1/);
    assert.equal(await guide.locator('[data-parameter="model.size"] [data-unit]').innerText(), 'cells');
  });

  void test('a value out of range is flagged on its line before launch, and the launch is refused', async () => {
    await web.page.fill('#ini', '[model]\nrate = 0.5\nsize = 8 128\ncolour = red\n');
    const flagged = web.page.locator('#preview-schema-list li.error');
    await flagged.waitFor();
    assert.match(
      await flagged.innerText(),
      /^line 3: model\.size has 1 of 2 values .*"128" is above the maximum 64/,
    );
    assert.equal(await web.page.locator('#gutter .bad').innerText(), '3');
    assert.equal(await web.page.locator('#gutter .warn').innerText(), '4');
    assert.match(
      await web.page.locator('[data-review="count"]').innerText(),
      /fix the values the parameter schema/,
    );
    await screenshot(web.page, 'schema-01-flagged');
    await web.page.click('#launch');
    await web.page.locator('#launch-error').waitFor();
    assert.match(await web.page.locator('#launch-error').innerText(), /line 3: model\.size/);
    assert.match(web.page.url(), /\/series\/new$/);
  });

  void test('a package with an entry leaving its directory is refused, naming the entry', async () => {
    const bad = await makeZip(path.join(web.tuplet.stack.dataDir, 'bad.zip'), { '../evil.sh': 'echo hi\n' });
    await web.page.setInputFiles('#package', bad);
    await web.page.waitForFunction(() =>
      document.getElementById('package-status')?.classList.contains('error'),
    );
    assert.match(
      await web.page.locator('#package-status').innerText(),
      /bad\.zip was refused: .*\.\.\/evil\.sh/,
    );
    assert.ok(await web.page.locator('#package-files').isHidden());
  });

  void test('a good package uploads with its checked file list, and the series runs with it', async () => {
    const good = await makeZip(path.join(web.tuplet.stack.dataDir, 'inputs.zip'), {
      'inputs/greeting.txt': 'hello from the form\n',
      'inputs/notes.md': '# notes\n',
    });
    await web.page.setInputFiles('#package', good);
    await web.page.locator('#package-files li', { hasText: 'inputs/greeting.txt' }).waitFor();
    assert.match(await web.page.locator('#package-status').innerText(), /inputs\.zip: checked, 2 entries/);
    assert.ok(await web.page.locator('#package-progress').isHidden());
    await web.page.fill('#ini', GOOD);
    await web.page.waitForFunction(() => document.getElementById('preview-count')?.textContent === '2');
    await web.page.locator('#preview-schema-list li', { hasText: 'every value fits the schema' }).waitFor();
    assert.equal(await web.page.locator('#gutter .bad').count(), 0);
    await screenshot(web.page, 'schema-02-package');
    await Promise.all([web.page.waitForURL(/\/series\/(?!new)[^/?]+$/), web.page.click('#launch')]);
    const id = web.page.url().split('/').at(-1)!;

    const series = await waitForSeriesEnd(web.tuplet.stack, id);
    assert.equal(series.state, 'completed', JSON.stringify(series));
    const { body } = await web.tuplet.stack.request<{ runs: Array<{ dir: string }> }>(
      'GET',
      `/api/v1/series/${id}/runs`,
    );
    assert.equal(body.runs.length, 2);
    for (const r of body.runs) {
      const seen = await readFile(
        path.join(web.tuplet.stack.dataDir, 'work', id, 'runs', r.dir, 'seen.txt'),
        'utf8',
      );
      assert.equal(seen, 'hello from the form\n');
    }
    assert.deepEqual(web.session.errors, []);
    assert.deepEqual(web.session.cspViolations, []);
  });
});
