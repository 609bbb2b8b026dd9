// Collect into S3: a chunk's outputs go from the host's tar stream straight into the bucket
// (test/support/s3-server.ts runs a real S3-compatible server), keeping what the globs select
// and the run records; links and entries outside the chunk's run directories are refused, as
// on disk. The real local executor's command produces the tar stream in the first test.
import assert from 'node:assert/strict';
import path from 'node:path';
import { buffer } from 'node:stream/consumers';
import { after, before, describe, test } from 'node:test';
import { S3Storage } from '../../files/storage/s3.ts';
import type { ObjectInfo } from '../../files/storage/types.ts';
import { collectChunk, storeRunOutputs } from '../../hosts/collect.ts';
import { LocalTransport } from '../../hosts/local-transport.ts';
import { createExecutor } from '../../hosts/index.ts';
import { startS3Server, type TestS3Server } from '../support/s3-server.ts';
import { hostileChunkTar, runWholeSeries, seriesSpec, tempDir } from '../hosts/helpers.ts';

let server: TestS3Server;
let storage: S3Storage;
let root: { dir: string; remove: () => Promise<void> };
before(async () => {
  [server, root] = await Promise.all([startS3Server(), tempDir('collect-s3')]);
  storage = new S3Storage(server.options('collected'));
});
after(async () => {
  storage.close();
  await Promise.all([server.stop(), root.remove()]);
});

async function keys(prefix: string): Promise<string[]> {
  const out: ObjectInfo[] = [];
  for await (const o of storage.list(prefix)) out.push(o);
  return out.map((o) => o.key);
}

void describe('collect into S3', () => {
  void test("a local series' outputs land in the bucket: the globs' files and the run records, no link", async () => {
    const workdir = path.join(root.dir, 'work');
    const executor = createExecutor({ name: 'local', kind: 'local', workdir, slots: 2 });
    try {
      const command =
        'echo r > result.txt; mkdir -p img; echo p > img/a.png; echo big > scratch.dat; ln -s /etc/passwd stolen.txt';
      const series = seriesSpec('s3globs', 'x = 1 2\n', command, { collect: ['*.txt', 'img/**'] });
      const { chunk } = await runWholeSeries(executor, series, 2);
      const result = await collectChunk(
        new LocalTransport(),
        path.join(workdir, series.seriesId),
        chunk,
        storage,
        { seriesId: series.seriesId, collect: ['*.txt', 'img/**'] },
      );
      assert.equal(result.runs, 2);
      assert.deepEqual(result.refused.sort(), ['0_x=1/stolen.txt', '1_x=2/stolen.txt']);
      const run = `${series.seriesId}/runs/0_x=1`;
      assert.deepEqual(
        (await keys(run)).filter((k) => !k.includes('/.tuplet/')),
        [`${run}/img/a.png`, `${run}/result.txt`],
      );
      assert.ok((await keys(run)).includes(`${run}/.tuplet/exit`));
      assert.equal((await buffer((await storage.get(`${run}/img/a.png`)).body)).toString(), 'p\n');
    } finally {
      await executor.close();
    }
  });

  void test('attack: entries outside the run directories of the chunk, and links, are refused', async () => {
    const { stream, refused } = hostileChunkTar();
    const before = await keys('');
    const result = await storeRunOutputs(stream, storage, 'hostile', [[5, 6]]);
    assert.deepEqual(result.refused, refused);
    assert.equal(result.runs, 1);
    assert.deepEqual(
      (await keys('')).filter((k) => !before.includes(k)),
      ['.file-index/hostile/5_x=1.json', 'hostile/runs/5_x=1/out.txt'],
    );
    // Nothing outside the storage's prefix either.
    const whole = new S3Storage(server.options(''));
    const everything: string[] = [];
    for await (const o of whole.list('')) everything.push(o.key);
    whole.close();
    assert.ok(
      everything.every((k) => k.startsWith('collected/')),
      everything.join(', '),
    );
  });
});
