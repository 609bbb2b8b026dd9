// GET/POST /login and POST /logout. The login form is the one form posted before a session
// exists: it carries a double-submit CSRF token (api/sign-in-cookies.ts), shares the rate
// limits of POST /api/v1/session (api/sign-in-guard.ts) and goes on only to a path of ours.
import { Hono, type MiddlewareHandler } from 'hono';
import { CSRF_FIELD } from '../../api/auth.ts';
import type { SignInCookies } from '../../api/sign-in-cookies.ts';
import { clientAddress, type SignInGuard } from '../../api/sign-in-guard.ts';
import { authenticatePassword, createSession, deleteSession } from '../../db/accounts.ts';
import type { WebContext, WebEnv } from '../context.ts';
import { LoginPage } from '../pages/login.tsx';

const SAME_ORIGIN = 'http://tuplet.invalid';

/**
 * Only a path of this site may follow a sign-in (no open redirect). Browsers drop tabs and
 * newlines from URLs and read `\` as `/`, so `/\t/evil.com` and `/\evil.com` mean
 * `//evil.com`, another site: only printable ASCII without backslashes is considered.
 */
export function safeNext(next: unknown): string {
  if (typeof next !== 'string' || !/^\/[\x21-\x7e]*$/.test(next)) return '/';
  if (next.startsWith('//') || next.includes('\\')) return '/';
  return new URL(next, SAME_ORIGIN).origin === SAME_ORIGIN ? next : '/';
}

export function loginRoutes(
  { db }: WebContext,
  signIn: { guard: SignInGuard; cookies: SignInCookies },
  loadUser: MiddlewareHandler<WebEnv>,
) {
  const { guard, cookies } = signIn;
  const app = new Hono<WebEnv>();

  app.get('/login', loadUser, (c) => {
    const next = safeNext(c.req.query('next'));
    if (c.get('user')) return c.redirect(next, 303);
    return c.html(<LoginPage next={next} csrf={cookies.loginFormToken(c)} />);
  });

  // No loadUser here: signing in needs no current user, and a signed-in browser posting an old
  // login form must not meet the session's CSRF check instead of this form's.
  app.post('/login', async (c) => {
    const form = await c.req.parseBody();
    const name = typeof form.name === 'string' ? form.name.trim() : '';
    const password = typeof form.password === 'string' ? form.password : '';
    const next = safeNext(form.next);
    const again = (status: 401 | 403 | 429, error: string) =>
      c.html(<LoginPage next={next} name={name} csrf={cookies.loginFormToken(c)} error={error} />, status);
    if (!cookies.checkLoginForm(c, form[CSRF_FIELD])) {
      return again(403, 'This sign-in form expired or did not come from this site. Please sign in again.');
    }
    if (!name || !password) return again(401, 'Wrong name or password.');
    const outcome = await guard.signIn({ address: clientAddress(c), name }, () =>
      authenticatePassword(db, name, password),
    );
    if (outcome.status === 'limited') {
      c.header('Retry-After', String(outcome.retryAfterSeconds));
      const minutes = Math.ceil(outcome.retryAfterSeconds / 60);
      return again(
        429,
        `Too many failed sign-ins. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
      );
    }
    if (outcome.status === 'refused') return again(401, 'Wrong name or password.');
    const session = await createSession(db, outcome.user.id);
    cookies.setSession(c, session.sessionToken, session.expiresAt);
    return c.redirect(next, 303);
  });

  // Reaching here with a cookie means loadUser (mounted on /logout) accepted the form's CSRF token.
  app.post('/logout', async (c) => {
    const cookie = cookies.readSession(c);
    if (cookie && c.get('user')) await deleteSession(db, cookie);
    cookies.clearSession(c);
    return c.redirect('/login', 303);
  });

  return app;
}
