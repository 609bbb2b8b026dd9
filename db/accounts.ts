// Users, API tokens and browser sessions. Secrets (passwords, tokens, session cookies) never
// reach the database: passwords are stored as scrypt hashes, tokens and session ids as sha256.
import { createHash, randomBytes } from 'node:crypto';
import { and, asc, count, eq, gt, isNull, lt, ne, or, sql } from 'drizzle-orm';
import type { Database } from './client.ts';
import { newId } from './ids.ts';
import { decoyHash, hashPassword, needsRehash, verifyPassword, type ScryptCost } from './passwords.ts';
import { apiTokens, sessions, users } from './schema.ts';

export { hashPassword, verifyPassword, type ScryptCost } from './passwords.ts';

export type Role = 'admin' | 'member';

export interface User {
  id: string;
  name: string;
  role: Role;
  createdAt: Date;
}

export interface ApiTokenInfo {
  id: string;
  userId: string;
  name: string;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
}

export const ADMIN_NAME = 'admin';
/** The name of the token bootstrap registers from TUPLET_ADMIN_TOKEN (reserved for it). */
export const ADMIN_TOKEN_NAME = 'TUPLET_ADMIN_TOKEN';
export const TOKEN_PREFIX = 'tpl_';
export const DEFAULT_SESSION_TTL_MS = 7 * 24 * 3600 * 1000;
/** lastUsedAt is a hint for people reviewing their tokens: a write per minute is plenty. */
const LAST_USED_RESOLUTION_MS = 60_000;

const userColumns = { id: users.id, name: users.name, role: users.role, createdAt: users.createdAt };

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function randomSecret(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}

export class DuplicateNameError extends Error {
  override name = 'DuplicateNameError';
  constructor(readonly userName: string) {
    super(`a user named ${JSON.stringify(userName)} already exists`);
  }
}

/**
 * Creates a user; throws DuplicateNameError when the name is taken. `passwordCost` lowers the
 * scrypt cost for tests only (the first sign-in rehashes at the default).
 */
export async function createUser(
  db: Database,
  input: { name: string; password?: string; role: Role; passwordCost?: ScryptCost },
): Promise<User> {
  const passwordHash =
    input.password === undefined ? null : await hashPassword(input.password, input.passwordCost);
  const [user] = await db
    .insert(users)
    .values({ id: newId(), name: input.name, passwordHash, role: input.role })
    .onConflictDoNothing({ target: users.name })
    .returning(userColumns);
  if (!user) throw new DuplicateNameError(input.name);
  return user;
}

export async function findUserByName(db: Database, name: string): Promise<User | null> {
  const [user] = await db.select(userColumns).from(users).where(eq(users.name, name));
  return user ?? null;
}

/** A user as admins manage it: whether it has a password, never the hash. */
export interface Account extends User {
  hasPassword: boolean;
}

const accountColumns = { ...userColumns, hasPassword: sql<boolean>`${users.passwordHash} is not null` };

export async function findAccount(db: Database, name: string): Promise<Account | undefined> {
  const [row] = await db.select(accountColumns).from(users).where(eq(users.name, name)).limit(1);
  return row;
}

/** Every account, by name. */
export function listAccounts(db: Database): Promise<Account[]> {
  return db.select(accountColumns).from(users).orderBy(users.name);
}

/** The user goes, its sessions and tokens with it (ON DELETE CASCADE), in one statement. */
export async function deleteUser(db: Database, userId: string): Promise<void> {
  await db.delete(users).where(eq(users.id, userId));
}

/**
 * Changes a user's role and/or password (null: token sign-in only). A new password or a
 * different role ends every session and API token of the user in the same transaction: a
 * credential someone may have taken, or a privilege that was granted, stops at once.
 * Returns whether sign-ins were ended; false too when the user does not exist.
 */
export async function changeAccount(
  db: Database,
  userId: string,
  change: { role?: Role; password?: string | null },
): Promise<{ found: boolean; signInsEnded: boolean }> {
  const passwordHash =
    change.password === undefined || change.password === null
      ? change.password
      : await hashPassword(change.password);
  return db.transaction(async (tx) => {
    const [before] = await tx
      .select({ role: users.role })
      .from(users)
      .where(eq(users.id, userId))
      .for('update');
    if (!before) return { found: false, signInsEnded: false };
    const roleChanged = change.role !== undefined && change.role !== before.role;
    const set = {
      ...(roleChanged ? { role: change.role } : {}),
      ...(passwordHash !== undefined ? { passwordHash } : {}),
    };
    if (Object.keys(set).length === 0) return { found: true, signInsEnded: false };
    await tx.update(users).set(set).where(eq(users.id, userId));
    await endSignInsOf(tx, userId);
    return { found: true, signInsEnded: true };
  });
}

