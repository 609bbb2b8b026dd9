// Applications' `input` in a real Chromium over the whole stack: the applications page shows
// what each run receives (the template example's template among it), an admin adds an
// application with an input through the page's form, and the new-series form's live preview
// refuses a sweep the template does not fit, naming the line, before launch.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { screenshot } from './support/browser.ts';
import { useBrowserOnStack } from './support/stack-seed.ts';

const web = useBrowserOnStack();

/** Waits for the preview to show an error matching `pattern` (it answers after a pause in typing). */
async function previewError(pattern: RegExp): Promise<void> {
  await web.page.waitForFunction(
    (source) => new RegExp(source).test(document.getElementById('preview-error')?.textContent ?? ''),
    pattern.source,
  );
  assert.ok(await web.page.locator('#preview-error').isVisible());
}

void describe('application input on the web pages', { timeout: 300_000 }, () => {
  void test("the applications page shows each application's input, a template's text folded away", async () => {
    await web.page.goto(`${web.tuplet.stack.url}/applications`);
    const binding = web.page.locator('section', { has: web.page.locator('h2', { hasText: /^binding$/ }) });
    const facts = binding.locator('[data-input-format="template"]');
    assert.match(
      await facts.innerText(),
      /template into model\.txt from model\.tpl, and TUPLET_P_\* variables/,
    );
    await facts.locator('summary').click();
    assert.match(await facts.locator('pre').innerText(), /^define KON \{\{reaction\.kon\}\}$/m);
    const spiral = web.page.locator('section', { has: web.page.locator('h2', { hasText: /^spiral$/ }) });
    assert.match(await spiral.locator('[data-input-format="ini"]').innerText(), /INI file/);
  });

  void test('an admin adds an application with an input through the form', async () => {
    await web.page.goto(`${web.tuplet.stack.url}/applications`);
    await web.page.fill('#new-app-name', 'flags');
    await web.page.fill('#new-app-command', 'python3 model.py');
    await web.page.fill('#new-app-input', '{"format": "args", "argPattern": "--{key}={value}"}');
    await Promise.all([
      web.page.waitForEvent('load'),
      web.page.click('section:has(#new-app-name) button[type=submit]'),
    ]);
    const { body } = await web.tuplet.stack.request<{ input: unknown }>('GET', '/api/v1/applications/flags');
    assert.deepEqual(body.input, { format: 'args', argPattern: '--{key}={value}' });
    const flags = web.page.locator('section', { has: web.page.locator('h2', { hasText: /^flags$/ }) });
    assert.match(
      await flags.locator('[data-input-format="args"]').innerText(),
      /args arguments --\{key\}=\{value\}/,
    );
    await screenshot(web.page, 'input-01-applications');
  });

  void test("the live preview refuses a sweep the application's template does not fit, naming the line", async () => {
    await web.page.goto(`${web.tuplet.stack.url}/series/new`);
    await web.page.selectOption('#application', 'binding');
    // reaction.kon is varied; the template also needs the other keys it names.
    await web.page.fill('#ini', '[reaction]\nkon = 0.1 0.2\n');
    await previewError(/model\.tpl line 5: placeholder \{\{reaction\.koff\}\} names no key/);
    await web.page.fill(
      '#ini',
      '[reaction]\nkon = 0.1\nkoff = 0.1\n[molecules]\na = 1\nb = 1\n[time]\ndt = 0.1\nsteps = 10\n[random]\nseed = 1\nextra = 1 2\n',
    );
    await previewError(/^line 12: random\.extra is varied but the template model\.tpl never uses it/);
    assert.equal(await web.page.locator('#gutter .bad').innerText(), '12');
    await screenshot(web.page, 'input-02-preview');
    assert.deepEqual(web.session.errors, []);
    assert.deepEqual(web.session.cspViolations, []);
  });
});
