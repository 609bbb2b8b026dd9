// /api/v1/session: browser sign-in by name and password. The cookie is HttpOnly; the CSRF
// token it answers must accompany every state-changing request made with the cookie.
// Sign-ins are rate limited (api/sign-in-guard.ts), together with the web's login form.
import { createRoute, z } from '@hono/zod-openapi';
import { authenticatePassword, createSession, deleteSession } from '../../db/accounts.ts';
import { currentUser, requireUser } from '../auth.ts';
import type { ApiDeps } from '../context.ts';
import { ApiError, unauthorized } from '../errors.ts';
import { createRouter, jsonBody, jsonResponse, pick, signedIn } from '../openapi.ts';
import type { SignInCookies } from '../sign-in-cookies.ts';
import { clientAddress, type SignInGuard } from '../sign-in-guard.ts';

export const UserSchema = z
  .object({ id: z.string(), name: z.string(), role: z.enum(['admin', 'member']) })
  .openapi('User');

const SessionSchema = z
  .object({ user: UserSchema, csrfToken: z.string().nullable(), expiresAt: z.string().nullable() })
  .openapi('Session');

export function sessionRoutes(deps: ApiDeps, signIn: { guard: SignInGuard; cookies: SignInCookies }) {
  const { db } = deps;
  const { guard, cookies } = signIn;
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
      responses: { 200: jsonResponse(SessionSchema, 'Signed in'), ...pick(400, 401, 429) },
    }),
    async (c) => {
      const { name, password } = c.req.valid('json');
      const outcome = await guard.signIn({ address: clientAddress(c), name }, () =>
        authenticatePassword(db, name, password),
      );
      if (outcome.status === 'limited') {
        c.header('Retry-After', String(outcome.retryAfterSeconds));
        throw new ApiError(
          429,
          'too_many_attempts',
          `too many failed sign-ins for this account or from this address; try again in ${outcome.retryAfterSeconds} s`,
          { retryAfterSeconds: outcome.retryAfterSeconds },
        );
      }
      if (outcome.status === 'refused') throw unauthorized('wrong name or password');
      const { user } = outcome;
      const session = await createSession(db, user.id);
      cookies.setSession(c, session.sessionToken, session.expiresAt);
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
      const cookie = cookies.readSession(c);
      if (cookie) await deleteSession(db, cookie);
      cookies.clearSession(c);
      return c.body(null, 204);
    },
  );

  return app;
}
