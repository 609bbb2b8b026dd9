// Applications' `input` in a real Chromium over the whole stack: the applications page shows
// what each run receives (the template example's template among it), an admin adds an
// application with an input through the page's form, and the new-series form's live preview
// refuses a sweep the template does not fit, naming the line, before launch.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { startTemporal, type TestTemporal } from '../support/temporal.ts';
import { startTestStack, type InProcessStack } from '../support/stack.ts';
import { collectPageErrors, launchBrowser, screenshot, type Browser } from './support/browser.ts';

const ADMIN_PASSWORD = 'test-password-long'; // what startTestStack gives the bootstrap admin

let temporal: TestTemporal;
let stack: InProcessStack;
let browser: Browser;
let page: Page;
let errors: string[];

/** Waits for the preview to show an error matching `pattern` (it answers after a pause in typing). */
async function previewError(pattern: RegExp): Promise<void> {
  await page.waitForFunction(
    (source) => new RegExp(source).test(document.getElementById('preview-error')?.textContent ?? ''),
    pattern.source,
  );
  assert.ok(await page.locator('#preview-error').isVisible());
}

void describe('application input on the web pages', { timeout: 300_000 }, () => {
  before(async () => {
    temporal = await startTemporal();
    stack = await startTestStack({ temporalAddress: temporal.address });
    browser = await launchBrowser();
    page = await browser.newPage();
    errors = collectPageErrors(page);
    await page.goto(stack.url);
    await page.fill('#name', 'admin');
    await page.fill('#password', ADMIN_PASSWORD);
    await Promise.all([page.waitForURL(`${stack.url}/`), page.click('button[type=submit]')]);
  });
  after(async () => {
    await browser?.close();
    await stack?.stop();
    await temporal?.stop();
  });

  void test("the applications page shows each application's input, a template's text folded away", async () => {
    await page.goto(`${stack.url}/applications`);
    const binding = page.locator('section', { has: page.locator('h2', { hasText: /^binding$/ }) });
    const facts = binding.locator('[data-input-format="template"]');
    assert.match(
      await facts.innerText(),
      /template into model\.txt from model\.tpl, and TUPLET_P_\* variables/,
    );
    await facts.locator('summary').click();
    assert.match(await facts.locator('pre').innerText(), /^define KON \{\{reaction\.kon\}\}$/m);
    const spiral = page.locator('section', { has: page.locator('h2', { hasText: /^spiral$/ }) });
    assert.match(await spiral.locator('[data-input-format="ini"]').innerText(), /INI file/);
  });

  void test('an admin adds an application with an input through the form', async () => {
    await page.goto(`${stack.url}/applications`);
    await page.fill('#new-app-name', 'flags');
    await page.fill('#new-app-command', 'python3 model.py');
    await page.fill('#new-app-input', '{"format": "args", "argPattern": "--{key}={value}"}');
    await Promise.all([
      page.waitForEvent('load'),
      page.click('section:has(#new-app-name) button[type=submit]'),
    ]);
    const { body } = await stack.request<{ input: unknown }>('GET', '/api/v1/applications/flags');
    assert.deepEqual(body.input, { format: 'args', argPattern: '--{key}={value}' });
    const flags = page.locator('section', { has: page.locator('h2', { hasText: /^flags$/ }) });
    assert.match(
      await flags.locator('[data-input-format="args"]').innerText(),
      /args arguments --\{key\}=\{value\}/,
    );
    await screenshot(page, 'input-01-applications');
  });

  void test("the live preview refuses a sweep the application's template does not fit, naming the line", async () => {
    await page.goto(`${stack.url}/series/new`);
    await page.selectOption('#application', 'binding');
    // reaction.kon is varied; the template also needs the other keys it names.
    await page.fill('#ini', '[reaction]\nkon = 0.1 0.2\n');
    await previewError(/model\.tpl line 5: placeholder \{\{reaction\.koff\}\} names no key/);
    await page.fill(
      '#ini',
      '[reaction]\nkon = 0.1\nkoff = 0.1\n[molecules]\na = 1\nb = 1\n[time]\ndt = 0.1\nsteps = 10\n[random]\nseed = 1\nextra = 1 2\n',
    );
    await previewError(/^line 12: random\.extra is varied but the template model\.tpl never uses it/);
    assert.equal(await page.locator('#gutter .bad').innerText(), '12');
    await screenshot(page, 'input-02-preview');
    assert.deepEqual(errors, []);
  });
});
