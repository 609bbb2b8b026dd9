// A series' lineage: the series it was cloned from (series.parentId, set by clone) and its
// clones, each only when the viewer may see it (db/groups.ts seriesVisibleTo).
import { and, asc, eq } from 'drizzle-orm';
import type { SeriesState } from '../core/states.ts';
import type { Database } from './client.ts';
import { seriesVisibleTo } from './groups.ts';
import { series, users } from './schema.ts';

export interface LineageEntry {
  id: string;
  description: string;
  state: SeriesState;
  owner: string;
  createdAt: Date;
}

const entryColumns = {
  id: series.id,
  description: series.description,
  state: series.state,
  owner: users.name,
  createdAt: series.createdAt,
};

/** Clones of `parentId` the viewer may see (`visibleTo` undefined: all), oldest first, at most `limit`. */
export async function seriesChildren(
  db: Database,
  parentId: string,
  visibleTo: string | undefined,
  limit: number,
): Promise<{ children: LineageEntry[]; more: boolean }> {
  const rows = await db
    .select(entryColumns)
    .from(series)
    .innerJoin(users, eq(users.id, series.ownerId))
    .where(
      and(eq(series.parentId, parentId), visibleTo === undefined ? undefined : seriesVisibleTo(visibleTo)),
    )
    .orderBy(asc(series.createdAt), asc(series.id))
    .limit(limit + 1);
  return { children: rows.slice(0, limit), more: rows.length > limit };
}

/** The series `id` as a lineage entry, when it exists and the viewer may see it. */
export async function lineageEntry(
  db: Database,
  id: string,
  visibleTo: string | undefined,
): Promise<LineageEntry | undefined> {
  const [row] = await db
    .select(entryColumns)
    .from(series)
    .innerJoin(users, eq(users.id, series.ownerId))
    .where(and(eq(series.id, id), visibleTo === undefined ? undefined : seriesVisibleTo(visibleTo)))
    .limit(1);
  return row;
}

/** Clones listed on a series' lineage; whether there are more is said. */
export const LISTED_CHILDREN = 100;

export interface SeriesLineage {
  /** Absent: no parent, deleted, or not visible to the viewer. */
  parent: LineageEntry | undefined;
  children: LineageEntry[];
  /** More than LISTED_CHILDREN clones: the first are listed. */
  more: boolean;
}

/** A series' parent (when the viewer may see it) and the clones they may see. */
export async function seriesLineage(
  db: Database,
  row: { id: string; parentId: string | null },
  visibleTo: string | undefined,
): Promise<SeriesLineage> {
  const [parent, { children, more }] = await Promise.all([
    row.parentId ? lineageEntry(db, row.parentId, visibleTo) : undefined,
    seriesChildren(db, row.id, visibleTo, LISTED_CHILDREN),
  ]);
  return { parent, children, more };
}
