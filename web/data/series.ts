// Series as the pages show them: one query for a page of series (their counts come in one
// more, db/runs.ts countRunsByState, through data/counts.ts), whatever the number of runs; pages
// are keyset pages as in the API, their cursors carried in the links.
import type { Database } from '../../db/client.ts';
import { listApplicationNames } from '../../db/applications.ts';
import { listHostNames } from '../../db/hosts.ts';
import {
  decodeSeriesCursor,
  encodeSeriesCursor,
  findSeries,
  listSeriesPage,
  type SeriesSummary,
  type SeriesWithOwner,
} from '../../db/series.ts';
import type { SeriesState } from '../../core/states.ts';

export interface SeriesFilter {
  /** Words that must each appear in the description, tags, application or owner name. */
  q?: string | undefined;
  ownerId?: string | undefined;
  state?: SeriesState | undefined;
  host?: string | undefined;
  application?: string | undefined;
  /** Only the series this user (id) may see (api/access.ts seriesViewer); absent: all (admins). */
  visibleTo?: string | undefined;
  limit: number;
  /** Encoded cursors: the page older than `after`, or newer than `before`. */
  after?: string | undefined;
  before?: string | undefined;
}

export type SeriesListRow = SeriesSummary & { owner: string };

export interface SeriesListPage {
  rows: SeriesListRow[];
  /** The encoded `after` of the next (older) page, `before` of the previous (newer) one. */
  older: string | null;
  newer: string | null;
}

/** A cursor that does not decode (an edited link) is ignored: the page starts at the newest. */
export async function listSeries(db: Database, filter: SeriesFilter): Promise<SeriesListPage> {
  const page = await listSeriesPage(db, {
    text: filter.q,
    ownerId: filter.ownerId,
    states: filter.state && [filter.state],
    host: filter.host,
    application: filter.application,
    visibleTo: filter.visibleTo,
    limit: filter.limit,
    after: filter.after === undefined ? undefined : decodeSeriesCursor(filter.after),
    before: filter.before === undefined ? undefined : decodeSeriesCursor(filter.before),
  });
  return {
    rows: page.rows.map((row) => ({ ...row, owner: row.ownerName })),
    older: page.older && encodeSeriesCursor(page.older),
    newer: page.newer && encodeSeriesCursor(page.newer),
  };
}

export type SeriesRow = SeriesWithOwner & { owner: string };

/** The series if `visibleTo` (a user id; undefined: an admin) may see it. */
export async function getSeries(db: Database, id: string, visibleTo: string | undefined): Promise<SeriesRow | undefined> {
  const row = await findSeries(db, id, visibleTo);
  return row && { ...row, owner: row.ownerName };
}

/** Names for the home page's filters and the new-series form. */
export async function hostAndApplicationNames(db: Database): Promise<{ hosts: string[]; applications: string[] }> {
  const [hosts, applications] = await Promise.all([listHostNames(db), listApplicationNames(db)]);
  return { hosts, applications };
}
