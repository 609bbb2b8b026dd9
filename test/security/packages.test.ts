// Packages cannot write outside plain files of their own. The attacks, performed for real:
// a tar or zip whose link entry (`d -> .tuplet`, `t -> .`) lets a later entry write through
// it over the script every run executes or over the tuple index; link chains that climb out
// of the series directory (`sub/x -> ..`, `sub/a -> x/..`); hard links; entries named like
// Tuplet's own files; devices and fifos. Each is shown to work against GNU tar where it
// applies, then refused — by the check and by staging (nothing reaches the host);
// package-api.test.ts shows POST /api/v1/packages answering 400 naming the entry.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, realpath, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { PackageError } from '../../hosts/errors.ts';
import { LocalTransport } from '../../hosts/local-transport.ts';
import { checkPackage } from '../../hosts/package.ts';
import { COMMAND_PATH, seriesEntries, stageSeries, sweepOf } from '../../hosts/staging.ts';
import { seriesSpec } from '../hosts/helpers.ts';
import {
  attacks,
  EVIL,
  makeArchive,
  makePaddedTarGz,
  type ArchiveKind,
  type Attack,
} from './package-archives.ts';

let root: string;
before(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'tuplet-security-packages-'));
});
after(() => rm(root, { recursive: true, force: true }));

const fileName = (attack: Attack, kind: ArchiveKind) =>
  `${attack.title.replace(/[^a-z0-9]+/gi, '-')}.${kind}`;

function assertRefusal(error: unknown, attack: Attack): true {
  assert.ok(error instanceof PackageError, String(error));
  assert.equal(error.code, attack.code, error.message);
  assert.equal(error.entry, attack.entry);
  assert.ok(error.message.includes(JSON.stringify(attack.entry)), error.message);
  if (attack.code === 'link') assert.match(error.message, /links are not accepted/);
  return true;
}

void describe('the attacks are real against GNU tar', () => {
  /** A series directory as staging left it, before the package is unpacked over it. */
  async function stagedDir(name: string): Promise<string> {
    const dir = path.join(root, 'gnu', name);
    await mkdir(path.join(dir, '.tuplet'), { recursive: true });
    await writeFile(path.join(dir, COMMAND_PATH), 'python3 model.py\n');
    await writeFile(path.join(dir, 'tuples.tsv'), '0\tx=1\n');
    return dir;
  }

  void test('d -> .tuplet then d/command.sh writes over the command every run executes', async () => {
    const dir = await stagedDir('through-tuplet');
    execFileSync('tar', ['-xf', makeArchive(root, 'gnu-d.tar', 'tar', attacks[0]!.entries), '-C', dir]);
    assert.equal(await readFile(path.join(dir, COMMAND_PATH), 'utf8'), EVIL);
  });

  void test('t -> . then t/tuples.tsv writes over the tuple index', async () => {
    const dir = await stagedDir('through-dot');
    execFileSync('tar', ['-xf', makeArchive(root, 'gnu-t.tar', 'tar', attacks[1]!.entries), '-C', dir]);
    assert.equal(await readFile(path.join(dir, 'tuples.tsv'), 'utf8'), '0\t../../../etc\n');
  });

  void test('the chain sub/x -> .., sub/a -> x/.. leads out of the series directory once unpacked', async () => {
    const dir = await stagedDir('chain');
    const chain = attacks[2]!.entries.slice(0, 2);
    execFileSync('tar', ['-xf', makeArchive(root, 'gnu-chain.tar', 'tar', chain), '-C', dir]);
    assert.equal(await realpath(path.join(dir, 'sub/a')), await realpath(path.dirname(dir)));
  });
});

void describe('checkPackage refuses every attack, naming the entry', { concurrency: true }, () => {
  for (const attack of attacks) {
    for (const kind of attack.kinds) {
      void test(`${kind}: ${attack.title}`, async () => {
        const file = makeArchive(root, fileName(attack, kind), kind, attack.entries);
        await assert.rejects(checkPackage(file), (error) => assertRefusal(error, attack));
      });
    }
  }
});

void describe('checkPackage bounds what a tar.gz may inflate to', () => {
  void test('kilobytes that inflate to 64 MiB of padding after one tiny file are refused', async () => {
    const file = makePaddedTarGz(root, 'bomb.tar.gz', 64 * 1024 ** 2);
    assert.ok((await stat(file)).size < 1024 ** 2);
    await assert.rejects(checkPackage(file), (error) => {
      assert.ok(error instanceof PackageError, String(error));
      assert.equal(error.code, 'unreadable');
      assert.match(error.message, /far more bytes than its 1 entries/);
      return true;
    });
  });
});

