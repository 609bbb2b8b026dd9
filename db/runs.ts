// Every query on the runs of a series. A series may hold up to a million runs, so writes go in
// batches, each batch as ONE JSON parameter unpacked by jsonb_to_recordset: far within the
// 65,535 bind parameters PostgreSQL allows per statement, and about ten times faster than a
// parameter per value (drizzle builds and the drivers bind each of those separately).
// Every write is idempotent: the activities that call these may run more than once. Reads go
// by index (the primary key after the series): pages by keyset, whatever their depth.
import { and, asc, count, desc, eq, gte, inArray, lt, lte, notInArray, or, sql, type SQL } from 'drizzle-orm';
import { rangesOfIndices, type IndexRange } from '../core/ranges.ts';
import type { RunChange } from '../hosts/executor.ts';
import { RUN_STATES, TERMINAL_RUN_STATES, type RunState } from '../core/states.ts';
import type { Database } from './client.ts';
import { cursorValues, encodeCursor } from './cursor.ts';
import { batches, jsonText, queryRows } from './raw.ts';
import { runs, seriesMetricNames } from './schema.ts';

export interface NewRun {
  index: number;
  dir: string;
  params: Record<string, string>;
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
                          job_id = null, started_at = null, ended_at = null, metrics = null,
                          outputs_left_on = null
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
  /** The host the chunk was submitted to: each run records where it ran (docs/multi-host.md). */
  host?: string,
): Promise<void> {
  await db
    .update(runs)
    .set({ state: 'queued', jobId, ...(host === undefined ? {} : { host }) })
    .where(and(eq(runs.seriesId, seriesId), eq(runs.state, 'pending'), indexInRanges(ranges)));
}

/**
 * Puts the unfinished runs of `ranges` back to `pending`, off their job and host, and answers
 * them as ranges: a chunk whose host was lost runs them again elsewhere; its finished runs stay
 * as recorded (docs/multi-host.md).
 */
export async function releaseUnfinishedRuns(
  db: Database,
  seriesId: string,
  ranges: readonly IndexRange[],
): Promise<IndexRange[]> {
  const released = await db
    .update(runs)
    .set({ state: 'pending', jobId: null, host: null, startedAt: null })
    .where(
      and(eq(runs.seriesId, seriesId), indexInRanges(ranges), inArray(runs.state, UNFINISHED_RUN_STATES)),
    )
    .returning({ index: runs.index });
  return rangesOfIndices(released.map((r) => r.index));
}

/**
 * Marks the runs of `ranges` that ended on `host` as having their outputs there still: the host
 * was lost and did not come back by the series' end (docs/multi-host.md). Answers how many.
 */
export async function markOutputsLeftOn(
  db: Database,
  seriesId: string,
  host: string,
  ranges: readonly IndexRange[],
): Promise<number> {
  const marked = await db
    .update(runs)
    .set({ outputsLeftOn: host })
    .where(and(eq(runs.seriesId, seriesId), indexInRanges(ranges), eq(runs.host, host)))
    .returning({ index: runs.index });
  return marked.length;
}

