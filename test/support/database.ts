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
import { after } from 'node:test';
import { PGlite } from '@electric-sql/pglite';
import { getTableName, is, sql } from 'drizzle-orm';
import { PgTable } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import postgres from 'postgres';
import { attachPglite, openDatabase, type DatabaseHandle } from '../../db/client.ts';
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
      // The first instance is opened (and migrated) the way the application opens it.
      const client = new PGlite();
      this.#first = attachPglite(client).then(() => client);
      await this.#first;
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

  async create(): Promise<TestDatabase> {
    const { server, admin, template } = await (this.#server ??= this.#start());
    const name = `tuplet_test_${newId()}`;
    await admin.unsafe(`create database ${name} template ${template}`);
    const url = withDatabaseName(server.url, name);
    const handle = await openDatabase({ url });
    let dropped = false;
    return {
      ...handle,
      url,
      close: async () => {
        if (dropped) return;
        dropped = true;
        await handle.close();
        await admin.unsafe(`drop database if exists ${name} with (force)`);
      },
    };
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
    const { server, admin, template } = await this.#server;
    this.#server = undefined;
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
