// Uploaded packages: refused before anything reaches the host when an entry would escape
// the series directory (.., absolute), is a link, or is too large; good ones land, as plain
// files and directories with plain permissions. (The attacks: test/security/packages.test.ts.)
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { PackageError } from '../../hosts/errors.ts';
import { LocalTransport } from '../../hosts/local-transport.ts';
import { checkPackage } from '../../hosts/package.ts';
import { stageSeries, sweepOf } from '../../hosts/staging.ts';
import { seriesSpec, tempDir } from './helpers.ts';

let root: { dir: string; remove: () => Promise<void> };
before(async () => {
  root = await tempDir('package');
});
after(() => root.remove());

/** Builds an archive with Python's zipfile/tarfile, which write whatever names they are given. */
function makeArchive(
  name: string,
  kind: 'zip' | 'tar' | 'tar.gz',
  entries: Array<[string, string] | [string, '->', string]>,
): string {
  const file = path.join(root.dir, name);
  const script = `
import io, json, sys, tarfile, zipfile, stat
kind, out, entries = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
if kind == 'zip':
    with zipfile.ZipFile(out, 'w') as z:
        for e in entries:
            if len(e) == 3:
                info = zipfile.ZipInfo(e[0]); info.external_attr = (stat.S_IFLNK | 0o777) << 16
                z.writestr(info, e[2])
            else:
                info = zipfile.ZipInfo(e[0]); info.external_attr = (stat.S_IFREG | 0o640) << 16
                z.writestr(info, e[1])
else:
    with tarfile.open(out, 'w:gz' if kind == 'tar.gz' else 'w') as t:
        for e in entries:
            info = tarfile.TarInfo(e[0])
            if len(e) == 3:
                info.type = tarfile.SYMTYPE; info.linkname = e[2]; t.addfile(info)
            else:
                data = e[1].encode(); info.size = len(data); t.addfile(info, io.BytesIO(data))
`;
  execFileSync('python3', ['-c', script, kind, file, JSON.stringify(entries)]);
  return file;
}

void describe('package checks', { concurrency: true }, () => {
  const refusals: Array<
    [string, 'zip' | 'tar' | 'tar.gz', Array<[string, string] | [string, '->', string]>, string, string]
  > = [
    [
      'dotdot.zip',
      'zip',
      [
        ['ok.txt', 'x'],
        ['../evil.sh', 'x'],
      ],
      'traversal',
      '../evil.sh',
    ],
    ['nested-dotdot.tar', 'tar', [['a/../../evil', 'x']], 'traversal', 'a/../../evil'],
    ['absolute.tar.gz', 'tar.gz', [['/etc/cron.d/evil', 'x']], 'traversal', '/etc/cron.d/evil'],
    ['link-out.tar', 'tar', [['data', '->', '../../outside']], 'link', 'data'],
    ['link-abs.zip', 'zip', [['passwd', '->', '/etc/passwd']], 'link', 'passwd'],
    ['link-inside.tar.gz', 'tar.gz', [['bin/latest', '->', '../data/input.csv']], 'link', 'bin/latest'],
    ['reserved.zip', 'zip', [['.tuplet/command.sh', 'rm -rf ~']], 'reserved', '.tuplet/command.sh'],
  ];
  for (const [name, kind, entries, code, entry] of refusals) {
    void test(`refuses ${name} naming ${entry}`, async () => {
      const file = makeArchive(name, kind, entries);
      await assert.rejects(checkPackage(file), (error: unknown) => {
        assert.ok(error instanceof PackageError, String(error));
        assert.equal(error.code, code);
        assert.equal(error.entry, entry);
        assert.ok(error.message.includes(entry));
        return true;
      });
    });
  }

  void test('refuses a package over the size limit, and a file that is no archive', async () => {
    const big = makeArchive('big.zip', 'zip', [['a.bin', 'x'.repeat(2000)]]);
    await assert.rejects(checkPackage(big, { maxBytes: 1000 }), { name: 'PackageError', code: 'too_large' });
    const many = makeArchive('many.tar', 'tar', [
      ['a', ''],
      ['b', ''],
      ['c', ''],
    ]);
    await assert.rejects(checkPackage(many, { maxEntries: 2 }), {
      name: 'PackageError',
      code: 'too_many_entries',
    });
    const text = path.join(root.dir, 'notes.txt');
    execFileSync('bash', ['-c', 'echo hello > "$1"', 'x', text]);
    await assert.rejects(checkPackage(text), { name: 'PackageError', code: 'unsupported' });
  });

  void test('a refused package leaves nothing on the host', async () => {
    const file = makeArchive('refused.zip', 'zip', [['../evil.sh', 'x']]);
    const seriesDir = path.join(root.dir, 'work', 'refused');
    const series = seriesSpec('refused', 'x = 1 2\n', 'true', { packagePath: file });
    await assert.rejects(stageSeries(new LocalTransport(), seriesDir, series, sweepOf(series)), {
      name: 'PackageError',
    });
    assert.equal(existsSync(seriesDir), false);
    assert.equal(existsSync(path.join(root.dir, 'work', 'evil.sh')), false);
  });

  for (const kind of ['zip', 'tar.gz'] as const) {
    void test(`a good ${kind} package is unpacked into the series directory`, async () => {
      const file = makeArchive(`good.${kind}`, kind, [
        ['bin/model.py', 'print("hi")\n'],
        ['data/input.csv', 'a,b\n1,2\n'],
      ]);
      const seriesDir = path.join(root.dir, 'work', `good-${kind.replace('.', '-')}`);
      const series = seriesSpec('good', 'x = 1 2\n', 'python3 bin/model.py', { packagePath: file });
      await stageSeries(new LocalTransport(), seriesDir, series, sweepOf(series));
      assert.equal(await readFile(path.join(seriesDir, 'bin/model.py'), 'utf8'), 'print("hi")\n');
      assert.equal(await readFile(path.join(seriesDir, 'data/input.csv'), 'utf8'), 'a,b\n1,2\n');
      assert.equal(await readFile(path.join(seriesDir, 'tuples.tsv'), 'utf8'), '0\t0_x=1\n1\t1_x=2\n');
      assert.equal(
        await readFile(path.join(seriesDir, '.tuplet/command.sh'), 'utf8'),
        'python3 bin/model.py\n',
      );
      assert.ok(((await stat(path.join(seriesDir, '.tuplet/tuplet-runner.sh'))).mode & 0o111) !== 0);
    });
  }
});

