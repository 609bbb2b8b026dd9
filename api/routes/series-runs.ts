// /api/v1/series/:id/runs, run files and the series archive.
import { createRoute, z } from '@hono/zod-openapi';
import { runFiles } from '../../db/files.ts';
import {
  countRunsByState,
  decodeRunsCursor,
  encodeRunsCursor,
  getRun,
  MAX_RUN_INDEX,
  runsPage,
  type RunRow,
} from '../../db/runs.ts';
import { currentUser, requireUser } from '../auth.ts';
import type { ApiDeps, AuthUser } from '../context.ts';
import { ApiError, badRequest, notFound } from '../errors.ts';
import { createRouter, jsonResponse, pick, RangeHeader, signedIn, storedFileResponses } from '../openapi.ts';
import { IdParam, limitParam, RunStateSchema } from '../schemas.ts';
import { pathAfter } from '../../files/confine.ts';
import { serveStoredObject } from '../../files/serve.ts';
import { storageOf } from '../../files/storage/index.ts';
import { archiveKey, runPrefix } from '../../files/storage/layout.ts';
import { getSeries } from '../series/query.ts';
import { runWithFiles } from '../series/reuse.ts';

const RunSchema = z
  .object({
    index: z.number().int(),
    dir: z.string(),
    params: z.record(z.string(), z.string()),
    state: RunStateSchema,
    exitCode: z.number().int().nullable(),
    reason: z.string().nullable(),
    attempt: z.number().int(),
    host: z.string().nullable().openapi({
      description: 'The host the run was last submitted to (null: not yet, or recorded before hosts were)',
    }),
    startedAt: z.string().nullable(),
    endedAt: z.string().nullable(),
    metrics: z.record(z.string(), z.unknown()).nullable(),
    reusedFrom: z.object({ series: z.string(), index: z.number().int() }).nullable().openapi({
      description:
        'The run this one was taken from instead of running (docs/reuse.md); its files are served from there',
    }),
    outputsLeftOn: z.string().nullable().openapi({
      description:
        'The host that keeps this run’s outputs: it ended there, and the host was lost before they were collected (docs/multi-host.md)',
    }),
  })
  .openapi('Run');

const FileSchema = z
  .object({
    path: z
      .string()
      .openapi({ description: 'Relative to the run directory; append it to this URL to download' }),
    size: z.number().int(),
    sha256: z.string(),
  })
  .openapi('File');

const RunParams = IdParam.extend({
  index: z.coerce
    .number()
    .int()
    .min(0)
    // runs.index is a PostgreSQL integer: a larger number would fail the query, not find nothing.
    .max(MAX_RUN_INDEX)
    .openapi({ param: { name: 'index', in: 'path' }, example: 0 }),
});

// Keyset paging (db/runs.ts runsPage), as the web's runs table: a cursor holds a run index, so a
// deep page costs what the first does, and a walk over all runs neither repeats nor skips one
// while runs change state.
const RunsQuery = z.object({
  state: RunStateSchema.optional(),
  limit: limitParam(1000, 100),
  cursor: z.string().max(500).optional().openapi({
    description:
      '`nextCursor` or `prevCursor` of an earlier answer (with the same `state`); without it, the first page',
  }),
  // Removed in favour of `cursor`, and refused rather than ignored: a client that still paged
  // by offset would otherwise read the first page over and over.
  offset: z
    .string()
    .optional()
    .openapi({
      param: { deprecated: true },
      description: 'Removed: page with `cursor`. A request that carries `offset` is refused (400).',
    }),
});

const RunsPageSchema = z.object({
  runs: z.array(RunSchema),
  total: z
    .number()
    .int()
    .openapi({ description: "Recorded runs (in `state`, if given), not only this page's" }),
  nextCursor: z.string().nullable().openapi({ description: 'The next page, or null at the end' }),
  prevCursor: z.string().nullable().openapi({ description: 'The previous page, or null at the start' }),
});

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function runJson(r: RunRow) {
  return {
    index: r.index,
    dir: r.dir,
    params: r.params,
    state: r.state,
    exitCode: r.exitCode,
    reason: r.reason,
    attempt: r.attempt,
    host: r.host,
    startedAt: iso(r.startedAt),
    endedAt: iso(r.endedAt),
    metrics: r.metrics ?? null,
    reusedFrom:
      r.reusedFromSeries === null || r.reusedFromIndex === null
        ? null
        : { series: r.reusedFromSeries, index: r.reusedFromIndex },
    outputsLeftOn: r.outputsLeftOn,
  };
}

