// Collect: globs choose what comes back; links and entries outside the chunk's run
// directories are refused, whatever the tar stream from the host holds.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DiskStorage } from '../../files/storage/disk.ts';
import { storeRunOutputs } from '../../hosts/collect.ts';
import { createExecutor } from '../../hosts/index.ts';
import { hostileChunkTar, runWholeSeries, seriesSpec, tempDir } from './helpers.ts';

let root: { dir: string; remove: () => Promise<void> };
before(async () => {
  root = await tempDir('collect');
});
after(() => root.remove());

void describe('collect', () => {
  void test('brings back what the globs select and the run records; refuses links', async () => {
    const executor = createExecutor({
      name: 'local',
      kind: 'local',
      workdir: path.join(root.dir, 'work'),
      slots: 2,
    });
    try {
      const command =
        'echo r > result.txt; mkdir -p img; echo p > img/a.png; echo big > scratch.dat; echo "{}" > metrics.json; ln -s /etc/passwd stolen.txt';
      const series = seriesSpec('globs', 'x = 1 2\n', command, { collect: ['*.txt', 'img/**'] });
      const { chunk } = await runWholeSeries(executor, series, 2);
      const result = await executor.collect(series, chunk, path.join(root.dir, 'storage'));
      assert.equal(result.runs, 2);
      const run = path.join(result.storageDir, '0_x=1');
      assert.deepEqual((await readdir(run)).sort(), ['.tuplet', 'img', 'metrics.json', 'result.txt']);
      assert.deepEqual((await readdir(path.join(run, '.tuplet'))).sort(), [
        'attempt',
        'ended',
        'exit',
        'started',
        'stderr',
        'stdout',
      ]);
      assert.equal(await readFile(path.join(run, 'img/a.png'), 'utf8'), 'p\n');
      assert.deepEqual((result as { refused?: string[] }).refused?.sort(), [
        '0_x=1/stolen.txt',
        '1_x=2/stolen.txt',
      ]);
    } finally {
      await executor.close();
    }
  });

  void test('refuses entries outside the run directories of the chunk', async () => {
    const storage = path.join(root.dir, 'hostile', 'runs');
    const { stream, refused } = hostileChunkTar();
    const result = await storeRunOutputs(stream, new DiskStorage(root.dir), 'hostile', [[5, 6]]);
    assert.deepEqual(result.refused, refused);
    assert.equal(result.runs, 1);
    assert.deepEqual(await readdir(storage), ['5_x=1']);
    assert.deepEqual(await readdir(path.join(storage, '5_x=1')), ['out.txt']);
    assert.equal(existsSync(path.join(root.dir, 'escaped.txt')), false);
    assert.equal(existsSync(path.join(root.dir, 'up.txt')), false);
  });
});
