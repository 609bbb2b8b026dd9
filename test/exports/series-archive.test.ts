// GET /series/{id}/export on one stack, POST /series/import on a fresh one (its own database
// and storage), on both backends: the imported series shows what the original shows — series
// fields, every run's state, exit code, metrics and times, the results table, and each file
// downloadable with the same sha256 — and it is finished for good: rerun and post-processing
// are refused, and the workflow's plan loader refuses it too.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { loadSeriesPlan } from '../../activities/control/series.ts';
import { createHarness, type ApiHarness } from '../api/harness.ts';
import { backends, openTestDatabase, type TestDatabase } from '../support/database.ts';
import { startTemporal, type TestTemporal } from '../support/temporal.ts';
import { finishedRun, seedFinishedSeries, sha256 } from './fixtures.ts';

const INI = '[model]\na = 0.5 0.6\nb = 1...1...3\nsteps = 100\n';
const DIRS = ['0_a=0.5_b=1', '1_a=0.5_b=2', '2_a=0.5_b=3', '3_a=0.6_b=1', '4_a=0.6_b=2', '5_a=0.6_b=3'];

const RUNS = DIRS.map((dir, i) =>
  finishedRun(
    i,
    dir,
    { 'model.a': i < 3 ? '0.5' : '0.6', 'model.b': String((i % 3) + 1) },
    {
      state: i === 4 ? 'failed' : i === 5 ? 'cancelled' : 'succeeded',
      exitCode: i === 4 ? 137 : i === 5 ? null : 0,
      reason: i === 4 ? 'OUT_OF_MEMORY' : i === 5 ? 'cancelled by alice' : null,
      startedAt: `2026-01-02T03:0${i}:00.250Z`,
      endedAt: i === 5 ? null : `2026-01-02T03:0${i}:30.750Z`,
      metrics: i >= 4 ? null : { period: 1.5 + i / 10, label: `run ${i}`, converged: i % 2 === 0 },
    },
  ),
);

const FILES = [
  { run: 0, name: 'metrics.json', content: Buffer.from('{"period": 1.5}\n') },
  {
    run: 0,
    name: 'out/field.bin',
    content: Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 7) % 256)),
  },
  { run: 1, name: '.tuplet/stdout', content: Buffer.from('step 100 done\n') },
  { run: 4, name: 'empty.txt', content: Buffer.alloc(0) },
];

let temporal: TestTemporal | undefined;
before(async () => {
  temporal = await startTemporal();
});
after(() => temporal?.stop());

for (const kind of backends) {
  describe(`series archive on ${kind}`, () => {
    const databases: TestDatabase[] = [];
    let source: ApiHarness;
    let fresh: ApiHarness;
    let sourceId = '';
    let importedId = '';
    before(async () => {
      const [a, b] = await Promise.all([openTestDatabase(kind), openTestDatabase(kind)]);
      databases.push(a, b);
      [source, fresh] = await Promise.all([createHarness(a.db, temporal!), createHarness(b.db, temporal!)]);
      sourceId = await seedFinishedSeries(source.db, source.storageDir, {
        ownerId: source.alice.id,
        ini: INI,
        runs: RUNS,
        files: FILES,
      });
    });
    after(async () => {
      await Promise.all([source?.close(), fresh?.close()]);
      await Promise.all(databases.map((d) => d.close()));
    });

    test('export, then import on a fresh stack: the same series, runs, results and files', async () => {
      const exported = await source.app.request(`/api/v1/series/${sourceId}/export`, {
        headers: { authorization: `Bearer ${source.alice.token}` },
      });
      assert.equal(exported.status, 200, await exported.clone().text());
      assert.equal(exported.headers.get('content-type'), 'application/gzip');
      const archive = Buffer.from(await exported.arrayBuffer());

      const imported = await fresh.app.request('/api/v1/series/import', {
        method: 'POST',
        headers: { authorization: `Bearer ${fresh.bob.token}`, 'content-type': 'application/gzip' },
        body: archive,
      });
      const answer = (await imported.json()) as { id: string; sourceId: string; runs: number; files: number };
      assert.equal(imported.status, 201, JSON.stringify(answer));
      assert.deepEqual({ ...answer, id: undefined }, { id: undefined, sourceId, runs: 6, files: 4 });
      importedId = answer.id;
      assert.notEqual(importedId, sourceId);

      const [before, now] = await Promise.all([
        source.request('GET', `/api/v1/series/${sourceId}`),
        fresh.request('GET', `/api/v1/series/${importedId}`, { token: fresh.bob.token }),
      ]);
      assert.equal(now.status, 200, now.text);
      const same = [
        'state',
        'count',
        'counts',
        'application',
        'host',
        'description',
        'tags',
        'resources',
        'ini',
      ];
      for (const field of same) assert.deepEqual(now.body[field], before.body[field], field);
      assert.deepEqual(now.body.applicationSnapshot, before.body.applicationSnapshot);
      assert.equal(now.body.owner, fresh.bob.name);
      assert.equal(now.body.finishedAt, before.body.finishedAt);

      const runsOf = async (h: ApiHarness, id: string, token: string) =>
        (await h.request('GET', `/api/v1/series/${id}/runs?limit=100`, { token })).body.runs;
      assert.deepEqual(
        await runsOf(fresh, importedId, fresh.bob.token),
        await runsOf(source, sourceId, source.alice.token),
      );
      const resultsOf = async (h: ApiHarness, id: string, token: string) =>
        (await h.request('GET', `/api/v1/series/${id}/results?sort=-period`, { token })).body;
      assert.deepEqual(
        await resultsOf(fresh, importedId, fresh.bob.token),
        await resultsOf(source, sourceId, source.alice.token),
      );

      for (const file of FILES) {
        const response = await fresh.app.request(
          `/api/v1/series/${importedId}/runs/${file.run}/files/${file.name}`,
          { headers: { authorization: `Bearer ${fresh.bob.token}` } },
        );
        assert.equal(response.status, 200, `${file.name}: ${response.status}`);
        assert.equal(sha256(Buffer.from(await response.arrayBuffer())), sha256(file.content), file.name);
      }
      const listing = await fresh.request('GET', `/api/v1/series/${importedId}/runs/0/files`, {
        token: fresh.bob.token,
      });
      assert.deepEqual(
        listing.body.files.map((f: { path: string; sha256: string }) => [f.path, f.sha256]),
        [
          ['metrics.json', sha256(FILES[0]!.content)],
          ['out/field.bin', sha256(FILES[1]!.content)],
        ],
      );
    });

    test('the imported series is private to its importer and never runs', async () => {
      assert.ok(importedId, 'the import test ran first');
      const other = await fresh.request('GET', `/api/v1/series/${importedId}`, { token: fresh.alice.token });
      assert.equal(other.status, 404);
      for (const action of ['rerun', 'postprocess']) {
        const refused = await fresh.request('POST', `/api/v1/series/${importedId}/${action}`, {
          token: fresh.bob.token,
          body: action === 'rerun' ? { states: ['failed', 'cancelled', 'succeeded'] } : {},
        });
        assert.equal(refused.status, 409, `${action}: ${refused.text}`);
        assert.match(refused.body.error.message, /imported from an archive/);
      }
      await assert.rejects(loadSeriesPlan(fresh.db, importedId, 1000), /imported from an archive/);
      const still = await fresh.request('GET', `/api/v1/series/${importedId}`, { token: fresh.bob.token });
      assert.equal(still.body.state, 'completed_with_failures');
    });
  });
}
