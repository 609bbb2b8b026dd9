// The host worker's cache of stored inputs is pruned (hosts/local-inputs.ts): with S3 storage
// (a real S3-compatible server, moto) a package is copied into `<storageDir>/.input-cache/`
// once; a copy unused for longer than the limit goes, a used one stays, and a series that was
// handed the file just before a prune still reads it whole. Ages are set by changing files'
// times, not by waiting.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, utimes } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { S3Storage } from '../../files/storage/s3.ts';
import { inputCacheDir, pruneInputCache, withLocalPackage } from '../../hosts/local-inputs.ts';
import { startS3Server, type TestS3Server } from '../support/s3-server.ts';

const DAY_MS = 24 * 3600_000;

describe('pruning the input cache', { timeout: 120_000 }, () => {
  let server: TestS3Server;
  let storage: S3Storage;
  let storageDir: string;

  before(async () => {
    [server, storageDir] = await Promise.all([
      startS3Server(),
      mkdtemp(path.join(os.tmpdir(), 'tuplet-input-cache-')),
    ]);
    storage = new S3Storage(server.options('cache'));
    for (const id of ['old', 'used'])
      await storage.put(`packages/${id}.pkg`, Readable.from([Buffer.from(`package ${id}\n`)]));
  });
  after(async () => {
    await server?.stop();
    await rm(storageDir, { recursive: true, force: true });
  });

  const fileOf = async (id: string) =>
    (
      await withLocalPackage(
        { packageKey: `packages/${id}.pkg`, packagePath: undefined },
        { storage, storageDir },
      )
    ).packagePath!;
  const copyOf = (id: string) => path.join(inputCacheDir(storageDir), 'packages', `${id}.pkg`);
  const twoDaysAgo = () => new Date(Date.now() - 2 * DAY_MS);

  test('a copy unused for longer than the limit goes; a used one stays; a handed-out file stays readable', async () => {
    const old = await fileOf('old');
    const used = await fileOf('used');
    assert.equal(await readFile(old, 'utf8'), 'package old\n');
    // Both copies and their pins last used two days ago; then 'used' is used again now.
    for (const file of [copyOf('old'), copyOf('used')]) await utimes(file, twoDaysAgo(), twoDaysAgo());
    const inUse = await fileOf('used');

    const removed = await pruneInputCache(inputCacheDir(storageDir), DAY_MS, Date.now() + DAY_MS / 2);
    assert.ok(removed.includes(copyOf('old')), JSON.stringify(removed));
    assert.ok(!removed.includes(copyOf('used')), JSON.stringify(removed));
    await assert.rejects(readFile(copyOf('old')), { code: 'ENOENT' });
    // The file just handed out survives the prune, whatever happens to the copy.
    assert.equal(await readFile(inUse, 'utf8'), 'package used\n');
    assert.notEqual(inUse, used);

    // A prune a day and a half on: the fresh copy and its pin have gone unused past the limit too.
    const later = await pruneInputCache(inputCacheDir(storageDir), DAY_MS, Date.now() + 1.5 * DAY_MS);
    assert.ok(later.includes(copyOf('used')), JSON.stringify(later));
    assert.ok(later.includes(inUse), JSON.stringify(later));
    // A series needing it later fetches it again.
    assert.equal(await readFile(await fileOf('old'), 'utf8'), 'package old\n');
  });

  test('a use racing a prune of its stale copy gets a whole file', async () => {
    for (let round = 0; round < 10; round++) {
      // The copy is there and stale; a series uses it at the moment a prune removes stale copies.
      await fileOf('used');
      await utimes(copyOf('used'), twoDaysAgo(), twoDaysAgo());
      const [file] = await Promise.all([fileOf('used'), pruneInputCache(inputCacheDir(storageDir), DAY_MS)]);
      assert.equal(await readFile(file, 'utf8'), 'package used\n');
    }
  });
});
