// GET /healthz: 200 once the database and Temporal both answer, 503 (saying which did not) otherwise.
import { createRoute, z } from '@hono/zod-openapi';
import { sql } from 'drizzle-orm';
import type { ApiDeps } from '../context.ts';
import { createRouter, jsonResponse } from '../openapi.ts';

const CHECK_TIMEOUT_MS = 3000;

const HealthSchema = z
  .object({
    status: z.enum(['ok', 'unavailable']),
    checks: z.object({ database: z.string(), temporal: z.string() }),
    error: z.object({ code: z.string(), message: z.string() }).optional(),
  })
  .openapi('Health');

function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what} did not answer within ${CHECK_TIMEOUT_MS} ms`)),
      CHECK_TIMEOUT_MS,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function check(run: () => Promise<unknown>, what: string): Promise<string> {
  try {
    await withTimeout(run(), what);
    return 'ok';
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

export function healthRoutes(deps: ApiDeps) {
  const app = createRouter();
  app.openapi(
    createRoute({
      method: 'get',
      path: '/',
      tags: ['health'],
      summary: 'Readiness: the API, the database and Temporal answer',
      responses: {
        200: jsonResponse(HealthSchema, 'Everything answers'),
        503: jsonResponse(HealthSchema, 'The database or Temporal does not answer'),
      },
    }),
    async (c) => {
      const { temporal } = deps;
      const [database, temporalStatus] = await Promise.all([
        check(() => deps.db.execute(sql`select 1`), 'the database'),
        check(
          // Our namespace must exist, not merely the server answer: workflows start there.
          () =>
            temporal.withDeadline(Date.now() + CHECK_TIMEOUT_MS, () =>
              temporal.workflowService.describeNamespace({ namespace: temporal.options.namespace }),
            ),
          'Temporal',
        ),
      ]);
      const checks = { database, temporal: temporalStatus };
      if (database === 'ok' && temporalStatus === 'ok') return c.json({ status: 'ok' as const, checks }, 200);
      const failing = Object.entries(checks)
        .filter(([, v]) => v !== 'ok')
        .map(([k, v]) => `${k}: ${v}`)
        .join('; ');
      return c.json(
        { status: 'unavailable' as const, checks, error: { code: 'unavailable', message: failing } },
        503,
      );
    },
  );
  return app;
}
