// The results of a series: each run's varied parameters and metrics, sorted by any of them,
// filtered (db/results-filter.ts), paged by keyset (db/cursor.ts), and aggregated per value of
// one or two parameters for the plots. Names and values reach the database only as bound
// parameters; operators and directions come from fixed lists.
//
// A parameter value is text in runs.params, a metric a JSON value in runs.metrics. Both sort and
// compare as numbers when they are numbers (0.5 < 10), else as text; runs without the value
// come last whichever the direction. The sort key of a run is (rank, number, text, index):
// rank 0 for a number, 1 for text only, 2 for nothing (reversed when descending, so present
// values still come first) — a total order, so keyset pages never repeat nor skip a run.
import { sql, type SQL } from 'drizzle-orm';
import { InvalidRequestError } from '../core/errors.ts';
import type { RunState } from '../core/states.ts';
import type { Database } from './client.ts';
import { cursorValues, encodeCursor } from './cursor.ts';
import { queryRows } from './raw.ts';
import { aggregateVersion, cachedAggregate, storeAggregate } from './result-aggregates.ts';
import { NUMBER_TEXT, parseFilter, type FilterClause, type FilterOp } from './results-filter.ts';
import { MAX_RUN_INDEX, metricNames } from './runs.ts';

/** What a series' results can be sorted, filtered and grouped by. */
export interface ResultNames {
  /** The varied parameters (runs.params holds only those). */
  parameters: readonly string[];
  metrics: readonly string[];
}

type Field = { kind: 'param' | 'metric'; name: string };

/** The parameter or metric `name` (a parameter first, when both exist), or an error naming it. */
export function resolveField(names: ResultNames, name: string, what: string): Field {
  if (names.parameters.includes(name)) return { kind: 'param', name };
  if (names.metrics.includes(name)) return { kind: 'metric', name };
  const list = (xs: readonly string[]) => (xs.length ? xs.join(', ') : 'none');
  throw new InvalidRequestError(
    `${what}: '${name}' is neither a varied parameter (${list(names.parameters)}) nor a metric (${list(names.metrics)})`,
  );
}

/** The field as text, or null when the run has none. */
function textOf(f: Field): SQL {
  return f.kind === 'param' ? sql`(r.params ->> ${f.name})` : sql`(r.metrics ->> ${f.name})`;
}

/** The field as a number, or null when it is not one (never a failing cast). */
export function numberOf(f: Field): SQL {
  if (f.kind === 'metric')
    return sql`(case when jsonb_typeof(r.metrics -> ${f.name}) = 'number' then (r.metrics -> ${f.name})::numeric end)`;
  const text = textOf(f);
  return sql`(case when ${text} ~ ${NUMBER_TEXT.source} then ${text}::numeric end)`;
}

const OP_SQL: Record<FilterOp, SQL> = {
  '=': sql.raw('='),
  '!=': sql.raw('<>'),
  '<': sql.raw('<'),
  '<=': sql.raw('<='),
  '>': sql.raw('>'),
  '>=': sql.raw('>='),
};

/**
 * A numeric clause is answered by the run's typed value (run_values, a primary-key probe); a
 * text clause by the run's jsonb, as written (run_values keeps only the start of long text).
 */
function clauseSql(names: ResultNames, clause: FilterClause): SQL {
  const field = resolveField(names, clause.name, 'filter');
  const op = OP_SQL[clause.op];
  // A scalar subquery, not EXISTS: the planner would turn that into a join reading every value
  // of the name, where a page needs only the runs it walks.
  return clause.number !== undefined
    ? sql`(select f.num from run_values f
        where f.series_id = r.series_id and f.index = r.index and f.name = ${field.name}
          and f.rank = 0) ${op} ${clause.value}::numeric`
    : sql`${textOf(field)} ${op} ${clause.value}`;
}

/** The clauses of a filter's text; a bad filter is an InvalidRequestError. */
function filterClauses(names: ResultNames, filter: string | undefined): FilterClause[] {
  let clauses: FilterClause[];
  try {
    clauses = parseFilter(filter ?? '');
  } catch (error) {
    throw new InvalidRequestError(`filter: ${(error as Error).message}`);
  }
  for (const clause of clauses) resolveField(names, clause.name, 'filter');
  return clauses;
}

function clausesSql(names: ResultNames, clauses: readonly FilterClause[]): SQL {
  if (clauses.length === 0) return sql`true`;
  return sql.join(
    clauses.map((c) => sql`(${clauseSql(names, c)})`),
    sql` and `,
  );
}

