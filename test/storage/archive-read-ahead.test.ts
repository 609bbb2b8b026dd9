// The archive reads its objects a few ahead of the tar stream (files/storage/archive.ts), from a
// real S3-compatible server (moto) and from disk. Shown: the archive keeps every object's exact
// bytes in key order although small objects come back before a large one listed earlier (and
// disk and S3 give the same bytes); several GETs are in flight, never more than the window; an
// object deleted after the listing fails the archive naming its key, never a short archive.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { pipeline } from 'node:stream/promises';
import { after, before, test } from 'node:test';
import { Parser } from 'tar';
import { tarOfPrefix } from '../../files/storage/archive.ts';
import { DiskStorage } from '../../files/storage/disk.ts';
import { S3Storage } from '../../files/storage/s3.ts';
import type { Storage } from '../../files/storage/types.ts';
import { startS3Server, type TestS3Server } from '../support/s3-server.ts';

const OBJECTS = 150;
/** Above the archive's whole-read size: this one is streamed in its turn. */
const LARGE_INDEX = 7;
const LARGE_BYTES = 3 * 1024 * 1024 + 123;

let server: TestS3Server;
let s3: S3Storage;
let disk: DiskStorage;
let diskRoot: string;

const keyOf = (i: number) => `series/runs/${String(i).padStart(4, '0')}_i=${i}/out-${i % 3}.txt`;
function contentOf(i: number): Buffer {
  if (i === LARGE_INDEX) return Buffer.alloc(LARGE_BYTES, 'L');
  // Sizes from 0 to ~2 KiB, so entries cross 512-byte blocks differently.
  return Buffer.from(`object ${i} `.repeat((i * 37) % 160));
}

before(async () => {
  [server, diskRoot] = await Promise.all([
    startS3Server('tuplet-archive'),
    mkdtemp(path.join(tmpdir(), 'tuplet-archive-ahead-')),
  ]);
  s3 = new S3Storage(server.options('ahead'));
  disk = new DiskStorage(diskRoot);
  for (const storage of [s3, disk]) {
    const keys = Array.from({ length: OBJECTS }, (_, i) => i);
    // A few at a time: the fixture, not the subject.
    for (let i = 0; i < keys.length; i += 20)
      await Promise.all(
        keys.slice(i, i + 20).map((k) => storage.put(keyOf(k), Readable.from([contentOf(k)]))),
      );
  }
});
after(async () => {
  s3?.close();
  await Promise.all([server?.stop(), rm(diskRoot, { recursive: true, force: true })]);
});

/** The archive's entries (path and bytes) in the order the tar holds them. */
async function entriesOf(tar: Buffer): Promise<Array<{ path: string; bytes: Buffer }>> {
  const out: Array<{ path: string; bytes: Buffer }> = [];
  const reads: Promise<void>[] = [];
  await pipeline(
    Readable.from([tar]),
    new Parser({
      onReadEntry(entry) {
        const at = out.push({ path: entry.path, bytes: Buffer.alloc(0) }) - 1;
        reads.push(buffer(entry).then((b) => void (out[at]!.bytes = b)));
      },
    }),
  );
  await Promise.all(reads);
  return out;
}

/** Counts the GETs whose body is still open, at most, while the archive is read. */
function countingGets(storage: Storage): { storage: Storage; most: () => number } {
  let open = 0;
  let most = 0;
  const counted: Storage = Object.create(storage) as Storage;
  counted.get = async (key, range) => {
    open++;
    most = Math.max(most, open);
    try {
      const object = await storage.get(key, range);
      object.body.once('close', () => open--);
      return object;
    } catch (error) {
      open--;
      throw error;
    }
  };
  return { storage: counted, most: () => most };
}

test('the archive from S3 holds every object, exact bytes, in key order; disk gives the same bytes', async () => {
  const mtime = new Date('2026-01-02T03:04:05Z');
  const fromS3 = await buffer(tarOfPrefix(s3, 'series', mtime));
  const entries = await entriesOf(fromS3);
  const expected = Array.from({ length: OBJECTS }, (_, i) => i).sort((a, b) =>
    keyOf(a) < keyOf(b) ? -1 : 1,
  );
  assert.deepEqual(
    entries.map((e) => e.path),
    expected.map(keyOf),
  );
  for (const [at, i] of expected.entries())
    assert.ok(entries[at]!.bytes.equals(contentOf(i)), `the bytes of ${keyOf(i)}`);
  const fromDisk = await buffer(tarOfPrefix(disk, 'series', mtime));
  assert.ok(fromDisk.equals(fromS3), 'the same archive from disk and from S3');
});

test('several GETs are in flight ahead of the stream, never more than the window', async () => {
  const { storage, most } = countingGets(s3);
  await buffer(tarOfPrefix(storage, 'series'));
  assert.ok(most() > 1, `at most ${most()} GET in flight: the objects were read one after another`);
  assert.ok(most() <= 17, `${most()} GETs in flight: the read-ahead is not bounded`);
});

test('an object deleted after the listing fails the archive naming its key', async () => {
  const victim = keyOf(120);
  const tar = tarOfPrefix(s3, 'series');
  // The listing (one page) is read and the first entries flow; then the object disappears.
  const chunks = tar[Symbol.asyncIterator]();
  const first = await chunks.next();
  assert.ok(!first.done);
  await s3.delete(victim);
  await assert.rejects(
    (async () => {
      while (!(await chunks.next()).done);
    })(),
    (error: Error) => error.message.includes(victim) && /not found/.test(error.message),
  );
});
