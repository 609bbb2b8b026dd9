// The results API: a page sorted by a metric and walked by cursor, aggregates per parameter
// against values computed by hand, and filters, sorts and cursors that try to reach SQL,
// refused with a 400 that names the parameter.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { eq } from 'drizzle-orm';
import { insertRuns, setRunMetrics } from '../../db/runs.ts';
import { resultAggregates, series } from '../../db/schema.ts';
import type { SuiteContext } from './harness.ts';

// size × rate, and period = size + 10 × rate (runs 7 and 8 have no metrics yet):
//   index  size  rate  period
//   0      8     0.1   9        3  16  0.1  17       6  32  0.1  33
//   1      8     0.2   10       4  16  0.2  18       7  32  0.2  —   (no metrics)
//   2      8     0.3   11       5  16  0.3  19       8  32  0.3  —
const SIZES = ['8', '16', '32'];
const RATES = ['0.1', '0.2', '0.3'];
const INI = '[model]\nsize = 8 16 32\nrate = 0.1 0.2 0.3\n';

export function resultsTests(ctx: SuiteContext): void {
  describe('results', () => {
    let id = '';
    const get = (query: string) => ctx.h.request('GET', `/api/v1/series/${id}/results${query}`);
    before(async () => {
      const created = await ctx.h.request('POST', '/api/v1/series', {
        body: { application: 'echo', host: 'local', ini: INI },
      });
      assert.equal(created.status, 201, created.text);
      id = created.body.id;
      const runs = SIZES.flatMap((size, s) =>
        RATES.map((rate, r) => ({
          index: s * 3 + r,
          dir: `${s * 3 + r}_run`,
          params: { 'model.size': size, 'model.rate': rate },
        })),
      );
      await insertRuns(ctx.h.db, id, runs);
      await setRunMetrics(
        ctx.h.db,
        id,
        runs
          .filter((run) => run.index < 7)
          .map((run) => ({
            index: run.index,
            metrics: { period: Number(run.params['model.size']) + 10 * Number(run.params['model.rate']) },
          })),
      );
    });

    test('a page sorted by a metric, filtered, walked by cursor', async () => {
      const seen: number[] = [];
      let answer = await get('?sort=-period&filter=' + encodeURIComponent('model.rate != 0.2') + '&limit=2');
      assert.equal(answer.status, 200, answer.text);
      assert.deepEqual(answer.body.parameters, ['model.size', 'model.rate']);
      assert.deepEqual(answer.body.metrics, ['period']);
      assert.equal(answer.body.prevCursor, null);
      for (;;) {
        seen.push(...answer.body.rows.map((r: { index: number }) => r.index));
        if (answer.body.nextCursor === null) break;
        answer = await get(
          `?sort=-period&filter=${encodeURIComponent('model.rate != 0.2')}&limit=2&cursor=${answer.body.nextCursor}`,
        );
        assert.equal(answer.status, 200, answer.text);
      }
      // Rate 0.1 or 0.3, by period descending: 33 (run 6), 19 (5), 17 (3), 11 (2), 9 (0); then 8, without one.
      assert.deepEqual(seen, [6, 5, 3, 2, 0, 8]);
      const first = (await get('?limit=1')).body.rows[0];
      assert.deepEqual(first, {
        index: 0,
        state: 'pending',
        params: { 'model.size': '8', 'model.rate': '0.1' },
        metrics: { period: 9 },
      });
    });

    test('aggregates per value of a parameter, in value order', async () => {
      const answer = await ctx.h.request(
        'GET',
        `/api/v1/series/${id}/results/aggregate?by=model.size&metric=period`,
      );
      assert.equal(answer.status, 200, answer.text);
      assert.deepEqual(
        answer.body.groups.map((g: Record<string, unknown>) => [
          (g.values as Record<string, string>)['model.size'],
          g.count,
          g.mean,
          g.min,
          g.max,
          g.std,
          g.run,
        ]),
        [
          ['8', 3, 10, 9, 11, 1, null],
          ['16', 3, 18, 17, 19, 1, null],
          ['32', 1, 33, 33, 33, null, 6],
        ],
      );
      const two = await ctx.h.request(
        'GET',
        `/api/v1/series/${id}/results/aggregate?by=model.rate,model.size&metric=period&filter=model.size%3C20`,
      );
      assert.equal(two.status, 200, two.text);
      assert.deepEqual(
        two.body.groups.map((g: { values: Record<string, string>; mean: number }) => [
          g.values['model.rate'],
          g.values['model.size'],
          g.mean,
        ]),
        [
          ['0.1', '8', 9],
          ['0.1', '16', 17],
          ['0.2', '8', 10],
          ['0.2', '16', 18],
          ['0.3', '8', 11],
          ['0.3', '16', 19],
        ],
      );
    });

    test('a finished series sends its kept aggregate: the same answer as computed', async () => {
      const route = `/api/v1/series/${id}/results/aggregate?by=model.rate,model.size&metric=period`;
      const running = await ctx.h.request('GET', route); // computed, nothing kept
      assert.equal(running.status, 200, running.text);
      await ctx.h.db.update(series).set({ state: 'completed' }).where(eq(series.id, id));
      const first = await ctx.h.request('GET', route); // computes and keeps
      const kept = await ctx.h.request('GET', route); // the kept text, spliced into the answer
      for (const answer of [first, kept]) {
        assert.equal(answer.status, 200, answer.text);
        assert.match(answer.headers.get('content-type') ?? '', /^application\/json/);
        assert.deepEqual(answer.body, running.body);
      }
      const rows = await ctx.h.db.select().from(resultAggregates).where(eq(resultAggregates.seriesId, id));
      assert.equal(rows.length, 1, 'one aggregate kept');
    });

    test('attacks on the filter, the sort and the cursor are 400s naming the parameter', async () => {
      const refusals: Array<[string, RegExp]> = [
        [`/results?filter=${encodeURIComponent('period > 1 or 1=1')}`, /^filter: expected 'and' or ','/],
        [
          `/results?filter=${encodeURIComponent('period > 1; delete from runs')}`,
          /^filter: expected 'and' or ','/,
        ],
        [
          `/results?filter=${encodeURIComponent('"period) or (true" > 1')}`,
          /^filter: 'period\) or \(true' is neither/,
        ],
        [`/results?filter=${encodeURIComponent('model.size = "8\u0000"')}`, /^filter: control character/],
        [`/results?sort=${encodeURIComponent('period; drop table runs')}`, /^sort: /],
        ['/results?cursor=W10', /^cursor: not a cursor/],
        [
          `/results?cursor=${Buffer.from(JSON.stringify(['after', 'index', 0, '0) or (1=1', '', 0])).toString('base64url')}`,
          /^cursor: not a cursor/,
        ],
        ['/results/aggregate?by=period&metric=period', /^by: 'period' is a metric/],
        ['/results/aggregate?by=model.size&metric=nope', /^metric: 'nope' is neither/],
        ['/results/aggregate?by=a,b,c&metric=period', /^by: one or two/],
      ];
      for (const [route, message] of refusals) {
        const answer = await ctx.h.request('GET', `/api/v1/series/${id}${route}`);
        assert.equal(answer.status, 400, `${route}: ${answer.text}`);
        assert.match(answer.body.error.message, message, route);
      }
      const missing = await ctx.h.request('GET', `/api/v1/series/${id}/results/aggregate?by=model.size`);
      assert.equal(missing.status, 400);
      assert.match(missing.body.error.message, /metric/);
      // A value that would break out of a quoted string in concatenated SQL matches nothing.
      const quoted = await get(`?filter=${encodeURIComponent(`model.size = "8' or '1'='1"`)}`);
      assert.equal(quoted.status, 200);
      assert.deepEqual(quoted.body.rows, []);
      assert.equal((await ctx.h.rowCounts()).runs >= 9, true, 'the runs are still there');
      const unknown = await ctx.h.request('GET', '/api/v1/series/nope/results');
      assert.equal(unknown.status, 404);
    });

    test('applications declare metric sources; bad ones are refused naming the entry', async () => {
      const register = (metricSources: unknown, name = 'metered') =>
        ctx.h.request('POST', '/api/v1/applications', {
          token: ctx.h.admin.token,
          body: { name, command: 'true', metricSources },
        });
      const refusals: Array<[unknown, RegExp]> = [
        [
          [{ kind: 'stdout', name: 'loss', pattern: '(' }],
          /metricSources\.0\.pattern: not a regular expression/,
        ],
        [
          [{ kind: 'stdout', name: 'loss', pattern: '.*' }],
          /metricSources\.0\.pattern: matches an empty line/,
        ],
        [[{ kind: 'csv', file: '../../etc/passwd' }], /metricSources\.0\.file: a relative path/],
        [[{ kind: 'csv', file: '.tuplet/stdout' }], /metricSources\.0\.file: a relative path/],
        [
          [
            { kind: 'csv', file: 'a.csv' },
            { kind: 'sql', query: 'x' },
          ],
          /metricSources\.1/,
        ],
        [[{ kind: 'stdout', name: 'a\u0000b', pattern: 'x=(\\d)' }], /metricSources\.0\.name/],
      ];
      for (const [sources, message] of refusals) {
        const answer = await register(sources);
        assert.equal(answer.status, 400, answer.text);
        assert.match(answer.body.error.message, message);
      }
      const sources = [
        { kind: 'stdout', name: 'loss', pattern: 'loss=(\\S+)' },
        { kind: 'csv', file: 'out/history.csv', columns: ['val_loss'] },
      ];
      const created = await register(sources);
      assert.equal(created.status, 201, created.text);
      assert.deepEqual(created.body.metricSources, sources);
    });

    test('the OpenAPI document lists both routes', async () => {
      const doc = await ctx.h.request('GET', '/api/v1/openapi.json', { token: null });
      assert.ok(doc.body.paths['/api/v1/series/{id}/results'].get);
      assert.ok(doc.body.paths['/api/v1/series/{id}/results/aggregate'].get);
    });
  });
}
