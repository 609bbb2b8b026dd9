// Uploaded packages: who owns which, how many bytes each owner holds (the quota), when each
// was last used by a new series, and which ones no series needs any more.
import { and, desc, eq, inArray, isNotNull, lt, notInArray, sum } from 'drizzle-orm';
import { FINAL_SERIES_STATES } from '../core/states.ts';
import type { Database } from './client.ts';
import { packages, series, users } from './schema.ts';

export type PackageRow = typeof packages.$inferSelect;
export type NewPackage = typeof packages.$inferInsert;
export type PackageWithOwner = PackageRow & { ownerName: string };

const withOwner = {
  id: packages.id,
  ownerId: packages.ownerId,
  name: packages.name,
  format: packages.format,
  entries: packages.entries,
  bytes: packages.bytes,
  uploadedBytes: packages.uploadedBytes,
  createdAt: packages.createdAt,
  lastUsedAt: packages.lastUsedAt,
  ownerName: users.name,
};

export async function insertPackage(db: Database, row: NewPackage): Promise<PackageRow> {
  const [inserted] = await db.insert(packages).values(row).returning();
  return inserted!;
}

export async function findPackage(db: Database, id: string): Promise<PackageWithOwner | undefined> {
  const [row] = await db
    .select(withOwner)
    .from(packages)
    .innerJoin(users, eq(users.id, packages.ownerId))
    .where(eq(packages.id, id))
    .limit(1);
  return row;
}

/** Newest first: one owner's packages, or everyone's when no owner is given. */
export function listPackages(db: Database, ownerId?: string): Promise<PackageWithOwner[]> {
  return db
    .select(withOwner)
    .from(packages)
    .innerJoin(users, eq(users.id, packages.ownerId))
    .where(ownerId === undefined ? undefined : eq(packages.ownerId, ownerId))
    .orderBy(desc(packages.createdAt), desc(packages.id));
}

/** Bytes of uploads the owner holds (what the quota counts). */
export async function packageUsage(db: Database, ownerId: string): Promise<number> {
  const [row] = await db
    .select({ bytes: sum(packages.uploadedBytes) })
    .from(packages)
    .where(eq(packages.ownerId, ownerId));
  return Number(row?.bytes ?? 0);
}

/** Marks the package as used now (a series was created with it). */
export async function touchPackage(db: Database, id: string, now = new Date()): Promise<void> {
  await db.update(packages).set({ lastUsedAt: now }).where(eq(packages.id, id));
}

/** Ids of the series not yet finished that unpack the package. */
export async function unfinishedSeriesUsing(db: Database, packageId: string): Promise<string[]> {
  const rows = await db
    .select({ id: series.id })
    .from(series)
    .where(and(eq(series.packageId, packageId), notInArray(series.state, [...FINAL_SERIES_STATES])));
  return rows.map((r) => r.id);
}

/** The package's row goes; false when it was not there. */
export async function deletePackageRow(db: Database, id: string): Promise<boolean> {
  const deleted = await db.delete(packages).where(eq(packages.id, id)).returning({ id: packages.id });
  return deleted.length > 0;
}

/**
 * Deletes the rows of packages last used before `cutoff` that no unfinished series refers
 * to, in one statement (a series created meanwhile bumps `lastUsedAt` first, so it is
 * spared); returns their ids, whose files the caller removes.
 */
export async function deleteUnusedPackages(db: Database, cutoff: Date): Promise<string[]> {
  const inUse = db
    .select({ id: series.packageId })
    .from(series)
    .where(and(isNotNull(series.packageId), notInArray(series.state, [...FINAL_SERIES_STATES])));
  const deleted = await db
    .delete(packages)
    .where(and(lt(packages.lastUsedAt, cutoff), notInArray(packages.id, inUse)))
    .returning({ id: packages.id });
  return deleted.map((r) => r.id);
}

/** Which of these ids have a row. */
export async function existingPackageIds(db: Database, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db.select({ id: packages.id }).from(packages).where(inArray(packages.id, ids));
  return new Set(rows.map((r) => r.id));
}
