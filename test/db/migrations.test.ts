import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { sql } from 'drizzle-orm';
import { MIGRATIONS_FOLDER, openDatabase, type Database } from '../../db/client.ts';
import { queryRows } from '../../db/raw.ts';
import { users } from '../../db/schema.ts';
import { backends, withDatabase } from '../support/database.ts';

const expectedTables = [
  'api_tokens',
  'applications',
  'dataset_versions',
  'datasets',
  'deliveries',
  'files',
  'group_applications',
  'group_hosts',
  'group_members',
  'groups',
  'hosts',
  'notifications',
  'packages',
  'quotas',
  'result_aggregates',
  'run_values',
  'runs',
  'series',
  'series_datasets',
  'series_metric_names',
  'sessions',
  'users',
  'webhooks',
];

async function journalLength(): Promise<number> {
  const journal = JSON.parse(await readFile(path.join(MIGRATIONS_FOLDER, 'meta/_journal.json'), 'utf8')) as {
    entries: unknown[];
  };
  return journal.entries.length;
}

async function tablesOf(db: Database): Promise<string[]> {
  const rows = await queryRows<{ name: string }>(
    db,
    sql`select table_name as name from information_schema.tables where table_schema = 'public' order by 1`,
  );
  return rows.map((r) => r.name);
}

async function appliedMigrations(db: Database): Promise<number> {
  const [row] = await queryRows<{ n: number }>(
    db,
    sql`select count(*)::int as n from drizzle.__drizzle_migrations`,
  );
  return Number(row?.n);
}

for (const kind of backends) {
  test(`migrations create every table on ${kind}`, () =>
    withDatabase(kind, async ({ db, kind: opened }) => {
      assert.equal(opened, kind);
      assert.deepEqual(await tablesOf(db), expectedTables);
      assert.equal(await appliedMigrations(db), await journalLength());
    }));
}

test('PostgreSQL: processes starting together migrate an empty database once', () =>
  withDatabase('postgres', async ({ db, url }) => {
    assert.ok(url);
    await db.execute(sql`drop schema public cascade`);
    await db.execute(sql`drop schema drizzle cascade`);
    await db.execute(sql`create schema public`);
    const handles = await Promise.all([openDatabase({ url }), openDatabase({ url }), openDatabase({ url })]);
    try {
      assert.deepEqual(await tablesOf(db), expectedTables);
      assert.equal(await appliedMigrations(db), await journalLength());
      for (const handle of handles) assert.equal(handle.kind, 'postgres');
    } finally {
      for (const handle of handles) await handle.close();
    }
  }));

test('PGlite under a data directory keeps its data across restarts', async () => {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'tuplet-db-'));
  try {
    const first = await openDatabase({ dataDir });
    await first.db.insert(users).values({ id: 'u1', name: 'ada' });
    await first.close();
    const second = await openDatabase({ dataDir });
    try {
      assert.equal(second.kind, 'pglite');
      assert.deepEqual(
        (await second.db.select({ name: users.name }).from(users)).map((u) => u.name),
        ['ada'],
      );
      assert.equal(await appliedMigrations(second.db), await journalLength());
    } finally {
      await second.close();
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});