/** Runs of a series per host they were last submitted to (null: not submitted yet). */
export async function countRunsByHost(db: Database, seriesId: string): Promise<Map<string | null, number>> {
  const rows = await db
    .select({ host: runs.host, n: sql<number>`count(*)::int` })
    .from(runs)
    .where(eq(runs.seriesId, seriesId))
    .groupBy(runs.host);
  return new Map(rows.map((r) => [r.host, Number(r.n)]));
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

/** What the pages and the API show of a run. */
export type RunRow = Pick<
  typeof runs.$inferSelect,
  | 'index'
  | 'dir'
  | 'params'
  | 'state'
  | 'exitCode'
  | 'reason'
  | 'startedAt'
  | 'endedAt'
  | 'metrics'
  | 'attempt'
  | 'reusedFromSeries'
  | 'reusedFromIndex'
  | 'host'
  | 'outputsLeftOn'
>;

const runColumns = {
  index: runs.index,
  dir: runs.dir,
  params: runs.params,
  state: runs.state,
  exitCode: runs.exitCode,
  reason: runs.reason,
  startedAt: runs.startedAt,
  endedAt: runs.endedAt,
  metrics: runs.metrics,
  reusedFromSeries: runs.reusedFromSeries,
  reusedFromIndex: runs.reusedFromIndex,
  attempt: runs.attempt,
  host: runs.host,
  outputsLeftOn: runs.outputsLeftOn,
};

/** The largest run index: runs.index is a PostgreSQL integer. */
export const MAX_RUN_INDEX = 2 ** 31 - 1;

export type RunCounts = Record<RunState, number>;

export function emptyCounts(): RunCounts {
  return Object.fromEntries(RUN_STATES.map((s) => [s, 0])) as RunCounts;
}

/**
 * Run counts by state for several series in one grouped query. With a series' `count`, the
 * runs not yet recorded (while they are being created) count as pending. With `within`, only
 * the runs of those index ranges are counted (a chunk's, for its poll loop).
 */
export async function countRunsByState(
  db: Database,
  list: ReadonlyArray<{ id: string; count?: number }>,
  within?: readonly IndexRange[],
): Promise<Map<string, RunCounts>> {
  const result = new Map(list.map((s) => [s.id, emptyCounts()]));
  if (list.length === 0) return result;
  const rows = await db
    .select({ seriesId: runs.seriesId, state: runs.state, n: count() })
    .from(runs)
    .where(
      and(
        inArray(
          runs.seriesId,
          list.map((s) => s.id),
        ),
        within ? indexInRanges(within) : undefined,
      ),
    )
    .groupBy(runs.seriesId, runs.state);
  for (const row of rows) {
    const counts = result.get(row.seriesId);
    if (counts && row.state in counts) counts[row.state] += Number(row.n);
  }
  for (const s of list) {
    const counts = result.get(s.id)!;
    const recorded = RUN_STATES.reduce((sum, state) => sum + counts[state], 0);
    if (s.count !== undefined && recorded < s.count) counts.pending += s.count - recorded;
  }
  return result;
}

/**
 * A page of runs in index order, by keyset: forward from index `from` (inclusive), or backward
 * from just before index `before`. The one paging scheme of runs: the web passes the indices in
 * its links, the API wraps them in opaque cursors (api/routes/series-runs.ts).
 */
export interface RunsQuery {
  state?: RunState | undefined;
  /** First index of the page (inclusive); pages forward. */
  from?: number | undefined;
  /** Page backward: the runs just before this index. */
  before?: number | undefined;
  limit: number;
  /** How many runs the series has recorded, when known: spares queries on unfiltered pages. */
  total?: number | undefined;
}

export interface RunsPage {
  runs: RunRow[];
  /** `from` of the next page, or null at the end. */
  next: number | null;
  /** `before` of the previous page, or null at the start. */
  prev: number | null;
}

export async function runsPage(db: Database, seriesId: string, query: RunsQuery): Promise<RunsPage> {
  const base: SQL[] = [eq(runs.seriesId, seriesId)];
  if (query.state) base.push(eq(runs.state, query.state));
  const backward = query.before !== undefined;
  const edge = backward ? lt(runs.index, query.before!) : gte(runs.index, query.from ?? 0);
  const rows = await db
    .select(runColumns)
    .from(runs)
    .where(and(...base, edge))
    .orderBy(backward ? desc(runs.index) : asc(runs.index))
    .limit(query.limit + 1);
  const more = rows.length > query.limit;
  const page = rows.slice(0, query.limit);
  if (backward) page.reverse();
  const first = page[0]?.index;
  const last = page.at(-1)?.index;
  if (first === undefined || last === undefined) return { runs: [], next: null, prev: null };
  // Unfiltered, the indices of a series are exactly 0 … total-1 (runs are created in index
  // order): no query needed to know whether runs lie before or after the page.
  const contiguous = !query.state && query.total !== undefined;
  const [hasBefore, hasAfter] = await Promise.all([
    backward ? more : contiguous ? first > 0 : anyRun(db, and(...base, lt(runs.index, first))!),
    backward
      ? contiguous
        ? last + 1 < query.total!
        : anyRun(db, and(...base, gte(runs.index, last + 1))!)
      : more,
  ]);
  return { runs: page, next: hasAfter ? last + 1 : null, prev: hasBefore ? first : null };
}

/** Where a page of runs starts, as RunsQuery takes it and RunsPage answers it. */
export type RunsPosition = { from: number } | { before: number };

/** The opaque cursor of a position, for the API (the web's links carry the index itself). */
export function encodeRunsCursor(position: RunsPosition): string {
  return 'from' in position
    ? encodeCursor(['from', position.from])
    : encodeCursor(['before', position.before]);
}

/** The position of a cursor encodeRunsCursor made, or undefined for any other text. */
export function decodeRunsCursor(text: string): RunsPosition | undefined {
  const values = cursorValues(text);
  if (values?.length !== 2) return undefined;
  const [side, index] = values;
  // runs.index is a PostgreSQL integer: a larger number would fail the query, not find nothing.
  if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index > MAX_RUN_INDEX)
    return undefined;
  if (side === 'from') return { from: index };
  if (side === 'before') return { before: index };
  return undefined;
}

