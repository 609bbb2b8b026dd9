// The storage contract (files/storage/types.ts), held by both backends alike: the disk below a
// temporary directory, and S3 in a real S3-compatible server (moto, test/support/s3-server.ts).
// Objects are written from streams and read whole or by range; keys that try to leave the
// storage (`..`, absolute, empty segments, `\`) are refused before anything is written, and
// nothing appears outside the root directory or the bucket prefix.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { after, before, describe, test } from 'node:test';
import { InvalidRequestError, NotFoundError } from '../../core/errors.ts';
import { DiskStorage } from '../../files/storage/disk.ts';
import { S3Storage } from '../../files/storage/s3.ts';
import type { ObjectInfo, Storage } from '../../files/storage/types.ts';
import { startS3Server, type TestS3Server } from '../support/s3-server.ts';

const text = (s: string) => Readable.from([Buffer.from(s)]);
const read = async (storage: Storage, key: string, range?: { start: number; end?: number }) =>
  (await buffer((await storage.get(key, range)).body)).toString();
async function all(items: AsyncIterable<ObjectInfo>): Promise<ObjectInfo[]> {
  const out: ObjectInfo[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** Deterministic bytes, produced as a stream of 1 MiB chunks (never one big buffer). */
function generated(mib: number): { stream: Readable; sha256: string } {
  const hash = createHash('sha256');
  const chunks: Buffer[] = [];
  for (let i = 0; i < mib; i++) {
    const chunk = Buffer.alloc(1024 ** 2, i % 251);
    hash.update(chunk);
    chunks.push(chunk);
  }
  return { stream: Readable.from(chunks), sha256: hash.digest('hex') };
}

const ESCAPING_KEYS = [
  '../escape.txt',
  'a/../../escape.txt',
  '/etc/escape.txt',
  'a//b.txt',
  './a.txt',
  'a\\..\\b.txt',
  '..',
  '',
];

interface Backend {
  name: string;
  open(): Promise<Storage>;
  /** Every object the backend holds, also outside the storage's root or prefix. */
  everything(): Promise<string[]>;
}

function contract(backend: Backend) {
  describe(`storage contract: ${backend.name}`, () => {
    let storage: Storage;
    before(async () => {
      storage = await backend.open();
    });

    test('an object written from a stream reads back whole, and head tells its size', async () => {
      const info = await storage.put('s1/runs/0001/out.txt', text('hello, storage'));
      assert.deepEqual(info, { key: 's1/runs/0001/out.txt', size: 14 });
      assert.equal(await read(storage, 's1/runs/0001/out.txt'), 'hello, storage');
      assert.deepEqual(await storage.head('s1/runs/0001/out.txt'), info);
      const whole = await storage.get('s1/runs/0001/out.txt');
      assert.deepEqual([whole.size, whole.start, whole.end], [14, 0, 13]);
      whole.body.destroy();
    });

    test('a second put replaces the object', async () => {
      await storage.put('s1/replace.txt', text('first version'));
      await storage.put('s1/replace.txt', text('second'));
      assert.equal(await read(storage, 's1/replace.txt'), 'second');
    });

    test('ranges: inside, open-ended, past the end clamped; a start past the end refused', async () => {
      await storage.put('s1/range.txt', text('0123456789'));
      assert.equal(await read(storage, 's1/range.txt', { start: 2, end: 4 }), '234');
      assert.equal(await read(storage, 's1/range.txt', { start: 7 }), '789');
      const clamped = await storage.get('s1/range.txt', { start: 8, end: 100 });
      assert.deepEqual([clamped.size, clamped.start, clamped.end], [10, 8, 9]);
      assert.equal((await buffer(clamped.body)).toString(), '89');
      await assert.rejects(storage.get('s1/range.txt', { start: 10 }), InvalidRequestError);
      await assert.rejects(storage.get('s1/range.txt', { start: 5, end: 3 }), InvalidRequestError);
    });

    test('an empty object', async () => {
      await storage.put('s1/empty', Readable.from([]));
      assert.deepEqual(await storage.head('s1/empty'), { key: 's1/empty', size: 0 });
      assert.equal(await read(storage, 's1/empty'), '');
    });

    test('missing objects: get is NotFoundError, head undefined, delete a no-op', async () => {
      await assert.rejects(storage.get('s1/none.txt'), NotFoundError);
      await assert.rejects(storage.get('s1/none.txt', { start: 0 }), NotFoundError);
      assert.equal(await storage.head('s1/none.txt'), undefined);
      await storage.delete('s1/none.txt');
    });

    test('delete removes the object', async () => {
      await storage.put('s1/gone.txt', text('x'));
      await storage.delete('s1/gone.txt');
      assert.equal(await storage.head('s1/gone.txt'), undefined);
    });

    test('list gives every object below a folder, in key order, not its namesakes', async () => {
      await storage.put('l/a/2.txt', text('22'));
      await storage.put('l/a/1.txt', text('1'));
      await storage.put('l/a/deep/3.txt', text('333'));
      await storage.put('l/ab/4.txt', text('4444'));
      assert.deepEqual(await all(storage.list('l/a')), [
        { key: 'l/a/1.txt', size: 1 },
        { key: 'l/a/2.txt', size: 2 },
        { key: 'l/a/deep/3.txt', size: 3 },
      ]);
      assert.deepEqual(await all(storage.list('l/a/')), await all(storage.list('l/a')));
      assert.deepEqual(await all(storage.list('l/none')), []);
      assert.ok((await all(storage.list(''))).some((o) => o.key === 'l/ab/4.txt'));
    });

    test('a 20 MiB object goes through whole (several parts on S3)', async () => {
      const { stream, sha256 } = generated(20);
      assert.equal((await storage.put('big/20mib.bin', stream)).size, 20 * 1024 ** 2);
      const hash = createHash('sha256');
      for await (const chunk of (await storage.get('big/20mib.bin')).body) hash.update(chunk as Buffer);
      assert.equal(hash.digest('hex'), sha256);
      const tail = await storage.get('big/20mib.bin', { start: 20 * 1024 ** 2 - 3 });
      assert.deepEqual([...(await buffer(tail.body))], [19, 19, 19]);
    });

    test('attack: keys that try to leave the storage are refused, and nothing lands outside', async () => {
      const before = await backend.everything();
      for (const key of ESCAPING_KEYS) {
        // The error names the key it refuses.
        const named = (error: unknown) =>
          error instanceof InvalidRequestError &&
          error.message.startsWith(`storage key ${JSON.stringify(key)}: `);
        await assert.rejects(storage.put(key, text('escaped')), InvalidRequestError, `put ${key}`);
        await assert.rejects(storage.get(key), named, `get ${key}`);
        await assert.rejects(storage.head(key), InvalidRequestError, `head ${key}`);
        await assert.rejects(storage.delete(key), InvalidRequestError, `delete ${key}`);
      }
      await assert.rejects(all(storage.list('../')), InvalidRequestError);
      await assert.rejects(all(storage.list('/etc')), InvalidRequestError);
      assert.deepEqual(await backend.everything(), before);
    });
  });
}

// Disk: a root inside a temporary directory, so "outside" is the directory around it.
let diskDir: string;
contract({
  name: 'disk',
  async open() {
    diskDir = await mkdtemp(path.join(tmpdir(), 'tuplet-storage-'));
    return new DiskStorage(path.join(diskDir, 'root'));
  },
  async everything() {
    const entries = await readdir(diskDir, { recursive: true });
    return entries.sort();
  },
});

describe('disk storage: links a run left behind', () => {
  test('attack: a link inside the root to a file or folder outside is neither read nor written through', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tuplet-storage-links-'));
    const storage = new DiskStorage(path.join(dir, 'root'));
    await storage.put('s/keep.txt', text('inside'));
    await writeFile(path.join(dir, 'secret.txt'), 'outside');
    await symlink(path.join(dir, 'secret.txt'), path.join(dir, 'root', 's', 'link.txt'));
    await symlink(dir, path.join(dir, 'root', 's', 'out'));
    await assert.rejects(storage.get('s/link.txt'), /leads outside/);
    await assert.rejects(
      storage.put('s/out/planted.txt', text('x')),
      /leads outside the storage \(through a link\)/,
    );
    assert.deepEqual(
      (await all(storage.list('s'))).map((o) => o.key),
      ['s/keep.txt'],
    );
    assert.deepEqual((await readdir(dir)).sort(), ['root', 'secret.txt']);
    await rm(dir, { recursive: true, force: true });
  });
});

after(async () => {
  if (diskDir) await rm(diskDir, { recursive: true, force: true });
});

// S3: a prefix in a bucket of a real server, so "outside" is the rest of the bucket.
let server: TestS3Server | undefined;
const openedS3: S3Storage[] = [];
contract({
  name: 's3 (moto)',
  async open() {
    server = await startS3Server();
    const storage = new S3Storage(server.options('tenant/a'));
    openedS3.push(storage);
    return storage;
  },
  async everything() {
    const whole = new S3Storage(server!.options(''));
    openedS3.push(whole);
    return (await all(whole.list(''))).map((o) => o.key).sort();
  },
});

describe('s3 storage: what it says about itself', () => {
  test('description names the bucket, prefix and endpoint, never a credential', () => {
    const storage = new S3Storage(server!.options('tenant/a'));
    openedS3.push(storage);
    assert.equal(storage.description, `s3://tuplet-test/tenant/a/ at ${server!.endpoint}`);
    assert.doesNotMatch(storage.description, /AKIA|secret/);
  });
});

after(async () => {
  for (const storage of openedS3) storage.close();
  await server?.stop();
});
