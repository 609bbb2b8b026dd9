// Reading series: one by id, or a page of everyone's series (newest first) with text search
// and filters, each with its run counts by state.
import type { Database } from '../../db/client.ts';
import type { RunCounts } from '../../db/runs.ts';
import {
  decodeSeriesCursor,
  encodeSeriesCursor,
  findSeries,
  listSeriesPage,
  type SeriesSummary,
  type SeriesWithOwner,
} from '../../db/series.ts';
import type { SeriesState } from '../../core/states.ts';
import { seriesViewer } from '../access.ts';
import type { AuthUser } from '../context.ts';
import { badRequest, notFound } from '../errors.ts';

/** The series as `user` may see it: one they may not see is a 404, like one that does not exist. */
export async function getSeries(db: Database, id: string, user: AuthUser): Promise<SeriesWithOwner> {
  const row = await findSeries(db, id, seriesViewer(user));
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

export async function listSeries(
  db: Database,
  filter: SeriesFilter,
  me: AuthUser,
): Promise<{ series: SeriesSummary[]; nextCursor: string | null }> {
  const after = filter.cursor === undefined ? undefined : decodeSeriesCursor(filter.cursor);
  if (filter.cursor && !after) throw badRequest('cursor: not a cursor this API returned');
  const page = await listSeriesPage(db, {
    text: filter.q,
    ownerId: filter.owner === 'me' ? me.id : undefined,
    ownerName: filter.owner === 'me' ? undefined : filter.owner,
    states: filter.state,
    host: filter.host,
    application: filter.application,
    visibleTo: seriesViewer(me),
    limit: filter.limit,
    after,
  });
  return { series: page.rows, nextCursor: page.older && encodeSeriesCursor(page.older) };
}
