// /api/v1/series/:id/results: every run's varied parameters and metrics, sorted, filtered and
// paged by cursor; and /results/aggregate: a metric's count, mean, min, max and std per value
// of one or two parameters (what the series page plots). The queries are db/results.ts; a bad
// sort, filter, cursor, `by` or `metric` is a 400 whose message starts with its name.
import { createRoute, z } from '@hono/zod-openapi';
import { aggregateResultsJson, resultNames, resultsPage } from '../../db/results.ts';
import { currentUser, requireUser } from '../auth.ts';
import type { ApiDeps, AuthUser } from '../context.ts';
import { createRouter, jsonResponse, jsonTextResponse, pick, signedIn } from '../openapi.ts';
import { IdParam, limitParam, RunStateSchema } from '../schemas.ts';
import { getSeries } from '../series/query.ts';
import { parseSweep } from '../../sweep/index.ts';

const filterParam = z
  .string()
  .max(1000)
  .optional()
  .openapi({
    description:
      'Clauses `name op value` joined by `and` or `,`; op one of = != < <= > >=; a bare number compares ' +
      'as a number, anything else (or a "quoted" value) as text. Names are varied parameters or metrics.',
    example: 'period > 1.5 and model.b = 0.02',
  });

const ResultsQuery = z.object({
  sort: z.string().max(300).optional().openapi({
    description: 'A parameter or metric (`-name`: descending); runs without it come last. Default: run index',
    example: '-period',
  }),
  filter: filterParam,
  limit: limitParam(1000, 100),
  // Below Node's 16 KiB limit on the request line with the longest filter and sort: a longer
  // one would be answered 431 by the HTTP server before it reached this check.
  cursor: z.string().max(6_000).optional().openapi({
    description: '`nextCursor` or `prevCursor` of an earlier answer with the same sort and filter',
  }),
});

const ResultRowSchema = z
  .object({
    index: z.number().int(),
    state: RunStateSchema,
    params: z.record(z.string(), z.string()),
    metrics: z.record(z.string(), z.unknown()).nullable(),
  })
  .openapi('ResultRow');

const ResultsPageSchema = z
  .object({
    parameters: z.array(z.string()).openapi({ description: 'The varied parameters' }),
    metrics: z.array(z.string()).openapi({ description: 'Metric names (from a sample of the first runs)' }),
    rows: z.array(ResultRowSchema),
    nextCursor: z.string().nullable(),
    prevCursor: z.string().nullable(),
  })
  .openapi('ResultsPage');

const AggregateQuery = z.object({
  by: z
    .string()
    .max(300)
    .openapi({ description: 'One varied parameter, or two separated by a comma', example: 'model.a' }),
  metric: z.string().max(300).openapi({ example: 'period' }),
  filter: filterParam,
});

const AggregateSchema = z
  .object({
    by: z.array(z.string()),
    metric: z.string(),
    groups: z.array(
      z.object({
        values: z
          .record(z.string(), z.string().nullable())
          .openapi({ description: 'The value of each `by`' }),
        count: z.number().int().openapi({ description: 'Runs of the group with a numeric value' }),
        mean: z.number().nullable(),
        min: z.number().nullable(),
        max: z.number().nullable(),
        std: z
          .number()
          .nullable()
          .openapi({ description: 'Sample standard deviation (null below two values)' }),
        run: z.number().int().nullable().openapi({ description: 'The run, when exactly one has a value' }),
      }),
    ),
  })
  .openapi('ResultsAggregate');

export function seriesResultRoutes(deps: ApiDeps) {
  const { db } = deps;
  const app = createRouter();

  /** The series' result names, its parameters in the order of its INI. */
  async function namesOf(id: string, user: AuthUser) {
    const row = await getSeries(db, id, user);
    const sweep = parseSweep(row.ini, { maxTuples: Math.max(deps.config.maxTuples, row.count) });
    return resultNames(
      db,
      id,
      sweep.parameters.map((p) => p.name),
    );
  }
  app.use('*', requireUser);

  app.openapi(
    createRoute({
      method: 'get',
      path: '/{id}/results',
      tags: ['results'],
      summary: "Every run's varied parameters and metrics: sorted, filtered, paged by cursor",
      security: signedIn,
      request: { params: IdParam, query: ResultsQuery },
      responses: { 200: jsonResponse(ResultsPageSchema, 'A page of results'), ...pick(400, 401, 404) },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const query = c.req.valid('query');
      const names = await namesOf(id, currentUser(c));
      const page = await resultsPage(db, id, names, query);
      return c.json(
        {
          parameters: [...names.parameters],
          metrics: [...names.metrics],
          rows: page.rows,
          nextCursor: page.next,
          prevCursor: page.prev,
        },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/{id}/results/aggregate',
      tags: ['results'],
      summary: "A metric's count, mean, min, max and std per value of one or two parameters",
      security: signedIn,
      request: { params: IdParam, query: AggregateQuery },
      responses: { 200: jsonResponse(AggregateSchema, 'One group per value'), ...pick(400, 401, 404) },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const { by, metric, filter } = c.req.valid('query');
      const names = await namesOf(id, currentUser(c));
      const list = by.split(',').map((s) => s.trim());
      const groups = await aggregateResultsJson(db, id, names, { by: list, metric, filter });
      // The groups' JSON goes out as kept (10,000 groups are 1.3 MB): spliced, not parsed again.
      const head = JSON.stringify({ by: list, metric }).slice(0, -1);
      return jsonTextResponse<z.infer<typeof AggregateSchema>>(c, `${head},"groups":${groups}}`);
    },
  );

  return app;
}