void test('a large tar.gz streams through re-encoding intact', async () => {
  const file = path.join(root.dir, 'large.tar.gz');
  const script = String.raw`
import io, os, sys, tarfile
with tarfile.open(sys.argv[1], 'w:gz') as t:
    for name, size in (('data/a.bin', 24 << 20), ('data/b.bin', 3)):
        data = os.urandom(size); info = tarfile.TarInfo(name); info.size = size
        t.addfile(info, io.BytesIO(data))
        open(sys.argv[1] + '.' + os.path.basename(name), 'wb').write(data)
`;
  execFileSync('python3', ['-c', script, file]);
  const seriesDir = path.join(root.dir, 'work', 'large');
  const series = seriesSpec('large', 'x = 1\n', 'true', { packagePath: file });
  await stageSeries(new LocalTransport(), seriesDir, series, sweepOf(series));
  for (const name of ['a.bin', 'b.bin']) {
    const [unpacked, original] = await Promise.all([
      readFile(path.join(seriesDir, 'data', name)),
      readFile(`${file}.${name}`),
    ]);
    assert.ok(unpacked.equals(original), name);
  }
});

void test('a tar.gz made with `tar -C dir .` (a ./ root entry) is unpacked', async () => {
  const source = path.join(root.dir, 'made-by-gnu-tar');
  execFileSync('bash', ['-c', 'mkdir -p "$1/inputs" && echo hi > "$1/inputs/a.txt"', 'x', source]);
  const file = path.join(root.dir, 'dot.tar.gz');
  execFileSync('tar', ['-czf', file, '-C', source, '.']);
  const seriesDir = path.join(root.dir, 'work', 'dot');
  const series = seriesSpec('dot', 'x = 1\n', 'true', { packagePath: file });
  const checked = await checkPackage(file);
  assert.equal(checked.entries, 2);
  assert.deepEqual(checked.listed, [
    { path: 'inputs', type: 'directory', size: 0 },
    { path: 'inputs/a.txt', type: 'file', size: 3 },
  ]);
  await stageSeries(new LocalTransport(), seriesDir, series, sweepOf(series));
  assert.equal(await readFile(path.join(seriesDir, 'inputs/a.txt'), 'utf8'), 'hi\n');
});