void describe('staging', () => {
  for (const kind of ['tar', 'zip'] as const) {
    void test(`a ${kind} with d -> .tuplet reaches nothing on the host`, async () => {
      const file = makeArchive(root, `stage-d.${kind}`, kind, attacks[0]!.entries);
      const seriesDir = path.join(root, 'work', `refused-${kind}`);
      const series = seriesSpec('refused', 'x = 1 2\n', 'python3 model.py', { packagePath: file });
      await assert.rejects(stageSeries(new LocalTransport(), seriesDir, series, sweepOf(series)), (error) =>
        assertRefusal(error, attacks[0]!),
      );
      assert.equal(existsSync(seriesDir), false);
    });
  }

  void test("a package's plain files cannot overwrite Tuplet's files, on a first stage or a retried one", async () => {
    const seriesDir = path.join(root, 'work', 'overwrite');
    const series = seriesSpec('overwrite', 'x = 1 2\n', 'python3 model.py', {
      packagePath: makeArchive(root, 'inputs.tar', 'tar', [{ name: 'inputs/a.txt', data: 'a\n' }]),
    });
    const transport = new LocalTransport();
    await stageSeries(transport, seriesDir, series, sweepOf(series));
    const staged = async () => ({
      command: await readFile(path.join(seriesDir, COMMAND_PATH), 'utf8'),
      tuples: await readFile(path.join(seriesDir, 'tuples.tsv'), 'utf8'),
      top: (await readdir(seriesDir)).sort(),
    });
    const before = await staged();
    assert.deepEqual(before, {
      command: 'python3 model.py\n',
      tuples: '0\t0_x=1\n1\t1_x=2\n',
      top: ['.tuplet', 'inputs', 'runs', 'tuples.tsv'],
    });

    // A retried stage of the same series with packages aiming at Tuplet's files.
    for (const [name, entry] of [
      ['command', '.tuplet/command.sh'],
      ['dot-command', './.tuplet/command.sh'],
      ['tuples', 'tuples.tsv'],
      ['config', 'runs/0_x=1/config.ini'],
    ] as const) {
      for (const kind of ['tar', 'zip'] as const) {
        const packagePath = makeArchive(root, `overwrite-${name}.${kind}`, kind, [
          { name: 'inputs/b.txt', data: 'b\n' },
          { name: entry, data: EVIL },
        ]);
        await assert.rejects(stageSeries(transport, seriesDir, { ...series, packagePath }, sweepOf(series)), {
          name: 'PackageError',
          code: 'reserved',
          entry,
        });
        assert.deepEqual(await staged(), before);
        assert.equal(existsSync(path.join(seriesDir, 'inputs/b.txt')), false);
      }
    }
  });

  for (const kind of ['tar', 'zip'] as const) {
    void test(`a ${kind} cannot plant a setuid program or a world-writable directory`, async () => {
      const seriesDir = path.join(root, 'work', `modes-${kind}`);
      const series = seriesSpec('modes', 'x = 1\n', 'true', {
        packagePath: makeArchive(root, `modes.${kind}`, kind, [
          { name: 'shared/', dir: true, mode: 0o1777 },
          { name: 'bin/tool', data: '#!/bin/sh\nid\n', mode: 0o6777 },
          { name: 'data/locked', data: 'x', mode: 0o000 },
        ]),
      });
      await stageSeries(new LocalTransport(), seriesDir, series, sweepOf(series));
      const mode = async (name: string) => (await stat(path.join(seriesDir, name))).mode & 0o7777;
      assert.equal(await mode('shared'), 0o755);
      assert.equal(await mode('bin/tool'), 0o755);
      assert.equal(await mode('data/locked'), 0o644);
    });
  }

  void test("the package is unpacked first: Tuplet's files come after every package entry", async () => {
    const series = seriesSpec('order', 'x = 1 2\n', 'python3 model.py', {
      setup: 'pip install -r requirements.txt',
      packagePath: makeArchive(root, 'order.zip', 'zip', [
        { name: 'requirements.txt', data: 'numpy\n' },
        { name: 'model/', dir: true },
        { name: 'model/run.py', data: 'print(1)\n' },
      ]),
    });
    const order: string[] = [];
    for await (const entry of seriesEntries(series, sweepOf(series))) order.push(entry.path);
    assert.deepEqual(order, [
      'requirements.txt',
      'model',
      'model/run.py',
      'runs',
      '.tuplet/active',
      '.tuplet/command.sh',
      '.tuplet/tuplet-runner.sh',
      '.tuplet/setup.sh',
      'tuples.tsv',
    ]);
  });
});
