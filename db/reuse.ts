// Result reuse (docs/reuse.md): which tuples of a new sweep already succeeded in series with the
// same reuse key (core/reuse-key.ts) that the user may see, and recording them in a new series
// as runs taken from those originals.
//
// A tuple is "the same" when every parameter, constant or varied, has the same value: runs
// store only their varied values, so each source's constants are added from its INI before
// the new sweep is asked for the tuple's index (sweep/ indexOfValues). Formatting and comments
// of the INI do not count.
import { and, asc, desc, eq, gt, inArray, isNull, isNotNull, ne, or, sql, type SQL } from 'drizzle-orm';
import type { IndexRange } from '../core/ranges.ts';
import { FINAL_SERIES_STATES } from '../core/states.ts';
import { indexOfValues, parseSweep, tupleAt, type Sweep } from '../sweep/index.ts';
import type { Database } from './client.ts';
import { seriesVisibleTo } from './groups.ts';
import { batches, jsonText, queryRows } from './raw.ts';
import { getRun, type RunRow } from './runs.ts';
import { runs, series } from './schema.ts';
import { findSeries } from './series.ts';

/** The newest series of one key that are searched for runs; older ones are not offered. */
export const MAX_REUSE_SOURCES = 50;
const RUNS_PAGE = 5_000;

export interface ReuseViewer {
  /** The user's id; undefined for an admin, who sees every series. */
  visibleTo: string | undefined;
  /** The new series' group (null: none) and visibility: what a source may be shared into. */
  groupId: string | null;
  visibility: 'everyone' | 'group';
}

/** A run of the new series taken from `fromIndex` of series `fromSeries`. */
export interface ReusedTuple {
  index: number;
  fromSeries: string;
  fromIndex: number;
}

export interface ReuseSource {
  id: string;
  description: string;
  /** Tuples of the new sweep taken from this series. */
  tuples: number;
}

export interface ReuseMatch {
  /** By index of the new sweep, ascending. */
  tuples: ReusedTuple[];
  /** The series they come from, newest first (a tuple comes from the newest that has it). */
  sources: ReuseSource[];
}

/**
 * Which series may give runs: same key, finished, visible to the viewer (db/groups.ts), and no
 * more private than the new series — a group-only source only into a series of the same group,
 * so reuse never carries a group's results to people outside it.
 */
function sourceCondition(reuseKey: string, viewer: ReuseViewer): SQL {
  const shareable =
    viewer.visibility === 'group' && viewer.groupId !== null
      ? or(eq(series.visibility, 'everyone'), eq(series.groupId, viewer.groupId))!
      : eq(series.visibility, 'everyone');
  return and(
    eq(series.reuseKey, reuseKey),
    inArray(series.state, [...FINAL_SERIES_STATES]),
    shareable,
    viewer.visibleTo === undefined ? undefined : seriesVisibleTo(viewer.visibleTo),
  )!;
}

/** The tuples of `sweep` that succeeded in a series the viewer may reuse; none without a key. */
export async function findReusableRuns(
  db: Database,
  reuseKey: string,
  sweep: Sweep,
  viewer: ReuseViewer,
  options: { excludeSeries?: string } = {},
): Promise<ReuseMatch> {
  const candidates = await db
    .select({ id: series.id, description: series.description, ini: series.ini, count: series.count })
    .from(series)
    .where(
      and(
        sourceCondition(reuseKey, viewer),
        options.excludeSeries ? ne(series.id, options.excludeSeries) : undefined,
      ),
    )
    .orderBy(desc(series.createdAt), desc(series.id))
    .limit(MAX_REUSE_SOURCES);

  const count = Number(sweep.count);
  const taken = new Map<number, ReusedTuple>();
  const sources: ReuseSource[] = [];
  for (const candidate of candidates) {
    if (taken.size >= count) break;
    const locate = tupleLocator(sweep, parseSweep(candidate.ini, { maxTuples: Infinity }));
    if (!locate) continue;
    let found = 0;
    for await (const run of succeededRuns(db, candidate.id)) {
      const index = locate(run.params);
      if (index === null || taken.has(index)) continue;
      taken.set(index, { index, fromSeries: candidate.id, fromIndex: run.index });
      found++;
    }
    if (found > 0) sources.push({ id: candidate.id, description: candidate.description, tuples: found });
  }
  return { tuples: [...taken.values()].sort((a, b) => a.index - b.index), sources };
}

/**
 * From a run's varied values in `source` to the index of the same tuple in `target`, or null
 * when the target has no such tuple. Null (no function) when no run of the source can be in the
 * target: other parameter names, or a constant of both with other values.
 */
