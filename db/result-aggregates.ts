// Aggregates of a finished series, kept in result_aggregates once computed. Computing one reads
// a metric of every run (seconds at 1,000,000 runs); a finished series changes only through a
// rerun, which changes its state and attempt, so those are the cached answer's version (as in
// web/data/cache.ts). Running series and filtered aggregates are computed each time: the first
// change constantly, the second are unbounded in number (caching them would let anyone fill
// the table).
//
// Kept as the JSON text of the answer's `groups`, not as jsonb: an aggregate over two parameters
// of 100 values has 10,000 groups (1.3 MB), and what its request cost was turning them from jsonb
// into text in the database, parsing that in Node and serialising it again (100-250 ms at
// 1,000,000 runs; jsonb by column did not help). The API sends the kept text as it is.
import { and, eq, sql } from 'drizzle-orm';
import { FINAL_SERIES_STATES } from '../core/states.ts';
import type { Database } from './client.ts';
import { RecentTexts } from './recent-texts.ts';
import { resultAggregates, series } from './schema.ts';

/** One group of an aggregate: the runs sharing the `by` parameters' values. */
export interface AggregateGroup {
  /** The group's value of each `by` parameter. */
  values: Record<string, string | null>;
  /** Runs of the group with a numeric value of the metric. */
  count: number;
  mean: number | null;
  min: number | null;
  max: number | null;
  /** Sample standard deviation; null for fewer than two values. */
  std: number | null;
  /** The run, when exactly one gives the group its value (a plot point then opens it). */
  run: number | null;
}

/** The version a cached aggregate of the series must carry, or null when it is not cached. */
export async function aggregateVersion(db: Database, seriesId: string): Promise<string | null> {
  const [row] = await db
    .select({ state: series.state, attempt: series.attempt })
    .from(series)
    .where(eq(series.id, seriesId));
  if (!row || !FINAL_SERIES_STATES.includes(row.state)) return null;
  return `${row.state}:${row.attempt}`;
}

/**
 * Kept texts this process has read, by series, query and version. A kept text never changes at
 * its version, so memory may answer for the table: reading the 1.3 MB of a 10,000-group
 * aggregate from its TOAST took 4-7 ms of a request's 15-30 ms. Only texts read from the table
 * are remembered (two processes computing one aggregate at once may differ in a last digit),
 * per database handle (tests open several in one process).
 */
const recentByDatabase = new WeakMap<Database, RecentTexts>();
export const RECENT_AGGREGATE_CHARS = 32 * 1024 * 1024;

function recentTexts(db: Database): RecentTexts {
  let texts = recentByDatabase.get(db);
  if (!texts) recentByDatabase.set(db, (texts = new RecentTexts(RECENT_AGGREGATE_CHARS)));
  return texts;
}

/** The kept groups of `query` at `version`, as the JSON text of an AggregateGroup array. */
export async function cachedAggregate(
  db: Database,
  seriesId: string,
  query: string,
  version: string,
): Promise<string | undefined> {
  const key = JSON.stringify([seriesId, query, version]);
  const recent = recentTexts(db).get(key);
  if (recent !== undefined) return recent;
  const text = await keptText(db, seriesId, query, version);
  if (text !== undefined) recentTexts(db).set(key, text);
  return text;
}

async function keptText(
  db: Database,
  seriesId: string,
  query: string,
  version: string,
): Promise<string | undefined> {
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
  return row?.groups;
}

export async function storeAggregate(
  db: Database,
  seriesId: string,
  query: string,
  version: string,
  groupsJson: string,
): Promise<void> {
  await db
    .insert(resultAggregates)
    .values({ seriesId, query, version, groups: groupsJson })
    .onConflictDoUpdate({
      target: [resultAggregates.seriesId, resultAggregates.query],
      set: { version: sql`excluded.version`, groups: sql`excluded.groups` },
    });
}
