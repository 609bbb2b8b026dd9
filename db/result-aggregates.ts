// Aggregates of a finished series, kept in result_aggregates once computed. Computing one reads
// a metric of every run (seconds at 1,000,000 runs); a finished series changes only through a
// rerun, which changes its state and attempt, so those are the cached answer's version (as in
// web/data/cache.ts). Running series and filtered aggregates are computed each time: the first
// change constantly, the second are unbounded in number (caching them would let anyone fill
// the table).
import { and, eq, sql } from 'drizzle-orm';
import { FINAL_SERIES_STATES } from '../core/states.ts';
import type { Database } from './client.ts';
import { resultAggregates, series } from './schema.ts';

/** The version a cached aggregate of the series must carry, or null when it is not cached. */
export async function aggregateVersion(db: Database, seriesId: string): Promise<string | null> {
  const [row] = await db
    .select({ state: series.state, attempt: series.attempt })
    .from(series)
    .where(eq(series.id, seriesId));
  if (!row || !FINAL_SERIES_STATES.includes(row.state)) return null;
  return `${row.state}:${row.attempt}`;
}

export async function cachedAggregate<T>(
  db: Database,
  seriesId: string,
  query: string,
  version: string,
): Promise<T | undefined> {
  const [row] = await db
    .select({ groups: resultAggregates.groups })
    .from(resultAggregates)
    .where(
      and(
        eq(resultAggregates.seriesId, seriesId),
        eq(resultAggregates.query, query),
        eq(resultAggregates.version, version),
      ),
    );
  return row?.groups as T | undefined;
}

export async function storeAggregate(
  db: Database,
  seriesId: string,
  query: string,
  version: string,
  groups: unknown,
): Promise<void> {
  await db
    .insert(resultAggregates)
    .values({ seriesId, query, version, groups })
    .onConflictDoUpdate({
      target: [resultAggregates.seriesId, resultAggregates.query],
      set: { version: sql`excluded.version`, groups: sql`excluded.groups` },
    });
}
