// Input packages: a zip uploaded over HTTP (and with `tuplet submit --package`) is unpacked
// into the series directory before the runs; a package with an entry that leaves its
// directory is refused before it goes anywhere.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { before, describe, test } from 'node:test';
import { waitForSeriesEnd, type SeriesBody } from '../support/stack.ts';
import { useTestStack } from '../support/stack-per-file.ts';

const run = promisify(execFile);

/** Builds a zip with Python's zipfile, which writes any entry name it is given (also `../x`). */
async function makeZip(file: string, entries: Record<string, string>): Promise<Uint8Array<ArrayBuffer>> {
  const script = `import sys, zipfile, json\nwith zipfile.ZipFile(sys.argv[1], 'w') as z:\n  for k, v in json.loads(sys.argv[2]).items(): z.writestr(k, v)\n`;
  await run('python3', ['-c', script, file, JSON.stringify(entries)]);
  return new Uint8Array(await readFile(file));
}

describe('input packages', { timeout: 180_000 }, () => {
  const testbed = useTestStack();

  before(async () => {
    const app = await testbed.stack.request('POST', '/api/v1/applications', {
      name: 'reader',
      command: 'cat ../../inputs/greeting.txt > seen.txt',
    });
    assert.equal(app.status, 201, JSON.stringify(app.body));
  });

  test('an uploaded zip is unpacked into the series directory before the runs', async () => {
    const zip = await makeZip(path.join(testbed.stack.dataDir, 'inputs.zip'), {
      'inputs/greeting.txt': 'hello from the package\n',
    });
    const uploaded = await testbed.stack.fetch('/api/v1/packages?name=inputs.zip', {
      method: 'POST',
      headers: { 'content-type': 'application/zip' },
      body: zip,
    });
    assert.equal(uploaded.status, 201);
    const pkg = (await uploaded.json()) as { id: string; format: string; entries: number };
    assert.equal(pkg.format, 'zip');

    const created = await testbed.stack.request<{ id: string }>('POST', '/api/v1/series', {
      application: 'reader',
      host: 'local',
      ini: 'k = 1 2\n',
      package: pkg.id,
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const series = await waitForSeriesEnd(testbed.stack, created.body.id);
    assert.equal(series.state, 'completed', JSON.stringify(series));
    const { body } = await testbed.stack.request<{ runs: Array<{ dir: string }> }>(
      'GET',
      `/api/v1/series/${created.body.id}/runs`,
    );
    for (const r of body.runs) {
      const seen = await readFile(
        path.join(testbed.stack.dataDir, 'work', created.body.id, 'runs', r.dir, 'seen.txt'),
        'utf8',
      );
      assert.equal(seen, 'hello from the package\n');
    }
  });

  test('an uploaded tar.gz is re-encoded on its way to the host: its program runs, its modes kept', async () => {
    const tgz = path.join(testbed.stack.dataDir, 'tool.tar.gz');
    await run('python3', [
      '-c',
      `import io, sys, tarfile
with tarfile.open(sys.argv[1], 'w:gz') as t:
    data = b'#!/bin/sh\\necho "tool saw $1" > seen.txt\\n'
    info = tarfile.TarInfo('bin/tool'); info.size = len(data); info.mode = 0o755
    t.addfile(info, io.BytesIO(data))`,
      tgz,
    ]);
    const uploaded = await testbed.stack.fetch('/api/v1/packages?name=tool.tar.gz', {
      method: 'POST',
      body: new Uint8Array(await readFile(tgz)),
    });
    assert.equal(uploaded.status, 201);
    const pkg = (await uploaded.json()) as { id: string; format: string };
    assert.equal(pkg.format, 'tar.gz');
    const app = await testbed.stack.request('POST', '/api/v1/applications', {
      name: 'tool',
      command: '../../bin/tool "$(cat config.ini)"',
    });
    assert.equal(app.status, 201, JSON.stringify(app.body));
    const created = await testbed.stack.request<{ id: string }>('POST', '/api/v1/series', {
      application: 'tool',
      host: 'local',
      ini: 'k = 1\n',
      package: pkg.id,
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const series = await waitForSeriesEnd(testbed.stack, created.body.id);
    assert.equal(series.state, 'completed', JSON.stringify(series));
    const dir = path.join(testbed.stack.dataDir, 'work', created.body.id, 'runs');
    const [runDir] = await readdir(dir);
    assert.equal(await readFile(path.join(dir, runDir!, 'seen.txt'), 'utf8'), 'tool saw k = 1\n');
  });

  test('a package whose entry leaves its directory is refused, and nothing is kept', async () => {
    const packages = path.join(testbed.stack.stack.storageDir, 'packages');
    const listPackages = () => readdir(packages).catch(() => [] as string[]);
    const before = await listPackages();
    const zip = await makeZip(path.join(testbed.stack.dataDir, 'evil.zip'), { '../../escape.txt': 'out' });
    const uploaded = await testbed.stack.fetch('/api/v1/packages', { method: 'POST', body: zip });
    assert.equal(uploaded.status, 400);
    const error = (await uploaded.json()) as { error: { code: string; message: string } };
    assert.equal(error.error.code, 'invalid_package');
    assert.match(error.error.message, /escape\.txt/);
    assert.deepEqual(await listPackages(), before);
  });

  test('tuplet submit --package uploads and uses it', async () => {
    const zip = path.join(testbed.stack.dataDir, 'cli-inputs.zip');
    await makeZip(zip, { 'inputs/greeting.txt': 'from the CLI\n' });
    const ini = path.join(testbed.stack.dataDir, 'cli.ini');
    await writeFile(ini, 'k = 7\n');
    const { stdout } = await run(
      path.resolve('bin/tuplet'),
      ['submit', ini, '--app', 'reader', '--host', 'local', '--package', zip, '--wait', '--json'],
      { env: { ...process.env, TUPLET_URL: testbed.stack.url, TUPLET_TOKEN: testbed.stack.token } },
    );
    const series = JSON.parse(stdout) as SeriesBody;
    assert.equal(series.state, 'completed');
  });

  test('an unknown package id is a clear 422', async () => {
    const created = await testbed.stack.request<{ error: { code: string } }>('POST', '/api/v1/series', {
      application: 'reader',
      host: 'local',
      ini: 'k = 1\n',
      package: 'nosuchpackage',
    });
    assert.equal(created.status, 422);
    assert.equal(created.body.error.code, 'unknown_package');
  });
});
