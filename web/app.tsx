// The web UI: server-rendered pages reading the database directly, small local scripts
// calling the JSON API for actions and live data. Mounted at `/` by the API app.
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { loadUser } from '../api/auth.ts';
import { limitBody } from '../api/body-limit.ts';
import { errorResponse } from '../api/errors.ts';
import { SignInCookies } from '../api/sign-in-cookies.ts';
import { SignInGuard } from '../api/sign-in-guard.ts';
import type { AuthUser, WebContext, WebDeps, WebEnv } from './context.ts';
import { TtlCache } from './data/cache.ts';
import { MessagePage } from './layout.tsx';
import { applicationsPage, hostsPage, tokensPage, usersPage } from './routes/admin.tsx';
import { datasetPage, datasetsPage } from './routes/datasets.tsx';
import { groupPage, groupsPage } from './routes/groups.tsx';
import { homePage } from './routes/home.tsx';
import { loginRoutes } from './routes/login.tsx';
import { newSeriesPage } from './routes/new-series.tsx';
import { notificationsPage } from './routes/notifications.tsx';
import { runPage, seriesPage } from './routes/series.tsx';
import { comparePage } from './routes/compare.tsx';
import { resultsPlotSvg, resultsTab } from './routes/results.tsx';
import { webApiRoutes } from './routes/web-api.ts';
import { staticRoutes } from './static.ts';

export type { WebDeps } from './context.ts';

/** A page handler: runs only for a signed-in user (others are sent to the sign-in page). */
export type PageHandler = (c: Context<WebEnv>, user: AuthUser, csrf: string) => Promise<Response> | Response;

export function page(handler: PageHandler) {
  return (c: Context<WebEnv>) => {
    const user = c.get('user');
    if (!user) {
      const next = c.req.path + (new URL(c.req.url).search || '');
      return c.redirect(`/login?next=${encodeURIComponent(next)}`, 303);
    }
    return handler(c, user, c.get('session')?.csrfToken ?? '');
  };
}

export function createWebApp(deps: WebDeps): Hono<WebEnv> {
  const { db } = deps;
  const ctx: WebContext = { ...deps, cache: new TtlCache() };
  const app = new Hono<WebEnv>();
  const signIn = deps.signIn ?? {
    guard: new SignInGuard(),
    cookies: new SignInCookies(deps.config.publicUrl),
  };
  const user: MiddlewareHandler<WebEnv> = loadUser(db, signIn.cookies);
  // Bodies are limited before anything reads them (loadUser reads a form's CSRF field).
  const { bodyBytes } = deps.config.limits;
  const bodyLimit = limitBody({
    maxBytes: bodyBytes,
    tooLarge: () => {
      throw new HTTPException(413, { message: `The request is larger than ${bodyBytes} bytes.` });
    },
  });
  // Every web path (the API, mounted beside this app, limits its own bodies).
  app.use('*', (c, next) => (c.req.path.startsWith('/api/') ? next() : bodyLimit(c, next)));
  // Middleware only on the web UI's own paths: this app is mounted at `/` beside the API.
  // (/login mounts loadUser itself, for GET only: web/routes/login.tsx.)
  for (const p of [
    '/',
    '/logout',
    '/series/*',
    '/applications',
    '/hosts',
    '/users',
    '/tokens',
    '/notifications',
    '/groups',
    '/groups/*',
    '/datasets',
    '/datasets/*',
    '/compare',
    '/web-api/*',
  ]) {
    app.use(p, user);
  }

  app.route('/static', staticRoutes());

  app.route('/', loginRoutes(ctx, signIn, user));

  app.get('/', page(homePage(ctx)));
  app.get('/series/new', page(newSeriesPage(ctx)));
  app.get('/series/:id', page(seriesPage(ctx)));
  app.get('/series/:id/runs/:index', page(runPage(ctx)));
  app.get('/series/:id/results', page(resultsTab(ctx)));
  app.get('/series/:id/results/plot.svg', page(resultsPlotSvg(ctx)));
  app.get('/applications', page(applicationsPage(ctx)));
  app.get('/hosts', page(hostsPage(ctx)));
  app.get('/users', page(usersPage(ctx)));
  app.get('/tokens', page(tokensPage(ctx)));
  app.get('/notifications', page(notificationsPage(ctx)));
  app.get('/groups', page(groupsPage(ctx)));
  app.get('/groups/:name', page(groupPage(ctx)));
  app.get('/datasets', page(datasetsPage(ctx)));
  app.get('/datasets/:name', page(datasetPage(ctx)));
  app.get('/compare', page(comparePage(ctx)));
  app.route('/web-api', webApiRoutes(ctx));

  app.onError((error, c) => {
    // The API's mapping, so a typed error of core/ (a refused path, a missing file) gets its status here too.
    const { status } = errorResponse(error);
    if (c.req.path.startsWith('/web-api/')) {
      return c.json(
        {
          error: {
            code: status === 500 ? 'internal' : 'error',
            message: status === 500 ? 'internal error' : error.message,
          },
        },
        status,
      );
    }
    if (status === 500) console.error(error);
    return c.html(
      <MessagePage
        title={status === 403 ? 'Not allowed' : status === 404 ? 'Not found' : 'Something went wrong'}
        message={
          status === 500 ? 'The server could not show this page. Try again in a moment.' : error.message
        }
        user={c.get('user')}
        csrf={c.get('session')?.csrfToken}
      />,
      status,
    );
  });

  return app;
}
