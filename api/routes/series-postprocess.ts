// /api/v1/series/:id/postprocess: the series post-processing step (docs/postprocess.md) — its
// outcome and outputs (GET, files under /postprocess/files/…), and running it again (POST).
import { createRoute, z } from '@hono/zod-openapi';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { CONTROL_TASK_QUEUE, postprocessWorkflowId } from '../../core/naming.ts';
import { IMPORTED_REFUSAL, isImportedSeries } from '../../core/imported.ts';
import { FINAL_SERIES_STATES } from '../../core/states.ts';
import { pathAfter } from '../../files/confine.ts';
import { serveStoredObject } from '../../files/serve.ts';
import { storageOf } from '../../files/storage/index.ts';
import { postprocessPrefix } from '../../files/storage/layout.ts';
import { listPostprocessFiles, readPostprocessLog } from '../../files/storage/postprocess-files.ts';
import { canModifySeries, currentUser, requireUser } from '../auth.ts';
import type { ApiDeps } from '../context.ts';
import { ApiError, conflict, forbidden } from '../errors.ts';
import { createRouter, jsonResponse, pick, RangeHeader, signedIn, storedFileResponses } from '../openapi.ts';
import { IdParam } from '../schemas.ts';
import { getSeries } from '../series/query.ts';

/** At most this many files are listed (a command may write thousands; the page shows a few). */
const MAX_LISTED = 1_000;

const PostprocessSchema = z
  .object({
    command: z
      .string()
      .nullable()
      .openapi({ description: "The application's command (its snapshot's); null: none" }),
    outcome: z
      .object({
        state: z.enum(['running', 'succeeded', 'failed']),
        exitCode: z.number().int().nullable().optional(),
        startedAt: z.string().optional(),
        endedAt: z.string().optional(),
      })
      .nullable()
      .openapi({ description: 'The last run of the step; null: never ran' }),
    files: z.array(z.object({ path: z.string(), size: z.number().int() })),
    truncated: z.boolean(),
    log: z.string().nullable().openapi({ description: "The tail of the command's output (4,000 bytes)" }),
  })
  .openapi('Postprocess');

export function seriesPostprocessRoutes(deps: ApiDeps) {
  const { db, temporal, logger } = deps;
  const app = createRouter();
  app.use('*', requireUser);

  app.openapi(
    createRoute({
      method: 'get',
      path: '/{id}/postprocess',
      tags: ['series'],
      summary: "The series' post-processing step: its command, last outcome, output files and log",
      security: signedIn,
      request: { params: IdParam },
      responses: { 200: jsonResponse(PostprocessSchema, 'The step'), ...pick(401, 404) },
    }),
    async (c) => {
      const row = await getSeries(db, c.req.valid('param').id, currentUser(c));
      const storage = storageOf(deps);
      const listed = await listPostprocessFiles(storage, row.id);
      const files = listed.slice(0, MAX_LISTED);
      const log = await readPostprocessLog(storage, row.id);
      return c.json(
        {
          command: row.applicationSnapshot.postprocess ?? null,
          outcome: row.postprocess ?? null,
          files,
          truncated: listed.length > MAX_LISTED,
          log,
        },
        200,
      );
    },
  );

  // The file path is the rest of the URL, so this route is declared by hand for the document.
  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/{id}/postprocess/files/{path}',
    tags: ['series'],
    summary: 'Content of one output of the post-processing step (`..` and absolute paths are refused)',
    security: signedIn,
    request: {
      params: IdParam.extend({
        path: z.string().openapi({ param: { name: 'path', in: 'path' }, example: 'summary.csv' }),
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
  app.get('/:id/postprocess/files/*', async (c) => {
    const segments = pathAfter(c.req.url, /^\/api\/v1\/series\/[^/]+\/postprocess\/files\//);
    const row = await getSeries(db, c.req.param('id'), currentUser(c));
    const key = `${postprocessPrefix(row.id)}/${segments.join('/')}`;
    return serveStoredObject(storageOf(deps), key, c.req.header('Range'));
  });

  app.openapi(
    createRoute({
      method: 'post',
      path: '/{id}/postprocess',
      tags: ['series'],
      summary: 'Run the post-processing step of an ended series again (owner or admin)',
      security: signedIn,
      request: { params: IdParam },
      responses: {
        202: jsonResponse(z.object({ id: z.string(), workflowId: z.string() }), 'The step is started'),
        ...pick(401, 403, 404, 409, 503),
      },
    }),
    async (c) => {
      const user = currentUser(c);
      const row = await getSeries(db, c.req.valid('param').id, user);
      if (!canModifySeries(user, row))
        throw forbidden('only the owner of the series or an admin may post-process it');
      if (isImportedSeries(row)) throw conflict(IMPORTED_REFUSAL);
      if (!row.applicationSnapshot.postprocess)
        throw conflict(`application '${row.application}' of this series declares no postprocess command`);
      if (!FINAL_SERIES_STATES.includes(row.state))
        throw conflict(`series is ${row.state}: it post-processes when its runs end`, { state: row.state });
      const workflowId = postprocessWorkflowId(row.id);
      try {
        await temporal.withDeadline(Date.now() + 10_000, () =>
          temporal.workflow.start('postprocessWorkflow', {
            taskQueue: CONTROL_TASK_QUEUE,
            workflowId,
            args: [row.id],
            // Again once the previous one has closed; never two at once in one directory.
            workflowIdReusePolicy: 'ALLOW_DUPLICATE',
            workflowIdConflictPolicy: 'FAIL',
          }),
        );
      } catch (error) {
        if (error instanceof WorkflowExecutionAlreadyStartedError)
          throw conflict('the post-processing step of this series is already running');
        logger.error({ err: error, seriesId: row.id }, 'starting the post-processing workflow failed');
        throw new ApiError(
          503,
          'temporal_unavailable',
          'could not reach Temporal to start the step; try again',
        );
      }
      logger.info({ seriesId: row.id, by: user.name }, 'series post-processing requested');
      return c.json({ id: row.id, workflowId }, 202);
    },
  );

  return app;
}
