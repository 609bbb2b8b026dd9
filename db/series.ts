// Series queries the HTTP API and the web pages share: one series with its owner's name and
// the text search condition (run counts by state are db/runs.ts countRunsByState);
// and those of the reconcile (workers/reconcile.ts): unfinished series, and ending one.
import { and, eq, getTableColumns, ilike, notInArray, or, sql, type SQL } from 'drizzle-orm';
import { FINAL_SERIES_STATES, type SeriesState } from '../core/states.ts';
import type { Database } from './client.ts';
import { cancelUnfinishedRuns } from './runs.ts';
import { series, users } from './schema.ts';

export type SeriesRow = typeof series.$inferSelect;
export type SeriesWithOwner = SeriesRow & { ownerName: string };

/** The columns of a series with its owner's name (join `users` on the owner). */
export const seriesWithOwner = { ...getTableColumns(series), ownerName: users.name };

export async function findSeries(db: Database, id: string): Promise<SeriesWithOwner | undefined> {
  const [row] = await db
    .select(seriesWithOwner)
    .from(series)
    .innerJoin(users, eq(users.id, series.ownerId))
    .where(eq(series.id, id))
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
      .set({ state, reason, finishedAt: now, updatedAt: now })
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
