// Runs, run files and the archive: listings from the database, contents from the series
// storage, and no way out of the series directory.
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { and, eq } from 'drizzle-orm';
import { newId } from '../../db/ids.ts';
import { insertFiles } from '../../db/files.ts';
import { insertRuns } from '../../db/runs.ts';
import { runs, series } from '../../db/schema.ts';
import { ECHO_APP, INI, type SuiteContext } from './harness.ts';

export function filesTests(ctx: SuiteContext): void {
  describe('runs and files', () => {
    const id = newId();
    const runDir = '0001_size=16';
    let base: string;

    before(async () => {
      const { h } = ctx;
      await h.db.insert(series).values({
        id,
        ownerId: h.alice.id,
        application: ECHO_APP,
        applicationSnapshot: { name: ECHO_APP, command: 'cat config.ini', configFile: 'config.ini' },
        host: 'local',
        ini: INI,
        count: 3,
        state: 'completed_with_failures',
        workflowId: `series-${id}`,
      });
      await insertRuns(h.db, id, [
        { index: 0, dir: '0000_size=8', params: { size: '8' } },
        { index: 1, dir: runDir, params: { size: '16' } },
        { index: 2, dir: '0002_size=32', params: { size: '32' } },
      ]);
      await h.db
        .update(runs)
        .set({ state: 'succeeded', exitCode: 0, metrics: { energy: 1.5 } })
        .where(and(eq(runs.seriesId, id), eq(runs.index, 1)));
      await h.db
        .update(runs)
        .set({ state: 'failed', exitCode: 3, reason: 'TIMEOUT' })
        .where(and(eq(runs.seriesId, id), eq(runs.index, 2)));

      base = path.join(h.storageDir, id, 'runs', runDir);
      await mkdir(path.join(base, 'img'), { recursive: true });
      await mkdir(path.join(base, '.tuplet'), { recursive: true });
      await writeFile(path.join(base, 'config.ini'), '[model]\nsize = 16\n');
      await writeFile(path.join(base, 'metrics.json'), '{"energy":1.5}');
      await writeFile(path.join(base, 'img', 'spiral 1.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
      await writeFile(path.join(base, '.tuplet', 'stdout'), 'hello\n');
      await writeFile(path.join(h.storageDir, 'secret.txt'), 'outside the series');
      await insertFiles(h.db, id, [
        { runIndex: 1, path: `runs/${runDir}/config.ini`, size: 18, sha256: 'a'.repeat(64) },
        { runIndex: 1, path: `runs/${runDir}/img/spiral 1.png`, size: 4, sha256: 'b'.repeat(64) },
        { runIndex: null, path: 'tuples.tsv', size: 10, sha256: 'c'.repeat(64) },
      ]);
    });

    test('runs in index order, filtered by state, paged', async () => {
      const all = await ctx.h.request('GET', `/api/v1/series/${id}/runs`);
      assert.equal(all.status, 200);
      assert.equal(all.body.total, 3);
      assert.deepEqual(
        all.body.runs.map((r: { index: number; state: string }) => [r.index, r.state]),
        [
          [0, 'pending'],
          [1, 'succeeded'],
          [2, 'failed'],
        ],
      );
      assert.deepEqual(all.body.runs[1].metrics, { energy: 1.5 });
      assert.deepEqual(all.body.runs[1].params, { size: '16' });
      assert.equal(all.body.runs[2].exitCode, 3);
      assert.equal(all.body.runs[2].reason, 'TIMEOUT');

      const failed = await ctx.h.request('GET', `/api/v1/series/${id}/runs?state=failed`);
      assert.deepEqual(
        failed.body.runs.map((r: { index: number }) => r.index),
        [2],
      );
      assert.equal(failed.body.total, 1);
      assert.deepEqual([all.body.nextCursor, all.body.prevCursor], [null, null]);
      assert.deepEqual([failed.body.nextCursor, failed.body.prevCursor], [null, null]);
      assert.equal((await ctx.h.request('GET', `/api/v1/series/${id}/runs?state=done`)).status, 400);
      assert.equal((await ctx.h.request('GET', `/api/v1/series/nope/runs`)).status, 404);
    });

    test('runs paged by cursor, forward and back; a filtered page counts and pages its state only', async () => {
      const indices = (page: { body: { runs: Array<{ index: number }> } }) =>
        page.body.runs.map((r) => r.index);
      const first = await ctx.h.request('GET', `/api/v1/series/${id}/runs?limit=2`);
      assert.deepEqual([indices(first), first.body.total, first.body.prevCursor], [[0, 1], 3, null]);
      const second = await ctx.h.request(
        'GET',
        `/api/v1/series/${id}/runs?limit=2&cursor=${first.body.nextCursor}`,
      );
      assert.deepEqual([indices(second), second.body.nextCursor], [[2], null]);
      const back = await ctx.h.request(
        'GET',
        `/api/v1/series/${id}/runs?limit=2&cursor=${second.body.prevCursor}`,
      );
      assert.deepEqual(
        [indices(back), back.body.prevCursor, back.body.nextCursor],
        [[0, 1], null, first.body.nextCursor],
      );

      const succeeded = await ctx.h.request('GET', `/api/v1/series/${id}/runs?state=succeeded&limit=1`);
      assert.deepEqual(
        [indices(succeeded), succeeded.body.total, succeeded.body.nextCursor, succeeded.body.prevCursor],
        [[1], 1, null, null],
      );
    });

    test('a forged or damaged cursor, and the removed offset, are refused naming the parameter', async () => {
      const forged = (values: unknown) => Buffer.from(JSON.stringify(values)).toString('base64url');
      for (const cursor of [
        'garbage',
        '%25%25',
        forged(['from', -1]),
        forged(['before', 2 ** 40]),
        forged(['from', '0) or (1=1']),
        forged(['2026-01-01 00:00:00+00', id]),
      ]) {
        const answer = await ctx.h.request('GET', `/api/v1/series/${id}/runs?cursor=${cursor}`);
        assert.equal(answer.status, 400, cursor);
        assert.match(answer.body.error.message, /^cursor: /, cursor);
      }
      const offset = await ctx.h.request('GET', `/api/v1/series/${id}/runs?limit=1&offset=1`);
      assert.equal(offset.status, 400);
      assert.match(offset.body.error.message, /^offset: .*cursor/);
    });

    test('file listing of a run, relative to its directory', async () => {
      const listing = await ctx.h.request('GET', `/api/v1/series/${id}/runs/1/files`);
      assert.equal(listing.status, 200);
      assert.deepEqual(
        listing.body.files.map((f: { path: string; size: number }) => [f.path, f.size]),
        [
          ['config.ini', 18],
          ['img/spiral 1.png', 4],
        ],
      );
      assert.equal((await ctx.h.request('GET', `/api/v1/series/${id}/runs/9/files`)).status, 404);
    });

    test('file contents with their content types', async () => {
      const ini = await ctx.h.request('GET', `/api/v1/series/${id}/runs/1/files/config.ini`);
      assert.equal(ini.status, 200);
      assert.equal(ini.text, '[model]\nsize = 16\n');
      assert.equal(ini.headers.get('content-type'), 'text/plain; charset=utf-8');
      assert.equal(ini.headers.get('x-content-type-options'), 'nosniff');

      const png = await ctx.h.request('GET', `/api/v1/series/${id}/runs/1/files/img/spiral%201.png`);
      assert.equal(png.status, 200);
      assert.equal(png.headers.get('content-type'), 'image/png');
      assert.equal(png.headers.get('content-length'), '4');

      const json = await ctx.h.request('GET', `/api/v1/series/${id}/runs/1/files/metrics.json`);
      assert.match(json.headers.get('content-type') ?? '', /^application\/json/);
      const stdout = await ctx.h.request('GET', `/api/v1/series/${id}/runs/1/files/.tuplet/stdout`);
      assert.equal(stdout.text, 'hello\n');

      assert.equal((await ctx.h.request('GET', `/api/v1/series/${id}/runs/1/files/missing.txt`)).status, 404);
      assert.equal((await ctx.h.request('GET', `/api/v1/series/${id}/runs/1/files/img`)).status, 404);
    });

    test('paths with `..` or absolute paths are refused, however they are encoded', async () => {
      // Encoded so that they reach the file route: the route itself must refuse them.
      for (const evil of [
        '..%2F..%2Fsecret.txt',
        'img%2F..%2F..%2F..%2F..%2Fsecret.txt',
        '%2Fetc%2Fpasswd',
        '..%5C..%5Csecret.txt',
        'a%00b',
      ]) {
        const answer = await ctx.h.request('GET', `/api/v1/series/${id}/runs/1/files/${evil}`);
        assert.equal(answer.status, 400, `${evil}: ${answer.text}`);
        assert.equal(answer.body.error.code, 'invalid_request');
      }
      // `..` segments, even as %2e%2e, are resolved by URL parsing before routing (here as in
      // the server): they land on some other route and never on a file outside the series.
      for (const evil of ['../../../secret.txt', '%2e%2e/%2e%2e/%2e%2e/secret.txt', '/etc/passwd']) {
        const answer = await ctx.h.request('GET', `/api/v1/series/${id}/runs/1/files/${evil}`);
        assert.ok(answer.status === 400 || answer.status === 404, `${evil}: ${answer.status}`);
        assert.ok(!answer.text.includes('outside the series'), 'the secret stays secret');
      }
    });

    test('the archive: 404 until it exists, then a gzip download', async () => {
      const missing = await ctx.h.request('GET', `/api/v1/series/${id}/archive`);
      assert.equal(missing.status, 404);
      assert.equal(missing.body.error.code, 'not_found');
      await writeFile(path.join(ctx.h.storageDir, `${id}.tar.gz`), Buffer.from([0x1f, 0x8b, 8, 0]));
      const archive = await ctx.h.request('GET', `/api/v1/series/${id}/archive`);
      assert.equal(archive.status, 200);
      assert.equal(archive.headers.get('content-type'), 'application/gzip');
      assert.match(
        archive.headers.get('content-disposition') ?? '',
        new RegExp(`attachment; filename="${id}.tar.gz"`),
      );
      assert.equal(archive.headers.get('content-length'), '4');
    });
  });
}
