// Bulk writes of runs and files. A series may hold up to a million runs, so writes go in
// batches, each batch as ONE JSON parameter unpacked by jsonb_to_recordset: far within the
// 65,535 bind parameters PostgreSQL allows per statement, and about ten times faster than a
// parameter per value (drizzle builds and the drivers bind each of those separately).
// Every write is idempotent: the activities that call these may run more than once.
import { and, count, eq, gte, inArray, lt, notInArray, or, sql, type SQL } from 'drizzle-orm';
import type { IndexRange } from '../core/ranges.ts';
import type { RunChange } from '../hosts/executor.ts';
import { RUN_STATES, TERMINAL_RUN_STATES, type RunState } from '../core/states.ts';
import type { Database } from './client.ts';
import { batches, jsonText, queryRows } from './raw.ts';
import { runs } from './schema.ts';

export interface NewRun {
  index: number;
  dir: string;
  params: Record<string, string>;
}

export interface FileEntry {
  /** Null for files of the series itself (the archive, tuples.tsv, setup log). */
  runIndex: number | null;
  path: string;
  size: number;
  sha256: string;
}

/** Inserts runs as `pending`; runs that already exist are left as they are. */
export async function insertRuns(db: Database, seriesId: string, rows: readonly NewRun[]): Promise<void> {
  for (const batch of batches(rows)) {
    await db.execute(sql`insert into runs (series_id, index, dir, params)
      select ${seriesId}, r.index, r.dir, r.params
      from jsonb_to_recordset(${jsonText(batch)}::jsonb) as r(index int, dir text, params jsonb)
      on conflict do nothing`);
  }
}

// Order of progress: a run only moves forward in this list; the last three are terminal.
const STATE_ORDER = sql.raw(`array[${RUN_STATES.map((s) => `'${s}'`).join(',')}]::text[]`);
const TERMINAL = sql.raw(TERMINAL_RUN_STATES.map((s) => `'${s}'`).join(','));

function rank(state: RunState): number {
  const position = RUN_STATES.indexOf(state);
  if (position < 0) throw new TypeError(`unknown run state ${JSON.stringify(state)}`);
  return position;
}

/**
 * Records state changes reported by a host for runs of `attempt`. Runs of another attempt are
 * left alone (a late report of an earlier attempt cannot touch a rerun); a terminal state is
 * final within its attempt, and other states only move forward (pending → queued → running),
 * so applying the same or older changes again changes nothing. Returns how many runs changed.
 */
export async function applyRunChanges(
  db: Database,
  seriesId: string,
  changes: readonly RunChange[],
  attempt: number,
): Promise<number> {
  let changed = 0;
  for (const batch of batches(mergeByIndex(changes))) {
    const rows = batch.map((c) => ({
      index: c.index,
      state: c.state,
      exit_code: c.exitCode ?? null,
      reason: c.reason ?? null,
      started_at: toTimestamp(c.startedAt),
      ended_at: toTimestamp(c.endedAt),
    }));
    const updated = await joiningByHash(db, (tx) =>
      queryRows<{ index: number }>(
        tx,
        sql`update runs as r set
              state = v.state,
              exit_code = coalesce(v.exit_code, r.exit_code),
              reason = coalesce(v.reason, r.reason),
              started_at = coalesce(v.started_at, r.started_at),
              ended_at = coalesce(v.ended_at, r.ended_at)
            from jsonb_to_recordset(${jsonText(rows)}::jsonb)
              as v(index int, state text, exit_code int, reason text, started_at timestamptz, ended_at timestamptz)
            where r.series_id = ${seriesId} and r.index = v.index and ${indexSpan(batch)}
              and r.attempt = ${attempt} and r.state not in (${TERMINAL})
              and array_position(${STATE_ORDER}, v.state) >= array_position(${STATE_ORDER}, r.state)
            returning r.index`,
      ),
    );
    changed += updated.length;
  }
  return changed;
}

/**
 * Runs an UPDATE … FROM <batch> with nested loops disabled. The planner's statistics never
 * know a series that was just inserted, so it takes it for one row and loops over the batch
 * for every run (10,000 × 100,000 comparisons, minutes). A hash join is linear instead.
 */
