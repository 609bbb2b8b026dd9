// Datasets on a real stack (Temporal dev server, PGlite, the local host): a version uploaded
// once is used by three series without being uploaded again, each run reading it at
// `inputs/<name>/`; a directory already on the host is staged as a link (its data never passes
// through the server); a dataset a live series uses cannot be deleted (409 naming the series).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { lstat, mkdir, readdir, readFile, readlink, realpath, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { before, describe, test } from 'node:test';
import { waitForSeries, waitForSeriesEnd } from '../support/stack.ts';
import { useTestStack } from '../support/stack-per-file.ts';

const run = promisify(execFile);

async function makeZip(file: string, entries: Record<string, string>): Promise<Uint8Array<ArrayBuffer>> {
  const script = `import sys, zipfile, json\nwith zipfile.ZipFile(sys.argv[1], 'w') as z:\n  for k, v in json.loads(sys.argv[2]).items(): z.writestr(k, v)\n`;
  await run('python3', ['-c', script, file, JSON.stringify(entries)]);
  return new Uint8Array(await readFile(file));
}

/** Every file below `dir` (relative paths), links not followed. */
async function filesBelow(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
}

describe('datasets staged on the local host', { timeout: 300_000 }, () => {
  const testbed = useTestStack();
  const workOf = (seriesId: string) => path.join(testbed.stack.dataDir, 'work', seriesId);

  before(async () => {
    const app = await testbed.stack.request('POST', '/api/v1/applications', {
      name: 'reader',
      command: 'cat inputs/cells/data.txt > seen.txt',
    });
    assert.equal(app.status, 201, JSON.stringify(app.body));
  });

  async function runsOf(seriesId: string): Promise<Array<{ dir: string }>> {
    const { body } = await testbed.stack.request<{ runs: Array<{ dir: string }> }>(
      'GET',
      `/api/v1/series/${seriesId}/runs`,
    );
    return body.runs;
  }

  test('uploaded once, used by three series: every run reads inputs/cells/data.txt', async () => {
    assert.equal((await testbed.stack.request('POST', '/api/v1/datasets', { name: 'cells' })).status, 201);
    const zip = await makeZip(path.join(testbed.stack.dataDir, 'cells.zip'), { 'data.txt': 'cell counts\n' });
    const uploaded = await testbed.stack.fetch('/api/v1/datasets/cells/versions', {
      method: 'POST',
      body: zip,
    });
    assert.equal(uploaded.status, 201);
    const version = (await uploaded.json()) as { version: number; entries: number; manifestSha256: string };
    assert.equal(version.version, 1);
    assert.equal(version.entries, 1);
    const storedBefore = await filesBelow(path.join(testbed.stack.stack.storageDir, 'datasets'));
    assert.equal(storedBefore.filter((f) => f.endsWith('.pkg')).length, 1);

    const ids: string[] = [];
    for (const ini of ['k = 1 2\n', 'k = 3\n', 'k = 4 5 6\n']) {
      const created = await testbed.stack.request<{ id: string }>('POST', '/api/v1/series', {
        application: 'reader',
        host: 'local',
        ini,
        datasets: [{ name: 'cells', version: 1 }],
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      ids.push(created.body.id);
    }
    for (const id of ids) {
      const series = await waitForSeriesEnd(testbed.stack, id);
      assert.equal(series.state, 'completed', JSON.stringify(series));
      for (const r of await runsOf(id)) {
        const runDir = path.join(workOf(id), 'runs', r.dir);
        assert.equal(await readFile(path.join(runDir, 'seen.txt'), 'utf8'), 'cell counts\n');
        assert.ok((await lstat(path.join(runDir, 'inputs/cells'))).isSymbolicLink());
      }
      // Unpacked once per series, in Tuplet's own directory.
      assert.equal(
        await readFile(path.join(workOf(id), '.tuplet/datasets/cells/data.txt'), 'utf8'),
        'cell counts\n',
      );
    }
    // Nothing was uploaded again: storage holds the one archive (and its manifest).
    assert.deepEqual(await filesBelow(path.join(testbed.stack.stack.storageDir, 'datasets')), storedBefore);

    const detail = await testbed.stack.request<{
      files: Array<{ path: string; sha256: string; size: number }>;
      usedBy: Array<{ seriesId: string }>;
    }>('GET', '/api/v1/datasets/cells/versions/1');
    assert.equal(detail.status, 200);
    const sha256 = createHash('sha256').update('cell counts\n').digest('hex');
    assert.deepEqual(detail.body.files, [{ path: 'data.txt', type: 'file', size: 12, sha256 }]);
    assert.deepEqual(detail.body.usedBy.map((u) => u.seriesId).sort(), [...ids].sort());
  });

  test('a directory on the host is linked, not copied, and must exist', async () => {
    const shared = path.join(testbed.stack.dataDir, 'scratch', 'cells-on-host');
    await mkdir(shared, { recursive: true });
    await writeFile(path.join(shared, 'data.txt'), 'on the host\n');
    assert.equal(
      (await testbed.stack.request('POST', '/api/v1/datasets', { name: 'hostcells' })).status,
      201,
    );
    const registered = await testbed.stack.request<{ version: number; kind: string }>(
      'POST',
      '/api/v1/datasets/hostcells/host-versions',
      { host: 'local', path: shared },
    );
    assert.equal(registered.status, 201, JSON.stringify(registered.body));
    assert.equal(registered.body.kind, 'host');

    const created = await testbed.stack.request<{ id: string }>('POST', '/api/v1/series', {
      application: 'reader',
      host: 'local',
      ini: 'k = 1 2\n',
      datasets: [{ name: 'hostcells', version: 1, mountPath: 'inputs/cells' }],
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const series = await waitForSeriesEnd(testbed.stack, created.body.id);
    assert.equal(series.state, 'completed', JSON.stringify(series));
    const staged = path.join(workOf(created.body.id), '.tuplet/datasets/hostcells');
    assert.equal(await readlink(staged), shared);
    for (const r of await runsOf(created.body.id)) {
      const runDir = path.join(workOf(created.body.id), 'runs', r.dir);
      assert.equal(await readFile(path.join(runDir, 'seen.txt'), 'utf8'), 'on the host\n');
      assert.equal(await realpath(path.join(runDir, 'inputs/cells')), await realpath(shared));
    }
    // Nothing of it reached the server's storage.
    assert.deepEqual(
      (await filesBelow(path.join(testbed.stack.stack.storageDir, 'datasets'))).filter((f) =>
        f.includes('hostcells'),
      ),
      [],
    );

    // A version whose directory is gone fails its staging, naming the dataset and the path.
    const gone = await testbed.stack.request('POST', '/api/v1/datasets/hostcells/host-versions', {
      host: 'local',
      path: `${shared}-missing`,
    });
    assert.equal(gone.status, 201);
    const refused = await testbed.stack.request<{ id: string }>('POST', '/api/v1/series', {
      application: 'reader',
      host: 'local',
      ini: 'k = 1\n',
      datasets: [{ name: 'hostcells', version: 2, mountPath: 'inputs/cells' }],
    });
    assert.equal(refused.status, 201);
    const failed = await waitForSeriesEnd(testbed.stack, refused.body.id);
    assert.equal(failed.state, 'failed', JSON.stringify(failed));
    assert.match(JSON.stringify(failed), /hostcells.*version 2.*-missing is not a directory/);
  });

  test('a dataset a live series uses is not deleted: 409 naming the series', async () => {
    const gate = path.join(testbed.stack.dataDir, 'gate');
    const app = await testbed.stack.request('POST', '/api/v1/applications', {
      name: 'gated',
      command: `while [ ! -e ${gate} ]; do sleep 0.1; done; cat inputs/cells/data.txt > seen.txt`,
    });
    assert.equal(app.status, 201, JSON.stringify(app.body));
    const created = await testbed.stack.request<{ id: string }>('POST', '/api/v1/series', {
      application: 'gated',
      host: 'local',
      ini: 'k = 1\n',
      datasets: [{ name: 'cells', version: 1 }],
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id = created.body.id;
    await waitForSeries(testbed.stack, id, (s) => s.state === 'running');

    for (const route of ['/api/v1/datasets/cells/versions/1', '/api/v1/datasets/cells']) {
      const refused = await testbed.stack.request<{ error: { message: string; series: string[] } }>(
        'DELETE',
        route,
      );
      assert.equal(refused.status, 409, route);
      assert.deepEqual(refused.body.error.series, [id]);
      assert.match(refused.body.error.message, new RegExp(id));
    }
    await writeFile(gate, '');
    assert.equal((await waitForSeriesEnd(testbed.stack, id)).state, 'completed');
    assert.equal((await testbed.stack.request('DELETE', '/api/v1/datasets/cells/versions/1')).status, 204);
    assert.deepEqual(
      (await filesBelow(path.join(testbed.stack.stack.storageDir, 'datasets'))).filter((f) =>
        f.endsWith('.pkg'),
      ),
      [],
    );
    assert.equal((await testbed.stack.request('DELETE', '/api/v1/datasets/cells')).status, 204);
    assert.equal((await testbed.stack.request('GET', '/api/v1/datasets/cells')).status, 404);
  });
});
