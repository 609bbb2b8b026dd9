// Quotas (docs/quotas.md): limits per user or per group, on one host or on every host (host
// null). Stored by id (users.id, groups.id); the API speaks names.
import { and, eq, inArray, isNull, ne, notInArray, or, sql } from 'drizzle-orm';
import { FINAL_SERIES_STATES } from '../core/states.ts';
import type { Database } from './client.ts';
import { newId } from './ids.ts';
import { files, groups, quotas, runs, series, users } from './schema.ts';

export type QuotaRow = typeof quotas.$inferSelect;
export type QuotaScope = QuotaRow['scope'];
/** The limits a quota may set; null: no limit. */
export type QuotaLimits = Pick<QuotaRow, 'maxRunning' | 'maxQueued' | 'maxTuples' | 'maxStorageBytes'>;
/** A quota with its subject's name. */
export type NamedQuota = QuotaRow & { subject: string };
/** Whose series, on which host: what a quota binds. */
export type QuotaSubject = { userId: string; groupId: string | null; host: string };
/** A series' subject on every host it may run on (one, or a multi-host series' `hosts`). */
export type QuotaSubjectOnHosts = { userId: string; groupId: string | null; hosts: readonly string[] };

/** Every host a series may run on: its `hosts`, empty for a series of one host (docs/multi-host.md). */
export function hostsOfSeries(row: { host: string; hosts?: readonly string[] | null }): string[] {
  return row.hosts && row.hosts.length > 0 ? [...row.hosts] : [row.host];
}

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
export function quotasBinding(db: Database, subject: QuotaSubject): Promise<NamedQuota[]> {
  return named(db).where(bindingCondition({ ...subject, hosts: [subject.host] }));
}

/** Quotas of the user or its group, for any of `hosts` or for every host. */
function bindingCondition(subject: QuotaSubjectOnHosts) {
  const whose = subject.groupId
    ? or(
        and(eq(quotas.scope, 'user'), eq(quotas.subjectId, subject.userId)),
        and(eq(quotas.scope, 'group'), eq(quotas.subjectId, subject.groupId)),
      )
    : and(eq(quotas.scope, 'user'), eq(quotas.subjectId, subject.userId));
  return and(whose, or(isNull(quotas.host), inArray(quotas.host, [...subject.hosts])));
}

/** Where a quota applies, for messages: `user alice on host busy`, `group lab on every host`. */
export function quotaSubjectText(quota: Pick<NamedQuota, 'scope' | 'subject' | 'host'>): string {
  return `${quota.scope} ${quota.subject} on ${quota.host === null ? 'every host' : `host ${quota.host}`}`;
}

/** The binding quotas that set `limit`, tightest first. */
function tightestFirst<K extends keyof QuotaLimits>(quotas: NamedQuota[], limit: K): NamedQuota[] {
  return quotas.filter((q) => q[limit] !== null).sort((a, b) => (a[limit] as number) - (b[limit] as number));
}

/** `user quota` or `group quota`: how a waiting series names the rule that holds it. */
function quotaLabel(quota: Pick<NamedQuota, 'scope'>): string {
  return `${quota.scope} quota`;
}

/**
 * The tightest maxRunning quota binding a series on `host`, as the pool its runs share with every
 * other series it binds on that host (docs/quotas.md): the pool is named by the quota's id.
 */
export async function runningQuotaOf(
  db: Database,
  subject: QuotaSubject,
): Promise<{ key: string; limit: number; reason: string } | undefined> {
  const [quota] = tightestFirst(await quotasBinding(db, subject), 'maxRunning');
  if (!quota) return undefined;
  const limit = quota.maxRunning!;
  return {
    key: quota.id,
    limit,
    reason: `${quotaLabel(quota)}: ${limit} running on host ${subject.host} (maxRunning of ${quotaSubjectText(quota)})`,
  };
}

/** Whose series a quota counts: the user's own, or every series of the group. */
function seriesOfSubject(quota: Pick<NamedQuota, 'scope' | 'subjectId'>) {
  return quota.scope === 'user' ? eq(series.ownerId, quota.subjectId) : eq(series.groupId, quota.subjectId);
}

/**
 * Runs in the queue of the quota's subject on `host`, but those of `except`: of each of its
 * series admitted and not finished that may run on the host, the runs pending or queued and the
 * tuples that have no run yet (an admitted series makes its rows after staging, and every one of
 * them starts queued). A series still `queued` itself counts for nothing: it has not been admitted.
 *
 * A multi-host series (docs/quotas.md, "Multi-host series"): what is not placed yet (no row, or
 * `pending`: never handed to a host, or put back by a lost one) may still land on any of its
 * hosts, so it counts on each; a queued run counts on the host it was handed to (`runs.host`;
 * null only on rows older than migration 0007, which then count wherever the series may run).
 */