export function tupleLocator(
  target: Sweep,
  source: Sweep,
): ((params: Record<string, string>) => number | null) | null {
  const names = (s: Sweep) => [...s.parameters.map((p) => p.name), ...s.constants.map((c) => c.name)].sort();
  if (names(target).join('\n') !== names(source).join('\n')) return null;
  const sourceConstants = new Map(source.constants.map((c) => [c.name, c.value]));
  // The target's constants that vary in the source: a run must have the same value there.
  const mustEqual: Array<[string, string]> = [];
  for (const c of target.constants) {
    const fixed = sourceConstants.get(c.name);
    if (fixed === undefined) mustEqual.push([c.name, c.value]);
    else if (fixed !== c.value) return null;
  }
  const positions = target.parameters.map((p) => new Map(p.values.map((v, i) => [v, i])));
  return (params) => {
    for (const [name, value] of mustEqual) if (params[name] !== value) return null;
    const digits: number[] = [];
    for (let p = 0; p < target.parameters.length; p++) {
      const name = target.parameters[p]!.name;
      const value = sourceConstants.get(name) ?? params[name];
      const digit = value === undefined ? undefined : positions[p]!.get(value);
      if (digit === undefined) return null;
      digits.push(digit);
    }
    const index = indexOfValues(target, digits);
    return index === null ? null : Number(index);
  };
}

/** The succeeded runs a series ran itself (not reused from another), by index, a page at a time. */
async function* succeededRuns(
  db: Database,
  seriesId: string,
): AsyncGenerator<{ index: number; params: Record<string, string> }> {
  let after = -1;
  for (;;) {
    const page = await db
      .select({ index: runs.index, params: runs.params })
      .from(runs)
      .where(
        and(
          eq(runs.seriesId, seriesId),
          eq(runs.state, 'succeeded'),
          isNull(runs.reusedFromSeries),
          gt(runs.index, after),
        ),
      )
      .orderBy(asc(runs.index))
      .limit(RUNS_PAGE);
    yield* page;
    if (page.length < RUNS_PAGE) return;
    after = page.at(-1)!.index;
  }
}

/**
 * Records the reused tuples in the new series as succeeded runs of attempt 1, each with its
 * original's exit code, times and metrics and `reused_from_*` naming it; the new sweep gives
 * the directory and values. Answers those recorded: an original deleted since it was found is
 * not, so its tuple is run instead.
 */
export async function insertReusedRuns(
  db: Database,
  seriesId: string,
  sweep: Sweep,
  tuples: readonly ReusedTuple[],
): Promise<ReusedTuple[]> {
  const recorded: ReusedTuple[] = [];
  for (const batch of batches(tuples, 2_000)) {
    const rows = batch.map((t) => {
      const tuple = tupleAt(sweep, t.index);
      return {
        index: t.index,
        dir: tuple.dir,
        params: tuple.values,
        from_series: t.fromSeries,
        from_index: t.fromIndex,
      };
    });
    const inserted = await queryRows<{ index: number }>(
      db,
      sql`insert into runs (series_id, index, dir, params, state, exit_code, attempt,
        started_at, ended_at, metrics, reused_from_series, reused_from_index)
      select ${seriesId}, m.index, m.dir, m.params, 'succeeded', o.exit_code, 1,
        o.started_at, o.ended_at, o.metrics, o.series_id, o.index
      from jsonb_to_recordset(${jsonText(rows)}::jsonb)
        as m(index int, dir text, params jsonb, from_series text, from_index int)
      join runs o on o.series_id = m.from_series and o.index = m.from_index and o.state = 'succeeded'
      on conflict do nothing
      returning index`,
    );
    const done = new Set(inserted.map((r) => Number(r.index)));
    recorded.push(...batch.filter((t) => done.has(t.index)));
  }
  return recorded;
}

/** The ranges of [0, count) that are not reused: what the new series still runs. */
export function rangesToRun(count: number, reused: readonly ReusedTuple[]): IndexRange[] {
  const ranges: IndexRange[] = [];
  let next = 0;
  for (const { index } of reused) {
    if (index > next) ranges.push([next, index]);
    next = index + 1;
  }
  if (next < count) ranges.push([next, count]);
  return ranges;
}

/** How many runs of the series were reused (the series page says so). */
export async function countReusedRuns(db: Database, seriesId: string): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(runs)
    .where(and(eq(runs.seriesId, seriesId), isNotNull(runs.reusedFromSeries)));
  return Number(row?.n ?? 0);
}

/** The original of a reused run, as a user may see it (`visibleTo`: their id; undefined: an admin). */
export interface OriginalRun {
  seriesId: string;
  description: string;
  run: RunRow;
}

/** Undefined for a run not reused, or whose original is gone or not visible to the user now. */
export async function originalOf(
  db: Database,
  run: Pick<RunRow, 'reusedFromSeries' | 'reusedFromIndex'>,
  visibleTo: string | undefined,
): Promise<OriginalRun | undefined> {
  if (run.reusedFromSeries === null || run.reusedFromIndex === null) return undefined;
  const original = await findSeries(db, run.reusedFromSeries, visibleTo);
  const originalRun = original && (await getRun(db, original.id, run.reusedFromIndex));
  return originalRun
    ? { seriesId: original.id, description: original.description, run: originalRun }
    : undefined;
}
