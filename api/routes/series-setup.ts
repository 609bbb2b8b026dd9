// GET /api/v1/series/:id/setup: the series' setup step — for an own-code series the environment
// its setup built or reused (docs/own-code.md) — and the tail of its log, once it ran.
import { createRoute, z } from '@hono/zod-openapi';
import { readSetupLog } from '../../files/setup-log.ts';
import { storageOf } from '../../files/storage/index.ts';
import { currentUser, requireUser } from '../auth.ts';
import type { ApiDeps } from '../context.ts';
import { createRouter, jsonResponse, pick, signedIn } from '../openapi.ts';
import { IdParam } from '../schemas.ts';
import { getSeries } from '../series/query.ts';

const SetupSchema = z
  .object({
    setup: z
      .string()
      .nullable()
      .openapi({ description: "The application's setup command (its snapshot's); null: none" }),
    ownCode: z
      .object({
        envKey: z.string().openapi({
          description: "The environment's cache key (sha256 of group, interpreter, requirements)",
        }),
        python: z.string(),
        requirements: z.array(z.string()),
      })
      .nullable()
      .openapi({
        description: 'An own-code series: the environment its setup builds or reuses; null otherwise',
      }),
    log: z
      .string()
      .nullable()
      .openapi({ description: "The tail of the setup's output (4,000 bytes); null: it has not run" }),
  })
  .openapi('SeriesSetup');

export function seriesSetupRoutes(deps: ApiDeps) {
  const app = createRouter();
  app.use('*', requireUser);

  app.openapi(
    createRoute({
      method: 'get',
      path: '/{id}/setup',
      tags: ['series'],
      summary: "The series' setup step: its command or own-code environment, and its log",
      security: signedIn,
      request: { params: IdParam },
      responses: { 200: jsonResponse(SetupSchema, 'The step'), ...pick(401, 404) },
    }),
    async (c) => {
      const row = await getSeries(deps.db, c.req.valid('param').id, currentUser(c));
      const snapshot = row.applicationSnapshot;
      return c.json(
        {
          setup: snapshot.setup ?? null,
          ownCode: snapshot.ownCode ?? null,
          log: await readSetupLog(storageOf(deps), row.id),
        },
        200,
      );
    },
  );

  return app;
}