async function queuedRuns(db: Database, quota: NamedQuota, host: string, except: string): Promise<number> {
  // Written out: inside the subquery an unqualified id, state or host would be the run's.
  const waiting = sql`(select count(*) filter (where r.state = 'pending'
      or (r.state = 'queued' and (r.host is null or r.host = ${host})))
    + greatest("series"."count" - count(*), 0) from ${runs} r where r.series_id = "series"."id")`;
  const [row] = await db
    .select({ n: sql<number>`coalesce(sum(${waiting}), 0)::int` })
    .from(series)
    .where(
      and(
        seriesOfSubject(quota),
        or(eq(series.host, host), sql`${series.hosts} @> jsonb_build_array(${host}::text)`),
        ne(series.id, except),
        notInArray(series.state, [...FINAL_SERIES_STATES, 'queued']),
      ),
    );
  return row?.n ?? 0;
}

/** Bytes the quota's subject has in storage: its series' collected files and archives. */
export async function storedBytes(
  db: Database,
  quota: Pick<NamedQuota, 'scope' | 'subjectId'>,
): Promise<number> {
  const [filesRow] = await db
    .select({ n: sql<string>`coalesce(sum(${files.size}), 0)` })
    .from(files)
    .innerJoin(series, eq(series.id, files.seriesId))
    .where(seriesOfSubject(quota));
  const [archives] = await db
    .select({ n: sql<string>`coalesce(sum(${series.archiveSize}), 0)` })
    .from(series)
    .where(seriesOfSubject(quota));
  return Number(filesRow?.n ?? 0) + Number(archives?.n ?? 0);
}

/**
 * Runs `decide` in one transaction holding the rows of every quota binding the subject
 * (SELECT … FOR UPDATE, in id order so that two subjects sharing a group quota never deadlock):
 * whoever decides whether a series is admitted waits for any other decision under the same
 * quotas and sees what it committed (docs/quotas.md, "Admission is one step").
 */
export function withQuotasLocked<T>(
  db: Database,
  subject: QuotaSubjectOnHosts,
  decide: (tx: Database, binding: NamedQuota[]) => Promise<T>,
): Promise<T> {
  return db.transaction(async (tx) => {
    const locked = await tx
      .select({ id: quotas.id })
      .from(quotas)
      .where(bindingCondition(subject))
      .orderBy(quotas.id)
      .for('update');
    const binding = locked.length > 0 ? await named(tx).where(bindingCondition(subject)) : [];
    return decide(tx, binding);
  });
}

/**
 * Why a series may not start yet (docs/quotas.md): its runs would take its subject's queue past
 * maxQueued on one of its hosts, or its subject's storage is at maxStorageBytes. Null: it may
 * start. `binding`: the quotas binding it on any of its hosts, read under withQuotasLocked. A
 * series not started has placed nothing: its whole count may land on any of its hosts.
 */
export async function waitReasonUnder(
  db: Database,
  binding: NamedQuota[],
  target: { seriesId: string; hosts: readonly string[]; count: number },
): Promise<string | null> {
  for (const host of target.hosts) {
    const onHost = binding.filter((quota) => quota.host === null || quota.host === host);
    for (const quota of tightestFirst(onHost, 'maxQueued')) {
      const queued = await queuedRuns(db, quota, host, target.seriesId);
      if (queued + target.count > quota.maxQueued!) {
        return `${quotaLabel(quota)}: ${queued} queued on host ${host}, and this series' ${target.count} would pass maxQueued ${quota.maxQueued} of ${quotaSubjectText(quota)}`;
      }
    }
  }
  for (const quota of tightestFirst(binding, 'maxStorageBytes')) {
    const bytes = await storedBytes(db, quota);
    if (bytes >= quota.maxStorageBytes!) {
      return `${quotaLabel(quota)}: ${bytes} bytes stored, at maxStorageBytes ${quota.maxStorageBytes} of ${quotaSubjectText(quota)}`;
    }
  }
  return null;
}

/**
 * Why an existing series may not start yet (the workflow's quotaHold), or null: then it is
 * admitted in the same step — a `queued` series becomes `staging` before the lock goes, so the
 * next series decided under these quotas counts it (two series waiting for the queue to empty
 * are admitted one after the other, not both at once).
 */
export async function quotaWaitReason(
  db: Database,
  target: { seriesId: string; userId: string; groupId: string | null; host: string; count: number },
): Promise<string | null> {
  // A multi-host series is decided on every host it may run on (its hosts never change).
  const [row] = await db.select({ hosts: series.hosts }).from(series).where(eq(series.id, target.seriesId));
  const hosts = hostsOfSeries({ host: target.host, hosts: row?.hosts });
  return withQuotasLocked(db, { ...target, hosts }, async (tx, binding) => {
    const reason = await waitReasonUnder(tx, binding, { ...target, hosts });
    if (reason === null) {
      await tx
        .update(series)
        .set({ state: 'staging', waitReason: null, updatedAt: new Date() })
        .where(and(eq(series.id, target.seriesId), eq(series.state, 'queued')));
    }
    return reason;
  });
}
