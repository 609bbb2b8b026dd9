// Run rows: created from the template in batches, then moved through their states by polls.
import { Context } from '@temporalio/activity';
import type { Database } from '../../db/client.ts';
import { applyRunChanges, countRunsByState, countSeriesRuns, insertRuns } from '../../db/runs.ts';
import { analyzeResults } from '../../db/results.ts';
import { findSeries } from '../../db/series.ts';
import type { IndexRange } from '../../core/ranges.ts';
import { unfinishedOf, type RunState } from '../../core/states.ts';
import type { RunChange } from '../../hosts/executor.ts';
import { checkedRunChange } from '../../hosts/run-fields.ts';
import type { Logger } from '../../log.ts';
import { parseSweep, tuplesInRange } from '../../sweep/index.ts';
import { notFound } from '../errors.ts';

const INSERT_BATCH = 5_000;

/** Inserts every run of the series, resuming after the last batch a previous attempt heartbeated. */
export async function createRunRows(db: Database, seriesId: string): Promise<number> {
  const row = await findSeries(db, seriesId);
  if (!row) throw notFound(`series ${seriesId}`);
  if ((await countSeriesRuns(db, seriesId)) >= row.count) return row.count;

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
  // The results pages' plans need statistics that include this series (PGlite gathers none itself).
  await analyzeResults(db);
  return row.count;
}

/**
 * Records what a poll reported about the runs of `ranges` and answers how many are not yet
 * final, and the runs of `ranges` by state (the chunk reports the last of these to its series
 * when it ends: the series' progress follows the runs without an event per poll). Each change
 * is checked on its own first (hosts/run-fields.ts), so one run's impossible value — a time
 * no database can hold, an exit code past 255 — fails that run with a reason instead of
 * failing the write of every change reported with it.
 */
export async function recordRunChanges(
  db: Database,
  logger: Logger,
  seriesId: string,
  attempt: number,
  changes: readonly RunChange[],
  ranges: IndexRange[],
): Promise<{ remaining: number; counts: Record<RunState, number> }> {
  const now = Date.now();
  const checked = changes.flatMap((change) => checkedRunChange(change, ranges, now) ?? []);
  if (checked.length < changes.length) {
    logger.warn(
      { seriesId, ignored: changes.length - checked.length },
      'a poll reported runs outside the chunk polled; they were ignored',
    );
  }
  if (checked.length > 0) await applyRunChanges(db, seriesId, checked, attempt);
  const counts = (await countRunsByState(db, [{ id: seriesId }], ranges)).get(seriesId)!;
  return { remaining: unfinishedOf(counts), counts };
}

/** The activity context when running inside an activity (tests may call these directly). */
function activityContext(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined;
  }
}
