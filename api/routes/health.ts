// GET /healthz: 200 {ok:true} once the database and Temporal both answer, 503 {ok:false}
// otherwise. Anyone may ask (load balancers, uptime checks), so an anonymous caller learns
// only ok or not: the raw errors name hosts, ports and database users. A signed-in admin also
// gets each check's answer, and the log always has them.
import { createRoute, z } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import { pingDatabase } from '../../db/client.ts';
import { loadUser } from '../auth.ts';
import type { ApiDeps, AppEnv } from '../context.ts';
import { createRouter, jsonResponse } from '../openapi.ts';
import { SignInCookies } from '../sign-in-cookies.ts';

const CHECK_TIMEOUT_MS = 3000;

const HealthSchema = z
  .object({
    ok: z.boolean(),
    checks: z
      .object({ database: z.string(), temporal: z.string() })
      .optional()
      .openapi({ description: 'Only for a signed-in admin: `ok`, or why the check failed' }),
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

/**
 * True when the request carries an admin's token or session. The sign-in is read the usual
 * way (loadUser), but any failure — a bad token, or the very database being down — only
 * means "not shown the details".
 */
async function callerIsAdmin(c: Context<AppEnv>, signedIn: MiddlewareHandler<AppEnv>): Promise<boolean> {
  if (!c.req.header('authorization') && !c.req.header('cookie')) return false;
  try {
    await withTimeout(Promise.resolve(signedIn(c, async () => {})), 'the sign-in');
  } catch {
    return false;
  }
  return c.get('user')?.role === 'admin';
}

export function healthRoutes(deps: ApiDeps) {
  const app = createRouter();
  const signedIn = loadUser(deps.db, new SignInCookies(deps.config.publicUrl));
  app.openapi(
    createRoute({
      method: 'get',
      path: '/',
      tags: ['health'],
      summary: 'Readiness: the API, the database and Temporal answer (details for admins only)',
      responses: {
        200: jsonResponse(HealthSchema, 'Everything answers'),
        503: jsonResponse(HealthSchema, 'The database or Temporal does not answer'),
      },
    }),
    async (c) => {
      const { temporal } = deps;
      const [database, temporalStatus] = await Promise.all([
        check(() => pingDatabase(deps.db), 'the database'),
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
      const ok = database === 'ok' && temporalStatus === 'ok';
      if (!ok) deps.logger.warn({ checks }, 'health check failed');
      const body = (await callerIsAdmin(c, signedIn)) ? { ok, checks } : { ok };
      return ok ? c.json(body, 200) : c.json(body, 503);
    },
  );
  return app;
}
