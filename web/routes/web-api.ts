// JSON endpoints the pages need beyond the public API: progress of many series at once,
// the parameter map, the CSV export and run files with safe content types.
import { Hono, type Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { stream } from 'hono/streaming';
import { seriesViewer } from '../../api/access.ts';
import { seriesProgressRows } from '../../db/series.ts';
import type { WebContext, WebEnv } from '../context.ts';
import { seriesVersion, ttlFor } from '../data/cache.ts';
import { cachedCounts } from '../data/counts.ts';
import { mapData, MapQueryError } from '../data/map.ts';
import { allRuns, metricNames } from '../../db/runs.ts';
import { sweepOfSeries } from '../data/sweeps.ts';
import { csvLine } from '../csv-export.ts';
import { seriesOr404 } from './series.tsx';
import { pathAfter } from '../../files/confine.ts';
import { serveStoredObject } from '../../files/serve.ts';
import { storageOf } from '../../files/storage/index.ts';
import { seriesFileKey } from '../../files/storage/layout.ts';

function signedIn(c: Context<WebEnv>) {
  const user = c.get('user');
  if (!user) throw new HTTPException(401, { message: 'sign in first' });
  return user;
}

export function webApiRoutes(deps: WebContext) {
  const { db, config, cache } = deps;
  const app = new Hono<WebEnv>();

  // GET /web-api/progress?ids=a,b,c → {series: {id: {state, count, counts}}}: the home page's live bars.
  app.get('/progress', async (c) => {
    const user = signedIn(c);
    const ids = (c.req.query('ids') ?? '').split(',').filter(Boolean).slice(0, 100);
    if (ids.length === 0) return c.json({ series: {} });
    const rows = await seriesProgressRows(db, ids, seriesViewer(user));
    const counts = await cachedCounts(db, cache, rows);
    const out: Record<string, unknown> = {};
    for (const r of rows) out[r.id] = { state: r.state, count: r.count, counts: counts.get(r.id) };
    return c.json({ series: out });
  });

  // GET /web-api/series/:id/map?x=&y=&metric=&fix.<name>=<value index>
  app.get('/series/:id/map', async (c) => {
    const row = await seriesOr404(deps, c.req.param('id'), signedIn(c));
    const sweep = sweepOfSeries(row.id, row.ini, Math.max(config.maxTuples, row.count));
    const fixed: Record<string, number> = {};
    for (const [k, v] of Object.entries(c.req.query())) {
      if (k.startsWith('fix.')) fixed[k.slice(4)] = Number(v);
    }
    try {
      const query = {
        x: c.req.query('x') || undefined,
        y: c.req.query('y') || undefined,
        metric: c.req.query('metric') || undefined,
        fixed,
      };
      const key = `map:${seriesVersion(row)}:${JSON.stringify(query)}`;
      // Kept serialised: a hit costs no work beyond sending it.
      const body = await cache.get(key, ttlFor(row.state), async () =>
        JSON.stringify(await mapData(db, row.id, sweep, query)),
      );
      return c.body(body, 200, { 'Content-Type': 'application/json; charset=utf-8' });
    } catch (error) {
      if (error instanceof MapQueryError) throw new HTTPException(400, { message: error.message });
      throw error;
    }
  });

  // GET /web-api/series/:id/runs.csv: index, dir, state, exit code, duration, parameters, metrics.
  app.get('/series/:id/runs.csv', async (c) => {
    const row = await seriesOr404(deps, c.req.param('id'), signedIn(c));
    const sweep = sweepOfSeries(row.id, row.ini, Math.max(config.maxTuples, row.count));
    const params = sweep.parameters.map((p) => p.name);
    const metrics = await metricNames(db, row.id, 1000);
    c.header('Content-Type', 'text/csv; charset=utf-8');
    c.header(
      'Content-Disposition',
      `attachment; filename="series-${row.id.replace(/[^A-Za-z0-9_-]/g, '')}.csv"`,
    );
    return stream(c, async (out) => {
      await out.write(csvLine(['index', 'dir', 'state', 'exit_code', 'duration_s', ...params, ...metrics]));
      for await (const batch of allRuns(db, row.id)) {
        const lines = batch.map((r) =>
          csvLine([
            r.index,
            r.dir,
            r.state,
            r.exitCode,
            r.startedAt && r.endedAt ? (r.endedAt.getTime() - r.startedAt.getTime()) / 1000 : null,
            ...params.map((p) => r.params[p]),
            ...metrics.map((m) => r.metrics?.[m]),
          ]),
        );
        await out.write(lines.join(''));
      }
    });
  });

  // GET /web-api/series/:id/files/<path>: a collected file, served as the API serves it (files/serve.ts).
  app.get('/series/:id/files/*', async (c) => {
    const { id } = await seriesOr404(deps, c.req.param('id'), signedIn(c));
    const relative = pathAfter(c.req.url, /^\/web-api\/series\/[^/]+\/files\//).join('/');
    return serveStoredObject(storageOf(deps), seriesFileKey(id, relative), c.req.header('Range'));
  });

  return app;
}