/** The WHERE condition over runs `r` of a filter's text (true for none). */
export function filterSql(names: ResultNames, filter: string | undefined): SQL {
  return clausesSql(names, filterClauses(names, filter));
}

/**
 * Runs a whole-series query (an aggregate, the scatter's points) may read under a filter: with a
 * numeric clause matching at most NARROW_RUNS runs, only those (a filtered aggregate then reads
 * the runs it counts, not the series); otherwise every run, each checked.
 */
const NARROW_RUNS = 50_000;

async function narrowedFilterSql(
  db: Database,
  seriesId: string,
  names: ResultNames,
  filter: string | undefined,
): Promise<SQL> {
  const clauses = filterClauses(names, filter);
  const few = await fewMatches(db, seriesId, names, clauses, NARROW_RUNS);
  const where = clausesSql(names, clauses);
  return few ? sql`r.index = any(${`{${few.join(',')}}`}::int[]) and (${where})` : where;
}

/** A sort: by run index (the default), or by a parameter or metric, either way. */
export interface ResultSort {
  by: string | null;
  descending: boolean;
}

/** `name` ascending, `-name` descending, empty: by index. */
export function parseSort(text: string | undefined): ResultSort {
  if (!text) return { by: null, descending: false };
  const descending = text.startsWith('-');
  const by = descending ? text.slice(1) : text;
  return { by: by === '' || by === 'index' ? null : by, descending };
}

function sortText(sort: ResultSort): string {
  return `${sort.descending ? '-' : ''}${sort.by ?? 'index'}`;
}

/** Where a page starts: after or before the run with this sort key. */
export interface ResultsPosition {
  side: 'after' | 'before';
  /** The sort it was made for (a cursor of another sort is refused). */
  sort: string;
  key: [rank: number, number: string, text: string, index: number];
}

export function encodeResultsCursor(position: ResultsPosition): string {
  return encodeCursor([position.side, position.sort, ...position.key]);
}

/** The position of a cursor encodeResultsCursor made, or undefined for any other text. */
export function decodeResultsCursor(text: string): ResultsPosition | undefined {
  const values = cursorValues(text);
  if (values?.length !== 6) return undefined;
  const [side, sort, rank, number, txt, index] = values;
  if (side !== 'after' && side !== 'before') return undefined;
  if (typeof sort !== 'string' || sort.length > 300) return undefined;
  if (rank !== 0 && rank !== 1 && rank !== 2) return undefined;
  if (typeof number !== 'string' || !NUMBER_TEXT.test(number)) return undefined;
  if (typeof txt !== 'string' || txt.length > 10_000 || txt.includes('\u0000')) return undefined;
  if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index > MAX_RUN_INDEX)
    return undefined;
  return { side, sort, key: [rank, number, txt, index] };
}

export interface ResultRow {
  index: number;
  state: RunState;
  params: Record<string, string>;
  metrics: Record<string, unknown> | null;
  /** With `withRun` only (the exports): how the run ended and when it ran. */
  exitCode?: number | null;
  startedAt?: Date | null;
  endedAt?: Date | null;
}

export interface ResultsQuery {
  sort?: string | undefined;
  filter?: string | undefined;
  cursor?: string | undefined;
  limit: number;
  /** Also each run's exit code and times (the exports; the table shows neither). */
  withRun?: boolean;
  /**
   * A numeric clause matching at most this many runs drives the page (FEW_RUNS by default;
   * tests pass 0 and a large number to check both ways to a page give the same answer).
   */
  fewRuns?: number;
}

/**
 * Up to this many runs matching a numeric clause are read directly and sorted (a few ms each
 * thousand); a clause matching more is checked on each run of the walk in the page's order,
 * which then meets a match about every N / FEW_RUNS runs (db/results.ts resultsPage).
 */
export const FEW_RUNS = 20_000;

export interface ResultsPage {
  rows: ResultRow[];
  /** Cursors of the next and previous pages, null at either end. */
  next: string | null;
  prev: string | null;
}

function runColumns(withRun: boolean | undefined): SQL {
  return withRun
    ? sql`, r.exit_code as "exitCode", r.started_at as "startedAt", r.ended_at as "endedAt"`
    : sql``;
}

