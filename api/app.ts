// The HTTP app: the one factory used by `tuplet up` and by tests (`app.request()`).
// Routes live in api/routes/<resource>.ts; this file only wires them together with the
// cross-cutting parts: request logs, sign-in, body limits, errors, the OpenAPI document.
import { OpenAPIHono } from '@hono/zod-openapi';
import type { Hono } from 'hono';
import { loadUser } from './auth.ts';
import { limitBody } from './body-limit.ts';
import type { ApiDeps, AppEnv } from './context.ts';
import { renderDocsPage, type OpenApiDocument } from './docs-page.tsx';
import { ApiError, createErrorHandler } from './errors.ts';
import { withCommonErrors } from './openapi.ts';
import { applicationRoutes } from './routes/applications.ts';
import { codecRoutes } from './routes/codec.ts';
import { groupRoutes } from './routes/groups.ts';
import { healthRoutes } from './routes/health.ts';
import { hostRoutes } from './routes/hosts.ts';
import { quotaRoutes } from './routes/quotas.ts';
import { notificationRoutes } from './routes/notifications.ts';
import { datasetRoutes } from './routes/datasets.ts';
import { packageRoutes } from './routes/packages.ts';
import { seriesActionRoutes } from './routes/series-actions.ts';
import { seriesCompareRoutes } from './routes/series-compare.ts';
import { seriesEventRoutes } from './routes/series-events.ts';
import { seriesExportRoutes } from './routes/series-export.ts';
import { seriesResultRoutes } from './routes/series-results.ts';
import { seriesRunRoutes } from './routes/series-runs.ts';
import { seriesPostprocessRoutes } from './routes/series-postprocess.ts';
import { seriesSetupRoutes } from './routes/series-setup.ts';
import { seriesRoutes } from './routes/series.ts';
import { sessionRoutes } from './routes/session.ts';
import { sweepRoutes } from './routes/sweeps.ts';
import { tokenRoutes } from './routes/tokens.ts';
import { userRoutes } from './routes/users.ts';
import { SignInCookies } from './sign-in-cookies.ts';
import { SignInGuard } from './sign-in-guard.ts';
import { createWebApp } from '../web/app.tsx';
import { securityHeaders } from '../web/security-headers.ts';

export type { ApiDeps } from './context.ts';

export const API_PREFIX = '/api/v1';

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
  // One guard and one cookie policy for the API's and the web UI's sign-ins.
  const signIn = {
    guard: deps.signInGuard ?? new SignInGuard(),
    cookies: new SignInCookies(deps.config.publicUrl),
  };
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

  // CSP (frame-ancestors 'none'), nosniff, referrer policy on every response, pages and API alike.
  app.use('*', securityHeaders({ https: deps.config.publicUrl?.protocol === 'https:' }));

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });
  app.openAPIRegistry.registerComponent('securitySchemes', 'session', {
    type: 'apiKey',
    in: 'cookie',
    name: signIn.cookies.sessionName,
  });

  app.route('/healthz', healthRoutes(deps));

  // One body limit for every route; packages stream to disk under their own, larger limit
  // (api/series/packages.ts).
  const { bodyBytes } = deps.config.limits;
  const bodyLimit = limitBody({
    maxBytes: bodyBytes,
    tooLarge: () => {
      throw new ApiError(
        413,
        'too_large',
        `request body larger than ${bodyBytes} bytes (TUPLET_MAX_BODY_BYTES)`,
      );
    },
  });
  // Series archives likewise (api/routes/series-export.ts, TUPLET_MAX_IMPORT_BYTES).
  const ownLimit = new Set([`${API_PREFIX}/packages`, `${API_PREFIX}/series/import`]);
  app.use('/api/*', (c, next) => (ownLimit.has(c.req.path) ? next() : bodyLimit(c, next)));
  app.use('/codec/*', bodyLimit);
  // The Temporal UI's remote codec (admins only; outside /api/v1: a protocol of Temporal's).
  app.route('/codec', codecRoutes(deps));
  app.use(`${API_PREFIX}/*`, loadUser(deps.db, signIn.cookies));
  app.route(`${API_PREFIX}/session`, sessionRoutes(deps, signIn));
  app.route(`${API_PREFIX}/sweeps`, sweepRoutes(deps));
  app.route(`${API_PREFIX}/packages`, packageRoutes(deps));
  app.route(`${API_PREFIX}/datasets`, datasetRoutes(deps));
  app.route(`${API_PREFIX}/series`, seriesRoutes(deps));
  app.route(`${API_PREFIX}/series`, seriesActionRoutes(deps));
  app.route(`${API_PREFIX}/series`, seriesRunRoutes(deps));
  app.route(`${API_PREFIX}/series`, seriesPostprocessRoutes(deps));
  app.route(`${API_PREFIX}/series`, seriesSetupRoutes(deps));
  app.route(`${API_PREFIX}/series`, seriesResultRoutes(deps));
  app.route(`${API_PREFIX}/series`, seriesExportRoutes(deps));
  app.route(`${API_PREFIX}/series`, seriesEventRoutes(deps));
  app.route(`${API_PREFIX}/series`, seriesCompareRoutes(deps));
  app.route(`${API_PREFIX}/hosts`, hostRoutes(deps));
  app.route(`${API_PREFIX}/quotas`, quotaRoutes(deps));
  app.route(`${API_PREFIX}/applications`, applicationRoutes(deps));
  app.route(`${API_PREFIX}/users`, userRoutes(deps));
  app.route(`${API_PREFIX}/groups`, groupRoutes(deps));
  app.route(`${API_PREFIX}/tokens`, tokenRoutes(deps));
  app.route(`${API_PREFIX}/me`, notificationRoutes(deps));

  let document: OpenApiDocument | undefined;
  const openApiDocument = () =>
    (document ??= withCommonErrors(app.getOpenAPI31Document(documentInfo), API_PREFIX) as OpenApiDocument);
  app.get(`${API_PREFIX}/openapi.json`, (c) => c.json(openApiDocument()));
  app.get(`${API_PREFIX}/docs`, (c) =>
    c.html(renderDocsPage(openApiDocument(), `${API_PREFIX}/openapi.json`)),
  );

  // The web UI mounts at `/`, after the API so that its pages never shadow an API route.
  app.route('/', createWebApp({ ...deps, signIn }));
  return app;
}