function joiningByHash<T>(db: Database, statement: (tx: Database) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`set local enable_nestloop = off`);
    const result = await statement(tx);
    // Inside a caller's transaction (a savepoint here) the setting would outlive this statement.
    await tx.execute(sql`reset enable_nestloop`);
    return result;
  });
}

/** Bounds the runs a batch can touch to its index range, so the join reads no more of the series. */
function indexSpan(batch: ReadonlyArray<{ index: number }>): SQL {
  const indices = batch.map((b) => b.index);
  return sql`r.index between ${Math.min(...indices)} and ${Math.max(...indices)}`;
}

/** One change per run (a statement may not update a row twice): the most advanced wins. */
function mergeByIndex(changes: readonly RunChange[]): RunChange[] {
  const byIndex = new Map<number, RunChange>();
  for (const change of changes) {
    const seen = byIndex.get(change.index);
    if (!seen) {
      rank(change.state);
      byIndex.set(change.index, change);
      continue;
    }
    const [ahead, behind] = rank(change.state) >= rank(seen.state) ? [change, seen] : [seen, change];
    byIndex.set(change.index, {
      index: change.index,
      state: ahead.state,
      exitCode: ahead.exitCode ?? behind.exitCode ?? null,
      reason: ahead.reason ?? behind.reason,
      startedAt: ahead.startedAt ?? behind.startedAt,
      endedAt: ahead.endedAt ?? behind.endedAt,
    });
  }
  return [...byIndex.values()].sort((a, b) => a.index - b.index);
}

/** Accepts ISO 8601 or epoch seconds (what `.tuplet/started` holds); anything else is unknown. */
function toTimestamp(value: string | undefined): string | null {
  if (value === undefined || value.trim() === '') return null;
  const ms = /^\s*\d+(\.\d+)?\s*$/.test(value) ? Number(value) * 1000 : Date.parse(value);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}

/**
 * Puts the runs in `states` back to `pending` under the new `attempt`, clearing what the
 * previous attempt recorded. Returns the index ranges (end exclusive) of every run of
 * `attempt`, so calling it again after a crash answers the same ranges.
 */
export async function resetRunsForRerun(
  db: Database,
  seriesId: string,
  states: readonly RunState[],
  attempt: number,
): Promise<Array<[number, number]>> {
  const unfinished = states.filter((s) => !TERMINAL_RUN_STATES.includes(s));
  if (unfinished.length > 0)
    throw new TypeError(`only finished runs can be rerun, not ${unfinished.join(', ')}`);
  if (states.length === 0) return [];
  const stateList = sql.join(
    states.map((s) => sql`${s}`),
    sql`, `,
  );
  const ranges = await queryRows<{ start: number; end: number }>(
    db,
    sql`with reset as (
          update runs set state = 'pending', attempt = ${attempt}, exit_code = null, reason = null,
                          job_id = null, started_at = null, ended_at = null, metrics = null
          where series_id = ${seriesId} and attempt < ${attempt} and state in (${stateList})
          returning index
        ), selected as (
          select index from reset
          union
          select index from runs where series_id = ${seriesId} and attempt = ${attempt}
        )
        select min(index)::int as "start", (max(index) + 1)::int as "end"
        from (select index, index - row_number() over (order by index) as island from selected) s
        group by island order by 1`,
  );
  return ranges.map((r) => [Number(r.start), Number(r.end)]);
}

export async function countRunsByState(db: Database, seriesId: string): Promise<Record<RunState, number>> {
  const rows = await db
    .select({ state: runs.state, n: count() })
    .from(runs)
    .where(eq(runs.seriesId, seriesId))
    .groupBy(runs.state);
  const counts = Object.fromEntries(RUN_STATES.map((s) => [s, 0])) as Record<RunState, number>;
  for (const row of rows) counts[row.state] = row.n;
  return counts;
}

/** Stores each run's metrics (the flat object of its `metrics.json`), replacing earlier ones. */
export async function setRunMetrics(
  db: Database,
  seriesId: string,
  items: ReadonlyArray<{ index: number; metrics: Record<string, unknown> }>,
): Promise<void> {
  const sorted = [...items].sort((a, b) => a.index - b.index);
  for (const batch of batches(sorted, 1_000)) {
    await joiningByHash(db, (tx) =>
      tx.execute(sql`update runs as r set metrics = v.metrics
        from jsonb_to_recordset(${jsonText(batch)}::jsonb) as v(index int, metrics jsonb)
        where r.series_id = ${seriesId} and r.index = v.index and ${indexSpan(batch)}`),
    );
  }
}