/** Drivers differ in what a raw timestamp comes back as (Date or text): always a Date. */
function runFields(row: Pick<ResultRow, 'exitCode' | 'startedAt' | 'endedAt'>) {
  const date = (value: Date | string | null | undefined) => (value == null ? null : new Date(value));
  return {
    exitCode: row.exitCode == null ? null : Number(row.exitCode),
    startedAt: date(row.startedAt),
    endedAt: date(row.endedAt),
  };
}

type KeyedRow = ResultRow & { rank: number; num: string; txt: string };

/** One statement of a page: where its runs come from, in which order, from which position. */
interface PageScan {
  seriesId: string;
  where: SQL;
  /** Forward in the key's own order (asc) or against it (desc). */
  dir: 'asc' | 'desc';
  /** The cursor's key when the page starts inside this scan. */
  from: ResultsPosition['key'] | undefined;
  limit: number;
  withRun: boolean | undefined;
}

/** Runs of the series in index order (the primary key), optionally narrowed by `driver`. */
function indexScan(scan: PageScan, driver: (Field & { value: string }) | undefined): SQL {
  const cmp = sql.raw(scan.dir === 'asc' ? '>' : '<');
  const dir = sql.raw(scan.dir);
  const columns = sql`r.index, r.state, r.params, r.metrics, 0 as rank, '0' as num, '' as txt${runColumns(scan.withRun)}`;
  const edge = scan.from ? sql`r.index ${cmp} ${scan.from[3]}` : sql`true`;
  if (!driver)
    return sql`select ${columns} from runs r
      where r.series_id = ${scan.seriesId} and (${scan.where}) and ${edge}
      order by r.index ${dir} limit ${scan.limit}`;
  // Runs whose value of one name equals one number: an index range already in index order.
  const vEdge = scan.from ? sql`v.index ${cmp} ${scan.from[3]}` : sql`true`;
  return sql`select ${columns}
    from run_values v join runs r on r.series_id = v.series_id and r.index = v.index
    where v.series_id = ${scan.seriesId} and v.name = ${driver.name} and v.rank = 0
      and v.num = ${driver.value}::numeric and v.text = '' and ${vEdge} and (${scan.where})
    order by v.index ${dir} limit ${scan.limit}`;
}

/**
 * Runs with a value of `name` of one rank (0 number, 1 text), in (num, text, index) order: a
 * range of run_values_sort_idx. `bounds` narrows the numbers (the filter's clauses on `name`).
 */
function valueScan(scan: PageScan, name: string, rank: 0 | 1, bounds: SQL): SQL {
  const cmp = sql.raw(scan.dir === 'asc' ? '>' : '<');
  const dir = sql.raw(scan.dir);
  const edge = scan.from
    ? sql`(v.num, v.text, v.index) ${cmp} (${scan.from[1]}::numeric, ${scan.from[2]}, ${scan.from[3]})`
    : sql`true`;
  return sql`select r.index, r.state, r.params, r.metrics, v.rank, v.num::text as num, v.text as txt${runColumns(scan.withRun)}
    from run_values v join runs r on r.series_id = v.series_id and r.index = v.index
    where v.series_id = ${scan.seriesId} and v.name = ${name} and v.rank = ${rank}
      and ${bounds} and ${edge} and (${scan.where})
    order by v.num ${dir}, v.text ${dir}, v.index ${dir} limit ${scan.limit}`;
}

/** Runs without a value of `name`, in index order. */
function missingScan(scan: PageScan, name: string): SQL {
  const cmp = sql.raw(scan.dir === 'asc' ? '>' : '<');
  const dir = sql.raw(scan.dir);
  const edge = scan.from ? sql`r.index ${cmp} ${scan.from[3]}` : sql`true`;
  return sql`select r.index, r.state, r.params, r.metrics, 2 as rank, '0' as num, '' as txt${runColumns(scan.withRun)}
    from runs r
    where r.series_id = ${scan.seriesId} and ${edge} and (${scan.where})
      and not exists (select 1 from run_values v
        where v.series_id = r.series_id and v.index = r.index and v.name = ${name})
    order by r.index ${dir} limit ${scan.limit}`;
}

/**
 * The runs of a numeric clause's range of run_values, when there are at most `few`: read by
 * run_values_sort_idx up to one more than `few`, so a clause matching most runs costs no more.
 */
