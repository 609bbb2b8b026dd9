// Series as the pages show them: one query for a page of series (their counts come in one
// more, db/runs.ts countRunsByState, through data/counts.ts), whatever the number of runs.
import { and, desc, eq, type SQL } from 'drizzle-orm';
import type { Database } from '../../db/client.ts';
import { applications, hosts, series, users } from '../../db/schema.ts';
import { findSeries, seriesTextMatch, type SeriesWithOwner } from '../../db/series.ts';
import type { SeriesState } from '../../core/states.ts';

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

export async function listSeries(db: Database, filter: SeriesFilter): Promise<{ rows: SeriesListRow[]; more: boolean }> {
  const conditions: SQL[] = [];
  const text = seriesTextMatch(filter.q);
  if (text) conditions.push(text);
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

export type SeriesRow = SeriesWithOwner & { owner: string };

export async function getSeries(db: Database, id: string): Promise<SeriesRow | undefined> {
  const row = await findSeries(db, id);
  return row && { ...row, owner: row.ownerName };
}

/** Names for the home page's filters and the new-series form. */
export async function hostAndApplicationNames(db: Database): Promise<{ hosts: string[]; applications: string[] }> {
  const [h, a] = await Promise.all([
    db.select({ name: hosts.name }).from(hosts).orderBy(hosts.name),
    db.select({ name: applications.name }).from(applications).orderBy(applications.name),
  ]);
  return { hosts: h.map((r) => r.name), applications: a.map((r) => r.name) };
}
