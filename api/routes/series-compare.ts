// /api/v1/series/{a}/compare/{b}: two series side by side (api/series/compare.ts); and
// /api/v1/series/{id}/lineage: the series it was cloned from and its clones. Every series
// named or listed is one the caller may see; one they may not is a 404, as for every read.
import { createRoute, z } from '@hono/zod-openapi';
import { seriesViewer } from '../access.ts';
import { currentUser, requireUser } from '../auth.ts';
import type { ApiDeps } from '../context.ts';
import { createRouter, jsonResponse, pick, signedIn } from '../openapi.ts';
import { IdParam, limitParam, SeriesStateSchema } from '../schemas.ts';
import { comparePair, loadPair } from '../series/compare.ts';
import { getSeries } from '../series/query.ts';
import { LISTED_CHILDREN, seriesLineage, type LineageEntry } from '../../db/lineage.ts';

const seriesIdParam = (name: 'a' | 'b', what: string) =>
  z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name, in: 'path' }, description: what, example: '01jd3q4k8z7x' });

const PairParams = z.object({
  a: seriesIdParam('a', 'The series compared from (A)'),
  b: seriesIdParam('b', 'The series compared to (B)'),
});

const CompareQuery = z.object({
  limit: limitParam(500, 20).openapi({
    description: 'Examples of added and removed tuples, and rows of the delta page',
  }),
  after: z.coerce.number().int().min(0).max(2_147_483_647).optional().openapi({
    description: "`deltas.nextAfter` of the previous answer: the next page of common tuples' deltas",
  }),
});

const ComparedSchema = z.object({
  id: z.string(),
  description: z.string(),
  state: SeriesStateSchema,
  owner: z.string(),
  count: z.number().int(),
});

const ExampleSchema = z.object({
  index: z.number().int().openapi({ description: 'The run in its own series' }),
  params: z.record(z.string(), z.string()).openapi({ description: "The tuple's identifying values" }),
});

const CompareSchema = z
  .object({
    a: ComparedSchema,
    b: ComparedSchema,
    ini: z.object({
      lines: z.array(z.string()).openapi({
        description:
          'The INI templates as a unified diff (`---`, `+++`, `@@`, then context, `-` and `+` lines)',
      }),
      tooDifferent: z.boolean().openapi({ description: 'Too many lines differ to diff them (no lines)' }),
    }),
    parameters: z
      .array(
        z.object({
          name: z.string(),
          a: z.array(z.string()).nullable(),
          b: z.array(z.string()).nullable(),
        }),
      )
      .openapi({ description: 'Keys whose values differ (a constant as one value; null: no such key)' }),
    tuples: z.object({
      identifiedBy: z.array(z.string()).openapi({
        description: 'The parameters varied in either series: a tuple is its values of these',
      }),
      removed: z.number().int().openapi({ description: 'Tuples of A that B does not have' }),
      added: z.number().int().openapi({ description: 'Tuples of B that A does not have' }),
      common: z.number().int(),
      examples: z.object({ removed: z.array(ExampleSchema), added: z.array(ExampleSchema) }),
    }),
    metrics: z.array(
      z.object({
        name: z.string(),
        count: z.number().int().openapi({ description: 'Common tuples where both runs have it as a number' }),
        mean: z.number().nullable().openapi({ description: 'Mean of B − A' }),
        min: z.number().nullable(),
        max: z.number().nullable(),
      }),
    ),
    deltas: z.object({
      rows: z.array(
        z.object({
          aIndex: z.number().int(),
          bIndex: z.number().int(),
          params: z.record(z.string(), z.string()),
          deltas: z.record(z.string(), z.number().nullable()).openapi({ description: 'B − A per metric' }),
        }),
      ),
      nextAfter: z
        .number()
        .int()
        .nullable()
        .openapi({ description: '`after` of the next page; null at the end' }),
    }),
  })
  .openapi('SeriesComparison');

const LineageEntrySchema = z
  .object({
    id: z.string(),
    description: z.string(),
    state: SeriesStateSchema,
    owner: z.string(),
    createdAt: z.string(),
  })
  .openapi('LineageEntry');

const LineageSchema = z
  .object({
    parent: LineageEntrySchema.nullable().openapi({
      description: 'The series this one was cloned from (null: none, deleted, or not visible to you)',
    }),
    children: z.array(LineageEntrySchema).openapi({ description: 'Its clones you may see, oldest first' }),
    moreChildren: z
      .boolean()
      .openapi({ description: `More than ${LISTED_CHILDREN} clones: the first are listed` }),
  })
  .openapi('SeriesLineage');

const entryJson = (e: LineageEntry) => ({ ...e, createdAt: e.createdAt.toISOString() });

export function seriesCompareRoutes(deps: ApiDeps) {
  const { db, config } = deps;
  const app = createRouter();
  app.use('*', requireUser);

  app.openapi(
    createRoute({
      method: 'get',
      path: '/{a}/compare/{b}',
      tags: ['series'],
      summary: 'Compare two series: INI diff, tuple-set diff, metric differences B − A on common tuples',
      security: signedIn,
      request: { params: PairParams, query: CompareQuery },
      responses: { 200: jsonResponse(CompareSchema, 'The comparison'), ...pick(400, 401, 404) },
    }),
    async (c) => {
      const { a, b } = c.req.valid('param');
      const pair = await loadPair(db, config.maxTuples, currentUser(c), a, b);
      return c.json(await comparePair(db, pair, c.req.valid('query')), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/{id}/lineage',
      tags: ['series'],
      summary: 'The series it was cloned from and its clones (those you may see)',
      security: signedIn,
      request: { params: IdParam },
      responses: { 200: jsonResponse(LineageSchema, 'Parent and children'), ...pick(401, 404) },
    }),
    async (c) => {
      const user = currentUser(c);
      const row = await getSeries(db, c.req.valid('param').id, user);
      const lineage = await seriesLineage(db, row, seriesViewer(user));
      return c.json(
        {
          parent: lineage.parent ? entryJson(lineage.parent) : null,
          children: lineage.children.map(entryJson),
          moreChildren: lineage.more,
        },
        200,
      );
    },
  );

  return app;
}
