// Aggregates of a finished series, kept in result_aggregates once computed. Computing one reads
// a metric of every run (seconds at 1,000,000 runs); a finished series changes only through a
// rerun, which changes its state and attempt, so those are the cached answer's version (as in
// web/data/cache.ts). Running series and filtered aggregates are computed each time: the first
// change constantly, the second are unbounded in number (caching them would let anyone fill
// the table).
//
// Kept by column (one array per field), not as one object per group: an aggregate over two
// parameters of 100 values has 10,000 groups, and turning that jsonb into text took PGlite about
// 200 ms as 1.4 MB of objects (a kept aggregate answered in 10-30x /healthz at 1,000,000 runs).
import { and, eq, sql } from 'drizzle-orm';
import { FINAL_SERIES_STATES } from '../core/states.ts';
import type { Database } from './client.ts';
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

/** The groups of an aggregate, a column per field (`values` a column per grouping parameter). */
interface KeptGroups {
  by: string[];
  values: Array<Array<string | null>>;
  count: number[];
  mean: Array<number | null>;
  min: Array<number | null>;
  max: Array<number | null>;
  std: Array<number | null>;
  run: Array<number | null>;
}

function keep(by: readonly string[], groups: readonly AggregateGroup[]): KeptGroups {
  const column = <K extends keyof AggregateGroup>(k: K) => groups.map((g) => g[k]);
  return {
    by: [...by],
    values: by.map((name) => groups.map((g) => g.values[name] ?? null)),
    count: column('count'),
    mean: column('mean'),
    min: column('min'),
    max: column('max'),
    std: column('std'),
    run: column('run'),
  };
}

function groupsOf(kept: KeptGroups): AggregateGroup[] {
  return kept.count.map((count, i) => ({
    values: Object.fromEntries(kept.by.map((name, j) => [name, kept.values[j]![i] ?? null])),
    count,
    mean: kept.mean[i] ?? null,
    min: kept.min[i] ?? null,
    max: kept.max[i] ?? null,
    std: kept.std[i] ?? null,
    run: kept.run[i] ?? null,
  }));
}

/**
 * The version a cached aggregate of the series must carry, or null when it is not cached.
 * `:columns` tells the kept shape apart from aggregates kept before as an array of groups.
 */
export async function aggregateVersion(db: Database, seriesId: string): Promise<string | null> {
  const [row] = await db
    .select({ state: series.state, attempt: series.attempt })
    .from(series)
    .where(eq(series.id, seriesId));
  if (!row || !FINAL_SERIES_STATES.includes(row.state)) return null;
  return `${row.state}:${row.attempt}:columns`;
}

export async function cachedAggregate(
  db: Database,
  seriesId: string,
  query: string,
  version: string,
): Promise<AggregateGroup[] | undefined> {
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
  return row && groupsOf(row.groups as KeptGroups);
}

export async function storeAggregate(
  db: Database,
  seriesId: string,
  query: string,
  version: string,
  by: readonly string[],
  groups: readonly AggregateGroup[],
): Promise<void> {
  await db
    .insert(resultAggregates)
    .values({ seriesId, query, version, groups: keep(by, groups) })
    .onConflictDoUpdate({
      target: [resultAggregates.seriesId, resultAggregates.query],
      set: { version: sql`excluded.version`, groups: sql`excluded.groups` },
    });
}
