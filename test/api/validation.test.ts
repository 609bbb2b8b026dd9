// Input checks that guard job scripts and file paths: resources of a series and run file paths.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { errorResponse } from '../../api/errors.ts';
import { ResourcesSchema } from '../../api/schemas.ts';
import { openStoredFile, safeRelativePath } from '../../files/confine.ts';
import { servedTypeOf } from '../../files/content-type.ts';
import { InvalidRequestError, NotFoundError } from '../../core/errors.ts';

describe('resources', () => {
  test('accepts what sbatch understands', () => {
    const ok = {
      partition: 'gpu,debug',
      time: '1-12:00:00',
      cpus: 4,
      gpus: 1,
      memory: '4G',
      account: 'lab_42',
      qos: 'normal',
      extra: ['--constraint=v100', '--exclusive'],
    };
    assert.deepEqual(ResourcesSchema.parse(ok), ok);
    assert.equal(ResourcesSchema.parse({ time: '00:30:00' }).time, '00:30:00');
  });

  const refused: Array<[string, unknown]> = [
    ['time without seconds', { time: '10:00' }],
    ['minutes beyond 59', { time: '01:75:00' }],
    ['hours beyond 23 with days', { time: '1-25:00:00' }],
    ['memory with a bad unit', { memory: '4 GB' }],
    ['memory zero', { memory: '0' }],
    ['a newline in a partition', { partition: 'gpu\n#SBATCH --uid=0' }],
    ['a newline in an extra directive', { extra: ['--exclusive\nrm -rf ~'] }],
    ['#SBATCH inside an extra directive', { extra: ['--comment=x #SBATCH --uid=0'] }],
    ['an extra line that is not an option', { extra: ['echo hi'] }],
    ['a carriage return', { account: 'a\rb' }],
    ['zero cpus', { cpus: 0 }],
    ['fractional gpus', { gpus: 0.5 }],
    ['an unknown key', { nodes: 2 }],
  ];
  for (const [what, value] of refused) {
    test(`refuses ${what}`, () => {
      assert.equal(ResourcesSchema.safeParse(value).success, false);
    });
  }
});

describe('run file paths', () => {
  test('relative paths split into segments', () => {
    assert.deepEqual(safeRelativePath('out/frame 1.png'), ['out', 'frame 1.png']);
  });

  for (const bad of [
    '../x',
    'a/../../x',
    '/etc/passwd',
    '\\etc',
    'C:/x',
    'a//b',
    './a',
    'a/\u0000b',
    'a\\..\\b',
    '',
  ]) {
    test(`refuses ${JSON.stringify(bad)}`, () => {
      assert.throws(
        () => safeRelativePath(bad),
        (error: unknown) => error instanceof InvalidRequestError && errorResponse(error).status === 400,
      );
    });
  }

  test('a symbolic link out of the series directory is refused', async (t) => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'tuplet-api-files-'));
    const seriesDir = path.join(root, 'S1');
    await mkdir(path.join(seriesDir, 'runs', '0'), { recursive: true });
    await writeFile(path.join(root, 'secret'), 'no');
    await writeFile(path.join(seriesDir, 'runs', '0', 'ok.txt'), 'yes');
    await symlink(path.join(root, 'secret'), path.join(seriesDir, 'runs', '0', 'link'));
    const runDir = path.join(seriesDir, 'runs', '0');
    t.after(() => rm(root, { recursive: true, force: true }));
    const found = await openStoredFile(seriesDir, runDir, ['ok.txt']);
    await found.handle.close();
    assert.equal(found.size, 3);
    await assert.rejects(
      openStoredFile(seriesDir, runDir, ['link']),
      (e: unknown) => e instanceof InvalidRequestError && errorResponse(e).status === 400,
    );
    await assert.rejects(
      openStoredFile(seriesDir, runDir, ['missing']),
      (e: unknown) => e instanceof NotFoundError && errorResponse(e).status === 404,
    );
  });

  test('content types', () => {
    assert.deepEqual(servedTypeOf('a/spiral.png'), { type: 'image/png', inline: true });
    assert.match(servedTypeOf('metrics.json').type, /^application\/json/);
    assert.equal(servedTypeOf('config.ini').type, 'text/plain; charset=utf-8');
    assert.equal(servedTypeOf('.tuplet/stdout').type, 'text/plain; charset=utf-8');
    assert.deepEqual(servedTypeOf('blob.bin'), { type: 'application/octet-stream', inline: false });
    assert.deepEqual(servedTypeOf('report.html'), { type: 'application/octet-stream', inline: false });
  });
});
