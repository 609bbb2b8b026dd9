// Raw SQL for the statements the query builder cannot express (batched UPDATE … FROM VALUES,
// CTEs over data-modifying statements). The two drivers shape results differently:
// postgres-js returns the rows as an array, PGlite an object with `rows`.
import type { SQL } from 'drizzle-orm';
import type { Database } from './client.ts';

/**
 * Runs `query` and returns its rows. Values arrive as the driver gives them: select integers
 * (cast bigint/count to int) and text, not timestamps, whose raw form differs between drivers.
 */
export async function queryRows<T>(db: Database, query: SQL): Promise<T[]> {
  const result: unknown = await db.execute(query);
  if (Array.isArray(result)) return result as T[];
  if (result !== null && typeof result === 'object' && 'rows' in result && Array.isArray(result.rows)) {
    return result.rows as T[];
  }
  throw new TypeError('unexpected result shape from the database driver');
}

/** Rows per statement of bulk writes: a few MB of JSON, a fraction of a second each. */
export const BATCH_ROWS = 10_000;

export function* batches<T>(rows: readonly T[], size = BATCH_ROWS): Generator<T[]> {
  if (!(size >= 1)) throw new RangeError('batch size must be at least 1');
  for (let start = 0; start < rows.length; start += size) yield rows.slice(start, start + size);
}

/**
 * JSON for a `::jsonb` parameter. PostgreSQL text and jsonb cannot hold the NUL character,
 * which a program may well write into its metrics: it is dropped rather than failing a batch.
 */
export function jsonText(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    typeof v === 'string' ? v.replaceAll('\u0000', '') : v,
  );
}
