// GET /series/{id}/results/export on both database backends: a 10,002-run series (three pages,
// so three Parquet row groups) read back with pyarrow gives the same rows and the column types
// the export promises; CSV and JSON Lines carry the same rows; the filter applies; a bad
// format or filter is a 400 naming it.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { createHarness, type ApiHarness } from '../api/harness.ts';
import { backends, openTestDatabase, type TestDatabase } from '../support/database.ts';
import { startTemporal, type TestTemporal } from '../support/temporal.ts';
import { finishedRun, seedFinishedSeries } from './fixtures.ts';

const run = promisify(execFile);
const RUNS = 10_002;
const INI = '[model]\nsize = 1...1...5001\nshape = round square\n';
const BASE = Date.parse('2026-01-01T00:00:00.000Z');

/** Run i: size ⌊i/2⌋+1, shape round|square; every 10th (from 3) failed; some without metrics or times. */
function seededRun(i: number) {
  const size = Math.floor(i / 2) + 1;
  const failed = i % 10 === 3;
  const timed = i % 13 !== 0;
  return finishedRun(
    i,
    `${i}_size=${size}`,
    { 'model.size': String(size), 'model.shape': i % 2 ? 'square' : 'round' },
    {
      state: failed ? 'failed' : 'succeeded',
      exitCode: failed ? 2 : 0,
      startedAt: timed ? new Date(BASE + i * 1000).toISOString() : null,
      endedAt: timed ? new Date(BASE + i * 1000 + 1500).toISOString() : null,
      metrics: i % 7 === 0 ? null : { period: size * 0.5, note: i % 2 ? 3 : 'ok' },
    },
  );
}

/** The columns pyarrow should read, computed from the seed. */
function expectedColumns() {
  const runs = Array.from({ length: RUNS }, (_, i) => seededRun(i));
  const ms = (t: string | null) => (t === null ? null : Date.parse(t));
  return {
    index: runs.map((r) => r.index),
    state: runs.map((r) => r.state),
    exit_code: runs.map((r) => r.exitCode),
    started_at: runs.map((r) => ms(r.startedAt)),
    ended_at: runs.map((r) => ms(r.endedAt)),
    'model.size': runs.map((r) => Number(r.params['model.size'])),
    'model.shape': runs.map((r) => r.params['model.shape']),
    note: runs.map((r) => (r.metrics ? String(r.metrics.note) : null)),
    period: runs.map((r) => (r.metrics ? (r.metrics.period as number) : null)),
  };
}

const READ_BACK = `
import json, sys
import pyarrow as pa, pyarrow.parquet as pq
f = pq.ParquetFile(sys.argv[1])
t = f.read()
columns = {}
for name in t.column_names:
    col = t.column(name)
    if pa.types.is_timestamp(col.type):
        col = col.cast(pa.int64())
    columns[name] = col.to_pylist()
print(json.dumps({
    "types": {n: str(t.schema.field(n).type) for n in t.column_names},
    "nullable": {n: t.schema.field(n).nullable for n in t.column_names},
    "rowGroups": f.num_row_groups,
    "columns": columns,
}))
`;

let temporal: TestTemporal | undefined;
let python = '';
let scratch = '';
before(async () => {
  const [server, installed] = await Promise.all([
    startTemporal(),
    run('bash', ['scripts/ensure-pyarrow.sh']),
  ]);
  temporal = server;
  python = installed.stdout.trim();
  scratch = await mkdtemp(path.join(os.tmpdir(), 'tuplet-results-export-'));
});
after(async () => {
  await temporal?.stop();
  await rm(scratch, { recursive: true, force: true });
});

