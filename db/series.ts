// Series queries the HTTP API and the web pages share: one series with its owner's name and
// the text search condition (run counts by state are db/runs.ts countRunsByState);
// and those of the reconcile (workers/reconcile.ts): unfinished series, and ending one.
// Also: pages of series (keyset, for the API and the home page alike) and the series row's
// writes (creation, state changes, rerun, deletion).
import { and, desc, eq, getTableColumns, ilike, inArray, notInArray, or, sql, type SQL } from 'drizzle-orm';
import { FINAL_SERIES_STATES, type SeriesState } from '../core/states.ts';
import type { Database } from './client.ts';
import { cursorValues, encodeCursor } from './cursor.ts';
import { cancelUnfinishedRuns } from './runs.ts';
import { seriesVisibleTo } from './groups.ts';
import { groups, series, users } from './schema.ts';

export type SeriesRow = typeof series.$inferSelect;
export type NewSeriesRow = typeof series.$inferInsert;
export type SeriesWithOwner = SeriesRow & { ownerName: string; groupName: string | null };

/** The columns of a series with its owner's and group's names (join `users`, left join `groups`). */
export const seriesWithOwner = { ...getTableColumns(series), ownerName: users.name, groupName: groups.name };

/** The series, if it exists and (with `visibleTo`, a user id) that user may see it (db/groups.ts). */
export async function findSeries(
  db: Database,
  id: string,
  visibleTo?: string,
): Promise<SeriesWithOwner | undefined> {
  const [row] = await db
    .select(seriesWithOwner)
    .from(series)
    .innerJoin(users, eq(users.id, series.ownerId))
    .leftJoin(groups, eq(groups.id, series.groupId))
    .where(and(eq(series.id, id), visibleTo === undefined ? undefined : seriesVisibleTo(visibleTo)))
    .limit(1);
  return row;
}

