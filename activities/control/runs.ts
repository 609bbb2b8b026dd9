// Run rows: created from the template in batches, then moved through their states by polls.
import { Context } from '@temporalio/activity';
import { and, eq, gte, inArray, lt, or, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../../db/client.ts';
import { applyRunChanges, insertRuns } from '../../db/runs.ts';
import { runs, series } from '../../db/schema.ts';
import type { RunChange } from '../../hosts/executor.ts';
import { checkedRunChange } from '../../hosts/run-fields.ts';
import type { Logger } from '../../log.ts';
import { parseSweep, tuplesInRange } from '../../sweep/index.ts';
import type { IndexRange } from '../../workflows/plan.ts';
import { TERMINAL_RUN_STATES, type RunState } from '../../workflows/shared.ts';
import { notFound } from '../errors.ts';

const INSERT_BATCH = 5_000;

export function inRanges(ranges: readonly IndexRange[]): SQL {
  const parts = ranges.map(([start, end]) => and(gte(runs.index, start), lt(runs.index, end))!);
  return parts.length === 1 ? parts[0]! : or(...parts)!;
}

/** Inserts every run of the series, resuming after the last batch a previous attempt heartbeated. */
export async function createRunRows(db: Database, seriesId: string): Promise<number> {
  const [row] = await db
    .select({ ini: series.ini, count: series.count })
    .from(series)
    .where(eq(series.id, seriesId));
  if (!row) throw notFound(`series ${seriesId}`);
  const [{ existing } = { existing: 0 }] = await db
    .select({ existing: sql<number>`count(*)::int` })
    .from(runs)
    .where(eq(runs.seriesId, seriesId));
  if (existing >= row.count) return row.count;

  const sweep = parseSweep(row.ini, { maxTuples: row.count });
  const resumeAt = Number(activityContext()?.info.heartbeatDetails ?? 0) || 0;
  for (let start = resumeAt; start < row.count; start += INSERT_BATCH) {
    const end = Math.min(row.count, start + INSERT_BATCH);
    const batch = Array.from(tuplesInRange(sweep, start, end), (t) => ({
      index: Number(t.index),
      dir: t.dir,
      params: t.values,
    }));
    await insertRuns(db, seriesId, batch);
    activityContext()?.heartbeat(end);
  }
  return row.count;
}

export async function markRunsQueued(db: Database, seriesId: string, ranges: IndexRange[], jobId: string) {
  await db
    .update(runs)
    .set({ state: 'queued', jobId })
    .where(and(eq(runs.seriesId, seriesId), eq(runs.state, 'pending'), inRanges(ranges)));
}

/**
 * Records what a poll reported about the runs of `ranges` and answers how many are not yet
 * final. Each change is checked on its own first (hosts/run-fields.ts), so one run's
 * impossible value — a time no database can hold, an exit code past 255 — fails that run
 * with a reason instead of failing the write of every change reported with it.
 */
export async function recordRunChanges(
  db: Database,
  logger: Logger,
  seriesId: string,
  attempt: number,
  changes: readonly RunChange[],
  ranges: IndexRange[],
): Promise<{ remaining: number }> {
  const now = Date.now();
  const checked = changes.flatMap((change) => checkedRunChange(change, ranges, now) ?? []);
  if (checked.length < changes.length) {
    logger.warn(
      { seriesId, ignored: changes.length - checked.length },
      'a poll reported runs outside the chunk polled; they were ignored',
    );
  }
  if (checked.length > 0) await applyRunChanges(db, seriesId, checked, attempt);
  return { remaining: await countUnfinished(db, seriesId, ranges) };
}

export async function countUnfinished(db: Database, seriesId: string, ranges: IndexRange[]): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(runs)
    .where(
      and(
        eq(runs.seriesId, seriesId),
        inRanges(ranges),
        inArray(runs.state, ['pending', 'queued', 'running']),
      ),
    );
  return row?.n ?? 0;
}

export async function failUnfinished(db: Database, seriesId: string, ranges: IndexRange[], reason: string) {
  const changed = await db
    .update(runs)
    .set({ state: 'failed', reason, endedAt: new Date() })
    .where(
      and(
        eq(runs.seriesId, seriesId),
        inRanges(ranges),
        inArray(runs.state, ['pending', 'queued', 'running']),
      ),
    )
    .returning({ index: runs.index });
  return changed.length;
}

export async function cancelUnfinished(db: Database, seriesId: string): Promise<void> {
  await db
    .update(runs)
    .set({ state: 'cancelled', reason: 'CANCELLED', endedAt: new Date() })
    .where(and(eq(runs.seriesId, seriesId), inArray(runs.state, ['pending', 'queued', 'running'])));
}

export function isTerminal(state: RunState): boolean {
  return TERMINAL_RUN_STATES.includes(state);
}

/** The activity context when running inside an activity (tests may call these directly). */
function activityContext(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined;
  }
}
