// Fresh, migrated, empty databases for tests, on both backends, so that every database and
// API test runs its cases against PGlite and PostgreSQL alike:
//
//   for (const kind of backends) {
//     test(`creates a user (${kind})`, () => withDatabase(kind, async ({ db }) => { … }));
//   }
//
// Shared per test file and cleaned up after it: one PostgreSQL server (started on first use)
// holding a migrated template database that each test copies, and a few PGlite instances
// that are emptied between tests (opening a PGlite takes seconds; emptying it, milliseconds).
import { createHash } from 'node:crypto';
import { readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after } from 'node:test';
import { PGlite } from '@electric-sql/pglite';
import { getTableName, is, sql } from 'drizzle-orm';
import { PgTable } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import postgres from 'postgres';
import { attachPglite, MIGRATIONS_FOLDER, openDatabase, type DatabaseHandle } from '../../db/client.ts';
import { newId } from '../../db/ids.ts';
import * as schema from '../../db/schema.ts';
import { startPostgres, type PostgresServer } from './postgres.ts';

export const backends = ['pglite', 'postgres'] as const;
export type Backend = (typeof backends)[number];

export interface TestDatabase extends DatabaseHandle {
  /** PostgreSQL only: the URL of this test's database (for a subprocess under test). */
  url?: string;
}

/** A fresh migrated database; `close()` throws it away. */
export function openTestDatabase(kind: Backend): Promise<TestDatabase> {
  return kind === 'pglite' ? pglitePool.acquire() : postgresDatabases.create();
}

/** Runs `fn` with a fresh migrated database, closed afterwards whatever happens. */
export async function withDatabase<T>(kind: Backend, fn: (handle: TestDatabase) => Promise<T>): Promise<T> {
  const handle = await openTestDatabase(kind);
  try {
    return await fn(handle);
  } finally {
    await handle.close();
  }
}

// Every table of the schema, so tables added later are emptied too.
const tableNames = Object.values(schema)
  .filter((value) => is(value, PgTable))
  .map((table) => `"${getTableName(table)}"`);

/**
 * A new in-memory PGlite runs initdb, which takes seconds; loading a saved, migrated data
 * directory takes a fraction. The copy is kept in the temp dir under a name that changes with
 * the migrations and the PGlite version, and the migrator still runs (a no-op when current).
 */
async function openMigratedPglite(): Promise<PGlite> {
  const cache = path.join(os.tmpdir(), `tuplet-pglite-${await pgliteCacheKey()}.tar`);
  const saved = await readFile(cache).catch(() => undefined);
  if (saved) {
    const client = new PGlite({ loadDataDir: new Blob([saved]) });
    try {
      await attachPglite(client);
      return client;
    } catch {
      await rm(cache, { force: true }); // unusable: make a new one
    }
  }
  const client = new PGlite();
  await attachPglite(client);
  const dump = await client.dumpDataDir('none');
  const partial = `${cache}.${process.pid}`;
  await writeFile(partial, Buffer.from(await dump.arrayBuffer()));
  await rename(partial, cache);
  return client;
}

async function pgliteCacheKey(): Promise<string> {
  const hash = createHash('sha256');
  hash.update(
    await readFile(new URL('../../node_modules/@electric-sql/pglite/package.json', import.meta.url)),
  );
  for (const name of (await readdir(MIGRATIONS_FOLDER)).sort()) {
    if (name.endsWith('.sql')) hash.update(name).update(await readFile(path.join(MIGRATIONS_FOLDER, name)));
  }
  return hash.digest('hex').slice(0, 16);
}

class PglitePool {
  #all: PGlite[] = [];
  #free: PGlite[] = [];
  #first: Promise<PGlite> | undefined;

  async acquire(): Promise<TestDatabase> {
    const client = this.#free.pop() ?? (await this.#create());
    const db = drizzlePglite(client, { schema });
    await db.execute(sql.raw(`truncate ${tableNames.join(', ')} cascade`));
    let released = false;
    return {
      db,
      kind: 'pglite',
      close: async () => {
        if (released) return;
        released = true;
        this.#free.push(client);
      },
    };
  }

  async #create(): Promise<PGlite> {
    if (!this.#first) {
      this.#first = openMigratedPglite();
      const client = await this.#first;
      this.#all.push(client);
      return client;
    }
    // Further instances, for tests holding several databases at once, copy the first.
    const clone = (await (await this.#first).clone()) as PGlite;
    this.#all.push(clone);
    return clone;
  }

  async closeAll(): Promise<void> {
    const all = this.#all.splice(0);
    this.#free = [];
    for (const client of all) await client.close();
  }
}

class PostgresDatabases {
  #server: Promise<{ server: PostgresServer; admin: postgres.Sql; template: string }> | undefined;
  /** Databases not closed yet: stop() closes them, whatever order the after() hooks run in. */
  #open = new Set<() => Promise<void>>();

  async create(): Promise<TestDatabase> {
    const { server, admin, template } = await (this.#server ??= this.#start());
    const name = `tuplet_test_${newId()}`;
    await admin.unsafe(`create database ${name} template ${template}`);
    const url = withDatabaseName(server.url, name);
    const handle = await openDatabase({ url });
    const close = async () => {
      if (!this.#open.delete(close)) return; // closed already, or by stop()
      await handle.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
    };
    this.#open.add(close);
    return { ...handle, url, close };
  }

  async #start() {
    const server = await startPostgres();
    const admin = postgres(server.url, { max: 1, onnotice: () => {} });
    try {
      const template = `tuplet_template_${newId()}`;
      await admin.unsafe(`create database ${template}`);
      const handle = await openDatabase({ url: withDatabaseName(server.url, template) });
      await handle.close();
      return { server, admin, template };
    } catch (error) {
      await admin.end();
      await server.stop();
      throw error;
    }
  }

  async stop(): Promise<void> {
    if (!this.#server) return;
    for (const close of [...this.#open]) await close();
    const starting = this.#server;
    this.#server = undefined;
    // A start that failed has cleaned up after itself (and its test reported the error).
    const started = await starting.catch(() => undefined);
    if (!started) return;
    const { server, admin, template } = started;
    await admin.unsafe(`drop database if exists ${template} with (force)`);
    await admin.end();
    await server.stop();
  }
}

function withDatabaseName(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

const pglitePool = new PglitePool();
const postgresDatabases = new PostgresDatabases();

/** Stops the shared server and closes the PGlite instances (also done after every test file). */
export async function closeTestDatabases(): Promise<void> {
  await pglitePool.closeAll();
  await postgresDatabases.stop();
}

after(closeTestDatabases);
