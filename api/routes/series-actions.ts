// /api/v1/series/:id/{cancel,rerun,clone}: steering a series through its workflow.
import { createRoute, z } from '@hono/zod-openapi';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import { resetRunsForRerun } from '../../db/runs.ts';
import { IMPORTED_REFUSAL, isImportedSeries } from '../../core/imported.ts';
import { FINAL_SERIES_STATES, TERMINAL_RUN_STATES, type RunState } from '../../core/states.ts';
import { canModifySeries, currentUser, requireUser } from '../auth.ts';
import type { ApiDeps, AuthUser } from '../context.ts';
import { ApiError, conflict, forbidden } from '../errors.ts';
import { createRouter, jsonBody, jsonResponse, pick, signedIn } from '../openapi.ts';
import {
  DescriptionSchema,
  IdParam,
  IniSchema,
  nameSchema,
  ResourcesSchema,
  SeriesGroupFields,
  SeriesPriorityField,
  TagsSchema,
} from '../schemas.ts';
import { createSeries } from '../series/create.ts';
import { packageForClone } from '../series/packages.ts';
import { ReuseField } from '../series/reuse.ts';
import { datasetChoicesOf } from '../datasets/use.ts';
import { markSeriesRerun, type SeriesWithOwner } from '../../db/series.ts';
import { getSeries } from '../series/query.ts';
import { startSeriesWorkflow } from '../series/workflow.ts';
import { CreatedSchema } from './series.ts';

const RerunBody = z
  .object({
    states: z
      .array(z.enum(TERMINAL_RUN_STATES as [RunState, ...RunState[]]))
      .min(1)
      .default(['failed'])
      .openapi({ description: 'Runs in these states run again', example: ['failed', 'cancelled'] }),
  })
  .openapi('Rerun');

const CloneBody = z
  .object({
    application: nameSchema.optional(),
    host: nameSchema.optional(),
    ini: IniSchema.optional(),
    description: DescriptionSchema.optional(),
    tags: TagsSchema.optional(),
    resources: ResourcesSchema.optional(),
    package: z.string().optional().openapi({
      description:
        "Id of an uploaded package to unpack instead of the source's; needed to clone another user's series that has one",
    }),
    ...SeriesGroupFields,
    ...SeriesPriorityField,
    reuse: ReuseField,
  })
  .openapi('CloneOverrides');

function assertMayModify(user: AuthUser, row: SeriesWithOwner, action: string): void {
  if (!canModifySeries(user, row))
    throw forbidden(`only the owner of the series or an admin may ${action} it`);
}

const isFinal = (row: SeriesWithOwner) => FINAL_SERIES_STATES.includes(row.state);

