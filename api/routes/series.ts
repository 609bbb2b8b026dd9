// /api/v1/series: create, search and list, read one, delete.
import { createRoute, z } from '@hono/zod-openapi';
import { FINAL_SERIES_STATES, SERIES_STATES, type SeriesState } from '../../core/states.ts';
import { canModifySeries, currentUser, requireUser } from '../auth.ts';
import type { ApiDeps } from '../context.ts';
import { conflict, forbidden } from '../errors.ts';
import { createRouter, jsonBody, jsonResponse, pick, signedIn } from '../openapi.ts';
import {
  DescriptionSchema,
  IdParam,
  IniSchema,
  limitParam,
  nameSchema,
  ResourcesSchema,
  SeriesGroupFields,
  SeriesPoolField,
  SeriesPriorityField,
  TagsSchema,
} from '../schemas.ts';
import { SeriesDatasetsField } from '../datasets/use.ts';
import { createSeries } from '../series/create.ts';
import { ReuseField } from '../series/reuse.ts';
import { usePackage } from '../series/packages.ts';
import { SeriesSchema, SeriesSummarySchema, seriesJson, seriesSummaryJson } from '../series/json.ts';
import { countRunsByState } from '../../db/runs.ts';
import { deleteSeries } from '../../db/series.ts';
import { storageOf } from '../../files/storage/index.ts';
import { removeSeriesFiles } from '../../files/storage/layout.ts';
import { getSeries, listSeries } from '../series/query.ts';
import { MAX_SERIES_HOSTS } from '../series/hosts.ts';

export const CreateSeriesBody = z
  .object({
    // Names as hosts and applications are named (a NUL or a slash is refused here, naming the field).
    application: nameSchema.openapi({ example: 'spiral' }),
    host: nameSchema.optional().openapi({
      example: 'local',
      description: 'The host the series runs on; required unless `hosts` names them',
    }),
    hosts: z
      .array(nameSchema)
      .min(1)
      .max(MAX_SERIES_HOSTS)
      .optional()
      .openapi({
        example: ['local', 'cluster'],
        description:
          'Several hosts: chunks are placed on them by free capacity and move on when one is lost (docs/multi-host.md). With `host`, `host` must be one of them and comes first',
      }),
    ini: IniSchema.openapi({ example: '[model]\nsize = 64 128\nsteps = 100...100...300\n' }),
    description: DescriptionSchema.optional(),
    tags: TagsSchema.optional(),
    resources: ResourcesSchema.optional(),
    package: z.string().optional().openapi({
      description: 'Id of an uploaded package (POST /api/v1/packages) to unpack into the series directory',
    }),
    ...SeriesGroupFields,
    ...SeriesPriorityField,
    ...SeriesPoolField,
    reuse: ReuseField,
    datasets: SeriesDatasetsField,
  })
  .openapi('NewSeries');

export const CreatedSchema = z
  .object({
    id: z.string(),
    workflowId: z.string(),
    count: z.number().int(),
    reused: z
      .number()
      .int()
      .optional()
      .openapi({ description: 'Runs taken from other series (with `reuse`)' }),
  })
  .openapi('CreatedSeries');

const stateList = z
  .string()
  .optional()
  .transform((v, ctx) => {
    if (!v) return undefined;
    const states = v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    for (const s of states) {
      if (!(SERIES_STATES as readonly string[]).includes(s)) {
        ctx.addIssue({
          code: 'custom',
          message: `unknown state '${s}' (one of ${SERIES_STATES.join(', ')})`,
        });
        return z.NEVER;
      }
    }
    return states as SeriesState[];
  })
  .openapi({ description: 'One state or several separated by commas', example: 'running,staging' });

const ListQuery = z.object({
  q: z.string().max(200).optional().openapi({
    description:
      'Words that must each appear (in any order) in the description, tags, application or owner name',
  }),
  owner: z.string().max(64).optional().openapi({ description: '`me` or a user name' }),
  state: stateList,
  host: z.string().max(64).optional(),
  application: z.string().max(64).optional(),
  limit: limitParam(200, 50),
  cursor: z.string().max(500).optional().openapi({ description: '`nextCursor` of the previous page' }),
});

export function seriesRoutes(deps: ApiDeps) {
  const { db, config } = deps;
  const app = createRouter();
  app.use('*', requireUser);

  app.openapi(
    createRoute({
      method: 'post',
      path: '/',
      tags: ['series'],
      summary: 'Create a series and start its workflow',
      security: signedIn,
      request: { body: jsonBody(CreateSeriesBody) },
      responses: {
        201: jsonResponse(CreatedSchema, 'The series exists and its workflow has started'),
        ...pick(400, 401, 403, 413, 422, 503),
      },
    }),
    async (c) => {
      const { package: packageId, ...body } = c.req.valid('json');
      const user = currentUser(c);
      const pkg = packageId ? await usePackage(deps, user, packageId) : {};
      const created = await createSeries(deps, user, { ...body, ...pkg });
      return c.json(created, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/',
      tags: ['series'],
      summary: "Everyone's series, newest first, with search and filters",
      security: signedIn,
      request: { query: ListQuery },
      responses: {
        200: jsonResponse(
          z.object({ series: z.array(SeriesSummarySchema), nextCursor: z.string().nullable() }),
          'A page of series',
        ),
        ...pick(400, 401),
      },
    }),
    async (c) => {
      const query = c.req.valid('query');
      const page = await listSeries(db, query, currentUser(c));
      const counts = await countRunsByState(db, page.series);
      return c.json(
        {
          series: page.series.map((s) => seriesSummaryJson(s, counts.get(s.id)!, config)),
          nextCursor: page.nextCursor,
        },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/{id}',
      tags: ['series'],
      summary: 'One series with its run counts, progress and Temporal UI link',
      security: signedIn,
      request: { params: IdParam },
      responses: { 200: jsonResponse(SeriesSchema, 'The series'), ...pick(401, 404) },
    }),
    async (c) => {
      const row = await getSeries(db, c.req.valid('param').id, currentUser(c));
      const counts = await countRunsByState(db, [row]);
      return c.json(seriesJson(row, counts.get(row.id)!, config), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/{id}',
      tags: ['series'],
      summary: 'Delete a finished series, its runs, files and stored outputs (owner or admin)',
      security: signedIn,
      request: { params: IdParam },
      responses: { 204: { description: 'Deleted' }, ...pick(401, 403, 404, 409) },
    }),
    async (c) => {
      const row = await getSeries(db, c.req.valid('param').id, currentUser(c));
      if (!canModifySeries(currentUser(c), row))
        throw forbidden('only the owner of the series or an admin may delete it');
      if (!FINAL_SERIES_STATES.includes(row.state)) {
        throw conflict(`series is ${row.state}: cancel it first`, { state: row.state });
      }
      await deleteSeries(db, row.id);
      await removeSeriesFiles(storageOf(deps), row.id);
      deps.logger.info({ seriesId: row.id, by: currentUser(c).name }, 'series deleted');
      return c.body(null, 204);
    },
  );

  return app;
}
