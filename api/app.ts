// The HTTP app: the one factory used by `tuplet up` and by tests (`app.request()`).
// Routes live in api/routes/<resource>.ts; this file only wires them together with the
// cross-cutting parts: request logs, sign-in, body limits, errors, the OpenAPI document.
import { OpenAPIHono } from '@hono/zod-openapi';
import type { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { loadUser } from './auth.ts';
import type { ApiDeps, AppEnv } from './context.ts';
import { renderDocsPage, type OpenApiDocument } from './docs-page.tsx';
import { ApiError, createErrorHandler } from './errors.ts';
import { withCommonErrors } from './openapi.ts';
import { applicationRoutes } from './routes/applications.ts';
import { healthRoutes } from './routes/health.ts';
import { hostRoutes } from './routes/hosts.ts';
import { packageRoutes } from './routes/packages.ts';
import { seriesActionRoutes } from './routes/series-actions.ts';
import { seriesEventRoutes } from './routes/series-events.ts';
import { seriesRunRoutes } from './routes/series-runs.ts';
import { seriesRoutes } from './routes/series.ts';
import { sessionRoutes } from './routes/session.ts';
import { sweepRoutes } from './routes/sweeps.ts';
import { tokenRoutes } from './routes/tokens.ts';
import { userRoutes } from './routes/users.ts';
import { createWebApp } from '../web/app.tsx';

export type { ApiDeps } from './context.ts';

export const API_PREFIX = '/api/v1';
/** JSON bodies are small (an INI template is at most 512 KiB); anything bigger is refused early. */
export const MAX_BODY_BYTES = 1024 * 1024;

const documentInfo = {
  openapi: '3.1.0',
  info: {
    title: 'Tuplet',
    version: '1',
    description:
      'Launch series of experiments from one INI sweep. Sign in with `Authorization: Bearer <token>` ' +
      '(or the browser session cookie plus `X-CSRF-Token`). Errors are `{error:{code, message, …}}`.',
  },
};

export function createApp(deps: ApiDeps): Hono<AppEnv> {
  const { logger } = deps;
  const app = new OpenAPIHono<AppEnv>();
  app.onError(createErrorHandler(logger));
  app.notFound((c) => {
    if (c.req.path.startsWith('/api/')) {
      return c.json({ error: { code: 'not_found', message: `no route ${c.req.method} ${c.req.path}` } }, 404);
    }
    return c.text('Not found', 404);
  });

  // Request logs: method, path (never the query string or headers, which may carry secrets),
  // status, time. Static assets only at debug level, server errors at error level.
  app.use('*', async (c, next) => {
    const started = performance.now();
    await next();
    const ms = Math.round((performance.now() - started) * 10) / 10;
    const user = c.get('user')?.name;
    const status = c.res.status;
    const level = status >= 500 ? 'error' : c.req.path.startsWith('/static/') ? 'debug' : 'info';
    logger[level](
      { method: c.req.method, path: c.req.path, status, ms, ...(user ? { user } : {}) },
      'request',
    );
  });

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });
  app.openAPIRegistry.registerComponent('securitySchemes', 'session', {
    type: 'apiKey',
    in: 'cookie',
    name: 'tuplet_session',
  });

  app.route('/healthz', healthRoutes(deps));

  // Packages stream to disk under their own, larger limit (api/series/packages.ts).
  const jsonLimit = bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: () => {
      throw new ApiError(413, 'too_large', `request body larger than ${MAX_BODY_BYTES} bytes`);
    },
  });
  app.use(`${API_PREFIX}/*`, (c, next) =>
    c.req.path === `${API_PREFIX}/packages` ? next() : jsonLimit(c, next),
  );
  app.use(`${API_PREFIX}/*`, loadUser(deps.db));
  app.route(`${API_PREFIX}/session`, sessionRoutes(deps));
  app.route(`${API_PREFIX}/sweeps`, sweepRoutes(deps));
  app.route(`${API_PREFIX}/packages`, packageRoutes(deps));
  app.route(`${API_PREFIX}/series`, seriesRoutes(deps));
  app.route(`${API_PREFIX}/series`, seriesActionRoutes(deps));
  app.route(`${API_PREFIX}/series`, seriesRunRoutes(deps));
  app.route(`${API_PREFIX}/series`, seriesEventRoutes(deps));
  app.route(`${API_PREFIX}/hosts`, hostRoutes(deps));
  app.route(`${API_PREFIX}/applications`, applicationRoutes(deps));
  app.route(`${API_PREFIX}/users`, userRoutes(deps));
  app.route(`${API_PREFIX}/tokens`, tokenRoutes(deps));

  let document: OpenApiDocument | undefined;
  const openApiDocument = () =>
    (document ??= withCommonErrors(app.getOpenAPI31Document(documentInfo)) as OpenApiDocument);
  app.get(`${API_PREFIX}/openapi.json`, (c) => c.json(openApiDocument()));
  app.get(`${API_PREFIX}/docs`, (c) =>
    c.html(renderDocsPage(openApiDocument(), `${API_PREFIX}/openapi.json`)),
  );

  // The web UI mounts at `/`, after the API so that its pages never shadow an API route.
  app.route('/', createWebApp(deps));
  return app;
}
