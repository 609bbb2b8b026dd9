// Opens the database: PostgreSQL through postgres-js when a URL is given, PGlite (embedded
// PostgreSQL in WebAssembly) otherwise, and brings its schema up to date with the committed
// migrations in db/migrations before anyone uses it.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import * as schema from './schema.ts';

/** The drizzle database both drivers produce; transactions (`db.transaction(tx => …)`) fit it too. */
export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface DatabaseHandle {
  db: Database;
  kind: 'postgres' | 'pglite';
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** A PostgreSQL URL (`DATABASE_URL`); when set, PGlite is not used. */
  url?: string;
  /** Tuplet's data directory (`TUPLET_DATA_DIR`): PGlite keeps its files in `<dataDir>/pglite`. */
  dataDir?: string;
}

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('./migrations', import.meta.url));

/** Where PGlite keeps its files inside Tuplet's data directory. */
export function pgliteDir(dataDir: string): string {
  return path.join(dataDir, 'pglite');
}

// Small on purpose: the API, the control worker and the activities share one process and
// every statement is short; PostgreSQL's own default limit is 100 connections for everyone.
const POOL_SIZE = 5;

// Any constant shared by every Tuplet process: serialises migrations when several processes
// (API, control workers) start against the same PostgreSQL at once.
const MIGRATION_LOCK_KEY = 0x7475706c; // "tupl"

/** No url and no dataDir: an in-memory PGlite (tests, throwaway runs). */
export async function openDatabase(options: OpenDatabaseOptions = {}): Promise<DatabaseHandle> {
  if (options.url) return openPostgres(options.url);
  if (options.dataDir === undefined) return attachPglite(new PGlite());
  const dir = pgliteDir(options.dataDir);
  await mkdir(dir, { recursive: true });
  return attachPglite(new PGlite(dir));
}

async function openPostgres(url: string): Promise<DatabaseHandle> {
  const client = postgres(url, { max: POOL_SIZE, onnotice: () => {} });
  const db = drizzlePostgres(client, { schema });
  try {
    await migrateUnderLock(url, db);
  } catch (error) {
    await client.end({ timeout: 5 });
    throw error;
  }
  return { db, kind: 'postgres', close: () => client.end({ timeout: 5 }) };
}

async function migrateUnderLock(url: string, db: Parameters<typeof migratePostgres>[0]): Promise<void> {
  // The lock lives on a connection of its own (a session-level advisory lock), so the
  // migrator may use any connection and transaction of the pool meanwhile.
  const lock = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await lock`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
    await migratePostgres(db, { migrationsFolder: MIGRATIONS_FOLDER });
  } finally {
    await lock.end({ timeout: 5 }); // closing the session releases the lock
  }
}

/** Migrates a PGlite the caller created and wraps it; closing the handle closes the PGlite. */
export async function attachPglite(client: PGlite): Promise<DatabaseHandle> {
  try {
    const db = drizzlePglite(client, { schema });
    await migratePglite(db, { migrationsFolder: MIGRATIONS_FOLDER });
    return { db, kind: 'pglite', close: () => client.close() };
  } catch (error) {
    await client.close();
    throw error;
  }
}

/** Resolves when the database answers a trivial statement (the readiness check). */
export async function pingDatabase(db: Database): Promise<void> {
  await db.execute(sql`select 1`);
}