/** `%`, `_` and `\` typed by a user match themselves, not any character. */
function likePattern(word: string): string {
  return `%${word.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
}

/**
 * Search text: every word (up to 8) must appear in the description, tags, application or the
 * owner's name, in any order (the query joins `users` on the owner). Undefined when empty.
 */
export function seriesTextMatch(text: string | undefined): SQL | undefined {
  const words = (text ?? '').split(/\s+/).filter(Boolean).slice(0, 8);
  if (words.length === 0) return undefined;
  const each = words.map((word) => {
    const pattern = likePattern(word);
    return or(
      ilike(series.description, pattern),
      ilike(series.application, pattern),
      ilike(users.name, pattern),
      sql`${series.tags}::text ilike ${pattern}`,
    )!;
  });
  return sql.join(each, sql` and `);
}

/** What the reconcile needs of a series whose row is not in a final state. */
export interface UnfinishedSeries {
  id: string;
  workflowId: string;
  state: SeriesState;
  attempt: number;
}

export async function listUnfinishedSeries(db: Database): Promise<UnfinishedSeries[]> {
  return db
    .select({ id: series.id, workflowId: series.workflowId, state: series.state, attempt: series.attempt })
    .from(series)
    .where(notInArray(series.state, [...FINAL_SERIES_STATES]))
    .orderBy(series.createdAt);
}

/**
 * Ends a series its workflow left unfinished: the row becomes `state` with `reason` and its
 * unfinished runs are cancelled, in one transaction. Only while the row is as it was listed
 * (same attempt, not final): a series that recorded its end meanwhile, or was rerun, is left
 * alone. Answers whether the row was changed.
 */
export async function endUnfinishedSeries(
  db: Database,
  listed: Pick<UnfinishedSeries, 'id' | 'attempt'>,
  state: 'failed' | 'cancelled',
  reason: string,
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const now = new Date();
    const changed = await tx
      .update(series)
      .set({ state, reason, waitReason: null, finishedAt: now, updatedAt: now })
      .where(
        and(
          eq(series.id, listed.id),
          eq(series.attempt, listed.attempt),
          notInArray(series.state, [...FINAL_SERIES_STATES]),
        ),
      )
      .returning({ id: series.id });
    if (changed.length === 0) return false;
    await cancelUnfinishedRuns(tx, listed.id);
    return true;
  });
}

/** Summary columns: everything but the sweep text and snapshot a listing never shows. */
const { ini: _ini, applicationSnapshot: _snapshot, ...summaryColumns } = seriesWithOwner;
export type SeriesSummary = Omit<SeriesWithOwner, 'ini' | 'applicationSnapshot'>;

export interface SeriesFilter {
  /** Words that must each appear in the description, tags, application or owner name. */
  text?: string | undefined;
  ownerId?: string | undefined;
  ownerName?: string | undefined;
  /** Any of these states (none: every state). */
  states?: readonly SeriesState[] | undefined;
  host?: string | undefined;
  application?: string | undefined;
  /** Only the series this user (id) may see; absent: every series (admins). */
  visibleTo?: string | undefined;
}

/**
 * A position in the listing (newest first): a series' creation time as the database's own
 * timestamp text, so microseconds survive the round trip, and its id to break ties.
 */
export interface SeriesCursor {
  createdAt: string;
  id: string;
}

export interface SeriesPageQuery extends SeriesFilter {
  limit: number;
  /** The page of series older than this one (the next page). */
  after?: SeriesCursor | undefined;
  /** The page of series newer than this one (the previous page). */
  before?: SeriesCursor | undefined;
}

export interface SeriesPage {
  rows: SeriesSummary[];
  /** `after` of the next (older) page, or null at the end. */
  older: SeriesCursor | null;
  /** `before` of the previous (newer) page, or null at the start. */
  newer: SeriesCursor | null;
}

function filterConditions(filter: SeriesFilter): SQL[] {
  const conditions: SQL[] = [];
  const text = seriesTextMatch(filter.text);
  if (text) conditions.push(text);
  if (filter.ownerId) conditions.push(eq(series.ownerId, filter.ownerId));
  if (filter.ownerName) conditions.push(eq(users.name, filter.ownerName));
  if (filter.states && filter.states.length > 0) conditions.push(inArray(series.state, [...filter.states]));
  if (filter.host) conditions.push(eq(series.host, filter.host));
  if (filter.application) conditions.push(eq(series.application, filter.application));
  if (filter.visibleTo !== undefined) conditions.push(seriesVisibleTo(filter.visibleTo));
  return conditions;
}

/**
 * One page of series matching the filter, newest first, with their owner's name; keyset paging,
 * so a deep page costs what the first does. Forward from `after`, or backward from `before`.
 */
export async function listSeriesPage(db: Database, query: SeriesPageQuery): Promise<SeriesPage> {
  const backward = query.before !== undefined;
  const position = sql`(${series.createdAt}, ${series.id})`;
  const cursor = query.before ?? query.after;
  const edge =
    cursor === undefined
      ? undefined
      : sql`${position} ${backward ? sql`>` : sql`<`} (${cursor.createdAt}::timestamptz, ${cursor.id})`;
  const order = backward ? [series.createdAt, series.id] : [desc(series.createdAt), desc(series.id)];
  const rows = await db
    .select({ ...summaryColumns, createdAtText: sql<string>`${series.createdAt}::text` })
    .from(series)
    .innerJoin(users, eq(users.id, series.ownerId))
    .leftJoin(groups, eq(groups.id, series.groupId))
    .where(and(...filterConditions(query), edge))
    .orderBy(...order)
    .limit(query.limit + 1);
  const more = rows.length > query.limit;
  const page = rows.slice(0, query.limit);
  if (backward) page.reverse();
  const first = page[0];
  const last = page.at(-1);
  if (!first || !last) return { rows: [], older: null, newer: null };
  const cursorOf = (row: typeof first): SeriesCursor => ({ createdAt: row.createdAtText, id: row.id });
  // The side we came from held the cursor's series a moment ago: no query to ask again.
  const older = backward || more ? cursorOf(last) : null;
  const newer = (backward ? more : query.after !== undefined) ? cursorOf(first) : null;
  return { rows: page.map(({ createdAtText: _, ...row }) => row), older, newer };
}

export function encodeSeriesCursor(cursor: SeriesCursor): string {
  return encodeCursor([cursor.createdAt, cursor.id]);
}

/** The cursor, or undefined when the text is not one encodeSeriesCursor made. */
export function decodeSeriesCursor(text: string): SeriesCursor | undefined {
  const values = cursorValues(text);
  if (values?.length !== 2 || !values.every((v) => typeof v === 'string')) return undefined;
  const [createdAt, id] = values as [string, string];
  return Number.isNaN(Date.parse(createdAt)) ? undefined : { createdAt, id };
}

/** Whether any series exists at all (the home page greets an empty installation). */
export async function hasAnySeries(db: Database): Promise<boolean> {
  const rows = await db.select({ id: series.id }).from(series).limit(1);
  return rows.length > 0;
}

export async function seriesExists(db: Database, id: string): Promise<boolean> {
  const rows = await db.select({ id: series.id }).from(series).where(eq(series.id, id)).limit(1);
  return rows.length > 0;
}

/** What the live progress bars need of several series (with `visibleTo`, of those that user may see). */
export function seriesProgressRows(
  db: Database,
  ids: string[],
  visibleTo?: string,
): Promise<Array<Pick<SeriesRow, 'id' | 'state' | 'count' | 'attempt'>>> {
  return db
    .select({ id: series.id, state: series.state, count: series.count, attempt: series.attempt })
    .from(series)
    .where(and(inArray(series.id, ids), visibleTo === undefined ? undefined : seriesVisibleTo(visibleTo)));
}

/** A user's latest series, newest first: what one usually starts a new series from. */
export function recentSeriesOf(
  db: Database,
  ownerId: string,
  limit: number,
): Promise<Array<Pick<SeriesRow, 'id' | 'description' | 'createdAt'>>> {
  return db
    .select({ id: series.id, description: series.description, createdAt: series.createdAt })
    .from(series)
    .where(eq(series.ownerId, ownerId))
    .orderBy(desc(series.createdAt))
    .limit(limit);
}

/** The id of one series the user owns, if any (an account with series cannot be deleted). */
export async function anySeriesOwnedBy(db: Database, ownerId: string): Promise<string | undefined> {
  const [row] = await db.select({ id: series.id }).from(series).where(eq(series.ownerId, ownerId)).limit(1);
  return row?.id;
}

/** The id of one unfinished series on the host, if any (such a host cannot be removed). */
export async function anyUnfinishedSeriesOn(db: Database, host: string): Promise<string | undefined> {
  const [row] = await db
    .select({ id: series.id })
    .from(series)
    .where(and(eq(series.host, host), notInArray(series.state, [...FINAL_SERIES_STATES])))
    .limit(1);
  return row?.id;
}

/** The series row without its owner's name (what a series' activities load). */
export async function findSeriesRow(db: Database, id: string): Promise<SeriesRow | undefined> {
  const [row] = await db.select().from(series).where(eq(series.id, id));
  return row;
}

export async function insertSeries(db: Database, row: NewSeriesRow): Promise<void> {
  await db.insert(series).values(row);
}

/** The row goes; its runs and files with it (ON DELETE CASCADE). */
export async function deleteSeries(db: Database, id: string): Promise<void> {
  await db.delete(series).where(eq(series.id, id));
}

/** A rerun starts: the series is running again under its next attempt. */
export async function markSeriesRerun(db: Database, id: string, attempt: number): Promise<void> {
  await db
    .update(series)
    .set({ attempt, state: 'running', reason: null, finishedAt: null, updatedAt: new Date() })
    .where(eq(series.id, id));
}

/** Moves the series to `state`; a final state stamps finishedAt, the first `running` startedAt. */
export async function updateSeriesState(
  db: Database,
  seriesId: string,
  state: SeriesState,
  reason?: string,
): Promise<void> {
  const now = new Date();
  const final = FINAL_SERIES_STATES.includes(state);
  await db
    .update(series)
    .set({
      state,
      updatedAt: now,
      ...(reason !== undefined ? { reason } : {}),
      ...(state === 'running' ? { startedAt: sql`coalesce(${series.startedAt}, now())` } : {}),
      // A series that ended waits for nothing.
      ...(final ? { finishedAt: now, waitReason: null } : { finishedAt: null }),
    })
    .where(eq(series.id, seriesId));
}

/** The reason of a running series, set while its jobs are held: a final state's reason is never overwritten. */
export async function noteSeriesHeld(db: Database, seriesId: string, held: string | null): Promise<void> {
  const reason = held === null ? null : `waiting in the queue: ${held}`;
  await db
    .update(series)
    .set({ reason, updatedAt: new Date() })
    .where(and(eq(series.id, seriesId), eq(series.state, 'running')));
}

/**
 * Why a series waits (docs/quotas.md): the host's load, a quota, or a scheduler's hold, as its
 * poll last said; null once its runs start. Only a series not yet final shows one.
 */
export async function noteSeriesWaiting(
  db: Database,
  seriesId: string,
  waitReason: string | null,
): Promise<void> {
  await db
    .update(series)
    .set({ waitReason, updatedAt: new Date() })
    .where(and(eq(series.id, seriesId), notInArray(series.state, [...FINAL_SERIES_STATES])));
}