async function fewMatches(
  db: Database,
  seriesId: string,
  names: ResultNames,
  clauses: readonly FilterClause[],
  few: number,
): Promise<number[] | undefined> {
  for (const clause of clauses) {
    if (clause.number === undefined || clause.op === '!=') continue;
    const name = resolveField(names, clause.name, 'filter').name;
    const rows = await queryRows<{ index: number }>(
      db,
      sql`select v.index from run_values v
        where v.series_id = ${seriesId} and v.name = ${name} and v.rank = 0
          and v.num ${OP_SQL[clause.op]} ${clause.value}::numeric
        limit ${few + 1}`,
    );
    if (rows.length <= few) return rows.map((r) => Number(r.index));
  }
  return undefined;
}

/**
 * A page among a few runs (by index): each one's sort key computed (its value of the sort's name
 * by primary key, rank 2 without one), ordered and cut at the cursor as the segments are.
 */
function fewScan(
  scan: PageScan,
  indices: readonly number[],
  sortName: string | undefined,
  backward: boolean,
): SQL {
  const dir = sql.raw(scan.dir);
  const cmp = sql.raw(scan.dir === 'asc' ? '>' : '<');
  const list = `{${indices.join(',')}}`;
  const key = sortName
    ? sql`coalesce(s.rank, 2)::int as rank, coalesce(s.num, 0) as knum, coalesce(s.text, '') as txt`
    : sql`0 as rank, 0::numeric as knum, '' as txt`;
  const join = sortName
    ? sql`left join run_values s on s.series_id = r.series_id and s.index = r.index and s.name = ${sortName}`
    : sql``;
  const edge = scan.from
    ? sql`(k.rank ${sql.raw(backward ? '<' : '>')} ${scan.from[0]} or (k.rank = ${scan.from[0]}
        and (k.knum, k.txt, k.index) ${cmp} (${scan.from[1]}::numeric, ${scan.from[2]}, ${scan.from[3]})))`
    : sql`true`;
  return sql`select k.*, k.knum::text as num from (
      select r.index, r.state, r.params, r.metrics, ${key}${runColumns(scan.withRun)}
      from runs r ${join}
      where r.series_id = ${scan.seriesId} and r.index = any(${list}::int[]) and (${scan.where})
    ) k
    where ${edge}
    order by k.rank ${sql.raw(backward ? 'desc' : 'asc')}, k.knum ${dir}, k.txt ${dir}, k.index ${dir}
    limit ${scan.limit}`;
}

/**
 * A page of results. By index, the page walks the primary key (or, filtered on `name = number`,
 * that value's range of run_values). Sorted by a name, the order is three segments — numbers,
 * text, runs without the value — each a range scan (db/schema.ts runValues), read in turn until
 * the page is full; the filter is checked on each run found (see bench/results.ts).
 */