/** The runs whose index lies in one of `ranges` (end exclusive), as a WHERE condition. */
function indexInRanges(ranges: readonly IndexRange[]): SQL {
  const parts = ranges.map(([start, end]) => and(gte(runs.index, start), lt(runs.index, end))!);
  return parts.length === 1 ? parts[0]! : or(...parts)!;
}

const UNFINISHED_RUN_STATES: RunState[] = RUN_STATES.filter((s) => !TERMINAL_RUN_STATES.includes(s));

/** How many runs of the series exist (creating them resumes after this many). */
export async function countSeriesRuns(db: Database, seriesId: string): Promise<number> {
  const [row] = await db.select({ n: count() }).from(runs).where(eq(runs.seriesId, seriesId));
  return row?.n ?? 0;
}

/** Index and directory of every run of `ranges`. */
export function runDirsIn(
  db: Database,
  seriesId: string,
  ranges: readonly IndexRange[],
): Promise<Array<{ index: number; dir: string }>> {
  return db
    .select({ index: runs.index, dir: runs.dir })
    .from(runs)
    .where(and(eq(runs.seriesId, seriesId), indexInRanges(ranges)));
}

/** Marks the still-pending runs of `ranges` as queued under the scheduler's `jobId`. */
export async function markRunsQueued(
  db: Database,
  seriesId: string,
  ranges: readonly IndexRange[],
  jobId: string,
): Promise<void> {
  await db
    .update(runs)
    .set({ state: 'queued', jobId })
    .where(and(eq(runs.seriesId, seriesId), eq(runs.state, 'pending'), indexInRanges(ranges)));
}

/** How many runs of `ranges` have not finished. */
export async function countUnfinishedRuns(
  db: Database,
  seriesId: string,
  ranges: readonly IndexRange[],
): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(runs)
    .where(
      and(eq(runs.seriesId, seriesId), indexInRanges(ranges), inArray(runs.state, UNFINISHED_RUN_STATES)),
    );
  return row?.n ?? 0;
}

/** Marks the unfinished runs of `ranges` as failed with `reason` (lost by their host); returns how many. */
export async function failUnfinishedRuns(
  db: Database,
  seriesId: string,
  ranges: readonly IndexRange[],
  reason: string,
): Promise<number> {
  const changed = await db
    .update(runs)
    .set({ state: 'failed', reason, endedAt: new Date() })
    .where(
      and(eq(runs.seriesId, seriesId), indexInRanges(ranges), inArray(runs.state, UNFINISHED_RUN_STATES)),
    )
    .returning({ index: runs.index });
  return changed.length;
}

/** Marks every run that has not finished as cancelled; returns how many. */
export async function cancelUnfinishedRuns(
  db: Database,
  seriesId: string,
  reason = 'CANCELLED',
): Promise<number> {
  const cancelled = await db
    .update(runs)
    .set({ state: 'cancelled', reason, endedAt: new Date() })
    .where(and(eq(runs.seriesId, seriesId), notInArray(runs.state, [...TERMINAL_RUN_STATES])))
    .returning({ index: runs.index });
  return cancelled.length;
}

/** Records files of a series (path relative to its storage); a path seen again is updated. */
export async function insertFiles(db: Database, seriesId: string, rows: readonly FileEntry[]): Promise<void> {
  // One statement may not update a row twice: the last entry of a path wins.
  const byPath = new Map(rows.map((r) => [r.path, r]));
  for (const batch of batches([...byPath.values()])) {
    await db.execute(sql`insert into files (series_id, run_index, path, size, sha256)
      select ${seriesId}, f."runIndex", f.path, f.size, f.sha256
      from jsonb_to_recordset(${jsonText(batch)}::jsonb) as f("runIndex" int, path text, size bigint, sha256 text)
      on conflict (series_id, path) do update
        set run_index = excluded.run_index, size = excluded.size, sha256 = excluded.sha256`);
  }
}
