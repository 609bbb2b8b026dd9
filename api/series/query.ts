// Reading series: one by id, or a page of everyone's series (newest first) with text search
// and filters, each with its run counts by state.
import { and, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../../db/client.ts';
import type { RunCounts } from '../../db/runs.ts';
import {
  findSeries,
  seriesTextMatch,
  seriesWithOwner,
  type SeriesWithOwner,
} from '../../db/series.ts';
import { series, users } from '../../db/schema.ts';
import type { SeriesState } from '../../core/states.ts';
import { badRequest, notFound } from '../errors.ts';

export async function getSeries(db: Database, id: string): Promise<SeriesWithOwner> {
  const row = await findSeries(db, id);
  if (!row) throw notFound(`series '${id}'`);
  return row;
}

export function progressOf(count: number, counts: RunCounts) {
  const done = counts.succeeded + counts.failed + counts.cancelled;
  return { done, total: count, fraction: count === 0 ? 1 : done / count };
}

export interface SeriesFilter {
  q?: string | undefined;
  /** `me` or a user name. */
  owner?: string | undefined;
  state?: SeriesState[] | undefined;
  host?: string | undefined;
  application?: string | undefined;
  limit: number;
  cursor?: string | undefined;
}

interface Cursor {
  createdAt: string;
  id: string;
}

/** Cursors carry the database's own timestamp text, so microseconds survive the round trip. */
function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.createdAt, cursor.id])).toString('base64url');
}

function decodeCursor(text: string): Cursor {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'string')) {
      const [createdAt, id] = value as [string, string];
      if (!Number.isNaN(Date.parse(createdAt))) return { createdAt, id };
    }
  } catch {
    // fall through
  }
  throw badRequest('cursor: not a cursor this API returned');
}

export async function listSeries(
  db: Database,
  filter: SeriesFilter,
  me: { id: string },
): Promise<{ series: SeriesWithOwner[]; nextCursor: string | null }> {
  const conditions: SQL[] = [];
  const text = seriesTextMatch(filter.q);
  if (text) conditions.push(text);
  if (filter.owner === 'me') conditions.push(eq(series.ownerId, me.id));
  else if (filter.owner) conditions.push(eq(users.name, filter.owner));
  if (filter.state && filter.state.length > 0) conditions.push(inArray(series.state, filter.state));
  if (filter.host) conditions.push(eq(series.host, filter.host));
  if (filter.application) conditions.push(eq(series.application, filter.application));
  if (filter.cursor) {
    const cursor = decodeCursor(filter.cursor);
    conditions.push(
      sql`(${series.createdAt}, ${series.id}) < (${cursor.createdAt}::timestamptz, ${cursor.id})`,
    );
  }

  const rows = await db
    .select({ ...seriesWithOwner, createdAtText: sql<string>`${series.createdAt}::text` })
    .from(series)
    .innerJoin(users, eq(users.id, series.ownerId))
    .where(and(...conditions))
    .orderBy(desc(series.createdAt), desc(series.id))
    .limit(filter.limit + 1);

  const page = rows.slice(0, filter.limit);
  const last = page.at(-1);
  const nextCursor =
    rows.length > filter.limit && last ? encodeCursor({ createdAt: last.createdAtText, id: last.id }) : null;
  return { series: page.map(({ createdAtText: _, ...row }) => row), nextCursor };
}
