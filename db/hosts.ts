// Hosts: the machines series run on, registered by admins, read by the API, the pages, the
// control activities (a series' host) and the embedded workers (one host worker per row).
import { and, eq, inArray } from 'drizzle-orm';
import type { Database } from './client.ts';
import { hosts } from './schema.ts';

export type { AdmissionThresholds, AllowedChoice } from './schema.ts';
export type HostRow = typeof hosts.$inferSelect;
export type NewHost = typeof hosts.$inferInsert;
/** What may change on a registered host (its name is its identity). */
export type HostPatch = Partial<Omit<NewHost, 'name' | 'createdAt' | 'updatedAt'>>;

/** What the new-series form needs of a host to offer it and its choices. */
export type HostOption = Pick<
  HostRow,
  'name' | 'kind' | 'partition' | 'gpus' | 'slots' | 'accounts' | 'qos' | 'pool' | 'drained'
>;

export async function findHost(db: Database, name: string): Promise<HostRow | undefined> {
  const [row] = await db.select().from(hosts).where(eq(hosts.name, name)).limit(1);
  return row;
}

/** The hosts of a pool, by name. */
export function listPoolHosts(db: Database, pool: string): Promise<Pick<HostRow, 'name' | 'drained'>[]> {
  return db
    .select({ name: hosts.name, drained: hosts.drained })
    .from(hosts)
    .where(eq(hosts.pool, pool))
    .orderBy(hosts.name);
}

/** Which of `names` are drained (take no new series nor chunks). */
export async function drainedHostNames(db: Database, names: string[]): Promise<string[]> {
  if (names.length === 0) return [];
  const rows = await db
    .select({ name: hosts.name })
    .from(hosts)
    .where(and(inArray(hosts.name, names), eq(hosts.drained, true)));
  return rows.map((r) => r.name);
}

/** Every host, by name. */
export function listHosts(db: Database): Promise<HostRow[]> {
  return db.select().from(hosts).orderBy(hosts.name);
}

export async function listHostNames(db: Database): Promise<string[]> {
  const rows = await db.select({ name: hosts.name }).from(hosts).orderBy(hosts.name);
  return rows.map((r) => r.name);
}

/** Every host as the new-series form offers it, by name. */
export function listHostOptions(db: Database): Promise<HostOption[]> {
  return db
    .select({
      name: hosts.name,
      kind: hosts.kind,
      partition: hosts.partition,
      gpus: hosts.gpus,
      slots: hosts.slots,
      accounts: hosts.accounts,
      qos: hosts.qos,
      pool: hosts.pool,
      drained: hosts.drained,
    })
    .from(hosts)
    .orderBy(hosts.name);
}

/** The new host's row; undefined when the name is taken (the existing host is left as it is). */
export async function insertHost(db: Database, row: NewHost): Promise<HostRow | undefined> {
  const [inserted] = await db.insert(hosts).values(row).onConflictDoNothing().returning();
  return inserted;
}

/** The changed row; undefined when no host has that name. */
export async function updateHost(db: Database, name: string, patch: HostPatch): Promise<HostRow | undefined> {
  const [row] = await db
    .update(hosts)
    .set({ ...patch, updatedAt: new Date() })
    .where(eq(hosts.name, name))
    .returning();
  return row;
}

export async function deleteHost(db: Database, name: string): Promise<void> {
  await db.delete(hosts).where(eq(hosts.name, name));
}
