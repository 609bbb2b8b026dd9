// The series API: create, read, search, cancel, rerun, clone, delete, progress events,
// health and the OpenAPI document. Workflows are started on the real Temporal dev server with
// no worker: the tests look at what the API asked Temporal to do.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { and, eq } from 'drizzle-orm';
import { insertRuns } from '../../db/runs.ts';
import { applications, hosts, runs, series } from '../../db/schema.ts';
import { ECHO_APP, INI, type SuiteContext } from './harness.ts';

const OWNER = defineSearchAttributeKey('TupletOwner', SearchAttributeType.KEYWORD);
const TUPLES = defineSearchAttributeKey('TupletTuples', SearchAttributeType.INT);
const HOST = defineSearchAttributeKey('TupletHost', SearchAttributeType.KEYWORD);
const APPLICATION = defineSearchAttributeKey('TupletApplication', SearchAttributeType.KEYWORD);

export function seriesTests(ctx: SuiteContext): void {
  describe('series', () => {
    const submit = (body: Record<string, unknown> = {}, token?: string) =>
      ctx.h.request('POST', '/api/v1/series', {
        body: { application: ECHO_APP, host: 'local', ini: INI, ...body },
        ...(token ? { token } : {}),
      });
    const setState = (id: string, state: typeof series.$inferSelect.state) =>
      ctx.h.db.update(series).set({ state }).where(eq(series.id, id));

    test('healthz answers 200 when the database and Temporal answer, 503 (naming what does not to admins)', async () => {
      const ok = await ctx.h.request('GET', '/healthz', { token: null });
      assert.equal(ok.status, 200);
      assert.deepEqual(ok.body, { ok: true });

      // The same server, but a namespace that does not exist: Temporal cannot take our workflows.
      const connection = await Connection.connect({ address: ctx.temporal.address });
      try {
        const wrong = ctx.h.appWith({ temporal: new Client({ connection, namespace: 'no-such-namespace' }) });
        const down = await wrong.request('/healthz', {
          headers: { authorization: `Bearer ${ctx.h.admin.token}` },
        });
        assert.equal(down.status, 503);
        const body = (await down.json()) as { ok: boolean; checks: Record<string, string> };
        assert.equal(body.ok, false);
        assert.equal(body.checks.database, 'ok');
        assert.notEqual(body.checks.temporal, 'ok');
      } finally {
        await connection.close();
      }
    });

    test('preview expands a sweep; a bad INI is a 400 naming the line', async () => {
      const ok = await ctx.h.request('POST', '/api/v1/sweeps/preview', { body: { ini: INI, limit: 4 } });
      assert.equal(ok.status, 200);
      assert.equal(ok.body.count, 9);
      assert.deepEqual(
        ok.body.parameters.map((p: { key: string; values: string[] }) => [p.key, p.values]),
        [
          ['size', ['8', '16', '32']],
          ['rate', ['0.1', '0.2', '0.3']],
        ],
      );
      assert.equal(ok.body.tuples.length, 4);
      assert.deepEqual(ok.body.tuples[1].values, { 'model.size': '8', 'model.rate': '0.2' });

      const bad = await ctx.h.request('POST', '/api/v1/sweeps/preview', {
        body: { ini: '[a]\nx = 1\ny = 1...0...3\n' },
      });
      assert.equal(bad.status, 400);
      assert.equal(bad.body.error.code, 'invalid_ini');
      assert.equal(bad.body.error.line, 3);
      assert.match(bad.body.error.message, /^line 3: /);
      assert.doesNotMatch(bad.text, /at .*\.ts:\d+/, 'no stack trace');
    });

    test('no token, or a wrong one, is a 401', async () => {
      for (const [method, route] of [
        ['GET', '/api/v1/series'],
        ['POST', '/api/v1/series'],
        ['POST', '/api/v1/sweeps/preview'],
        ['GET', '/api/v1/hosts'],
      ] as const) {
        const anonymous = await ctx.h.request(method, route, {
          token: null,
          ...(method === 'POST' ? { body: { ini: INI } } : {}),
        });
        assert.equal(anonymous.status, 401, `${method} ${route}`);
        assert.equal(anonymous.body.error.code, 'unauthorized');
      }
      const wrong = await ctx.h.request('GET', '/api/v1/series', { token: 'tpl_not-a-token' });
      assert.equal(wrong.status, 401);
    });

    test('create stores the series and starts its workflow with search attributes and memo', async () => {
      const created = await submit({
        description: 'spiral tips',
        tags: ['barkley'],
        resources: { cpus: 2, time: '00:10:00' },
      });
      assert.equal(created.status, 201, created.text);
      const { id, workflowId, count } = created.body;
      assert.equal(workflowId, `series-${id}`);
      assert.equal(count, 9);

      const [row] = await ctx.h.db.select().from(series).where(eq(series.id, id));
      assert.equal(row?.state, 'staging');
      assert.equal(row?.ownerId, ctx.h.alice.id);
      assert.equal(row?.count, 9);
      assert.deepEqual(row?.resources, { cpus: 2, time: '00:10:00' });
      assert.deepEqual(row?.applicationSnapshot, {
        name: ECHO_APP,
        command: 'cat config.ini',
        configFile: 'config.ini',
      });

      const described = await ctx.h.temporal.workflow.getHandle(workflowId).describe();
      assert.equal(described.status.name, 'RUNNING');
      assert.equal(described.type, 'seriesWorkflow');
      assert.equal(described.taskQueue, 'tuplet-control');
      assert.equal(described.typedSearchAttributes.get(OWNER), ctx.h.alice.name);
      assert.equal(described.typedSearchAttributes.get(TUPLES), 9);
      assert.equal(described.typedSearchAttributes.get(HOST), 'local');
      assert.equal(described.typedSearchAttributes.get(APPLICATION), ECHO_APP);
      assert.deepEqual(await described.memo, { description: 'spiral tips' });
      const history = await ctx.h.temporal.workflow.getHandle(workflowId).fetchHistory();
      const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
      const payload = started?.input?.payloads?.[0]?.data;
      assert.deepEqual(JSON.parse(Buffer.from(payload!).toString()), { seriesId: id });

      const got = await ctx.h.request('GET', `/api/v1/series/${id}`, { token: ctx.h.bob.token });
      assert.equal(got.status, 200, 'everyone signed in sees every series');
      assert.equal(got.body.state, 'staging');
      assert.equal(got.body.owner, ctx.h.alice.name);
      assert.deepEqual(got.body.counts, {
        pending: 9,
        queued: 0,
        running: 0,
        succeeded: 0,
        failed: 0,
        cancelled: 0,
      });
      assert.deepEqual(got.body.progress, { done: 0, total: 9, fraction: 0 });
      assert.equal(got.body.temporalUrl, `http://ui.test:8233/namespaces/default/workflows/series-${id}`);
      assert.equal(got.body.ini, INI);

      assert.equal((await ctx.h.request('GET', '/api/v1/series/nope')).status, 404);
    });

    test('refused requests leave nothing in the database', async () => {
      const before = await ctx.h.rowCounts();
      const cases: Array<[string, Record<string, unknown>, number, string]> = [
        ['bad INI', { ini: '[a]\nx = 1 2\n[b\n' }, 400, 'invalid_ini'],
        ['too many tuples', { ini: 'a = 1...1...200\nb = 1...1...200\n' }, 400, 'invalid_ini'],
        ['unknown application', { application: 'nope' }, 422, 'unknown_application'],
        ['unknown host', { host: 'nowhere' }, 422, 'unknown_host'],
        // A NUL cannot reach the database (PostgreSQL refuses it in text: a 500 before).
        ['a NUL in the host', { host: 'lo\u0000cal' }, 400, 'invalid_request'],
        ['a NUL in a host of hosts', { hosts: ['local', 'x\u0000'] }, 400, 'invalid_request'],
        ['a NUL in the application', { application: 'sp\u0000iral' }, 400, 'invalid_request'],
        ['bad resources', { resources: { time: '1 hour' } }, 400, 'invalid_request'],
        ['#SBATCH injection', { resources: { extra: ['--x\n#SBATCH --uid=0'] } }, 400, 'invalid_request'],
        ['missing ini', { ini: undefined }, 400, 'invalid_request'],
      ];
      for (const [what, body, status, code] of cases) {
        const answer = await submit(body);
        assert.equal(answer.status, status, `${what}: ${answer.text}`);
        assert.equal(answer.body.error.code, code, what);
        assert.equal(typeof answer.body.error.message, 'string');
      }
      const badIni = await submit({ ini: '[a]\nx = 1 2\n[b\n' });
      assert.equal(badIni.body.error.line, 3);
      const unknownApp = await submit({ application: 'nope' });
      assert.equal(unknownApp.body.error.field, 'application');
      assert.match(unknownApp.body.error.message, /application 'nope'/);
      const tooMany = await submit({ ini: 'a = 1...1...200\nb = 1...1...200\n' });
      assert.match(tooMany.body.error.message, /40000/);

      // Larger than the body limit (TUPLET_MAX_BODY_BYTES, 4 MiB by default).
      const huge = await submit({ ini: `a = 1\n${'; padding\n'.repeat(500_000)}` });
      assert.equal(huge.status, 413);
      assert.equal(huge.body.error.code, 'too_large');

      const malformed = await ctx.h.request('POST', '/api/v1/series', { body: '{"application":' });
      assert.equal(malformed.status, 400);

      // Temporal refuses the start (no such namespace): the stored row is removed again.
      const connection = await Connection.connect({ address: ctx.temporal.address });
      try {
        const app = ctx.h.appWith({ temporal: new Client({ connection, namespace: 'no-such-namespace' }) });
        const refused = await app.request('/api/v1/series', {
          method: 'POST',
          headers: { authorization: `Bearer ${ctx.h.alice.token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ application: ECHO_APP, host: 'local', ini: INI }),
        });
        assert.equal(refused.status, 503);
        assert.equal(
          ((await refused.json()) as { error: { code: string } }).error.code,
          'temporal_unavailable',
        );
      } finally {
        await connection.close();
      }
      assert.deepEqual(await ctx.h.rowCounts(), before);
    });

    test('cancel: 403 for others, 202 for the owner (the workflow gets the request), 409 once final', async () => {
      const { id, workflowId } = (await submit()).body;
      const denied = await ctx.h.request('POST', `/api/v1/series/${id}/cancel`, { token: ctx.h.bob.token });
      assert.equal(denied.status, 403);
      assert.equal(denied.body.error.code, 'forbidden');

      const accepted = await ctx.h.request('POST', `/api/v1/series/${id}/cancel`);
      assert.equal(accepted.status, 202, accepted.text);
      const history = await ctx.h.temporal.workflow.getHandle(workflowId).fetchHistory();
      assert.ok(
        history.events?.some((e) => e.workflowExecutionCancelRequestedEventAttributes),
        'the workflow history records the cancel request',
      );

      const other = (await submit()).body;
      assert.equal(
        (await ctx.h.request('POST', `/api/v1/series/${other.id}/cancel`, { token: ctx.h.admin.token }))
          .status,
        202,
      );

      await setState(id, 'cancelled');
      const again = await ctx.h.request('POST', `/api/v1/series/${id}/cancel`);
      assert.equal(again.status, 409);
      assert.equal((await ctx.h.request('POST', '/api/v1/series/nope/cancel')).status, 404);
    });

    test('rerun resets the chosen runs, counts the attempt and starts the same workflow id again', async () => {
      const { id, workflowId } = (await submit()).body;
      await insertRuns(
        ctx.h.db,
        id,
        Array.from({ length: 9 }, (_, index) => ({ index, dir: `${index}`, params: { i: String(index) } })),
      );
      const failed = [2, 3, 7];
      for (let index = 0; index < 9; index++) {
        await ctx.h.db
          .update(runs)
          .set(
            failed.includes(index) ? { state: 'failed', exitCode: 1 } : { state: 'succeeded', exitCode: 0 },
          )
          .where(and(eq(runs.seriesId, id), eq(runs.index, index)));
      }

      const running = await ctx.h.request('POST', `/api/v1/series/${id}/rerun`, { body: {} });
      assert.equal(running.status, 409, 'only a finished series can be rerun');
      await setState(id, 'completed_with_failures');

      assert.equal(
        (await ctx.h.request('POST', `/api/v1/series/${id}/rerun`, { token: ctx.h.bob.token })).status,
        403,
      );
      const none = await ctx.h.request('POST', `/api/v1/series/${id}/rerun`, {
        body: { states: ['cancelled'] },
      });
      assert.equal(none.status, 409);
      const badState = await ctx.h.request('POST', `/api/v1/series/${id}/rerun`, {
        body: { states: ['running'] },
      });
      assert.equal(badState.status, 400);

      // The first execution is still open: Temporal refuses the start and nothing changes.
      const snapshot = async () => ({
        series: (
          await ctx.h.db
            .select({ state: series.state, attempt: series.attempt })
            .from(series)
            .where(eq(series.id, id))
        )[0],
        runs: await ctx.h.db
          .select({ index: runs.index, state: runs.state, attempt: runs.attempt })
          .from(runs)
          .where(eq(runs.seriesId, id))
          .orderBy(runs.index),
      });
      const beforeRefusal = await snapshot();
      const refused = await ctx.h.request('POST', `/api/v1/series/${id}/rerun`);
      assert.equal(refused.status, 409, refused.text);
      assert.deepEqual(await snapshot(), beforeRefusal);

      await ctx.h.temporal.workflow.getHandle(workflowId).terminate('test: the first attempt is over');
      const rerun = await ctx.h.request('POST', `/api/v1/series/${id}/rerun`);
      assert.equal(rerun.status, 202, rerun.text);
      assert.deepEqual(rerun.body, { id, workflowId, attempt: 2, runs: 3 });

      const after = await snapshot();
      assert.deepEqual(after.series, { state: 'running', attempt: 2 });
      for (const run of after.runs) {
        if (failed.includes(run.index))
          assert.deepEqual(run, { index: run.index, state: 'pending', attempt: 2 });
        else assert.equal(run.state, 'succeeded');
      }
      const handle = ctx.h.temporal.workflow.getHandle(workflowId);
      assert.equal((await handle.describe()).status.name, 'RUNNING');
      const history = await handle.fetchHistory();
      const payload =
        history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0]?.data;
      assert.deepEqual(JSON.parse(Buffer.from(payload!).toString()), {
        seriesId: id,
        rerun: {
          attempt: 2,
          ranges: [
            [2, 4],
            [7, 8],
          ],
        },
      });
    });

    test('clone makes a new series with overrides and its parent recorded', async () => {
      const source = (await submit({ description: 'original', tags: ['a'] })).body;
      const clone = await ctx.h.request('POST', `/api/v1/series/${source.id}/clone`, {
        token: ctx.h.bob.token,
        body: { description: 'finer grid', ini: '[model]\nsize = 8 16 32 64\n' },
      });
      assert.equal(clone.status, 201, clone.text);
      assert.equal(clone.body.parentId, source.id);
      assert.equal(clone.body.count, 4);
      const got = await ctx.h.request('GET', `/api/v1/series/${clone.body.id}`);
      assert.equal(got.body.owner, ctx.h.bob.name);
      assert.equal(got.body.description, 'finer grid');
      assert.deepEqual(got.body.tags, ['a']);
      assert.equal(got.body.parentId, source.id);
      assert.equal(
        (await ctx.h.temporal.workflow.getHandle(clone.body.workflowId).describe()).status.name,
        'RUNNING',
      );

      const before = await ctx.h.rowCounts();
      const bad = await ctx.h.request('POST', `/api/v1/series/${source.id}/clone`, {
        body: { ini: 'x = 1...0...2\n' },
      });
      assert.equal(bad.status, 400);
      assert.equal(bad.body.error.line, 1);
      const nul = await ctx.h.request('POST', `/api/v1/series/${source.id}/clone`, {
        body: { host: 'lo\u0000cal' },
      });
      assert.equal(nul.status, 400, nul.text);
      assert.match(nul.text, /host/);
      assert.deepEqual(await ctx.h.rowCounts(), before);
    });

    test('delete: only finished series, only by the owner or an admin', async () => {
      const { id } = (await submit()).body;
      assert.equal((await ctx.h.request('DELETE', `/api/v1/series/${id}`)).status, 409);
      await setState(id, 'completed');
      assert.equal(
        (await ctx.h.request('DELETE', `/api/v1/series/${id}`, { token: ctx.h.bob.token })).status,
        403,
      );
      assert.equal((await ctx.h.request('DELETE', `/api/v1/series/${id}`)).status, 204);
      assert.equal((await ctx.h.request('GET', `/api/v1/series/${id}`)).status, 404);
    });

    test('search by text and filters, newest first, with cursor pagination', async () => {
      await ctx.h.db
        .insert(hosts)
        .values({ name: 'gpu-box', kind: 'local', workdir: '/tmp/gpu' })
        .onConflictDoNothing();
      await ctx.h.db.insert(applications).values({ name: 'lattice', command: 'true' }).onConflictDoNothing();
      const a = (await submit({ description: 'Turing patterns 100% fresh', tags: ['morphogenesis'] })).body
        .id;
      const b = (await submit({ host: 'gpu-box', tags: ['gpu_run'] }, ctx.h.bob.token)).body.id;
      const c = (await submit({ application: 'lattice', description: 'ising' }, ctx.h.bob.token)).body.id;
      await setState(c, 'completed');

      const ids = async (query: string, token?: string) => {
        const answer = await ctx.h.request('GET', `/api/v1/series?${query}`, token ? { token } : {});
        assert.equal(answer.status, 200, answer.text);
        return answer.body.series.map((s: { id: string }) => s.id) as string[];
      };
      assert.deepEqual(await ids('q=turing'), [a], 'description, case-insensitive');
      assert.deepEqual(await ids('q=100%25'), [a], '% is literal');
      assert.deepEqual(await ids('q=MORPHO'), [a], 'tags');
      assert.deepEqual(await ids('q=gpu_'), [b], '_ is literal');
      assert.deepEqual(await ids('q=lattice'), [c], 'application');
      assert.deepEqual(await ids('q=fresh%20turing'), [a], 'every word, in any order, across fields');
      assert.deepEqual(await ids('q=turing%20ising'), [], 'a word found nowhere excludes the series');
      assert.ok((await ids(`q=${encodeURIComponent(ctx.h.bob.name)}`)).includes(b), 'owner name');
      assert.deepEqual((await ids('owner=me', ctx.h.bob.token)).slice(0, 2), [c, b]);
      assert.ok((await ids(`owner=${ctx.h.bob.name}`)).every((id) => id !== a));
      assert.deepEqual(await ids('host=gpu-box'), [b]);
      assert.deepEqual(await ids('application=lattice'), [c]);
      assert.ok((await ids('state=completed,cancelled')).includes(c));
      assert.ok(!(await ids('state=staging')).includes(c));
      assert.equal((await ctx.h.request('GET', '/api/v1/series?state=bogus')).status, 400);

      // Pages of 2 cover everything exactly once, newest first.
      const all = await ids('limit=200');
      const paged: string[] = [];
      let cursor: string | null = null;
      do {
        const answer: { body: { series: Array<{ id: string }>; nextCursor: string | null } } =
          await ctx.h.request('GET', `/api/v1/series?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
        assert.ok(answer.body.series.length <= 2);
        paged.push(...answer.body.series.map((s) => s.id));
        cursor = answer.body.nextCursor;
      } while (cursor);
      assert.deepEqual(paged, all);
      assert.equal(new Set(all).size, all.length);
      const listed = await ctx.h.request('GET', '/api/v1/series?limit=1');
      assert.deepEqual(Object.keys(listed.body.series[0].counts).sort(), [
        'cancelled',
        'failed',
        'pending',
        'queued',
        'running',
        'succeeded',
      ]);
      assert.equal((await ctx.h.request('GET', '/api/v1/series?cursor=garbage')).status, 400);
    });

    test('events: a first progress event at once; the stream of a final series ends', async () => {
      const { id } = (await submit()).body;
      const response = await ctx.h.app.request(`/api/v1/series/${id}/events`, {
        headers: { authorization: `Bearer ${ctx.h.alice.token}` },
      });
      assert.equal(response.status, 200);
      assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/);
      const reader = response.body!.getReader();
      const { value } = await reader.read();
      await reader.cancel();
      const text = Buffer.from(value!).toString();
      assert.match(text, /^event: progress$/m);
      const data = JSON.parse(/^data: (.*)$/m.exec(text)![1]!);
      assert.equal(data.state, 'staging');
      assert.equal(data.count, 9);
      assert.equal(data.counts.pending, 9);

      await setState(id, 'completed');
      const final = await ctx.h.app.request(`/api/v1/series/${id}/events`, {
        headers: { authorization: `Bearer ${ctx.h.alice.token}` },
      });
      const all = await final.text();
      assert.equal(all.match(/^event: progress$/gm)?.length, 1);
      assert.match(all, /"state":"completed"/);
    });

    test('the OpenAPI document lists the routes; the reference page renders it without a CDN', async () => {
      const doc = await ctx.h.request('GET', '/api/v1/openapi.json', { token: null });
      assert.equal(doc.status, 200);
      assert.match(doc.body.openapi, /^3\.1/);
      const paths = Object.keys(doc.body.paths);
      for (const p of [
        '/healthz',
        '/api/v1/sweeps/preview',
        '/api/v1/series',
        '/api/v1/series/{id}',
        '/api/v1/series/{id}/runs',
        '/api/v1/series/{id}/runs/{index}/files',
        '/api/v1/series/{id}/runs/{index}/files/{path}',
        '/api/v1/series/{id}/events',
        '/api/v1/series/{id}/archive',
        '/api/v1/series/{id}/cancel',
        '/api/v1/series/{id}/rerun',
        '/api/v1/series/{id}/clone',
        '/api/v1/hosts',
        '/api/v1/hosts/{name}',
        '/api/v1/hosts/{name}/check',
        '/api/v1/applications',
        '/api/v1/users',
        '/api/v1/tokens',
        '/api/v1/session',
      ]) {
        assert.ok(paths.includes(p), `${p} in ${paths.join(' ')}`);
      }
      assert.ok(doc.body.paths['/api/v1/series'].post.requestBody);
      assert.ok(doc.body.components.schemas.Resources);

      const page = await ctx.h.request('GET', '/api/v1/docs', { token: null });
      assert.equal(page.status, 200);
      assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
      assert.match(page.text, /^<!DOCTYPE html>/);
      assert.match(page.text, /\/api\/v1\/series\/\{id\}\/rerun/);
      assert.doesNotMatch(page.text, /<script|<link[^>]+https?:/);
    });
  });
}