export function seriesRunRoutes(deps: ApiDeps) {
  const { db } = deps;
  const app = createRouter();
  app.use('*', requireUser);

  async function findRun(seriesId: string, index: number, user: AuthUser) {
    await getSeries(db, seriesId, user);
    const run = await getRun(db, seriesId, index);
    if (!run) throw notFound(`run ${index} of series '${seriesId}'`);
    return run;
  }

  app.openapi(
    createRoute({
      method: 'get',
      path: '/{id}/runs',
      tags: ['runs'],
      summary: 'Runs of a series in index order, optionally only those in one state, paged by cursor',
      security: signedIn,
      request: { params: IdParam, query: RunsQuery },
      responses: {
        200: jsonResponse(RunsPageSchema, 'A page of runs'),
        ...pick(400, 401, 404),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const { state, limit, cursor, offset } = c.req.valid('query');
      if (offset !== undefined)
        throw badRequest('offset: no longer supported; page with cursor (nextCursor/prevCursor)');
      const position = cursor === undefined ? undefined : decodeRunsCursor(cursor);
      if (cursor !== undefined && !position) throw badRequest('cursor: not a cursor this API returned');
      await getSeries(db, id, currentUser(c));
      const counts = (await countRunsByState(db, [{ id }])).get(id)!;
      const recorded = Object.values(counts).reduce((sum, n) => sum + n, 0);
      const page = await runsPage(db, id, { state, limit, total: recorded, ...position });
      return c.json(
        {
          runs: page.runs.map(runJson),
          total: state ? counts[state] : recorded,
          nextCursor: page.next === null ? null : encodeRunsCursor({ from: page.next }),
          prevCursor: page.prev === null ? null : encodeRunsCursor({ before: page.prev }),
        },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/{id}/runs/{index}/files',
      tags: ['runs'],
      summary: 'Collected files of one run',
      security: signedIn,
      request: { params: RunParams },
      responses: {
        200: jsonResponse(z.object({ files: z.array(FileSchema) }), 'The listing'),
        ...pick(401, 404),
      },
    }),
    async (c) => {
      const { id, index } = c.req.valid('param');
      const { seriesId, run } = await runWithFiles(
        db,
        id,
        await findRun(id, index, currentUser(c)),
        currentUser(c),
      );
      const prefix = `runs/${run.dir}/`;
      const rows = await runFiles(db, seriesId, run.index);
      return c.json(
        {
          files: rows.map((f) => ({
            path: f.path.startsWith(prefix) ? f.path.slice(prefix.length) : f.path,
            size: f.size,
            sha256: f.sha256,
          })),
        },
        200,
      );
    },
  );

  // The file path is the rest of the URL, so this route is declared by hand for the document.
  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/{id}/runs/{index}/files/{path}',
    tags: ['runs'],
    summary: 'Content of one file of a run (`path` may contain slashes; `..` and absolute paths are refused)',
    security: signedIn,
    request: {
      params: RunParams.extend({
        path: z.string().openapi({ param: { name: 'path', in: 'path' }, example: 'metrics.json' }),
      }),
      headers: RangeHeader,
    },
    responses: {
      ...storedFileResponses(
        'The file, with the content type of its extension (else application/octet-stream)',
      ),
      ...pick(400, 401, 404),
    },
  });
  app.get('/:id/runs/:index{[0-9]+}/files/*', async (c) => {
    const { id, index } = RunParams.parse({ id: c.req.param('id'), index: c.req.param('index') });
    const segments = pathAfter(c.req.url, /^\/api\/v1\/series\/[^/]+\/runs\/\d+\/files\//);
    const { seriesId, run } = await runWithFiles(
      db,
      id,
      await findRun(id, index, currentUser(c)),
      currentUser(c),
    );
    const key = `${runPrefix(seriesId, run.dir)}/${segments.join('/')}`;
    return serveStoredObject(storageOf(deps), key, c.req.header('Range'));
  });

  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/{id}/archive',
    tags: ['series'],
    summary: 'The archive of a finished series (tar.gz)',
    security: signedIn,
    request: { params: IdParam, headers: RangeHeader },
    responses: {
      ...storedFileResponses('The archive', 'application/gzip'),
      ...pick(400, 401, 404),
    },
  });
  app.get('/:id/archive', async (c) => {
    const row = await getSeries(db, c.req.param('id'), currentUser(c));
    return serveStoredObject(storageOf(deps), archiveKey(row.id), c.req.header('Range'), {
      type: 'application/gzip',
    }).catch((error: unknown) => {
      throw error instanceof ApiError && error.status === 404
        ? notFound(`archive of series '${row.id}' (it is ${row.state})`)
        : error;
    });
  });

  return app;
}
