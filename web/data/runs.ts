// Runs of one series, paged by index (keyset: cost independent of how deep the page is).
import { and, asc, desc, eq, gte, isNotNull, lt, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../../db/client.ts';
import { files, runs } from '../../db/schema.ts';
import type { RunState } from '../../core/states.ts';

export type RunRow = Pick<
  typeof runs.$inferSelect,
  'index' | 'dir' | 'params' | 'state' | 'exitCode' | 'reason' | 'startedAt' | 'endedAt' | 'metrics' | 'attempt'
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
  attempt: runs.attempt,
};

export interface RunsQuery {
  state?: RunState;
  /** First index of the page (inclusive); pages forward. */
  from?: number;
  /** Page backward: the runs just before this index. */
  before?: number;
  limit: number;
  /** The series' run count, when known: spares queries on unfiltered pages. */
  total?: number;
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
  // Unfiltered, the indices of a series are exactly 0 … total-1: no query needed to know
  // whether runs lie before or after the page.
  const contiguous = !query.state && query.total !== undefined;
  const [hasBefore, hasAfter] = await Promise.all([
    backward ? more : contiguous ? first > 0 : exists(db, and(...base, lt(runs.index, first))!),
    backward ? (contiguous ? last + 1 < query.total! : exists(db, and(...base, gte(runs.index, last + 1))!)) : more,
  ]);
  return { runs: page, next: hasAfter ? last + 1 : null, prev: hasBefore ? first : null };
}

async function exists(db: Database, where: SQL): Promise<boolean> {
  const rows = await db.select({ one: sql<number>`1` }).from(runs).where(where).limit(1);
  return rows.length > 0;
}

/**
 * Metric names of a series, from a sample of its first runs with metrics (reading every
 * run's metrics of a 100,000-run series for a column list would cost more than the page).
 */
export async function metricNames(db: Database, seriesId: string, sample = 200): Promise<string[]> {
  const rows = await db
    .select({ metrics: runs.metrics })
    .from(runs)
    .where(and(eq(runs.seriesId, seriesId), isNotNull(runs.metrics), lt(runs.index, 5000)))
    .orderBy(asc(runs.index))
    .limit(sample);
  const numeric = new Set<string>();
  const other = new Set<string>();
  for (const { metrics } of rows) {
    if (!metrics || typeof metrics !== 'object') continue;
    for (const [k, v] of Object.entries(metrics)) (typeof v === 'number' ? numeric : other).add(k);
  }
  const byName = (a: string, b: string) => a.localeCompare(b);
  return [...[...numeric].sort(byName), ...[...other].filter((k) => !numeric.has(k)).sort(byName)].slice(0, 50);
}

export async function getRun(db: Database, seriesId: string, index: number): Promise<RunRow | undefined> {
  const [row] = await db
    .select(runColumns)
    .from(runs)
    .where(and(eq(runs.seriesId, seriesId), eq(runs.index, index)))
    .limit(1);
  return row;
}

export interface FileRow {
  path: string;
  size: number;
}

export async function runFiles(db: Database, seriesId: string, index: number, limit = 500): Promise<FileRow[]> {
  return db
    .select({ path: files.path, size: files.size })
    .from(files)
    .where(and(eq(files.seriesId, seriesId), eq(files.runIndex, index)))
    .orderBy(asc(files.path))
    .limit(limit);
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
