// Sign-in holds: each attack performed over HTTP against the real app, and refused —
// password guessing (per account, per address, in parallel), sessions and tokens that outlive
// a password or role change, tokens minting longer-lived tokens, open redirects after sign-in,
// login CSRF, cookies an https deployment must mark, and an admin token the operator replaced.
import assert from 'node:assert/strict';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { eq } from 'drizzle-orm';
import { SignInGuard } from '../../api/sign-in-guard.ts';
import { createApiToken, createSession, createUser, type Role } from '../../db/accounts.ts';
import { sessions, users } from '../../db/schema.ts';
import { bootstrap } from '../../workers/bootstrap.ts';
import { cookieHeader, cookiesOf, openTestSite, type ServedApp, type TestSite } from './sign-in-server.ts';

/** Users here hash at a low cost: sign-in rehashes them at the default (as tested below). */
const FAST = { N: 2 ** 10, r: 8, p: 1 };
const PASSWORD = 'a-long-enough-password';

let site: TestSite;
let plain: ServedApp;
let admin: { name: string; token: string };

before(async () => {
  site = await openTestSite();
  plain = await site.serve();
  const created = await createUser(site.db, { name: 'boss', role: 'admin' });
  admin = { name: created.name, token: (await createApiToken(site.db, created.id, 'test')).token };
});
after(() => site?.close());

