// Input packages and dataset uploads with TUPLET_STORAGE_URL at a real S3-compatible server
// (moto, started here): both land in the bucket (the package with its sha256 beside it) and not
// on the API machine's disk; a series using both is staged from the bucket (the host worker's
// copy, hosts/local-inputs.ts) and runs. Attacks: storage keys that leave the storage (`..`,
// absolute paths) in a series' package or dataset are refused before anything is fetched or
// written, and a package id that is a path is refused by the API.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { text } from 'node:stream/consumers';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { InvalidRequestError } from '../../core/errors.ts';
import { S3Storage } from '../../files/storage/s3.ts';
import { withLocalInputs } from '../../hosts/local-inputs.ts';
import { startS3Server, type TestS3Server } from '../support/s3-server.ts';
import { startTestStack, waitForSeriesEnd, type InProcessStack } from '../support/stack.ts';
import { startTemporal, type TestTemporal } from '../support/temporal.ts';

const exec = promisify(execFile);

/** Every file below `dir`, relative; none when it does not exist. */
async function filesIn(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
}

describe('packages and datasets in S3', { timeout: 300_000 }, () => {
  let s3: TestS3Server;
  let bucket: S3Storage;
  let temporal: TestTemporal;
  let stack: InProcessStack;
  let packageId: string;
  const storageDir = () => path.join(stack.dataDir, 'storage');

  before(async () => {
    [s3, temporal] = await Promise.all([startS3Server(), startTemporal()]);
    bucket = new S3Storage(s3.options('inputs'));
    stack = await startTestStack({ temporalAddress: temporal.address, env: s3.env('inputs') });
    const app = await stack.request('POST', '/api/v1/applications', {
      name: 'input-reader',
      command: 'cat ../../tool.txt inputs/cells/data.txt > seen.txt',
    });
    assert.equal(app.status, 201, JSON.stringify(app.body));
  });
  after(async () => {
    bucket?.close();
    await stack?.stop();
    await Promise.all([temporal?.stop(), s3?.stop()]);
  });

  test("an uploaded package and dataset are in the bucket, not on the API machine's disk", async () => {
    const source = path.join(stack.dataDir, 'sources');
    await mkdir(path.join(source, 'package'), { recursive: true });
    await mkdir(path.join(source, 'cells'), { recursive: true });
    await writeFile(path.join(source, 'package', 'tool.txt'), 'the package tool\n');
    await writeFile(path.join(source, 'cells', 'data.txt'), 'cell counts\n');
    const tgz = path.join(source, 'package.tar.gz');
    await exec('tar', ['-czf', tgz, '-C', path.join(source, 'package'), 'tool.txt']);
    const zip = path.join(source, 'cells.zip');
    await exec('python3', ['-m', 'zipfile', '-c', zip, 'data.txt'], { cwd: path.join(source, 'cells') });

    const packageBytes = await readFile(tgz);
    const uploaded = await stack.fetch('/api/v1/packages', { method: 'POST', body: packageBytes });
    assert.equal(uploaded.status, 201, await uploaded.clone().text());
    packageId = ((await uploaded.json()) as { id: string }).id;
    assert.equal((await stack.request('POST', '/api/v1/datasets', { name: 'cells' })).status, 201);
    const version = await stack.fetch('/api/v1/datasets/cells/versions', {
      method: 'POST',
      body: await readFile(zip),
    });
    assert.equal(version.status, 201, await version.clone().text());

    assert.equal((await bucket.head(`packages/${packageId}.pkg`))?.size, packageBytes.length);
    const digest = await text((await bucket.get(`packages/${packageId}.sha256`)).body);
    assert.equal(digest, createHash('sha256').update(packageBytes).digest('hex'));
    const datasetKeys: string[] = [];
    for await (const { key } of bucket.list('datasets')) datasetKeys.push(key);
    assert.deepEqual(
      datasetKeys.map((k) => path.extname(k)),
      ['.json', '.pkg'],
      datasetKeys.join(', '),
    );
    // Before any staging: nothing of either on the disk (the upload's scratch file is gone too).
    assert.deepEqual(await filesIn(storageDir()), []);
  });

  test('a series using both is staged from the bucket and runs', async () => {
    const created = await stack.request<{ id: string }>('POST', '/api/v1/series', {
      application: 'input-reader',
      host: 'local',
      ini: 'k = 1 2\n',
      package: packageId,
      datasets: [{ name: 'cells', version: 1 }],
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const series = await waitForSeriesEnd(stack, created.body.id);
    const listing = await stack.request('GET', `/api/v1/series/${created.body.id}/runs/0/files`);
    const stderr = await stack.fetch(`/api/v1/series/${created.body.id}/runs/0/files/.tuplet/stderr`);
    assert.equal(series.state, 'completed', `${JSON.stringify(listing.body)} ${await stderr.text()}`);
    for (const index of [0, 1]) {
      const seen = await stack.fetch(`/api/v1/series/${created.body.id}/runs/${index}/files/seen.txt`);
      assert.equal(seen.status, 200);
      assert.equal(await seen.text(), 'the package tool\ncell counts\n');
    }
    // The one copy on disk is the host worker's cache of what it staged (keys never reused).
    assert.deepEqual(
      (await filesIn(storageDir()))
        .filter((f) => !f.startsWith('.input-cache/'))
        .filter((f) => !f.startsWith('.file-index')),
      [],
    );
  });

  test('attack: storage keys with .. or absolute paths in a series are refused before any fetch', async () => {
    const deps = { storage: bucket, storageDir: storageDir() };
    const before = await filesIn(stack.dataDir);
    for (const key of ['../outside.pkg', 'packages/../../outside.pkg', '/etc/passwd', 'packages//x.pkg']) {
      await assert.rejects(withLocalInputs({ packageKey: key }, deps), InvalidRequestError, key);
      const dataset = { name: 'cells', version: 1, mountPath: 'inputs/cells', storageKey: key };
      await assert.rejects(withLocalInputs({ datasets: [dataset] }, deps), InvalidRequestError, key);
    }
    assert.deepEqual(await filesIn(stack.dataDir), before);

    for (const id of ['../x', '..%2Fx', '/etc/passwd']) {
      const created = await stack.request<{ error: { message: string } }>('POST', '/api/v1/series', {
        application: 'input-reader',
        host: 'local',
        ini: 'k = 1\n',
        package: id,
      });
      assert.equal(created.status, 400, `${id}: ${JSON.stringify(created.body)}`);
      assert.match(created.body.error.message, /package/);
    }
  });
});
