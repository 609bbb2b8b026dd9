import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { eq } from 'drizzle-orm';
import {
  authenticatePassword,
  bootstrapAdmin,
  createApiToken,
  createSession,
  createUser,
  deleteExpiredSessions,
  deleteSession,
  DuplicateNameError,
  findSession,
  findUserByToken,
  changeAccount,
  endSignIns,
  hashPassword,
  listApiTokens,
  revokeApiToken,
  sha256,
  verifyPassword,
} from '../../db/accounts.ts';
import type { Database } from '../../db/client.ts';
import { needsRehash } from '../../db/passwords.ts';
import { apiTokens, sessions, users } from '../../db/schema.ts';
import { backends, withDatabase } from '../support/database.ts';

test('passwords: scrypt hashes that verify only the right password', async () => {
  const stored = await hashPassword('correct horse');
  assert.match(stored, /^scrypt\$131072\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
  assert.equal(needsRehash(stored), false);
  assert.ok(!stored.includes('correct horse'));
  assert.equal(await verifyPassword('correct horse', stored), true);
  assert.equal(await verifyPassword('correct horsE', stored), false);
  assert.equal(await verifyPassword('', stored), false);
  // Salted: the same password hashes differently each time.
  assert.notEqual(await hashPassword('correct horse'), stored);
  // Not a hash we wrote, or tampered with: refused, not thrown.
  for (const bad of [
    '',
    'plain',
    'bcrypt$x',
    stored.replace('$131072$', '$1000$'),
    stored.replace('$131072$', '$1073741824$'),
  ]) {
    assert.equal(await verifyPassword('correct horse', bad), false, bad);
  }
  // Hashes of an older, cheaper cost still verify, and ask to be rehashed.
  const old = await hashPassword('correct horse', { N: 2 ** 15, r: 8, p: 1 });
  assert.equal(await verifyPassword('correct horse', old), true);
  assert.equal(needsRehash(old), true);
});

/** Tests about anything but the cost hash at a low one (sign-in rehashes it at the default). */
const FAST = { N: 2 ** 10, r: 8, p: 1 };

async function tokenRow(db: Database, id: string) {
  const [row] = await db.select().from(apiTokens).where(eq(apiTokens.id, id));
  assert.ok(row);
  return row;
}

for (const kind of backends) {
  describe(`accounts on ${kind}`, () => {
    test('users sign in with their password only', () =>
      withDatabase(kind, async ({ db }) => {
        const ada = await createUser(db, {
          name: 'ada',
          password: 'lovelace',
          role: 'member',
          passwordCost: FAST,
        });
        assert.deepEqual(Object.keys(ada).sort(), ['createdAt', 'id', 'name', 'role']);
        assert.match(ada.id, /^[0-9a-z]{12}$/);
        assert.equal(ada.role, 'member');
        await createUser(db, { name: 'robot', role: 'member' });
        await assert.rejects(
          createUser(db, { name: 'ada', password: 'x', role: 'admin', passwordCost: FAST }),
          DuplicateNameError,
        );

        assert.deepEqual(await authenticatePassword(db, 'ada', 'lovelace'), ada);
        assert.equal(await authenticatePassword(db, 'ada', 'wrong'), null);
        assert.equal(await authenticatePassword(db, 'nobody', 'lovelace'), null);
        assert.equal(await authenticatePassword(db, 'robot', ''), null); // token-only user
        const [row] = await db.select().from(users).where(eq(users.name, 'ada'));
        assert.match(row?.passwordHash ?? '', /^scrypt\$/);
      }));

    test('API tokens: shown once, stored hashed, expire, revocable', () =>
      withDatabase(kind, async ({ db }) => {
        const ada = await createUser(db, { name: 'ada', role: 'member' });
        const bob = await createUser(db, { name: 'bob', role: 'admin' });
        const { id, token, prefix } = await createApiToken(db, ada.id, 'laptop');
        assert.match(token, /^tpl_[A-Za-z0-9_-]{43}$/);
        assert.ok(token.startsWith(prefix) && prefix.length < 12);
        const stored = await tokenRow(db, id);
        assert.equal(stored.tokenHash, sha256(token));
        assert.ok(!JSON.stringify(stored).includes(token));

        assert.deepEqual(await findUserByToken(db, token), ada);
        assert.equal(await findUserByToken(db, token.slice(0, -1)), null);
        assert.equal(await findUserByToken(db, ''), null);

        // lastUsedAt is written on use, then at most once a minute.
        const firstUse = (await tokenRow(db, id)).lastUsedAt;
        assert.ok(firstUse);
        await findUserByToken(db, token);
        assert.equal((await tokenRow(db, id)).lastUsedAt?.getTime(), firstUse.getTime());
        const longAgo = new Date(Date.now() - 5 * 60_000);
        await db.update(apiTokens).set({ lastUsedAt: longAgo }).where(eq(apiTokens.id, id));
        await findUserByToken(db, token);
        assert.ok(((await tokenRow(db, id)).lastUsedAt?.getTime() ?? 0) > longAgo.getTime());

        const expired = await createApiToken(db, ada.id, 'old', -1_000);
        assert.equal(await findUserByToken(db, expired.token), null);
        const shortLived = await createApiToken(db, ada.id, 'ci', 60_000);
        assert.deepEqual(await findUserByToken(db, shortLived.token), ada);

        const listed = await listApiTokens(db, ada.id);
        assert.deepEqual(listed.map((t) => t.name).sort(), ['ci', 'laptop', 'old']);
        assert.ok(listed.every((t) => !('tokenHash' in t)));
        assert.deepEqual(await listApiTokens(db, bob.id), []);

        assert.equal(await revokeApiToken(db, id, bob.id), false); // not bob's
        assert.deepEqual(await findUserByToken(db, token), ada);
        assert.equal(await revokeApiToken(db, id, ada.id), true);
        assert.equal(await findUserByToken(db, token), null);
        assert.equal(await revokeApiToken(db, shortLived.id), true); // an admin's revoke: any owner
        assert.equal(await revokeApiToken(db, shortLived.id), false);
      }));

    test('sessions: cookie value never stored, expire, end', () =>
      withDatabase(kind, async ({ db }) => {
        const ada = await createUser(db, { name: 'ada', role: 'member' });
        const session = await createSession(db, ada.id);
        assert.ok(session.expiresAt.getTime() > Date.now() + 6 * 24 * 3600_000);
        const [row] = await db.select().from(sessions);
        assert.equal(row?.id, sha256(session.sessionToken));

        const found = await findSession(db, session.sessionToken);
        assert.deepEqual(found?.user, ada);
        assert.equal(found?.csrfToken, session.csrfToken);
        assert.notEqual(session.csrfToken, session.sessionToken);
        assert.equal(await findSession(db, row?.id ?? ''), null); // the stored id is not a cookie

        const stale = await createSession(db, ada.id, -1_000);
        assert.equal(await findSession(db, stale.sessionToken), null);
        assert.equal(await deleteExpiredSessions(db), 1);

        await deleteSession(db, session.sessionToken);
        assert.equal(await findSession(db, session.sessionToken), null);
      }));

    test('bootstrap: first start creates admin with a printed password, once', () =>
      withDatabase(kind, async ({ db }) => {
        const first = await bootstrapAdmin(db, {});
        assert.equal(first.created, true);
        assert.ok(first.generatedPassword && first.generatedPassword.length >= 16);
        const admin = await authenticatePassword(db, 'admin', first.generatedPassword);
        assert.equal(admin?.role, 'admin');

        assert.deepEqual(await bootstrapAdmin(db, {}), { created: false });
        assert.deepEqual(await bootstrapAdmin(db, { password: 'changed' }), { created: false });
        assert.equal(await authenticatePassword(db, 'admin', 'changed'), null);
        assert.equal((await db.select().from(users)).length, 1);
      }));

    test('bootstrap: the configured token and password, kept across restarts', () =>
      withDatabase(kind, async ({ db }) => {
        const options = { token: 'operator-chosen-token-0123456789', password: 's3cret-enough' };
        assert.deepEqual(await bootstrapAdmin(db, options), { created: true });
        const admin = await findUserByToken(db, options.token);
        assert.equal(admin?.name, 'admin');
        assert.deepEqual(await authenticatePassword(db, 'admin', options.password), admin);

        // Restarting with the same environment registers nothing twice.
        assert.deepEqual(await bootstrapAdmin(db, options), { created: false });
        assert.equal((await listApiTokens(db, admin.id)).length, 1);
        const [stored] = await listApiTokens(db, admin.id);
        assert.equal(stored?.prefix, ''); // no part of an operator's token is stored

        // A token set later (users exist already) is registered for admin, in place of the old.
        await createUser(db, { name: 'ada', role: 'member' });
        await bootstrapAdmin(db, { token: 'a-newer-operator-token-abcdef' });
        assert.deepEqual(await findUserByToken(db, 'a-newer-operator-token-abcdef'), admin);
        assert.equal(await findUserByToken(db, options.token), null);
        assert.deepEqual(
          (await listApiTokens(db, admin.id)).map((t) => t.name),
          ['TUPLET_ADMIN_TOKEN'],
        );
        assert.equal((await db.select().from(users)).length, 2);
        // Without the variable, the registered token stays (an operator may drop the secret).
        await bootstrapAdmin(db, {});
        assert.deepEqual(await findUserByToken(db, 'a-newer-operator-token-abcdef'), admin);
      }));

    test('a new password or role, or signing out everywhere, ends sessions and tokens', () =>
      withDatabase(kind, async ({ db }) => {
        const ada = await createUser(db, { name: 'ada', role: 'member' });
        const bob = await createUser(db, { name: 'bob', role: 'member' });
        const signIns = async (userId: string) => ({
          session: (await createSession(db, userId)).sessionToken,
          token: (await createApiToken(db, userId, 'laptop')).token,
        });
        const alive = async (s: { session: string; token: string }) =>
          (await findSession(db, s.session)) !== null && (await findUserByToken(db, s.token)) !== null;
        const bobs = await signIns(bob.id);

        let adas = await signIns(ada.id);
        assert.deepEqual(await changeAccount(db, ada.id, { role: 'member' }), {
          found: true,
          signInsEnded: false,
        });
        assert.equal(await alive(adas), true, 'the same role changes nothing');
        assert.deepEqual(await changeAccount(db, ada.id, { role: 'admin' }), {
          found: true,
          signInsEnded: true,
        });
        assert.equal(await alive(adas), false);
        adas = await signIns(ada.id);
        await changeAccount(db, ada.id, { password: 'a-new-password' });
        assert.equal(await alive(adas), false);
        assert.equal((await authenticatePassword(db, 'ada', 'a-new-password'))?.role, 'admin');
        adas = await signIns(ada.id);
        await changeAccount(db, ada.id, { password: null });
        assert.equal(await alive(adas), false);
        adas = await signIns(ada.id);
        assert.deepEqual(await endSignIns(db, ada.id), { sessions: 1, tokens: 1 });
        assert.equal(await alive(adas), false);
        assert.equal(await alive(bobs), true, "another user's sign-ins stay");
        assert.deepEqual(await changeAccount(db, 'nobody', { role: 'admin' }), {
          found: false,
          signInsEnded: false,
        });
      }));

    test('sign-in rehashes a password stored at an older cost', () =>
      withDatabase(kind, async ({ db }) => {
        const ada = await createUser(db, {
          name: 'ada',
          password: 'lovelace-1815',
          role: 'member',
          passwordCost: { N: 2 ** 14, r: 8, p: 1 },
        });
        const storedHash = async () =>
          (await db.select().from(users).where(eq(users.id, ada.id)))[0]?.passwordHash ?? '';
        assert.match(await storedHash(), /^scrypt\$16384\$/);
        assert.equal(await authenticatePassword(db, 'ada', 'wrong'), null);
        assert.match(await storedHash(), /^scrypt\$16384\$/, 'a failed sign-in rehashes nothing');
        assert.deepEqual(await authenticatePassword(db, 'ada', 'lovelace-1815'), ada);
        assert.match(await storedHash(), /^scrypt\$131072\$8\$1\$/);
        assert.deepEqual(await authenticatePassword(db, 'ada', 'lovelace-1815'), ada);
      }));

    test('a sign-in purges expired sessions', () =>
      withDatabase(kind, async ({ db }) => {
        const ada = await createUser(db, { name: 'ada', role: 'member' });
        const expiresAt = new Date(Date.now() - 1_000);
        for (const id of ['stale-1', 'stale-2']) {
          await db.insert(sessions).values({ id, userId: ada.id, csrfToken: 'x', expiresAt });
        }
        const fresh = await createSession(db, ada.id);
        const left = await db.select().from(sessions);
        assert.deepEqual(
          left.map((s) => s.id),
          [sha256(fresh.sessionToken)],
        );
      }));

    test('bootstrap: no admin named admin any more, the token is not given to anyone', () =>
      withDatabase(kind, async ({ db }) => {
        await createUser(db, { name: 'ada', role: 'admin' });
        assert.deepEqual(await bootstrapAdmin(db, { token: 'some-operator-token-xyz0123' }), {
          created: false,
        });
        assert.equal(await findUserByToken(db, 'some-operator-token-xyz0123'), null);
      }));
  });
}