export async function setPassword(db: Database, userId: string, password: string): Promise<void> {
  await changeAccount(db, userId, { password });
}

/** Ends every session and deletes every API token of a user ("sign out everywhere"). */
export async function endSignIns(
  db: Database,
  userId: string,
): Promise<{ sessions: number; tokens: number }> {
  return db.transaction((tx) => endSignInsOf(tx, userId));
}

async function endSignInsOf(tx: Database, userId: string): Promise<{ sessions: number; tokens: number }> {
  const endedSessions = await tx
    .delete(sessions)
    .where(eq(sessions.userId, userId))
    .returning({ id: sessions.id });
  const endedTokens = await tx
    .delete(apiTokens)
    .where(eq(apiTokens.userId, userId))
    .returning({ id: apiTokens.id });
  return { sessions: endedSessions.length, tokens: endedTokens.length };
}

/** The user when name and password match; null otherwise, after the same amount of work. */
export async function authenticatePassword(
  db: Database,
  name: string,
  password: string,
): Promise<User | null> {
  const [row] = await db
    .select({ ...userColumns, passwordHash: users.passwordHash })
    .from(users)
    .where(eq(users.name, name));
  if (!row?.passwordHash) {
    await verifyPassword(password, await decoyHash());
    return null;
  }
  const { passwordHash, ...user } = row;
  if (!(await verifyPassword(password, passwordHash))) return null;
  if (needsRehash(passwordHash)) {
    // Hashed at an older, cheaper cost: now that we hold the password, store it at today's.
    // Only if unchanged meanwhile, so a concurrent password change is never overwritten.
    await db
      .update(users)
      .set({ passwordHash: await hashPassword(password) })
      .where(and(eq(users.id, user.id), eq(users.passwordHash, passwordHash)));
  }
  return user;
}

/** Creates an API token; the returned `token` is shown once and cannot be recovered. */
export async function createApiToken(
  db: Database,
  userId: string,
  name: string,
  ttlMs?: number,
): Promise<{ id: string; token: string; prefix: string; expiresAt: Date | null }> {
  const token = TOKEN_PREFIX + randomSecret(32);
  const prefix = token.slice(0, TOKEN_PREFIX.length + 6);
  const id = newId();
  const expiresAt = ttlMs === undefined ? null : new Date(Date.now() + ttlMs);
  await db.insert(apiTokens).values({ id, userId, name, tokenHash: sha256(token), prefix, expiresAt });
  return { id, token, prefix, expiresAt };
}

/** The owner of a valid, unexpired token, or null. */
export async function findUserByToken(db: Database, token: string): Promise<User | null> {
  return (await findToken(db, token))?.user ?? null;
}

/** A valid, unexpired token: its owner, id and expiry; null otherwise. Notes its use. */
export async function findToken(
  db: Database,
  token: string,
): Promise<{ user: User; id: string; expiresAt: Date | null } | null> {
  const now = new Date();
  const [row] = await db
    .select({
      ...userColumns,
      tokenId: apiTokens.id,
      lastUsedAt: apiTokens.lastUsedAt,
      expiresAt: apiTokens.expiresAt,
    })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(
      and(
        eq(apiTokens.tokenHash, sha256(token)),
        or(isNull(apiTokens.expiresAt), gt(apiTokens.expiresAt, now)),
      ),
    );
  if (!row) return null;
  const { tokenId, lastUsedAt, expiresAt, ...user } = row;
  if (!lastUsedAt || now.getTime() - lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) {
    await db.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, tokenId));
  }
  return { user, id: tokenId, expiresAt };
}

export async function listApiTokens(db: Database, userId: string): Promise<ApiTokenInfo[]> {
  return db
    .select({
      id: apiTokens.id,
      userId: apiTokens.userId,
      name: apiTokens.name,
      prefix: apiTokens.prefix,
      createdAt: apiTokens.createdAt,
      lastUsedAt: apiTokens.lastUsedAt,
      expiresAt: apiTokens.expiresAt,
    })
    .from(apiTokens)
    .where(eq(apiTokens.userId, userId))
    .orderBy(asc(apiTokens.createdAt), asc(apiTokens.id));
}

