// An application's template input over the API: the preview (with `application`) and series
// creation both refuse a template placeholder that names no key (naming the template's line)
// and a varied parameter the template never uses (naming the sweep's line), before anything
// is stored; a sweep the template fits previews and starts.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { SuiteContext } from './harness.ts';

const TEMPLATE = '# model\ndefine K {{m.k}}\ndefine N {{m.n}}\n';
const GOOD = '[m]\nk = 1 2\nn = 10\n';
/** `m.dt` is varied but the template never says {{m.dt}}. */
const UNUSED = '[m]\nk = 1 2\nn = 10\ndt = 0.1 0.2\n';
/** The template's `{{m.n}}` (line 3) names no key of this sweep. */
const MISSING = '[m]\nk = 1 2\n';

export function inputTests(ctx: SuiteContext): void {
  describe('template input', () => {
    const app = `template-${Math.random().toString(36).slice(2, 8)}`;
    const preview = (ini: string, application = app) =>
      ctx.h.request('POST', '/api/v1/sweeps/preview', { body: { ini, application } });
    const submit = (ini: string) =>
      ctx.h.request('POST', '/api/v1/series', { body: { application: app, host: 'local', ini } });

    test('an admin declares a template input; the preview of a sweep it fits answers 200', async () => {
      const created = await ctx.h.request('POST', '/api/v1/applications', {
        token: ctx.h.admin.token,
        body: {
          name: app,
          command: 'cat model.txt',
          configFile: 'model.txt',
          input: { format: 'template', template: 'model.tpl', templateText: TEMPLATE },
        },
      });
      assert.equal(created.status, 201, created.text);
      const answer = await preview(GOOD);
      assert.equal(answer.status, 200, answer.text);
      assert.equal(answer.body.count, 2);
    });

    test('the preview refuses a varied parameter the template never uses, naming its sweep line', async () => {
      const answer = await preview(UNUSED);
      assert.equal(answer.status, 422, answer.text);
      assert.equal(answer.body.error.code, 'invalid_input');
      assert.equal(answer.body.error.field, 'ini');
      assert.equal(answer.body.error.line, 4);
      assert.match(
        answer.body.error.message,
        /^line 4: m\.dt is varied but the template model\.tpl never uses it/,
      );
      // Without the application, the sweep alone is fine.
      const alone = await ctx.h.request('POST', '/api/v1/sweeps/preview', { body: { ini: UNUSED } });
      assert.equal(alone.status, 200, alone.text);
    });

    test("the preview refuses a placeholder that names no key, naming the template's line", async () => {
      const answer = await preview(MISSING);
      assert.equal(answer.status, 422, answer.text);
      assert.equal(answer.body.error.code, 'invalid_input');
      assert.equal(answer.body.error.field, 'input.template');
      assert.equal(answer.body.error.templateLine, 3);
      assert.match(answer.body.error.message, /^model\.tpl line 3: placeholder \{\{m\.n\}\} names no key/);
    });

    test('series creation refuses both the same way, and stores nothing', async () => {
      const before = await ctx.h.rowCounts();
      const unused = await submit(UNUSED);
      assert.equal(unused.status, 422, unused.text);
      assert.equal(unused.body.error.line, 4);
      const missing = await submit(MISSING);
      assert.equal(missing.status, 422, missing.text);
      assert.equal(missing.body.error.templateLine, 3);
      assert.deepEqual(await ctx.h.rowCounts(), before);
      const good = await submit(GOOD);
      assert.equal(good.status, 201, good.text);
      await ctx.h.request('POST', `/api/v1/series/${good.body.id}/cancel`);
    });
  });
}
