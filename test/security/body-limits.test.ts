// Bodies have a limit on every route (API, login form, other web forms), enforced while the
// body is read: a client streaming an endless chunked body gets 413 before it has finished,
// and a Content-Length that understates the body does not let the rest through.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';
import { openTestSite, type ServedApp, type TestSite } from './sign-in-server.ts';

const LIMIT = 64 * 1024;
/** An endless body is given up on after this much: the server should have answered long before. */
const GIVE_UP_BYTES = 64 * 1024 ** 2;

let site: TestSite;
let served: ServedApp;

before(async () => {
  site = await openTestSite();
  served = await site.serve({ env: { TUPLET_MAX_BODY_BYTES: String(LIMIT) } });
});
after(() => site?.close());

interface Answer {
  status: number;
  contentType: string;
  body: string;
  /** Bytes of body written when the answer arrived. */
  sent: number;
}

/**
 * POSTs a chunked body (no Content-Length) that never ends: `prefix`, then 16 KiB chunks for as
 * long as the server reads them. Resolves with the answer that arrives meanwhile.
 */
function postEndless(route: string, contentType: string, prefix: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = http.request(served.url + route, {
      method: 'POST',
      headers: { 'content-type': contentType, 'transfer-encoding': 'chunked' },
    });
    let sent = 0;
    let answered = false;
    request.on('response', (response) => {
      answered = true;
      const parts: Buffer[] = [];
      response.on('data', (part: Buffer) => parts.push(part));
      response.on('end', () => {
        resolve({
          status: response.statusCode ?? 0,
          contentType: String(response.headers['content-type'] ?? ''),
          body: Buffer.concat(parts).toString('utf8'),
          sent,
        });
        request.destroy();
      });
    });
    request.on('error', (error) => {
      if (!answered) reject(error);
    });
    const chunk = Buffer.alloc(16 * 1024, 'a');
    const pump = () => {
      while (!answered) {
        if (sent >= GIVE_UP_BYTES) {
          request.destroy();
          reject(new Error(`no answer after ${sent} bytes: the body is read without a limit`));
          return;
        }
        sent += chunk.length;
        if (!request.write(chunk)) {
          request.once('drain', pump);
          return;
        }
      }
    };
    request.write(prefix);
    pump();
  });
}

describe('a chunked body that never ends is cut while reading', () => {
  test('API: 413 JSON too_large', async () => {
    const answer = await postEndless('/api/v1/sweeps', 'application/json', '{"ini":"');
    assert.equal(answer.status, 413);
    assert.match(answer.contentType, /application\/json/);
    const body = JSON.parse(answer.body) as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'too_large');
    assert.match(body.error.message, new RegExp(`${LIMIT} bytes`));
  });

  test("the Temporal UI's codec endpoint: the same limit, before anyone signs in", async () => {
    const answer = await postEndless('/codec/decode', 'application/json', '{"payloads":"');
    assert.equal(answer.status, 413);
  });

  test('API: also on a route that does not exist, before anyone signs in', async () => {
    const answer = await postEndless('/api/v1/nothing-here', 'application/json', '{"x":"');
    assert.equal(answer.status, 413);
  });

  for (const route of ['/login', '/logout', '/series/abc/anything']) {
    test(`web ${route}: 413 as a plain page`, async () => {
      const answer = await postEndless(route, 'application/x-www-form-urlencoded', 'name=');
      assert.equal(answer.status, 413);
      assert.match(answer.contentType, /text\/html/);
      assert.match(answer.body, /larger than 65536 bytes/);
    });
  }
});

describe('a Content-Length that lies', () => {
  // In-process: a transport (HTTP/2, a proxy, a test harness) may hand the app more bytes than
  // the header announced. The limit counts the bytes, not the header.
  const understated = (route: string, contentType: string, body: string) =>
    served.app.request(
      new Request(`http://localhost${route}`, {
        method: 'POST',
        headers: { 'content-type': contentType, 'content-length': '20' },
        body,
      }),
    );

  test('understating the body: API 413', async () => {
    const ini = `[a]\nx = ${'1 '.repeat(LIMIT)}\n`;
    const response = await understated('/api/v1/sweeps', 'application/json', JSON.stringify({ ini }));
    assert.equal(response.status, 413);
    assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'too_large');
  });

  test('understating the body: login form 413', async () => {
    const response = await understated(
      '/login',
      'application/x-www-form-urlencoded',
      `name=${'a'.repeat(LIMIT)}&password=x`,
    );
    assert.equal(response.status, 413);
  });

  test('over HTTP, announcing more than the limit is refused before any byte is read', async () => {
    const answer = await new Promise<number>((resolve, reject) => {
      const request = http.request(served.url + '/login', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(1024 ** 3) },
      });
      request.on('response', (response) => {
        resolve(response.statusCode ?? 0);
        request.destroy();
      });
      request.on('error', reject);
      request.flushHeaders(); // headers only: not one byte of the announced gigabyte
    });
    assert.equal(answer, 413);
  });

  test('a body within the limit still passes', async () => {
    const ini = '[a]\nx = 1 2 3\n';
    const response = await served.app.request('/api/v1/sweeps', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ini }),
    });
    assert.notEqual(response.status, 413);
  });
});
