// Who is calling: an API token (`Authorization: Bearer …`) or the browser session cookie.
// Cookie sign-ins must prove with a CSRF token that a state-changing request comes from our
// own pages. Exported for the web UI, which mounts the same middleware.
import type { Context, MiddlewareHandler } from 'hono';
import { findSession, findToken } from '../db/accounts.ts';
import type { Database } from '../db/client.ts';
import type { AppEnv, AuthUser } from './context.ts';
import { ApiError, forbidden, unauthorized } from './errors.ts';
import type { SignInCookies } from './sign-in-cookies.ts';

export { SESSION_COOKIE } from './sign-in-cookies.ts';
export const CSRF_HEADER = 'X-CSRF-Token';
export const CSRF_FIELD = '_csrf';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function bearerToken(c: Context): string | undefined {
  const header = c.req.header('authorization');
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match?.[1]) throw unauthorized('the Authorization header must be `Bearer <token>`');
  return match[1];
}

/** The CSRF token a cookie-authenticated request carries, from the header or a form field. */
async function submittedCsrfToken(c: Context): Promise<string | undefined> {
  const header = c.req.header(CSRF_HEADER);
  if (header) return header;
  const type = c.req.header('content-type') ?? '';
  if (type.startsWith('application/x-www-form-urlencoded') || type.startsWith('multipart/form-data')) {
    // parseBody caches the body, so form handlers downstream can still read it.
    const form = await c.req.parseBody();
    const field = form[CSRF_FIELD];
    return typeof field === 'string' ? field : undefined;
  }
  return undefined;
}

function sameSecret(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/**
 * Resolves the user of the request, if any, into `c.var.user`. A bad bearer token is a 401
 * (the caller meant to sign in); a stale cookie is simply ignored. A cookie-authenticated
 * request that changes state without the session's CSRF token is a 403.
 */
export function loadUser(db: Database, cookies: SignInCookies): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const token = bearerToken(c);
    if (token !== undefined) {
      const found = await findToken(db, token);
      if (!found) throw unauthorized('unknown, revoked or expired API token');
      c.set('user', toAuthUser(found.user));
      c.set('authMethod', 'token');
      c.set('token', { id: found.id, expiresAt: found.expiresAt });
      return next();
    }
    const cookie = cookies.readSession(c);
    if (cookie) {
      const session = await findSession(db, cookie);
      if (session) {
        if (!SAFE_METHODS.has(c.req.method)) {
          const submitted = await submittedCsrfToken(c);
          if (!submitted || !sameSecret(submitted, session.csrfToken)) {
            throw new ApiError(
              403,
              'csrf',
              `missing or wrong CSRF token (header ${CSRF_HEADER} or form field ${CSRF_FIELD})`,
            );
          }
        }
        c.set('user', toAuthUser(session.user));
        c.set('authMethod', 'session');
        c.set('session', { csrfToken: session.csrfToken });
      }
    }
    return next();
  };
}

function toAuthUser(user: { id: string; name: string; role: string }): AuthUser {
  return { id: user.id, name: user.name, role: user.role === 'admin' ? 'admin' : 'member' };
}

/** 401 unless someone is signed in. */
export const requireUser: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (!c.get('user')) throw unauthorized();
  return next();
};

/** 401 unless signed in, 403 unless an admin. */
export const requireAdmin: MiddlewareHandler<AppEnv> = async (c, next) => {
  const user = c.get('user');
  if (!user) throw unauthorized();
  if (user.role !== 'admin') throw forbidden('only an admin may do this');
  return next();
};

/** The signed-in user of a request behind requireUser (throws 401 otherwise). */
export function currentUser(c: Context<AppEnv>): AuthUser {
  const user = c.get('user');
  if (!user) throw unauthorized();
  return user;
}

export function isAdmin(user: AuthUser): boolean {
  return user.role === 'admin';
}

/** Everyone signed in sees every series; only its owner or an admin may change it. */
export function canModifySeries(user: AuthUser, series: { ownerId: string }): boolean {
  return user.role === 'admin' || user.id === series.ownerId;
}
