// The tar stream builder against GNU tar: long names (pax), streamed file contents,
// symlinks, modes; and a content shorter than announced is an error, not a corrupt archive.
import assert from 'node:assert/strict';
import { readFile, readlink, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { LocalTransport } from '../../hosts/local-transport.ts';
import { untarCommand } from '../../hosts/staging.ts';
import { tarStream, ustarHeader } from '../../hosts/tar-pack.ts';
import { Header } from 'tar';
import { tempDir } from './helpers.ts';

let root: { dir: string; remove: () => Promise<void> };
before(async () => {
  root = await tempDir('tar-pack');
});
after(() => root.remove());

void describe('tarStream', () => {
  void test('GNU tar unpacks long names, streamed contents, links and modes', async () => {
    const longDir = `000001_${'alpha=0.125_'.repeat(20)}end`; // ≈ 250 bytes: needs a pax header
    const big = Buffer.alloc(700_000, 7);
    const stream = tarStream([
      { path: `runs/${longDir}/config.ini`, data: '[a]\nx = 1\n' },
      { path: 'bin/run.sh', data: '#!/bin/sh\necho hi\n', mode: 0o755 },
      {
        path: 'data/big.bin',
        open: async () => Readable.from([big.subarray(0, 300_000), big.subarray(300_000)]),
        size: big.length,
      },
      { path: 'data/latest', type: 'SymbolicLink', linkpath: 'big.bin' },
      { path: 'empty', type: 'Directory' },
    ]);
    const dir = path.join(root.dir, 'out');
    const result = await new LocalTransport().exec(untarCommand(dir), { stdin: stream });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(await readFile(path.join(dir, 'runs', longDir, 'config.ini'), 'utf8'), '[a]\nx = 1\n');
    assert.equal((await stat(path.join(dir, 'bin/run.sh'))).mode & 0o777, 0o755);
    assert.ok((await readFile(path.join(dir, 'data/big.bin'))).equals(big));
    assert.equal(await readlink(path.join(dir, 'data/latest')), 'big.bin');
    assert.ok((await stat(path.join(dir, 'empty'))).isDirectory());
  });

  void test('fast ustar headers read back through node-tar, with prefix splits, or defer to pax', () => {
    const mtime = new Date('2026-01-02T03:04:05Z');
    for (const length of [1, 50, 99, 100, 101, 150, 200, 240, 255]) {
      const path = `runs/${'d'.repeat(length)}/config.ini`;
      const block = ustarHeader(path, 'File', 0o640, 12345, mtime);
      if (!block) {
        assert.ok(length > 150, `only names that cannot be split need pax (length ${length})`);
        continue;
      }
      const parsed = new Header(block);
      assert.equal(parsed.cksumValid, true);
      assert.equal(parsed.path, path);
      assert.equal(parsed.size, 12345);
      assert.equal(parsed.mode, 0o640);
      assert.equal(parsed.type, 'File');
      assert.equal(parsed.mtime?.getTime(), mtime.getTime());
    }
    const link = new Header(ustarHeader('bin/latest', 'SymbolicLink', 0o755, 0, mtime, '../data/x')!);
    assert.equal(link.type, 'SymbolicLink');
    assert.equal(link.linkpath, '../data/x');
  });

  void test('a streamed entry shorter than its size fails the stream', async () => {
    const stream = tarStream([
      { path: 'short', open: async () => Readable.from([Buffer.from('abc')]), size: 10 },
    ]);
    await assert.rejects(async () => {
      for await (const chunk of stream) void chunk;
    }, /expected 10 bytes, got 3/);
  });
});
