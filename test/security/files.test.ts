// Attack: a run leaves links in its outputs — to /etc/passwd, to a directory outside, to
// another series — or an HTML/SVG page with script, and a member opens them through the API,
// the web UI's file route, or the run page (previews, output tails). Every path to a stored
// file goes through one module (files/): links out of the series are refused, and what is
// served cannot run script in our origin.
import assert from 'node:assert/strict';
import { mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { and, eq } from 'drizzle-orm';
import { createApiToken } from '../../db/accounts.ts';
import { runs } from '../../db/schema.ts';
import { startWebTestServer, type WebTestServer } from '../browser/support/server.ts';

/** What /etc/passwd holds on every Linux machine: the test fails if it leaks. */
const PASSWD = /root:.*:0:0:/;

describe('stored files: links out of the series and active content', () => {
  let server: WebTestServer;
  let token: string;
  let id: string;
  let runDir: string;
  let otherDir: string;

  const get = (route: string) =>
    fetch(`${server.url}${route}`, { headers: { authorization: `Bearer ${token}` } });
  const apiFile = (name: string) => get(`/api/v1/series/${id}/runs/0/files/${name}`);
  const webFile = (name: string) =>
    get(`/web-api/series/${id}/files/runs/${encodeURIComponent(path.basename(runDir))}/${name}`);

  before(async () => {
    server = await startWebTestServer();
    token = (await createApiToken(server.db, server.ids.admin, 'files')).token;
    id = server.completed.id;
    const dirOf = async (seriesId: string) => {
      const [row] = await server.db
        .select({ dir: runs.dir })
        .from(runs)
        .where(and(eq(runs.seriesId, seriesId), eq(runs.index, 0)));
      return path.join(server.storageDir, seriesId, 'runs', row!.dir);
    };
    runDir = await dirOf(id);
    otherDir = await dirOf(server.running.id);
    await mkdir(otherDir, { recursive: true });
    await writeFile(path.join(otherDir, 'private.txt'), 'of another series\n');

    // What a run could leave behind: links out, in absolute and relative form, through a directory.
    await symlink('/etc/passwd', path.join(runDir, 'passwd.txt'));
    await symlink('/etc', path.join(runDir, 'etc'));
    await symlink(
      path.relative(runDir, path.join(otherDir, 'private.txt')),
      path.join(runDir, 'borrowed.txt'),
    );
    // A link inside the series stays usable.
    await symlink('metrics.json', path.join(runDir, 'latest.json'));
    await writeFile(path.join(runDir, 'report.html'), '<script>parent.document.title = "owned"</script>');
    await writeFile(
      path.join(runDir, 'figure.svg'),
      '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    );
  });
  after(() => server?.close());

  for (const [name, route] of [
    ['API', apiFile],
    ['web', webFile],
  ] as const) {
    test(`${name} route: links out of the series are refused`, async () => {
      for (const target of ['passwd.txt', 'etc/passwd', 'borrowed.txt']) {
        const answer = await route(target);
        const text = await answer.text();
        assert.equal(answer.status, 400, `${target}: ${answer.status} ${text}`);
        assert.match(text, /outside the series directory \(through a link\)/, target);
        assert.doesNotMatch(text, PASSWD);
        assert.doesNotMatch(text, /of another series/);
      }
      const inside = await route('latest.json');
      assert.equal(inside.status, 200);
      assert.deepEqual(
        await inside.json(),
        JSON.parse(await readFile(path.join(runDir, 'metrics.json'), 'utf8')),
      );
    });

    test(`${name} route: an HTML output is a sandboxed attachment, an SVG a sandboxed image`, async () => {
      const html = await route('report.html');
      assert.equal(html.status, 200);
      assert.equal(html.headers.get('content-type'), 'application/octet-stream');
      assert.match(html.headers.get('content-disposition') ?? '', /^attachment; filename="report\.html"/);
      assert.match(html.headers.get('content-security-policy') ?? '', /(^|; )sandbox(;|$)/);
      assert.equal(html.headers.get('x-content-type-options'), 'nosniff');
      await html.body?.cancel();

      const svg = await route('figure.svg');
      assert.equal(svg.headers.get('content-type'), 'image/svg+xml');
      assert.match(svg.headers.get('content-security-policy') ?? '', /(^|; )sandbox(;|$)/);
      assert.match(svg.headers.get('content-security-policy') ?? '', /default-src 'none'/);
      await svg.body?.cancel();
    });
  }

  test('the run page neither previews nor tails a link out of the series', async () => {
    const stdout = path.join(runDir, '.tuplet', 'stdout');
    await rm(stdout);
    await symlink('/etc/passwd', stdout);
    const page = await get(`/series/${id}/runs/0`);
    assert.equal(page.status, 200);
    assert.doesNotMatch(await page.text(), PASSWD);
  });
});
