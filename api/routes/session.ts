// /api/v1/session: browser sign-in by name and password. The cookie is HttpOnly; the CSRF
// token it answers must accompany every state-changing request made with the cookie.
import { createRoute, z } from '@hono/zod-openapi';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { authenticatePassword, createSession, deleteSession } from '../../db/accounts.ts';
import { currentUser, requireUser, SESSION_COOKIE } from '../auth.ts';
import type { ApiDeps } from '../context.ts';
import { unauthorized } from '../errors.ts';
import { createRouter, jsonBody, jsonResponse, pick, signedIn } from '../openapi.ts';

export const UserSchema = z
  .object({ id: z.string(), name: z.string(), role: z.enum(['admin', 'member']) })
  .openapi('User');

const SessionSchema = z
  .object({ user: UserSchema, csrfToken: z.string().nullable(), expiresAt: z.string().nullable() })
  .openapi('Session');

export function sessionRoutes(deps: ApiDeps) {
  const { db } = deps;
  const app = createRouter();

  app.openapi(
    createRoute({
      method: 'post',
      path: '/',
      tags: ['session'],
      summary: 'Sign in with name and password: sets the session cookie and answers its CSRF token',
      request: {
        body: jsonBody(z.object({ name: z.string().min(1).max(64), password: z.string().min(1).max(1024) })),
      },
      responses: { 200: jsonResponse(SessionSchema, 'Signed in'), ...pick(400, 401) },
    }),
    async (c) => {
      const { name, password } = c.req.valid('json');
      const user = await authenticatePassword(db, name, password);
      if (!user) throw unauthorized('wrong name or password');
      const session = await createSession(db, user.id);
      setCookie(c, SESSION_COOKIE, session.sessionToken, {
        httpOnly: true,
        sameSite: 'Lax',
        path: '/',
        secure: new URL(c.req.url).protocol === 'https:',
        expires: session.expiresAt,
      });
      deps.logger.info({ user: user.name }, 'signed in');
      return c.json(
        {
          user: { id: user.id, name: user.name, role: user.role },
          csrfToken: session.csrfToken,
          expiresAt: session.expiresAt.toISOString(),
        },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/',
      tags: ['session'],
      summary: 'Who is signed in (and the CSRF token of a browser session)',
      security: signedIn,
      middleware: [requireUser] as const,
      responses: { 200: jsonResponse(SessionSchema, 'The current user'), ...pick(401) },
    }),
    (c) =>
      c.json({ user: currentUser(c), csrfToken: c.get('session')?.csrfToken ?? null, expiresAt: null }, 200),
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/',
      tags: ['session'],
      summary: 'Sign out: ends the browser session',
      security: signedIn,
      responses: { 204: { description: 'Signed out' }, ...pick(403) },
    }),
    async (c) => {
      const cookie = getCookie(c, SESSION_COOKIE);
      if (cookie) await deleteSession(db, cookie);
      deleteCookie(c, SESSION_COOKIE, { path: '/' });
      return c.body(null, 204);
    },
  );

  return app;
}
