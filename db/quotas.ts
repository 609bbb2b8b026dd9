// Quotas (docs/quotas.md): limits per user or per group, on one host or on every host (host
// null). Stored by id (users.id, groups.id); the API speaks names.
import { and, eq, isNull, or, sql } from 'drizzle-orm';
import type { Database } from './client.ts';
import { newId } from './ids.ts';
import { groups, quotas, users } from './schema.ts';

export type QuotaRow = typeof quotas.$inferSelect;
export type QuotaScope = QuotaRow['scope'];
/** The limits a quota may set; null: no limit. */
export type QuotaLimits = Pick<QuotaRow, 'maxRunning' | 'maxQueued' | 'maxTuples' | 'maxStorageBytes'>;
/** A quota with its subject's name. */
export type NamedQuota = QuotaRow & { subject: string };

const subjectName = sql<string>`coalesce(${users.name}, ${groups.name})`;

function named(db: Database) {
  return db
    .select({
      id: quotas.id,
      scope: quotas.scope,
      subjectId: quotas.subjectId,
      host: quotas.host,
      maxRunning: quotas.maxRunning,
      maxQueued: quotas.maxQueued,
      maxTuples: quotas.maxTuples,
      maxStorageBytes: quotas.maxStorageBytes,
      subject: subjectName,
    })
    .from(quotas)
    .leftJoin(users, and(eq(quotas.scope, 'user'), eq(users.id, quotas.subjectId)))
    .leftJoin(groups, and(eq(quotas.scope, 'group'), eq(groups.id, quotas.subjectId)));
}

export function listQuotas(db: Database): Promise<NamedQuota[]> {
  return named(db).orderBy(quotas.scope, subjectName, quotas.host);
}

export async function findQuota(db: Database, id: string): Promise<NamedQuota | undefined> {
  const [row] = await named(db).where(eq(quotas.id, id));
  return row;
}

/** The id of the user or group named, or undefined when none has that name. */
export async function quotaSubjectId(
  db: Database,
  scope: QuotaScope,
  name: string,
): Promise<string | undefined> {
  const table = scope === 'user' ? users : groups;
  const [row] = await db.select({ id: table.id }).from(table).where(eq(table.name, name));
  return row?.id;
}

export async function insertQuota(
  db: Database,
  quota: { scope: QuotaScope; subjectId: string; host: string | null } & QuotaLimits,
): Promise<string> {
  const id = newId();
  await db.insert(quotas).values({ id, ...quota });
  return id;
}

export async function updateQuota(db: Database, id: string, limits: Partial<QuotaLimits>): Promise<void> {
  await db.update(quotas).set(limits).where(eq(quotas.id, id));
}

export async function deleteQuota(db: Database, id: string): Promise<boolean> {
  const removed = await db.delete(quotas).where(eq(quotas.id, id)).returning({ id: quotas.id });
  return removed.length > 0;
}

/**
 * Every quota that binds a series of `userId` (and of `groupId`, if it has one) on `host`:
 * the user's and the group's, for that host and for every host.
 */
export function quotasBinding(
  db: Database,
  subject: { userId: string; groupId: string | null; host: string },
): Promise<NamedQuota[]> {
  const whose = subject.groupId
    ? or(
        and(eq(quotas.scope, 'user'), eq(quotas.subjectId, subject.userId)),
        and(eq(quotas.scope, 'group'), eq(quotas.subjectId, subject.groupId)),
      )
    : and(eq(quotas.scope, 'user'), eq(quotas.subjectId, subject.userId));
  return named(db).where(and(whose, or(isNull(quotas.host), eq(quotas.host, subject.host))));
}

/** Where a quota applies, for messages: `user alice on host busy`, `group lab on every host`. */
export function quotaSubjectText(quota: Pick<NamedQuota, 'scope' | 'subject' | 'host'>): string {
  return `${quota.scope} ${quota.subject} on ${quota.host === null ? 'every host' : `host ${quota.host}`}`;
}
