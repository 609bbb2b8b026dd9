// The cookies of signing in: the session cookie, and the login form's CSRF cookie (a
// double-submit token for the one form posted before any session exists). When browsers reach
// Tuplet over https (TUPLET_PUBLIC_URL), both are `Secure` and `__Host-` prefixed: sent over
// TLS only, and neither settable by a sibling subdomain nor by plain http.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { CookieOptions } from 'hono/utils/cookie';

export const SESSION_COOKIE = 'tuplet_session';
export const LOGIN_FORM_COOKIE = 'tuplet_login';
/** A login form left open this long must be reloaded to sign in. */
const LOGIN_FORM_TTL_S = 12 * 3600;

export class SignInCookies {
  private readonly hostOnly: boolean;

  constructor(publicUrl: URL | undefined) {
    this.hostOnly = publicUrl?.protocol === 'https:';
  }

  /** The session cookie's name as browsers send it (for the OpenAPI document). */
  get sessionName(): string {
    return this.hostOnly ? `__Host-${SESSION_COOKIE}` : SESSION_COOKIE;
  }

  readSession(c: Context): string | undefined {
    return this.hostOnly ? getCookie(c, SESSION_COOKIE, 'host') : getCookie(c, SESSION_COOKIE);
  }

  setSession(c: Context, token: string, expires: Date): void {
    setCookie(c, SESSION_COOKIE, token, { ...this.options(c), sameSite: 'Lax', expires });
  }

  clearSession(c: Context): void {
    deleteCookie(c, SESSION_COOKIE, this.options(c));
  }

  /**
   * The token the login form carries in its CSRF field: the one in the browser's login cookie,
   * or a new one, set now. A cross-site form post arrives without the cookie (SameSite=Strict),
   * and no other site can read it to copy it into the field.
   */
  loginFormToken(c: Context): string {
    const existing = this.readLoginForm(c);
    if (existing && /^[A-Za-z0-9_-]{32}$/.test(existing)) return existing;
    const token = randomBytes(24).toString('base64url');
    setCookie(c, LOGIN_FORM_COOKIE, token, {
      ...this.options(c),
      sameSite: 'Strict',
      maxAge: LOGIN_FORM_TTL_S,
    });
    return token;
  }

  /** True when a posted login form carries the token of the browser's login cookie. */
  checkLoginForm(c: Context, submitted: unknown): boolean {
    const expected = this.readLoginForm(c);
    if (!expected || typeof submitted !== 'string') return false;
    const a = Buffer.from(submitted);
    const b = Buffer.from(expected);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  private readLoginForm(c: Context): string | undefined {
    return this.hostOnly ? getCookie(c, LOGIN_FORM_COOKIE, 'host') : getCookie(c, LOGIN_FORM_COOKIE);
  }

  private options(c: Context): CookieOptions {
    if (this.hostOnly) return { prefix: 'host', httpOnly: true, path: '/', secure: true };
    // No public URL said https: Secure still when this request came over https.
    return { httpOnly: true, path: '/', secure: new URL(c.req.url).protocol === 'https:' };
  }
}
