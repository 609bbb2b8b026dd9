// GET /api/v1/series/:id/events: server-sent `progress` events ({state, count, counts}) each
// time they change, from a poll of the database once a second; the stream ends with the
// series' final state. The database, not Temporal, is polled: it is the record of run states.
import { z } from '@hono/zod-openapi';
import { streamSSE } from 'hono/streaming';
import { FINAL_SERIES_STATES } from '../../core/states.ts';
import { currentUser, requireUser } from '../auth.ts';
import type { ApiDeps } from '../context.ts';
import { createRouter, pick, signedIn } from '../openapi.ts';
import { IdParam } from '../schemas.ts';
import { countRunsByState } from '../../db/runs.ts';
import { findSeries } from '../../db/series.ts';
import { getSeries, progressOf } from '../series/query.ts';

const POLL_MS = 1000;

/** One event of the stream, as an SSE client parses it (the schema each event is checked against). */
const SeriesEventSchema = z
  .object({
    event: z.enum(['progress', 'deleted']),
    data: z.string().openapi({
      description:
        'JSON: `{state, reason, waitReason, count, counts, progress}` (progress) or `{id}` (deleted)',
    }),
    id: z.string().optional(),
  })
  .openapi('SeriesEvent');

export function seriesEventRoutes(deps: ApiDeps) {
  const { db } = deps;
  const app = createRouter();
  app.use('*', requireUser);

  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/{id}/events',
    tags: ['series'],
    summary:
      'Server-sent `progress` events `{state, reason, waitReason, count, counts, progress}` until the series is final',
    security: signedIn,
    request: { params: IdParam },
    responses: {
      200: {
        description: 'An event stream',
        content: { 'text/event-stream': { schema: SeriesEventSchema } },
      },
      ...pick(401, 404),
    },
  });

  app.get('/:id/events', async (c) => {
    const id = (await getSeries(db, c.req.param('id'), currentUser(c))).id;
    return streamSSE(c, async (stream) => {
      let last = '';
      let eventId = 0;
      while (!stream.aborted && !stream.closed) {
        const row = await findSeries(db, id);
        if (!row) {
          await stream.writeSSE({ event: 'deleted', data: JSON.stringify({ id }) });
          return;
        }
        const counts = (await countRunsByState(db, [row])).get(id)!;
        const payload = JSON.stringify({
          state: row.state,
          reason: row.reason,
          waitReason: row.waitReason,
          count: row.count,
          counts,
          progress: progressOf(row.count, counts),
        });
        if (payload !== last) {
          last = payload;
          await stream.writeSSE({ event: 'progress', data: payload, id: String(++eventId) });
        }
        if (FINAL_SERIES_STATES.includes(row.state)) return;
        await stream.sleep(POLL_MS);
      }
    });
  });

  return app;
}
