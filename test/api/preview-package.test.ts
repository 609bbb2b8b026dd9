// The preview with the series' input package (issue 11): a template that only the package
// holds is checked before launch as series creation checks it — an unknown placeholder named
// by the template's line, an unused varied parameter by the sweep's line — and a member cannot
// preview against another member's private package (403, its template never read).
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { makeArchive } from '../security/package-archives.ts';
import { FITS, MISSING, TEMPLATE, UNUSED } from '../support/template-sweeps.ts';
import { openTestDatabase, type TestDatabase } from '../support/database.ts';
import { startTemporal, type TestTemporal } from '../support/temporal.ts';
import { createHarness, type ApiHarness, type TestUser } from './harness.ts';

const APP = 'packaged-template';
// Only the package holds the template: the application has no `templateText`.

let temporal: TestTemporal;
let database: TestDatabase;
let h: ApiHarness;
let scratch: string;

async function uploadTemplate(user: TestUser, name: string, text: string): Promise<string> {
  const file = makeArchive(scratch, `${name}.zip`, 'zip', [{ name: 'model.tpl', data: text }]);
  const response = await h.app.request(`/api/v1/packages?name=${name}.zip`, {
    method: 'POST',
    headers: { authorization: `Bearer ${user.token}`, 'content-type': 'application/octet-stream' },
    body: new Uint8Array(await readFile(file)),
  });
  const body = (await response.json()) as { id: string };
  assert.equal(response.status, 201, JSON.stringify(body));
  return body.id;
}

const preview = (ini: string, pkg: string | undefined, token = h.alice.token) =>
  h.request('POST', '/api/v1/sweeps/preview', {
    token,
    body: { ini, application: APP, ...(pkg ? { package: pkg } : {}) },
  });

void describe('the preview reads a template from the series package', { timeout: 120_000 }, () => {
  let alicePackage: string;
  let bobPackage: string;

  before(async () => {
    scratch = await mkdtemp(path.join(os.tmpdir(), 'tuplet-preview-package-'));
    [temporal, database] = await Promise.all([startTemporal(), openTestDatabase('pglite')]);
    h = await createHarness(database.db, temporal);
    const created = await h.request('POST', '/api/v1/applications', {
      token: h.admin.token,
      body: {
        name: APP,
        command: 'cat model.txt',
        configFile: 'model.txt',
        input: { format: 'template', template: 'model.tpl' },
      },
    });
    assert.equal(created.status, 201, created.text);
    alicePackage = await uploadTemplate(h.alice, 'alice', TEMPLATE);
    bobPackage = await uploadTemplate(h.bob, 'bob', TEMPLATE);
  });
  after(async () => {
    await h?.close();
    await database?.close();
    await temporal?.stop();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  void test("an unknown placeholder of the package's template is refused naming the template's line", async () => {
    const answer = await preview(MISSING, alicePackage);
    assert.equal(answer.status, 422, answer.text);
    assert.equal(answer.body.error.code, 'invalid_input');
    assert.equal(answer.body.error.field, 'input.template');
    assert.equal(answer.body.error.templateLine, 3);
    assert.match(answer.body.error.message, /^model\.tpl line 3: placeholder \{\{m\.n\}\} names no key/);
  });

  void test('a varied parameter the template never uses is refused naming the sweep line', async () => {
    const answer = await preview(UNUSED, alicePackage);
    assert.equal(answer.status, 422, answer.text);
    assert.equal(answer.body.error.field, 'ini');
    assert.equal(answer.body.error.line, 4);
    assert.match(
      answer.body.error.message,
      /^line 4: m\.dt is varied but the template model\.tpl never uses it/,
    );
  });

  void test('a sweep the template fits previews; without a package the template waits for creation', async () => {
    const fits = await preview(FITS, alicePackage);
    assert.equal(fits.status, 200, fits.text);
    assert.equal(fits.body.count, 2);
    const without = await preview(MISSING, undefined);
    assert.equal(without.status, 200, without.text);
  });

  void test('the OpenAPI document says the preview takes the package, and answers 403', async () => {
    const doc = await h.request('GET', '/api/v1/openapi.json', { token: null });
    const route = doc.body.paths['/api/v1/sweeps/preview'].post;
    const body = route.requestBody.content['application/json'].schema;
    assert.match(body.properties.package.description, /template input it holds is checked from it/);
    assert.ok(route.responses['403']);
  });

  void test("attack: a member previews against another member's private package", async () => {
    // Bob's package holds a template; were it read, MISSING would answer 422 naming its line.
    const answer = await preview(MISSING, bobPackage);
    assert.equal(answer.status, 403, answer.text);
    assert.equal(answer.body.error.code, 'forbidden');
    assert.match(answer.body.error.message, /belongs to another user/);
    assert.doesNotMatch(answer.text, /model\.tpl/);
    // Refused even where nothing would read it: without an application.
    const bare = await h.request('POST', '/api/v1/sweeps/preview', {
      body: { ini: FITS, package: bobPackage },
    });
    assert.equal(bare.status, 403, bare.text);
    // The owner previews with it.
    const own = await preview(MISSING, bobPackage, h.bob.token);
    assert.equal(own.status, 422, own.text);
  });
});