let counter = 0;
async function newUser(role: Role = 'member', cost = FAST): Promise<string> {
  const name = `user-${++counter}`;
  await createUser(site.db, { name, password: PASSWORD, role, passwordCost: cost });
  return name;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function api(served: ServedApp, method: string, route: string, options: any = {}) {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(served.url + route, {
    method,
    headers,
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    redirect: 'manual',
  });
  const text = await response.text();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const body: any = response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text;
  return { status: response.status, headers: response.headers, body, response };
}

/** Signs in through the API: the session cookie (as a Cookie header) and its CSRF token. */
async function apiSignIn(served: ServedApp, name: string, password = PASSWORD) {
  const answer = await api(served, 'POST', '/api/v1/session', { body: { name, password } });
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  return { cookie: cookieHeader(cookiesOf(answer.response)), csrf: answer.body.csrfToken as string };
}

/** What a browser has after opening the login page: its cookies and the form's CSRF field. */
async function openLoginForm(served: ServedApp, query = '') {
  const response = await fetch(`${served.url}/login${query}`, { redirect: 'manual' });
  const html = await response.text();
  const csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  assert.ok(csrf, 'the login form carries a CSRF field');
  return { jar: cookiesOf(response), csrf, html, response };
}

async function postLogin(
  served: ServedApp,
  fields: Record<string, string>,
  jar: Record<string, string> = {},
) {
  return fetch(`${served.url}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookieHeader(jar) },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  });
}

/** Signs in through the login form, as a browser does. */
async function formSignIn(served: ServedApp, name: string, password = PASSWORD, next = '/') {
  const form = await openLoginForm(served);
  return postLogin(served, { _csrf: form.csrf, name, password, next }, form.jar);
}

describe('password guessing', () => {
  test('one account: after 10 failures, 429 with Retry-After, even with the right password, through the API and the form', async () => {
    let now = Date.now();
    const served = await site.serve({ deps: { signInGuard: new SignInGuard({ now: () => now }) } });
    const victim = await newUser();
    for (let i = 1; i <= 10; i++) {
      const guess = await api(served, 'POST', '/api/v1/session', {
        body: { name: victim, password: `guess-${i}` },
      });
      assert.equal(guess.status, 401, `guess ${i}`);
    }
    const locked = await api(served, 'POST', '/api/v1/session', {
      body: { name: victim, password: PASSWORD },
    });
    assert.equal(locked.status, 429);
    assert.equal(locked.body.error.code, 'too_many_attempts');
    const retryAfter = Number(locked.headers.get('retry-after'));
    assert.ok(retryAfter > 0 && retryAfter <= 15 * 60, `Retry-After: ${retryAfter}`);
    assert.equal(locked.response.headers.getSetCookie().length, 0, 'no session cookie');

    // The login form counts against the same budget.
    const viaForm = await formSignIn(served, victim);
    assert.equal(viaForm.status, 429);
    assert.ok(Number(viaForm.headers.get('retry-after')) > 0);
    assert.match(await viaForm.text(), /Too many failed sign-ins/);
    assert.ok(!viaForm.headers.getSetCookie().some((c) => c.includes('tuplet_session')));

    // Another account from elsewhere is not held by this one's lock… (same address here, but
    // 11 attempts are far below the address's 30).
    const other = await newUser();
    assert.equal(
      (await api(served, 'POST', '/api/v1/session', { body: { name: other, password: PASSWORD } })).status,
      200,
    );

    // … and the lock ends with its window.
    now += retryAfter * 1000;
    assert.equal(
      (await api(served, 'POST', '/api/v1/session', { body: { name: victim, password: PASSWORD } })).status,
      200,
    );
  });

  test('parallel guesses cannot slip past while passwords are being checked', async () => {
    const served = await site.serve();
    const victim = await newUser();
    const answers = await Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        api(served, 'POST', '/api/v1/session', { body: { name: victim, password: `guess-${i}` } }),
      ),
    );
    const statuses = answers.map((a) => a.status).sort();
    assert.deepEqual(statuses, [...Array<number>(10).fill(401), ...Array<number>(15).fill(429)]);
  });

  test('one address trying many accounts: 429 after 30 failures', async () => {
    const served = await site.serve();
    const names = await Promise.all(Array.from({ length: 31 }, () => newUser()));
    for (const name of names.slice(0, 30)) {
      const guess = await api(served, 'POST', '/api/v1/session', { body: { name, password: 'guess' } });
      assert.equal(guess.status, 401, name);
    }
    const next = await api(served, 'POST', '/api/v1/session', {
      body: { name: names[30], password: PASSWORD },
    });
    assert.equal(next.status, 429);
    assert.ok(Number(next.headers.get('retry-after')) > 0);
  });
});

test('a password stored at the old cost is rehashed at N = 2^17 by a sign-in', async () => {
  const name = await newUser('member', { N: 2 ** 15, r: 8, p: 1 });
  const stored = async () =>
    (await site.db.select().from(users).where(eq(users.name, name)))[0]?.passwordHash ?? '';
  assert.match(await stored(), /^scrypt\$32768\$/);
  const signedIn = await formSignIn(plain, name);
  assert.equal(signedIn.status, 303);
  assert.match(await stored(), /^scrypt\$131072\$8\$1\$/);
  // And the new hash still lets the user in.
  await apiSignIn(plain, name);
});

describe("ending a user's sessions and tokens", () => {
  async function signedInEverywhere(name: string) {
    const session = await apiSignIn(plain, name);
    const minted = await api(plain, 'POST', '/api/v1/tokens', {
      headers: { cookie: session.cookie, 'x-csrf-token': session.csrf },
      body: { name: 'laptop' },
    });
    assert.equal(minted.status, 201);
    const token = minted.body.token as string;
    const alive = async () => ({
      session: (await api(plain, 'GET', '/api/v1/users/me', { headers: { cookie: session.cookie } })).status,
      token: (await api(plain, 'GET', '/api/v1/users/me', { token })).status,
    });
    assert.deepEqual(await alive(), { session: 200, token: 200 });
    return alive;
  }

  type Action = (name: string) => [method: string, route: string, body?: unknown];
  const actions: Array<[string, Action]> = [
    ['a new password', (name) => ['PATCH', `/api/v1/users/${name}`, { password: 'another-password-42' }]],
    ['a new role', (name) => ['PATCH', `/api/v1/users/${name}`, { role: 'admin' }]],
    ['removal', (name) => ['DELETE', `/api/v1/users/${name}`]],
    ['an admin signing the user out everywhere', (name) => ['POST', `/api/v1/users/${name}/sign-out`]],
  ];
  for (const [what, action] of actions) {
    test(`${what} ends them`, async () => {
      const name = await newUser();
      const alive = await signedInEverywhere(name);
      const [method, route, body] = action(name);
      const done = await api(plain, method, route, { token: admin.token, body });
      assert.ok(done.status < 300, `${method} ${route}: ${done.status} ${JSON.stringify(done.body)}`);
      if (method === 'POST') assert.deepEqual(done.body, { sessions: 1, tokens: 1 });
      assert.deepEqual(await alive(), { session: 401, token: 401 });
    });
  }

  test('saving the same role ends nothing', async () => {
    const name = await newUser();
    const alive = await signedInEverywhere(name);
    const same = await api(plain, 'PATCH', `/api/v1/users/${name}`, {
      token: admin.token,
      body: { role: 'member' },
    });
    assert.equal(same.status, 200);
    assert.deepEqual(await alive(), { session: 200, token: 200 });
  });

  test('the users page offers "Sign out everywhere"', async () => {
    const name = await newUser();
    const boss = await newUser('admin');
    const signedIn = await formSignIn(plain, boss);
    const page = await fetch(`${plain.url}/users`, {
      headers: { cookie: cookieHeader(cookiesOf(signedIn)) },
    });
    assert.equal(page.status, 200);
    assert.match(await page.text(), new RegExp(`data-action="POST /api/v1/users/${name}/sign-out"`));
  });
});

test('a token cannot mint tokens that outlive it; a session or a token without expiry can', async () => {
  const name = await newUser();
  const session = await apiSignIn(plain, name);
  const viaSession = await api(plain, 'POST', '/api/v1/tokens', {
    headers: { cookie: session.cookie, 'x-csrf-token': session.csrf },
    body: { name: 'forever' },
  });
  assert.equal(viaSession.status, 201);
  assert.equal(viaSession.body.expiresAt, null);
  const forever = viaSession.body.token as string;

  const month = await api(plain, 'POST', '/api/v1/tokens', {
    token: forever,
    body: { name: 'month', expiresInDays: 30 },
  });
  assert.equal(month.status, 201);
  const monthToken = month.body.token as string;

  const longer = await api(plain, 'POST', '/api/v1/tokens', {
    token: monthToken,
    body: { name: 'longer', expiresInDays: 31 },
  });
  assert.equal(longer.status, 400);
  assert.match(longer.body.error.message, /expiresInDays: 31 days would outlive the token/);
  const never = await api(plain, 'POST', '/api/v1/tokens', { token: monthToken, body: { name: 'never' } });
  assert.equal(never.status, 400);
  assert.match(never.body.error.message, /expiresInDays: required/);

  const week = await api(plain, 'POST', '/api/v1/tokens', {
    token: monthToken,
    body: { name: 'week', expiresInDays: 7 },
  });
  assert.equal(week.status, 201);
  assert.ok(Date.parse(week.body.expiresAt) <= Date.parse(month.body.expiresAt));

  const list = await api(plain, 'GET', '/api/v1/tokens', { token: forever });
  assert.deepEqual(list.body.tokens.map((t: { name: string }) => t.name).sort(), [
    'forever',
    'month',
    'week',
  ]);

  const reserved = await api(plain, 'POST', '/api/v1/tokens', {
    token: forever,
    body: { name: 'TUPLET_ADMIN_TOKEN' },
  });
  assert.equal(reserved.status, 400);
});

test('next= after sign-in goes only to a path of this site', async () => {
  const name = await newUser();
  // Raw query strings, as a link in a phishing mail would carry them.
  for (const query of [
    '/%09/evil.com',
    '//evil.com',
    '/%5Cevil.com',
    '/\\evil.com',
    'https://evil.com',
    '/%0A/evil.com',
    'javascript:alert(1)',
  ]) {
    const form = await openLoginForm(plain, `?next=${query}`);
    assert.match(form.html, /name="next" value="\/"/, query);
  }
  // Posted fields, as a forged form would carry them.
  for (const next of [
    '/\t/evil.com',
    '//evil.com',
    '/\\evil.com',
    'https://evil.com',
    '/\n/evil.com',
    ' /evil.com',
    '/\u3000/evil.com',
  ]) {
    const signedIn = await formSignIn(plain, name, PASSWORD, next);
    assert.equal(signedIn.status, 303, JSON.stringify(next));
    assert.equal(signedIn.headers.get('location'), '/', JSON.stringify(next));
  }
  const ours = await formSignIn(plain, name, PASSWORD, '/series/abc?tab=runs#x');
  assert.equal(ours.headers.get('location'), '/series/abc?tab=runs#x');

  // Already signed in: the login page forwards at once, under the same rule.
  const session = await apiSignIn(plain, name);
  const forwarded = await fetch(`${plain.url}/login?next=/%09/evil.com`, {
    headers: { cookie: session.cookie },
    redirect: 'manual',
  });
  assert.equal(forwarded.status, 303);
  assert.equal(forwarded.headers.get('location'), '/');
});

test('the login form refuses a post without its CSRF token (login CSRF)', async () => {
  const name = await newUser();
  const fields = { name, password: PASSWORD, next: '/' };
  const refusedWith = async (response: Response) => {
    assert.equal(response.status, 403);
    assert.match(await response.text(), /sign-in form expired or did not come from this site/);
    assert.ok(!response.headers.getSetCookie().some((c) => c.includes('tuplet_session=')), 'no session');
  };
  // A cross-site form: no cookie, no token.
  await refusedWith(await postLogin(plain, fields));
  const mine = await openLoginForm(plain);
  // The browser's cookie, without the token in the form.
  await refusedWith(await postLogin(plain, fields, mine.jar));
  // The attacker's own token (from their own visit) without the victim's cookie.
  await refusedWith(await postLogin(plain, { ...fields, _csrf: mine.csrf }));
  // Someone else's cookie and token do not mix.
  const theirs = await openLoginForm(plain);
  assert.notEqual(theirs.csrf, mine.csrf);
  await refusedWith(await postLogin(plain, { ...fields, _csrf: theirs.csrf }, mine.jar));
  // The real form passes.
  const ok = await postLogin(plain, { ...fields, _csrf: mine.csrf }, mine.jar);
  assert.equal(ok.status, 303);
});

test('with an https public URL, cookies are __Host- prefixed and Secure', async () => {
  const served = await site.serve({ env: { TUPLET_PUBLIC_URL: 'https://tuplet.example.org' } });
  const name = await newUser();

  const form = await openLoginForm(served);
  const [loginCookie] = form.response.headers.getSetCookie();
  assert.match(loginCookie ?? '', /^__Host-tuplet_login=[^;]+;/);
  assert.match(loginCookie ?? '', /; Secure/);
  assert.match(loginCookie ?? '', /; Path=\/(;|$)/);
  assert.match(loginCookie ?? '', /; SameSite=Strict/);
  assert.doesNotMatch(loginCookie ?? '', /Domain=/i);

  const viaForm = await postLogin(
    served,
    { _csrf: form.csrf, name, password: PASSWORD, next: '/' },
    form.jar,
  );
  assert.equal(viaForm.status, 303);
  const sessionCookies = viaForm.headers.getSetCookie().filter((c) => c.includes('tuplet_session='));
  assert.equal(sessionCookies.length, 1);
  assert.match(
    sessionCookies[0] ?? '',
    /^__Host-tuplet_session=[^;]+; Path=\/;.*HttpOnly; Secure; SameSite=Lax/,
  );

  const viaApi = await api(served, 'POST', '/api/v1/session', { body: { name, password: PASSWORD } });
  assert.match(viaApi.response.headers.getSetCookie()[0] ?? '', /^__Host-tuplet_session=.*; Secure/);
  const value = cookiesOf(viaApi.response)['__Host-tuplet_session'];
  assert.ok(value);
  assert.equal(
    (await api(served, 'GET', '/api/v1/session', { headers: { cookie: `__Host-tuplet_session=${value}` } }))
      .status,
    200,
  );
  // The unprefixed name (which a sibling subdomain or plain http could set) is not read.
  assert.equal(
    (await api(served, 'GET', '/api/v1/session', { headers: { cookie: `tuplet_session=${value}` } })).status,
    401,
  );
  // The OpenAPI document names the cookie browsers send.
  const document = await api(served, 'GET', '/api/v1/openapi.json');
  assert.equal(document.body.components.securitySchemes.session.name, '__Host-tuplet_session');

  // Without an https public URL the cookies keep their plain names (local development).
  const local = await apiSignIn(plain, name);
  assert.match(local.cookie, /^tuplet_session=/);
});

test('a changed TUPLET_ADMIN_TOKEN revokes the old one', async () => {
  const [existing] = await site.db.select().from(users).where(eq(users.name, 'admin'));
  if (!existing) await createUser(site.db, { name: 'admin', role: 'admin' });
  const dataDir = path.join(os.tmpdir(), 'tuplet-sign-in-test');
  const first = 'first-operator-token-0123456789abcdef';
  const second = 'second-operator-token-0123456789abcdef';
  await bootstrap(site.db, { dataDir, adminToken: first });
  assert.equal((await api(plain, 'GET', '/api/v1/users/me', { token: first })).status, 200);
  await bootstrap(site.db, { dataDir, adminToken: second });
  const old = await api(plain, 'GET', '/api/v1/users/me', { token: first });
  assert.equal(old.status, 401);
  assert.equal(old.body.error.code, 'unauthorized');
  const now = await api(plain, 'GET', '/api/v1/users/me', { token: second });
  assert.equal(now.status, 200);
  assert.equal(now.body.name, 'admin');
});

test('expired sessions are purged by a sign-in and at start', async () => {
  const name = await newUser();
  const [row] = await site.db.select().from(users).where(eq(users.name, name));
  assert.ok(row);
  const stale = async () => {
    await createSession(site.db, row.id, -60_000);
    return site.db.select().from(sessions).where(eq(sessions.userId, row.id));
  };
  assert.equal((await stale()).length, 1);
  await apiSignIn(plain, name);
  const left = await site.db.select().from(sessions).where(eq(sessions.userId, row.id));
  assert.equal(left.length, 1);
  assert.ok(left.every((s) => s.expiresAt.getTime() > Date.now()));

  await stale();
  await bootstrap(site.db, { dataDir: path.join(os.tmpdir(), 'tuplet-sign-in-test') });
  const afterStart = await site.db.select().from(sessions).where(eq(sessions.userId, row.id));
  assert.ok(afterStart.every((s) => s.expiresAt.getTime() > Date.now()));
  assert.equal(afterStart.length, 1);
});