export function seriesActionRoutes(deps: ApiDeps) {
  const { db, temporal, logger } = deps;
  const app = createRouter();
  app.use('*', requireUser);

  app.openapi(
    createRoute({
      method: 'post',
      path: '/{id}/cancel',
      tags: ['series'],
      summary: 'Cancel a series: its workflow stops every job and records cancelled runs (owner or admin)',
      security: signedIn,
      request: { params: IdParam },
      responses: {
        202: jsonResponse(z.object({ id: z.string(), state: z.string() }), 'Cancellation requested'),
        ...pick(401, 403, 404, 409, 503),
      },
    }),
    async (c) => {
      const user = currentUser(c);
      const row = await getSeries(db, c.req.valid('param').id, user);
      assertMayModify(user, row, 'cancel');
      if (isFinal(row)) throw conflict(`series is already ${row.state}`, { state: row.state });
      try {
        await temporal.withDeadline(Date.now() + 10_000, () =>
          temporal.workflow.getHandle(row.workflowId).cancel(),
        );
      } catch (error) {
        if (error instanceof WorkflowNotFoundError) {
          throw conflict('the series workflow is not running', { state: row.state });
        }
        logger.error({ err: error, seriesId: row.id }, 'cancelling the series workflow failed');
        throw new ApiError(
          503,
          'temporal_unavailable',
          'could not reach Temporal to cancel the series; try again',
        );
      }
      logger.info({ seriesId: row.id, by: user.name }, 'series cancel requested');
      return c.json({ id: row.id, state: row.state }, 202);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/{id}/rerun',
      tags: ['series'],
      summary: 'Run the failed (or other chosen) runs of a finished series again, as a new attempt',
      security: signedIn,
      request: { params: IdParam, body: { ...jsonBody(RerunBody), required: false } },
      responses: {
        202: jsonResponse(
          z.object({
            id: z.string(),
            workflowId: z.string(),
            attempt: z.number().int(),
            runs: z.number().int(),
          }),
          'The runs are reset and the workflow started again',
        ),
        ...pick(400, 401, 403, 404, 409, 503),
      },
    }),
    async (c) => {
      const user = currentUser(c);
      const row = await getSeries(db, c.req.valid('param').id, user);
      assertMayModify(user, row, 'rerun');
      if (isImportedSeries(row)) throw conflict(IMPORTED_REFUSAL);
      if (!isFinal(row))
        throw conflict(`series is ${row.state}: only a finished series can be rerun`, { state: row.state });
      const states: RunState[] = c.req.valid('json').states ?? ['failed'];
      const attempt = row.attempt + 1;

      // One transaction: if Temporal refuses the start, the runs and the series are as before.
      // Workers writing these rows wait on their locks until the commit.
      const result = await db.transaction(async (tx) => {
        const ranges = await resetRunsForRerun(tx, row.id, states, attempt);
        const runs = ranges.reduce((sum, [start, end]) => sum + (end - start), 0);
        if (runs === 0) return { ranges, runs };
        await markSeriesRerun(tx, row.id, attempt);
        try {
          await startSeriesWorkflow(
            temporal,
            {
              id: row.id,
              workflowId: row.workflowId,
              ownerName: row.ownerName,
              host: row.host,
              application: row.application,
              count: row.count,
              description: row.description,
              // A multi-host series' rerun is placed over its hosts again (docs/multi-host.md).
              ...(row.hosts.length > 1 ? { hostLostAfterMs: deps.config.hostLostAfterMs } : {}),
            },
            { attempt, ranges },
          );
        } catch (error) {
          if (error instanceof WorkflowExecutionAlreadyStartedError) {
            throw conflict(
              'the previous execution of the series workflow is still open; try again when it has closed',
            );
          }
          logger.error({ err: error, seriesId: row.id }, 'restarting the series workflow failed');
          throw new ApiError(
            503,
            'temporal_unavailable',
            'could not start the series workflow; nothing was changed, try again',
          );
        }
        return { ranges, runs };
      });
      if (result.runs === 0) {
        throw conflict(`no runs in state ${states.join(' or ')} to run again`, { states });
      }
      logger.info({ seriesId: row.id, attempt, runs: result.runs, by: user.name }, 'series rerun');
      return c.json({ id: row.id, workflowId: row.workflowId, attempt, runs: result.runs }, 202);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/{id}/clone',
      tags: ['series'],
      summary: 'A new series from this one, with overrides; it records this one as its parent',
      security: signedIn,
      request: { params: IdParam, body: { ...jsonBody(CloneBody), required: false } },
      responses: {
        201: jsonResponse(CreatedSchema.extend({ parentId: z.string() }), 'The new series'),
        ...pick(400, 401, 403, 404, 413, 422, 503),
      },
    }),
    async (c) => {
      const user = currentUser(c);
      const source = await getSeries(db, c.req.valid('param').id, user);
      const overrides = c.req.valid('json');
      // A package is private to its owner: a clone runs on the source's only if it is the user's own.
      const pkg = await packageForClone(deps, user, source, overrides.package);
      const created = await createSeries(deps, user, {
        application: overrides.application ?? source.application,
        host: overrides.host ?? source.host,
        // A clone keeps the source's hosts unless it names a host of its own.
        ...(overrides.host === undefined && source.hosts.length > 1 ? { hosts: source.hosts } : {}),
        ini: overrides.ini ?? source.ini,
        description: overrides.description ?? source.description,
        tags: overrides.tags ?? source.tags,
        resources: overrides.resources ?? source.resources,
        parentId: source.id,
        datasets: await datasetChoicesOf(db, source.id),
        group: overrides.group,
        sourceGroupId: source.groupId,
        visibility: overrides.visibility ?? source.visibility,
        // Not the source's: a priority is the launching user's to ask for (and be allowed).
        priority: overrides.priority,
        reuse: overrides.reuse,
        ...pkg,
      });
      return c.json({ ...created, parentId: source.id }, 201);
    },
  );

  return app;
}