for (const kind of backends) {
  describe(`results export on ${kind}`, () => {
    let database: TestDatabase | undefined;
    let h: ApiHarness;
    let id = '';
    const exportOf = (query: string, token = h.alice.token) =>
      h.app.request(`/api/v1/series/${id}/results/export${query}`, {
        headers: { authorization: `Bearer ${token}` },
      });
    before(async () => {
      database = await openTestDatabase(kind);
      h = await createHarness(database.db, temporal!);
      id = await seedFinishedSeries(h.db, h.storageDir, {
        ownerId: h.alice.id,
        ini: INI,
        runs: Array.from({ length: RUNS }, (_, i) => seededRun(i)),
      });
    });
    after(async () => {
      await h?.close();
      await database?.close();
    });

    test('Parquet read back with pyarrow: the same rows, one type per column, a row group per page', async () => {
      const response = await exportOf('?format=parquet');
      assert.equal(response.status, 200, await response.clone().text());
      assert.equal(response.headers.get('content-type'), 'application/vnd.apache.parquet');
      assert.match(response.headers.get('content-disposition') ?? '', /attachment; filename=".*\.parquet"/);
      const file = path.join(scratch, `${kind}.parquet`);
      await writeFile(file, Buffer.from(await response.arrayBuffer()));
      const { stdout } = await run(python, ['-c', READ_BACK, file], { maxBuffer: 64 * 1024 ** 2 });
      const read = JSON.parse(stdout) as {
        types: Record<string, string>;
        nullable: Record<string, boolean>;
        rowGroups: number;
        columns: Record<string, unknown[]>;
      };
      assert.deepEqual(read.types, {
        index: 'int32',
        state: 'string',
        exit_code: 'int32',
        started_at: 'timestamp[ms, tz=UTC]',
        ended_at: 'timestamp[ms, tz=UTC]',
        'model.size': 'double',
        'model.shape': 'string',
        note: 'string',
        period: 'double',
      });
      assert.equal(read.nullable.index, false);
      assert.equal(read.nullable.state, false);
      assert.equal(read.rowGroups, 3);
      assert.deepEqual(read.columns, expectedColumns());
    });

    test('CSV and JSON Lines: the same rows; the filter applies', async () => {
      const csv = await exportOf('?format=csv');
      assert.equal(csv.status, 200);
      assert.match(csv.headers.get('content-type') ?? '', /^text\/csv/);
      const lines = (await csv.text()).trimEnd().split('\r\n');
      assert.equal(lines[0], 'index,state,exit_code,started_at,ended_at,model.size,model.shape,note,period');
      assert.equal(lines.length, RUNS + 1);
      assert.equal(lines[4], '3,failed,2,2026-01-01T00:00:03.000Z,2026-01-01T00:00:04.500Z,2,square,3,1');
      assert.equal(lines[1], '0,succeeded,0,,,1,round,,');

      const jsonl = await exportOf(
        `?format=jsonl&filter=${encodeURIComponent('model.shape = round and period > 2000')}`,
      );
      assert.equal(jsonl.status, 200);
      const rows = (await jsonl.text())
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      // Round runs are the even ones, size i/2+1 with period (i/2+1)/2 > 2000: i ≥ 8000; minus multiples of 7.
      const expected = Array.from({ length: RUNS }, (_, i) => i).filter(
        (i) => i % 2 === 0 && (i / 2 + 1) * 0.5 > 2000 && i % 7 !== 0,
      );
      assert.deepEqual(
        rows.map((r) => r.index),
        expected,
      );
      assert.deepEqual(rows[0], {
        index: 8000,
        state: 'succeeded',
        exit_code: 0,
        started_at: new Date(BASE + 8000_000).toISOString(),
        ended_at: new Date(BASE + 8000_000 + 1500).toISOString(),
        'model.size': 4001,
        'model.shape': 'round',
        note: 'ok',
        period: 2000.5,
      });
    });

    test('the OpenAPI document describes the exports and the import', async () => {
      const doc = await h.request('GET', '/api/v1/openapi.json', { token: null });
      const paths = doc.body.paths as Record<string, Record<string, { responses: Record<string, unknown> }>>;
      assert.ok(paths['/api/v1/series/{id}/results/export']?.get, 'results export');
      assert.ok(paths['/api/v1/series/{id}/export']?.get, 'series archive');
      assert.ok(paths['/api/v1/series/import']?.post?.responses['201'], 'import');
    });

    test('a bad format or filter is a 400 naming it', async () => {
      const format = await exportOf('?format=xlsx');
      assert.equal(format.status, 400);
      assert.match(((await format.json()) as { error: { message: string } }).error.message, /^format:/);
      const filter = await exportOf(`?filter=${encodeURIComponent('period > 1 or 1=1')}`);
      assert.equal(filter.status, 400);
      assert.match(((await filter.json()) as { error: { message: string } }).error.message, /^filter:/);
      const unknown = await exportOf(`?filter=${encodeURIComponent('secret > 1')}`);
      assert.equal(unknown.status, 400);
      assert.match(((await unknown.json()) as { error: { message: string } }).error.message, /'secret'/);
    });
  });
}