export async function resultsPage(
  db: Database,
  seriesId: string,
  names: ResultNames,
  query: ResultsQuery,
): Promise<ResultsPage> {
  const sort = parseSort(query.sort);
  const sortName = sortText(sort);
  const clauses = filterClauses(names, query.filter);
  const where = clausesSql(names, clauses);
  const position = query.cursor === undefined ? undefined : decodeResultsCursor(query.cursor);
  if (query.cursor !== undefined && !position)
    throw new InvalidRequestError('cursor: not a cursor this API returned');
  if (position && position.sort !== sortName)
    throw new InvalidRequestError(`cursor: made for sort '${position.sort}', not '${sortName}'`);
  const field = sort.by === null ? undefined : resolveField(names, sort.by, 'sort');
  const backward = position?.side === 'before';
  // Ascending pages forward read each segment ascending; descending or backward flip it.
  const dir = sort.descending === backward ? 'asc' : 'desc';
  const wanted = query.limit + 1;
  const rows: KeyedRow[] = [];
  const scan = (from: PageScan['from']): PageScan => ({
    seriesId,
    where,
    dir,
    from,
    limit: wanted - rows.length,
    withRun: query.withRun,
  });
  // Clauses on the sort's own name bound its range (below): that is already the fewest runs.
  const ownBounded =
    field &&
    clauses.some((c) => c.number !== undefined && resolveField(names, c.name, 'filter').name === field.name);
  const equality = !field && clauses.some((c) => c.number !== undefined && c.op === '=');
  const few =
    ownBounded || equality
      ? undefined
      : await fewMatches(db, seriesId, names, clauses, query.fewRuns ?? FEW_RUNS);
  if (few) {
    if (few.length)
      rows.push(...(await queryRows<KeyedRow>(db, fewScan(scan(position?.key), few, field?.name, backward))));
  } else if (!field) {
    const driver = clauses.find((c) => c.number !== undefined && c.op === '=');
    const driverField = driver && { ...resolveField(names, driver.name, 'filter'), value: driver.value };
    rows.push(...(await queryRows<KeyedRow>(db, indexScan(scan(position?.key), driverField))));
  } else {
    // Numeric clauses on the sort's name bound its range of numbers; no text or missing value
    // can meet them.
    const own = clauses.filter(
      (c) => c.number !== undefined && resolveField(names, c.name, 'filter').name === field.name,
    );
    const bounds = own.length
      ? sql.join(
          own.map((c) => sql`v.num ${OP_SQL[c.op]} ${c.value}::numeric`),
          sql` and `,
        )
      : sql`true`;
    // Segments in reading order: present values first whichever the direction.
    const ranks: Array<0 | 1 | 2> = own.length ? [0] : [0, 1, 2];
    if (backward) ranks.reverse();
    const startRank = position?.key[0];
    for (const rank of ranks) {
      if (rows.length >= wanted) break;
      if (startRank !== undefined && (backward ? rank > startRank : rank < startRank)) continue;
      const from = rank === startRank ? position!.key : undefined;
      const statement =
        rank === 2 ? missingScan(scan(from), field.name) : valueScan(scan(from), field.name, rank, bounds);
      rows.push(...(await queryRows<KeyedRow>(db, statement)));
    }
  }
  const more = rows.length > query.limit;
  const page = rows.slice(0, query.limit);
  if (backward) page.reverse();
  const cursorOf = (side: ResultsPosition['side'], row: KeyedRow | undefined) =>
    row
      ? encodeResultsCursor({
          side,
          sort: sortName,
          key: [Number(row.rank), row.num, row.txt, Number(row.index)],
        })
      : null;
  // Forward from a cursor, runs lie before the page (the page that led here); backward, after it.
  const hasAfter = backward ? true : more;
  const hasBefore = backward ? more : position !== undefined;
  return {
    rows: page.map((row) => ({
      index: Number(row.index),
      state: row.state,
      params: row.params,
      metrics: row.metrics,
      ...(query.withRun ? runFields(row) : {}),
    })),
    next: hasAfter ? cursorOf('after', page.at(-1)) : null,
    prev: hasBefore ? cursorOf('before', page[0]) : null,
  };
}

/**
 * Planner statistics for runs and run_values. PGlite never gathers them on its own (PostgreSQL's
 * autovacuum does), and without them a page's per-run probe reads run_values_sort_idx over every
 * value of the name instead of one primary-key entry: `period > 5` on 27,000 runs took 242 s in
 * PGlite, 5 ms after ANALYZE. ANALYZE samples a bounded number of rows, so it costs about the
 * same at any size.
 */
export async function analyzeResults(db: Database): Promise<void> {
  await db.execute(sql`analyze runs, run_values`);
}

/**
 * What a series' results may be sorted, filtered and grouped by: its varied parameters in the
 * order of its INI (the caller has the parsed sweep; runs.params, a jsonb, keeps no key order)
 * and the metric names of a sample of its runs.
 */
export async function resultNames(
  db: Database,
  seriesId: string,
  parameters: readonly string[],
): Promise<ResultNames> {
  return { parameters, metrics: await metricNames(db, seriesId) };
}

export interface AggregateGroup {
  /** The group's value of each `by` parameter. */
  values: Record<string, string | null>;
  /** Runs of the group with a numeric value of the metric. */
  count: number;
  mean: number | null;
  min: number | null;
  max: number | null;
  /** Sample standard deviation; null for fewer than two values. */
  std: number | null;
  /** The run, when exactly one gives the group its value (a plot point then opens it). */
  run: number | null;
}

export interface AggregateQuery {
  /** One or two varied parameters. */
  by: readonly string[];
  metric: string;
  filter?: string | undefined;
}

/**
 * count, mean, min, max and std of a metric per value of `by`, in value order. Unfiltered on a
 * finished series: computed once and kept (db/result-aggregates.ts).
 */
