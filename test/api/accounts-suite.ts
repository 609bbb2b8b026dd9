// Accounts: browser sessions with CSRF tokens, API tokens shown once, users managed by admins.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { createUser } from '../../db/accounts.ts';
import type { SuiteContext } from './harness.ts';

const PASSWORD = 'correct horse battery';

function sessionCookie(response: { headers: Headers }): string {
  const header = response.headers.get('set-cookie') ?? '';
  const match = /tuplet_session=([^;]+)/.exec(header);
  assert.ok(match, `a session cookie in ${header}`);
  return `tuplet_session=${match[1]}`;
}

export function accountTests(ctx: SuiteContext): void {
  describe('accounts', () => {
    let carol: string;
    before(async () => {
      carol = `carol-${Math.random().toString(36).slice(2, 8)}`;
      // A low scrypt cost for speed; the first sign-in rehashes it at the default.
      const passwordCost = { N: 2 ** 10, r: 8, p: 1 };
      await createUser(ctx.h.db, { name: carol, password: PASSWORD, role: 'member', passwordCost });
    });

    test('session: sign in sets an HttpOnly cookie; state changes need the CSRF token', async () => {
      const { h } = ctx;
      const wrong = await h.request('POST', '/api/v1/session', {
        token: null,
        body: { name: carol, password: 'nope' },
      });
      assert.equal(wrong.status, 401);
      assert.equal(wrong.headers.get('set-cookie'), null);

      const signIn = await h.request('POST', '/api/v1/session', {
        token: null,
        body: { name: carol, password: PASSWORD },
      });
      assert.equal(signIn.status, 200, signIn.text);
      assert.equal(signIn.body.user.name, carol);
      const setCookie = signIn.headers.get('set-cookie') ?? '';
      assert.match(setCookie, /HttpOnly/i);
      assert.match(setCookie, /SameSite=Lax/i);
      assert.match(setCookie, /Path=\//);
      const cookie = sessionCookie(signIn);
      const csrf: string = signIn.body.csrfToken;
      assert.ok(csrf.length >= 16);

      const me = await h.request('GET', '/api/v1/session', { token: null, headers: { cookie } });
      assert.equal(me.status, 200);
      assert.equal(me.body.csrfToken, csrf);
      assert.equal(
        (await h.request('GET', '/api/v1/series', { token: null, headers: { cookie } })).status,
        200,
      );

      const body = { name: 'from the browser' };
      const noCsrf = await h.request('POST', '/api/v1/tokens', { token: null, headers: { cookie }, body });
      assert.equal(noCsrf.status, 403);
      assert.equal(noCsrf.body.error.code, 'csrf');
      const badCsrf = await h.request('POST', '/api/v1/tokens', {
        token: null,
        headers: { cookie, 'x-csrf-token': `${csrf.slice(1)}x` },
        body,
      });
      assert.equal(badCsrf.status, 403);
      const withCsrf = await h.request('POST', '/api/v1/tokens', {
        token: null,
        headers: { cookie, 'x-csrf-token': csrf },
        body,
      });
      assert.equal(withCsrf.status, 201, withCsrf.text);

      // A form post carries the token as a field: it passes the check (and meets a 404 here).
      const form = await h.request('POST', '/api/v1/series/nope/cancel', {
        token: null,
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: `_csrf=${encodeURIComponent(csrf)}`,
      });
      assert.equal(form.status, 404, form.text);
      const formWithout = await h.request('POST', '/api/v1/series/nope/cancel', {
        token: null,
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'x=1',
      });
      assert.equal(formWithout.status, 403);

      const signOut = await h.request('DELETE', '/api/v1/session', {
        token: null,
        headers: { cookie, 'x-csrf-token': csrf },
      });
      assert.equal(signOut.status, 204);
      assert.equal(
        (await h.request('GET', '/api/v1/users/me', { token: null, headers: { cookie } })).status,
        401,
      );
    });

    test('tokens: shown once, listed by prefix, revocable by their owner only', async () => {
      const { h } = ctx;
      const created = await h.request('POST', '/api/v1/tokens', {
        token: h.bob.token,
        body: { name: 'laptop', expiresInDays: 30 },
      });
      assert.equal(created.status, 201);
      const token: string = created.body.token;
      assert.match(token, /^tpl_/);
      assert.ok(token.startsWith(created.body.prefix));
      assert.ok(created.body.expiresAt);

      const me = await h.request('GET', '/api/v1/users/me', { token });
      assert.equal(me.status, 200);
      assert.equal(me.body.name, h.bob.name);

      const list = await h.request('GET', '/api/v1/tokens', { token: h.bob.token });
      assert.equal(list.status, 200);
      assert.ok(list.body.tokens.some((t: { id: string }) => t.id === created.body.id));
      assert.ok(!list.text.includes(token), 'the token itself is never listed');
      const alices = await h.request('GET', '/api/v1/tokens', { token: h.alice.token });
      assert.ok(
        !alices.body.tokens.some((t: { id: string }) => t.id === created.body.id),
        'only my own tokens',
      );

      assert.equal(
        (await h.request('DELETE', `/api/v1/tokens/${created.body.id}`, { token: h.alice.token })).status,
        404,
      );
      assert.equal(
        (await h.request('DELETE', `/api/v1/tokens/${created.body.id}`, { token: h.bob.token })).status,
        204,
      );
      assert.equal((await h.request('GET', '/api/v1/users/me', { token })).status, 401);
    });

    test('users: admins manage accounts, members get 403', async () => {
      const { h } = ctx;
      assert.equal((await h.request('GET', '/api/v1/users', { token: h.alice.token })).status, 403);
      const listed = await h.request('GET', '/api/v1/users', { token: h.admin.token });
      assert.equal(listed.status, 200);
      assert.ok(listed.body.users.some((u: { name: string }) => u.name === h.alice.name));
      assert.ok(!listed.text.includes('scrypt'), 'no password hashes');

      const name = `dave-${Math.random().toString(36).slice(2, 8)}`;
      const created = await h.request('POST', '/api/v1/users', { token: h.admin.token, body: { name } });
      assert.equal(created.status, 201, created.text);
      assert.equal(created.body.role, 'member');
      assert.equal(created.body.hasPassword, false);
      assert.equal(
        (await h.request('POST', '/api/v1/users', { token: h.admin.token, body: { name } })).status,
        409,
      );
      assert.equal(
        (
          await h.request('POST', '/api/v1/users', {
            token: h.admin.token,
            body: { name: 'x', password: 'short' },
          })
        ).status,
        400,
      );
      const promoted = await h.request('PATCH', `/api/v1/users/${name}`, {
        token: h.admin.token,
        body: { role: 'admin' },
      });
      assert.equal(promoted.body.role, 'admin');
      assert.equal(
        (await h.request('DELETE', `/api/v1/users/${name}`, { token: h.alice.token })).status,
        403,
      );
      assert.equal(
        (await h.request('DELETE', `/api/v1/users/${name}`, { token: h.admin.token })).status,
        204,
      );
      assert.equal(
        (await h.request('DELETE', `/api/v1/users/${h.admin.name}`, { token: h.admin.token })).status,
        409,
      );
    });

    test('an unexpected failure is a 500 with no detail and no stack trace', async () => {
      const { h } = ctx;
      // A database that fails every query, as a disk or network failure would.
      const broken = new Proxy(h.db, {
        get(target, property, receiver) {
          if (property === 'select') throw new Error('disk on fire at /var/secret/path');
          return Reflect.get(target, property, receiver) as unknown;
        },
      });
      const app = h.appWith({ db: broken });
      const answer = await app.request('/api/v1/series', {
        headers: { authorization: `Bearer ${h.alice.token}` },
      });
      assert.equal(answer.status, 500);
      const text = await answer.text();
      assert.deepEqual(JSON.parse(text), { error: { code: 'internal', message: 'internal error' } });
      assert.doesNotMatch(text, /disk on fire|\.ts:\d+/);
    });

    test('unknown API routes answer JSON 404', async () => {
      const answer = await ctx.h.request('GET', '/api/v1/nothing-here');
      assert.equal(answer.status, 404);
      assert.equal(answer.body.error.code, 'not_found');
    });
  });
}
