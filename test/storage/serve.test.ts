// serveStoredObject, the one answer for stored files, against the disk and a real S3-compatible
// server (moto) alike: whole, by Range (206 + Content-Range), past the end (416), malformed
// Range refused (400, InvalidRequestError naming the header); on disk, a link planted in one
// series' folder cannot serve another series' file.
import assert from 'node:assert/strict';
import { mkdir, symlink } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { InvalidRequestError } from '../../core/errors.ts';
import { serveStoredObject } from '../../files/serve.ts';
import { DiskStorage } from '../../files/storage/disk.ts';
import { S3Storage } from '../../files/storage/s3.ts';
import type { Storage } from '../../files/storage/types.ts';
import { startS3Server, type TestS3Server } from '../support/s3-server.ts';
import { tempDir } from '../hosts/helpers.ts';

const BYTES = Buffer.from('0123456789abcdefghij');
const KEY = 'seriesa/runs/0_x=1/out.txt';

let server: TestS3Server;
let s3: S3Storage;
let root: { dir: string; remove: () => Promise<void> };
before(async () => {
  [server, root] = await Promise.all([startS3Server(), tempDir('serve')]);
  s3 = new S3Storage(server.options('serve'));
});
after(async () => {
  s3.close();
  await Promise.all([server.stop(), root.remove()]);
});

for (const kind of ['disk', 's3'] as const) {
  void describe(`serving from ${kind}`, () => {
    let storage: Storage;
    before(async () => {
      storage = kind === 'disk' ? new DiskStorage(path.join(root.dir, 'storage')) : s3;
      await storage.put(KEY, Readable.from([BYTES]));
    });

    void test('whole, and by Range: 206 with Content-Range for A-B, A- and -N', async () => {
      const whole = await serveStoredObject(storage, KEY, undefined);
      assert.equal(whole.status, 200);
      assert.equal(whole.headers.get('accept-ranges'), 'bytes');
      assert.equal(await whole.text(), BYTES.toString());
      for (const [range, expected, contentRange] of [
        ['bytes=2-5', '2345', 'bytes 2-5/20'],
        ['bytes=15-', 'fghij', 'bytes 15-19/20'],
        ['bytes=-3', 'hij', 'bytes 17-19/20'],
        ['bytes=18-400', 'ij', 'bytes 18-19/20'],
      ] as const) {
        const part = await serveStoredObject(storage, KEY, range);
        assert.equal(part.status, 206, range);
        assert.equal(part.headers.get('content-range'), contentRange, range);
        assert.equal(part.headers.get('content-length'), String(expected.length), range);
        assert.equal(await part.text(), expected, range);
      }
    });

    void test('a range past the end is 416 with the size', async () => {
      for (const range of ['bytes=20-', 'bytes=25-30', 'bytes=-0']) {
        const answer = await serveStoredObject(storage, KEY, range);
        assert.equal(answer.status, 416, range);
        assert.equal(answer.headers.get('content-range'), 'bytes */20', range);
      }
    });

    void test('attack: a malformed Range header is refused naming it, nothing is read', async () => {
      for (const range of ['bytes=5-2', 'bytes=a-b', 'bytes=0-1,3-4', 'lines=1-2', 'bytes=--1', '']) {
        await assert.rejects(
          serveStoredObject(storage, KEY, range),
          (error: unknown) => error instanceof InvalidRequestError && /Range header/.test(error.message),
          range,
        );
      }
    });

    void test('attack: keys with `..` or absolute are refused before any request', async () => {
      for (const key of ['seriesa/runs/../../seriesb/out.txt', '/etc/passwd', 'seriesa//out.txt']) {
        await assert.rejects(serveStoredObject(storage, key, undefined), InvalidRequestError, key);
      }
    });
  });
}

void test("attack (disk): a link in one series' folder does not serve another series' file", async () => {
  const storage = new DiskStorage(path.join(root.dir, 'linked'));
  await storage.put('seriesb/runs/0_x=1/secret.txt', Readable.from(['secret of b']));
  await mkdir(path.join(root.dir, 'linked', 'seriesa', 'runs', '0_x=1'), { recursive: true });
  await symlink(
    path.join(root.dir, 'linked', 'seriesb', 'runs', '0_x=1', 'secret.txt'),
    path.join(root.dir, 'linked', 'seriesa', 'runs', '0_x=1', 'stolen.txt'),
  );
  await assert.rejects(
    serveStoredObject(storage, 'seriesa/runs/0_x=1/stolen.txt', undefined),
    (error: unknown) => error instanceof InvalidRequestError && /through a link/.test(error.message),
  );
  // The other series' own key still serves it: the refusal is the link's.
  assert.equal(
    await (await serveStoredObject(storage, 'seriesb/runs/0_x=1/secret.txt', undefined)).text(),
    'secret of b',
  );
});
