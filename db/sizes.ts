// How big the database is: exact row counts of every table that holds any, the space each takes
// (with its indexes and TOAST) and the whole database's size (bench/scale.ts reports them).
// Read from the catalog, so tables added by later migrations are counted too.
import { sql } from 'drizzle-orm';
import type { Database } from './client.ts';
import { queryRows } from './raw.ts';

export interface DatabaseFigures {
  database_mb: number;
  /** Rows and MB (table + indexes + TOAST) of each non-empty table. */
  tables: Record<string, { rows: number; mb: number }>;
}

const MB = 2 ** 20;

export async function databaseFigures(db: Database): Promise<DatabaseFigures> {
  const names = await queryRows<{ name: string; bytes: number }>(
    db,
    sql`select c.relname as name, pg_total_relation_size(c.oid)::float8 as bytes
        from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and c.relkind = 'r' order by c.relname`,
  );
  const tables: DatabaseFigures['tables'] = {};
  for (const { name, bytes } of names) {
    const [row] = await queryRows<{ rows: number }>(
      db,
      sql`select count(*)::int as rows from ${sql.identifier(name)}`,
    );
    if (row && row.rows > 0) tables[name] = { rows: row.rows, mb: +(Number(bytes) / MB).toFixed(1) };
  }
  const [size] = await queryRows<{ bytes: number }>(
    db,
    sql`select pg_database_size(current_database())::float8 as bytes`,
  );
  return { database_mb: +(Number(size?.bytes ?? 0) / MB).toFixed(1), tables };
}