/** Deletes a token; with `userId`, only if it belongs to that user. True when one was deleted. */
export async function revokeApiToken(db: Database, tokenId: string, userId?: string): Promise<boolean> {
  const deleted = await db
    .delete(apiTokens)
    .where(and(eq(apiTokens.id, tokenId), userId === undefined ? undefined : eq(apiTokens.userId, userId)))
    .returning({ id: apiTokens.id });
  return deleted.length > 0;
}

/**
 * Starts a browser session. `sessionToken` goes into the cookie (only its sha256 is stored);
 * `csrfToken` must accompany cookie-authenticated writes. Sessions begin only here, so purging
 * expired ones here too bounds the table by the sign-ins of one session lifetime.
 */
export async function createSession(
  db: Database,
  userId: string,
  ttlMs = DEFAULT_SESSION_TTL_MS,
): Promise<{ sessionToken: string; csrfToken: string; expiresAt: Date }> {
  await deleteExpiredSessions(db);
  const sessionToken = randomSecret(32);
  const csrfToken = randomSecret(24);
  const expiresAt = new Date(Date.now() + ttlMs);
  await db.insert(sessions).values({ id: sha256(sessionToken), userId, csrfToken, expiresAt });
  return { sessionToken, csrfToken, expiresAt };
}

export async function findSession(
  db: Database,
  sessionToken: string,
): Promise<{ user: User; csrfToken: string; expiresAt: Date } | null> {
  const [row] = await db
    .select({ ...userColumns, csrfToken: sessions.csrfToken, expiresAt: sessions.expiresAt })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.id, sha256(sessionToken)), gt(sessions.expiresAt, new Date())));
  if (!row) return null;
  const { csrfToken, expiresAt, ...user } = row;
  return { user, csrfToken, expiresAt };
}

export async function deleteSession(db: Database, sessionToken: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.id, sha256(sessionToken)));
}

/** Housekeeping: removes sessions past their expiry; returns how many. */
export async function deleteExpiredSessions(db: Database): Promise<number> {
  const deleted = await db
    .delete(sessions)
    .where(lt(sessions.expiresAt, new Date()))
    .returning({ id: sessions.id });
  return deleted.length;
}

/**
 * The design's bootstrap rule, safe to run at every start:
 * - no users yet: creates the admin `admin` with `password` (or a random one, returned once
 *   as `generatedPassword` for the caller to print) and registers `token` for it when given;
 * - users exist: only makes sure `token`, when given, is admin's token named
 *   TUPLET_ADMIN_TOKEN, so restarts with it set keep working, and a changed value replaces
 *   (revokes) the old one. An existing password is never changed here.
 */
export async function bootstrapAdmin(
  db: Database,
  options: { token?: string; password?: string },
): Promise<{ created: boolean; generatedPassword?: string }> {
  const [{ users: existing } = { users: 0 }] = await db.select({ users: count() }).from(users);
  let created = false;
  let generatedPassword: string | undefined;
  if (existing === 0) {
    const password = options.password ?? randomSecret(18);
    try {
      await createUser(db, { name: ADMIN_NAME, password, role: 'admin' });
      created = true;
      if (options.password === undefined) generatedPassword = password;
    } catch (error) {
      // Another process bootstrapped at the same moment: its admin stands.
      if (!(error instanceof DuplicateNameError)) throw error;
    }
  }
  if (options.token !== undefined) await ensureAdminToken(db, options.token);
  return generatedPassword === undefined ? { created } : { created, generatedPassword };
}

async function ensureAdminToken(db: Database, token: string): Promise<void> {
  const admin = await findUserByName(db, ADMIN_NAME);
  if (!admin) return; // renamed or removed by the operators: the variable no longer applies
  const tokenHash = sha256(token);
  await db.transaction(async (tx) => {
    // The operator changed the variable: the value it had before must stop working.
    await tx
      .delete(apiTokens)
      .where(
        and(
          eq(apiTokens.userId, admin.id),
          eq(apiTokens.name, ADMIN_TOKEN_NAME),
          ne(apiTokens.tokenHash, tokenHash),
        ),
      );
    await tx
      .insert(apiTokens)
      .values({
        id: newId(),
        userId: admin.id,
        name: ADMIN_TOKEN_NAME,
        tokenHash,
        // The operator chose this token: no part of it goes into the database.
        prefix: '',
      })
      .onConflictDoNothing({ target: apiTokens.tokenHash });
  });
}