export async function aggregateResults(
  db: Database,
  seriesId: string,
  names: ResultNames,
  query: AggregateQuery,
): Promise<AggregateGroup[]> {
  aggregateFields(names, query);
  const cacheable = filterClauses(names, query.filter).length === 0;
  const version = cacheable ? await aggregateVersion(db, seriesId) : null;
  if (version === null) return computeAggregate(db, seriesId, names, query);
  const key = JSON.stringify([query.by, query.metric]);
  const cached = await cachedAggregate<AggregateGroup[]>(db, seriesId, key, version);
  if (cached) return cached;
  const groups = await computeAggregate(db, seriesId, names, query);
  await storeAggregate(db, seriesId, key, version, groups);
  return groups;
}

/** The grouping parameters and the metric of an aggregate, or an error naming what is wrong. */
function aggregateFields(names: ResultNames, query: AggregateQuery) {
  if (query.by.length < 1 || query.by.length > 2)
    throw new InvalidRequestError('by: one or two parameters, separated by a comma');
  const by = query.by.map((name) => {
    const field = resolveField(names, name, 'by');
    if (field.kind !== 'param')
      throw new InvalidRequestError(`by: '${name}' is a metric; group by a parameter`);
    return field;
  });
  const metric = resolveField(names, query.metric, 'metric');
  return { by, metric };
}

/** The aggregate in one query over the series' runs. */
async function computeAggregate(
  db: Database,
  seriesId: string,
  names: ResultNames,
  query: AggregateQuery,
): Promise<AggregateGroup[]> {
  const { by, metric } = aggregateFields(names, query);
  const where = await narrowedFilterSql(db, seriesId, names, query.filter);
  const value = numberOf(metric);
  const groups = sql.join(
    by.map((f, i) => sql`${textOf(f)} as ${sql.identifier(`g${i}`)}`),
    sql`, `,
  );
  const groupNames = sql.raw(by.map((_, i) => `g${i}`).join(', '));
  // Ordered by the group's value as a number when it is one, else as text.
  const order = sql.join(
    by.map((_, i) => {
      const g = sql.identifier(`g${i}`);
      return sql`(case when ${g} ~ ${NUMBER_TEXT.source} then ${g}::numeric end) nulls last, ${g}`;
    }),
    sql`, `,
  );
  const rows = await queryRows<{
    g0: string | null;
    g1?: string | null;
    count: number;
    mean: string | null;
    min: string | null;
    max: string | null;
    std: string | null;
    run: number | null;
  }>(
    db,
    sql`select ${groupNames},
          count(x)::int as count, avg(x)::float8 as mean, min(x)::float8 as min,
          max(x)::float8 as max, stddev_samp(x)::float8 as std,
          case when count(x) = 1 then min(index) filter (where x is not null) end as run
        from (
          select ${groups}, ${value} as x, r.index
          from runs r
          where r.series_id = ${seriesId} and (${where})
        ) s
        group by ${groupNames}
        order by ${order}`,
  );
  const num = (x: string | number | null) => (x === null ? null : Number(x));
  return rows.map((row) => ({
    values: Object.fromEntries(by.map((f, i) => [f.name, (i === 0 ? row.g0 : row.g1) ?? null])),
    count: Number(row.count),
    mean: num(row.mean),
    min: num(row.min),
    max: num(row.max),
    std: num(row.std),
    run: row.run === null ? null : Number(row.run),
  }));
}

export interface ScatterPoint {
  index: number;
  x: number;
  y: number;
  /** The colouring parameter's value. */
  color: string | null;
}

/** Up to `limit` runs (in index order) with numeric values of both metrics, for a scatter plot. */
export async function scatterPoints(
  db: Database,
  seriesId: string,
  names: ResultNames,
  query: { x: string; y: string; color?: string | undefined; filter?: string | undefined; limit: number },
): Promise<ScatterPoint[]> {
  const x = numberOf(resolveField(names, query.x, 'x'));
  const y = numberOf(resolveField(names, query.y, 'y'));
  const color = query.color ? textOf(resolveField(names, query.color, 'color')) : sql`null`;
  const rows = await queryRows<{ index: number; x: string; y: string; color: string | null }>(
    db,
    sql`select r.index, ${x}::float8 as x, ${y}::float8 as y, ${color} as color
        from runs r
        where r.series_id = ${seriesId} and (${await narrowedFilterSql(db, seriesId, names, query.filter)})
          and ${x} is not null and ${y} is not null
        order by r.index
        limit ${query.limit}`,
  );
  return rows.map((r) => ({ index: Number(r.index), x: Number(r.x), y: Number(r.y), color: r.color }));
}
