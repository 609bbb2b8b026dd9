// Series as the pages show them: one query for a page of series, one for all their counts
// (never a query per row), whatever the number of runs.
import { and, desc, eq, ilike, inArray, or, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../../db/client.ts';
import { applications, hosts, runs, series, users } from '../../db/schema.ts';
import { RUN_STATES, type RunState, type SeriesState } from '../../workflows/shared.ts';
import type { RunCounts } from '../context.ts';
import { emptyCounts } from '../format.ts';

export interface SeriesFilter {
  /** Words that must each appear in the description, tags, application or owner name. */
  q?: string;
  ownerId?: string;
  state?: SeriesState;
  host?: string;
  application?: string;
  limit: number;
  offset: number;
}

export interface SeriesListRow {
  id: string;
  description: string;
  tags: string[];
  owner: string;
  ownerId: string;
  application: string;
  host: string;
  count: number;
  state: SeriesState;
  attempt: number;
  createdAt: Date;
}

const listColumns = {
  id: series.id,
  description: series.description,
  tags: series.tags,
  owner: users.name,
  ownerId: series.ownerId,
  application: series.application,
  host: series.host,
  count: series.count,
  state: series.state,
  attempt: series.attempt,
  createdAt: series.createdAt,
};

/** `%` and `_` typed by a user match themselves, not any character. */
function likePattern(word: string): string {
  return `%${word.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
}

export async function listSeries(db: Database, filter: SeriesFilter): Promise<{ rows: SeriesListRow[]; more: boolean }> {
  const conditions: SQL[] = [];
  for (const word of (filter.q ?? '').split(/\s+/).filter(Boolean).slice(0, 8)) {
    const pattern = likePattern(word);
    conditions.push(
      or(
        ilike(series.description, pattern),
        ilike(series.application, pattern),
        ilike(users.name, pattern),
        sql`${series.tags}::text ilike ${pattern}`,
      )!,
    );
  }
  if (filter.ownerId) conditions.push(eq(series.ownerId, filter.ownerId));
  if (filter.state) conditions.push(eq(series.state, filter.state));
  if (filter.host) conditions.push(eq(series.host, filter.host));
  if (filter.application) conditions.push(eq(series.application, filter.application));
  const rows = await db
    .select(listColumns)
    .from(series)
    .innerJoin(users, eq(users.id, series.ownerId))
    .where(and(...conditions))
    .orderBy(desc(series.createdAt), desc(series.id))
    .limit(filter.limit + 1)
    .offset(filter.offset);
  return { rows: rows.slice(0, filter.limit), more: rows.length > filter.limit };
}

/** Run counts by state of several series in one grouped query. */
export async function countsOf(db: Database, ids: string[]): Promise<Map<string, RunCounts>> {
  const result = new Map<string, RunCounts>(ids.map((id) => [id, emptyCounts()]));
  if (ids.length === 0) return result;
  const rows = await db
    .select({ seriesId: runs.seriesId, state: runs.state, n: sql<number>`count(*)::int` })
    .from(runs)
    .where(inArray(runs.seriesId, ids))
    .groupBy(runs.seriesId, runs.state);
  for (const row of rows) {
    const counts = result.get(row.seriesId);
    if (counts && (RUN_STATES as readonly string[]).includes(row.state)) counts[row.state as RunState] = Number(row.n);
  }
  return result;
}

export type SeriesRow = typeof series.$inferSelect & { owner: string };

export async function getSeries(db: Database, id: string): Promise<SeriesRow | undefined> {
  const [row] = await db
    .select({ s: series, owner: users.name })
    .from(series)
    .innerJoin(users, eq(users.id, series.ownerId))
    .where(eq(series.id, id))
    .limit(1);
  return row ? { ...row.s, owner: row.owner } : undefined;
}

/** Names for the home page's filters and the new-series form. */
export async function hostAndApplicationNames(db: Database): Promise<{ hosts: string[]; applications: string[] }> {
  const [h, a] = await Promise.all([
    db.select({ name: hosts.name }).from(hosts).orderBy(hosts.name),
    db.select({ name: applications.name }).from(applications).orderBy(applications.name),
  ]);
  return { hosts: h.map((r) => r.name), applications: a.map((r) => r.name) };
}
