// Applications: the vetted programs series run, registered by admins; a series keeps a snapshot
// of its application (ApplicationSnapshot), so later changes here never reach existing series.
import { eq } from 'drizzle-orm';
import type { Database } from './client.ts';
import { applications } from './schema.ts';

export type { ApplicationSnapshot, MetricSource } from './schema.ts';
export type ApplicationRow = typeof applications.$inferSelect;
/** `program`: an admin's command; `own-code`: the series' package carries the program (docs/own-code.md). */
export const APPLICATION_KINDS = ['program', 'own-code'] as const;
export type ApplicationKind = (typeof APPLICATION_KINDS)[number];
export type NewApplication = typeof applications.$inferInsert;
/** What may change on a registered application (its name is its identity). */
export type ApplicationPatch = Partial<Omit<NewApplication, 'name' | 'createdAt' | 'updatedAt'>>;

/** What the new-series form needs of an application to offer it. */
export type ApplicationOption = Pick<ApplicationRow, 'name' | 'description' | 'configFile'>;

export async function findApplication(db: Database, name: string): Promise<ApplicationRow | undefined> {
  const [row] = await db.select().from(applications).where(eq(applications.name, name)).limit(1);
  return row;
}

/** Every application, by name. */
export function listApplications(db: Database): Promise<ApplicationRow[]> {
  return db.select().from(applications).orderBy(applications.name);
}

export async function listApplicationNames(db: Database): Promise<string[]> {
  const rows = await db.select({ name: applications.name }).from(applications).orderBy(applications.name);
  return rows.map((r) => r.name);
}

/** Every application as the new-series form offers it, by name. */
export function listApplicationOptions(db: Database): Promise<ApplicationOption[]> {
  return db
    .select({
      name: applications.name,
      description: applications.description,
      configFile: applications.configFile,
    })
    .from(applications)
    .orderBy(applications.name);
}

/** The new application's row; undefined when the name is taken (the existing one is left as it is). */
export async function insertApplication(
  db: Database,
  row: NewApplication,
): Promise<ApplicationRow | undefined> {
  const [inserted] = await db.insert(applications).values(row).onConflictDoNothing().returning();
  return inserted;
}

/** The changed row; undefined when no application has that name. */
export async function updateApplication(
  db: Database,
  name: string,
  patch: ApplicationPatch,
): Promise<ApplicationRow | undefined> {
  const [row] = await db
    .update(applications)
    .set({ ...patch, updatedAt: new Date() })
    .where(eq(applications.name, name))
    .returning();
  return row;
}

export async function deleteApplication(db: Database, name: string): Promise<void> {
  await db.delete(applications).where(eq(applications.name, name));
}