async function anyRun(db: Database, where: SQL): Promise<boolean> {
  const rows = await db
    .select({ one: sql<number>`1` })
    .from(runs)
    .where(where)
    .limit(1);
  return rows.length > 0;
}

export async function getRun(db: Database, seriesId: string, index: number): Promise<RunRow | undefined> {
  const [row] = await db
    .select(runColumns)
    .from(runs)
    .where(and(eq(runs.seriesId, seriesId), eq(runs.index, index)))
    .limit(1);
  return row;
}

/** Every run in index order, in batches, for the CSV export (memory stays flat). */
export async function* allRuns(db: Database, seriesId: string, batch = 5000): AsyncGenerator<RunRow[]> {
  let from = 0;
  for (;;) {
    const rows = await db
      .select(runColumns)
      .from(runs)
      .where(and(eq(runs.seriesId, seriesId), gte(runs.index, from)))
      .orderBy(asc(runs.index))
      .limit(batch);
    if (rows.length === 0) return;
    yield rows;
    from = rows.at(-1)!.index + 1;
  }
}

/**
 * Metric names any run of a series reported (series_metric_names, kept by triggers: migration
 * 0006), those with a numeric value first, each part by name; at most `limit`.
 */
export async function metricNames(db: Database, seriesId: string, limit = 50): Promise<string[]> {
  const rows = await db
    .select({ name: seriesMetricNames.name, numeric: seriesMetricNames.numeric })
    .from(seriesMetricNames)
    .where(eq(seriesMetricNames.seriesId, seriesId));
  const byName = (a: string, b: string) => a.localeCompare(b);
  const names = (numeric: boolean) =>
    rows
      .filter((r) => r.numeric === numeric)
      .map((r) => r.name)
      .sort(byName);
  return [...names(true), ...names(false)].slice(0, limit);
}

/** State and, when `metric` is named, that metric's value as text, of the runs at `indices`. */
export async function runsAt(
  db: Database,
  seriesId: string,
  indices: readonly number[],
  metric: string | null,
): Promise<Array<{ index: number; state: RunState; value: string | null }>> {
  if (indices.length === 0) return [];
  return db
    .select({
      index: runs.index,
      state: runs.state,
      value: metric === null ? sql<string | null>`null` : sql<string | null>`${runs.metrics} ->> ${metric}`,
    })
    .from(runs)
    .where(
      and(
        eq(runs.seriesId, seriesId),
        // The range lets the primary key narrow the scan when the indices are close together.
        gte(runs.index, Math.min(...indices)),
        lte(runs.index, Math.max(...indices)),
        sql`${runs.index} = any(${`{${indices.join(',')}}`}::int[])`,
      ),
    );
}
