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
import {
  aggregateVersion,
  cachedAggregate,
  storeAggregate,
  type AggregateGroup,
} from './result-aggregates.ts';
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
  const numeric = clauses
    .map((c, at) => ({ ...c, field: resolveField(names, c.name, 'filter').name, at }))
    .filter((c) => c.number !== undefined && c.op !== '!=');
  const few = await fewestClause(db, seriesId, numeric, NARROW_RUNS);
  const where = clausesSql(names, clauses);
  return few
    ? sql`r.index in (select m.index from run_values m where ${clauseRange(seriesId, few.field, few)}) and (${where})`
    : where;
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
   * The first round's walk budget (FIRST_WALK by default): tests pass 1 to step through every
   * round, and a large number to read every countable clause whole.
   */
  firstWalk?: number;
}

/**
 * Runs walked in a page's first round of planning (resultsPage); each round multiplies it by 4.
 * A page by index or a sort with a clause that most runs meet is full well within it.
 */
export const FIRST_WALK = 256;

/**
 * Index entries a round counts per run it may walk: counting reads run_values_sort_idx alone,
 * walking joins each run and probes its clauses by primary key (about 10× dearer per run in
 * PGlite at 1,000,000 runs: 20,000 entries counted in ~90 ms, 1,200 runs walked in ~35–110 ms).
 */
const COUNT_PER_WALK = 8;

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

/**
 * The keys of runs in a page's order, from one index (the driver of a walk): columns index, rank,
 * num, txt. `order` is the driver's order, repeated by the statement over it so the planner
 * streams it instead of sorting.
 */
interface Driver {
  rows: SQL;
  order: SQL;
}

/** What a walk's statements share: where, which way, from which key, how many. */
interface PageScan {
  seriesId: string;
  where: SQL;
  /** Forward in the key's own order (asc) or against it (desc). */
  dir: 'asc' | 'desc';
  /** The cursor's key when the page starts inside this scan. */
  from: ResultsPosition['key'] | undefined;
  limit: number;
  withRun: boolean | undefined;
  /**
   * No text clause: every clause is a probe by the run's series and index, checked before the
   * run's row is read (then only the page's rows are).
   */
  keysOnly: boolean;
}

/** Runs of the series in index order: the primary key. */
function indexDriver(scan: PageScan): Driver {
  const cmp = sql.raw(scan.dir === 'asc' ? '>' : '<');
  const dir = sql.raw(scan.dir);
  const edge = scan.from ? sql`d.index ${cmp} ${scan.from[3]}` : sql`true`;
  return {
    rows: sql`select d.index, 0 as rank, 0::numeric as num, '' as txt from runs d
      where d.series_id = ${scan.seriesId} and ${edge} order by d.index ${dir}`,
    order: sql`d.index ${dir}`,
  };
}

/**
 * Runs with a value of `name` of one rank (0 number, 1 text), in (num, text, index) order: a
 * range of run_values_sort_idx. `bounds` narrows the numbers (the filter's clauses on `name`).
 */
function valueDriver(scan: PageScan, name: string, rank: 0 | 1, bounds: SQL): Driver {
  const cmp = sql.raw(scan.dir === 'asc' ? '>' : '<');
  const dir = sql.raw(scan.dir);
  const edge = scan.from
    ? sql`(d.num, d.text, d.index) ${cmp} (${scan.from[1]}::numeric, ${scan.from[2]}, ${scan.from[3]})`
    : sql`true`;
  return {
    rows: sql`select d.index, d.rank, d.num, d.text as txt from run_values d
      where d.series_id = ${scan.seriesId} and d.name = ${name} and d.rank = ${rank}
        and ${bounds} and ${edge}
      order by d.num ${dir}, d.text ${dir}, d.index ${dir}`,
    order: sql`d.num ${dir}, d.txt ${dir}, d.index ${dir}`,
  };
}

/** Runs without a value of `name`, in index order. */
function missingDriver(scan: PageScan, name: string): Driver {
  const cmp = sql.raw(scan.dir === 'asc' ? '>' : '<');
  const dir = sql.raw(scan.dir);
  const edge = scan.from ? sql`d.index ${cmp} ${scan.from[3]}` : sql`true`;
  return {
    rows: sql`select d.index, 2 as rank, 0::numeric as num, '' as txt from runs d
      where d.series_id = ${scan.seriesId} and ${edge}
        and not exists (select 1 from run_values v
          where v.series_id = d.series_id and v.index = d.index and v.name = ${name})
      order by d.index ${dir}`,
    order: sql`d.index ${dir}`,
  };
}

/** Runs whose value of one name equals one number: an index range already in index order. */
function equalDriver(scan: PageScan, name: string, value: string): Driver {
  const cmp = sql.raw(scan.dir === 'asc' ? '>' : '<');
  const dir = sql.raw(scan.dir);
  const edge = scan.from ? sql`d.index ${cmp} ${scan.from[3]}` : sql`true`;
  return {
    rows: sql`select d.index, 0 as rank, 0::numeric as num, '' as txt from run_values d
      where d.series_id = ${scan.seriesId} and d.name = ${name} and d.rank = 0
        and d.num = ${value}::numeric and d.text = '' and ${edge}
      order by d.index ${dir}`,
    order: sql`d.index ${dir}`,
  };
}

/**
 * The matching runs among the first `budget` runs of the driver (all of them without a budget),
 * in its order, up to the scan's limit: each run read by primary key as the driver reaches it
 * and its clauses checked (`offset 0` keeps that per-run lookup: as a plain join the planner
 * merged the whole series' runs into a walk from a deep cursor, 4.7 s at 1,000,000 runs).
 */
function walkStatement(scan: PageScan, driver: Driver, budget: number | undefined): SQL {
  const columns = sql`r.index, r.state, r.params, r.metrics, d.rank, d.num::text as num, d.txt${runColumns(scan.withRun)}`;
  const walked = sql`(${driver.rows} limit ${budget ?? null}) d`;
  const run = sql`cross join lateral (select * from runs r
      where r.series_id = ${scan.seriesId} and r.index = d.index offset 0) r`;
  if (!scan.keysOnly)
    return sql`select ${columns} from ${walked} ${run}
      where (${scan.where}) order by ${driver.order} limit ${scan.limit}`;
  return sql`select ${columns} from (
      select d.* from ${walked}
      cross join lateral (select ${scan.seriesId}::text as series_id, d.index) r
      where (${scan.where}) order by ${driver.order} limit ${scan.limit}
    ) d ${run}
    order by ${driver.order}`;
}

/** The key of the driver's `budget`-th run (where a walk stopped short), or undefined before. */
async function budgetEnd(db: Database, driver: Driver, budget: number): Promise<Key | undefined> {
  const [row] = await queryRows<{ rank: number; num: string; txt: string; index: number }>(
    db,
    sql`select d.rank, d.num::text as num, d.txt, d.index
      from (${driver.rows} offset ${budget - 1} limit 1) d`,
  );
  return row && [Number(row.rank), row.num, row.txt, Number(row.index)];
}

type Key = ResultsPosition['key'];

/** A numeric clause's runs: one range of run_values_sort_idx (alias `m`). */
function clauseRange(seriesId: string, name: string, clause: FilterClause): SQL {
  return sql`m.series_id = ${seriesId} and m.name = ${name} and m.rank = 0
    and m.num ${OP_SQL[clause.op]} ${clause.value}::numeric`;
}

/** A numeric clause that names its field, as the plans need it. */
type CountedClause = FilterClause & { field: string; at: number };

/**
 * The first clause matching at most `limit` runs, counted from the index (index entries only, at
 * most `limit + 1` of them per clause), or undefined when each matches more.
 */
async function fewestClause(
  db: Database,
  seriesId: string,
  clauses: readonly CountedClause[],
  limit: number,
): Promise<CountedClause | undefined> {
  for (const clause of clauses) {
    const [row] = await queryRows<{ n: number }>(
      db,
      sql`select count(*)::int as n from (select 1 from run_values m
        where ${clauseRange(seriesId, clause.field, clause)} limit ${limit + 1}) x`,
    );
    if (Number(row?.n) <= limit) return clause;
  }
  return undefined;
}

/**
 * A page among a clause's runs: each one's sort key (its value of the sort's name by primary key,
 * rank 2 without one) and the other clauses checked, ordered and cut at the cursor as the
 * segments are; only the page's runs are then read whole. Without text clauses the keys come
 * from run_values alone (the probes use the series and index of `r`, here the clause's entry).
 */
function fewStatement(
  scan: PageScan,
  clause: CountedClause,
  sortName: string | undefined,
  backward: boolean,
): SQL {
  const dir = sql.raw(scan.dir);
  const cmp = sql.raw(scan.dir === 'asc' ? '>' : '<');
  const rankDir = sql.raw(backward ? 'desc' : 'asc');
  const key = sortName
    ? sql`coalesce(s.rank, 2)::int as rank, coalesce(s.num, 0) as num, coalesce(s.text, '') as txt`
    : sql`0 as rank, 0::numeric as num, '' as txt`;
  const join = sortName
    ? sql`left join run_values s on s.series_id = m.series_id and s.index = m.index and s.name = ${sortName}`
    : sql``;
  const source = scan.keysOnly
    ? sql`run_values m cross join lateral (select m.series_id, m.index) r`
    : sql`run_values m join runs r on r.series_id = m.series_id and r.index = m.index`;
  const edge = scan.from
    ? sql`(k.rank ${sql.raw(backward ? '<' : '>')} ${scan.from[0]} or (k.rank = ${scan.from[0]}
        and (k.num, k.txt, k.index) ${cmp} (${scan.from[1]}::numeric, ${scan.from[2]}, ${scan.from[3]})))`
    : sql`true`;
  return sql`select r.index, r.state, r.params, r.metrics, p.rank, p.num::text as num, p.txt${runColumns(scan.withRun)}
    from (
      select k.* from (
        select m.index, ${key} from ${source} ${join}
        where ${clauseRange(scan.seriesId, clause.field, clause)} and (${scan.where})
      ) k
      where ${edge}
      order by k.rank ${rankDir}, k.num ${dir}, k.txt ${dir}, k.index ${dir}
      limit ${scan.limit}
    ) p
    join runs r on r.series_id = ${scan.seriesId} and r.index = p.index
    order by p.rank ${rankDir}, p.num ${dir}, p.txt ${dir}, p.index ${dir}`;
}

/** A page's walk: the statements' common part and the cursor's position. */
interface PageWalk extends Omit<PageScan, 'from'> {
  position: ResultsPosition | undefined;
}

/**
 * The page walked in its order, each run's clauses checked: by index (the primary key, or an
 * `equality` clause's range), or sorted by `sortName` in three segments — numbers, text, runs
 * without the value — each a range scan (db/schema.ts runValues) read in turn until the page is
 * full, present values first whichever the direction. With a `budget`, each statement walks at
 * most that many runs; `resume` is then the key of the last run walked when one stopped there
 * before the page was full (the walk goes on from it).
 */
async function walkPage(
  db: Database,
  page: PageWalk,
  sortName: string | undefined,
  own: readonly CountedClause[],
  equality: CountedClause | undefined,
  budget: number | undefined,
): Promise<{ rows: KeyedRow[]; resume?: Key }> {
  const rows: KeyedRow[] = [];
  const scan = (from: PageScan['from']): PageScan => ({ ...page, from, limit: page.limit - rows.length });
  /** The driver's matches; the key it stopped at when the budget ran out first. */
  const walked = async (driver: Driver, from: PageScan['from']): Promise<Key | undefined> => {
    const statement = scan(from);
    const found = await queryRows<KeyedRow>(db, walkStatement(statement, driver, budget));
    rows.push(...found);
    if (found.length >= statement.limit || budget === undefined) return undefined;
    return budgetEnd(db, driver, budget);
  };
  const position = page.position;
  if (!sortName) {
    const from = scan(position?.key);
    const driver = equality ? equalDriver(from, equality.field, equality.value) : indexDriver(from);
    const resume = await walked(driver, position?.key);
    return resume ? { rows, resume } : { rows };
  }
  // Numeric clauses on the sort's name bound its range of numbers; no text or missing value
  // can meet them.
  const bounds = own.length
    ? sql.join(
        own.map((c) => sql`d.num ${OP_SQL[c.op]} ${c.value}::numeric`),
        sql` and `,
      )
    : sql`true`;
  const backward = position?.side === 'before';
  const ranks: Array<0 | 1 | 2> = own.length ? [0] : [0, 1, 2];
  if (backward) ranks.reverse();
  const startRank = position?.key[0];
  for (const rank of ranks) {
    if (rows.length >= page.limit) break;
    if (startRank !== undefined && (backward ? rank > startRank : rank < startRank)) continue;
    const from = rank === startRank ? position!.key : undefined;
    const driver =
      rank === 2 ? missingDriver(scan(from), sortName) : valueDriver(scan(from), sortName, rank, bounds);
    const resume = await walked(driver, from);
    if (resume) return { rows, resume };
  }
  return { rows };
}

/**
 * A page of results. With numeric clauses the plan is chosen by counting, not guessing: rounds
 * of a growing budget (FIRST_WALK runs, then 4×, 16×, …) each walk up to budget runs in the
 * page's order checking each (walkPage), then count the clauses up to COUNT_PER_WALK × budget
 * index entries; a clause within that is read whole from where the walk stopped and its runs
 * sorted (fewStatement), otherwise the next round walks on. Nothing is read twice, so a page
 * costs a small multiple of the cheaper of the two — the runs walked to fill it or the rarest
 * clause's matches — whatever the selectivity and wherever the matches lie in the order. No
 * choice to make: by index with `name = number` (that value's range, in index order), clauses on
 * the sort's own name (they bound its range), no countable clause (the walk).
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
  const numeric: CountedClause[] = clauses
    .map((c, at) => ({ ...c, field: resolveField(names, c.name, 'filter').name, at }))
    .filter((c) => c.number !== undefined);
  const own = field ? numeric.filter((c) => c.field === field.name) : [];
  const equality = field ? undefined : numeric.find((c) => c.op === '=');
  const keysOnly = clauses.every((c) => c.number !== undefined);
  const walk: PageWalk = {
    seriesId,
    where,
    dir,
    position,
    limit: query.limit + 1,
    withRun: query.withRun,
    keysOnly,
  };
  const countable = own.length || equality ? [] : numeric.filter((c) => c.op !== '!=');
  const rows: KeyedRow[] = [];
  /** The walk's statements from `from` (a position inside the page's order), for what is left. */
  const rest = (from: ResultsPosition | undefined): PageWalk => ({
    ...walk,
    position: from,
    limit: walk.limit - rows.length,
  });
  if (!countable.length) rows.push(...(await walkPage(db, walk, field?.name, own, equality, undefined)).rows);
  let from = position;
  for (let budget = query.firstWalk ?? FIRST_WALK; countable.length; budget *= 4) {
    const walked = await walkPage(db, rest(from), field?.name, own, undefined, budget);
    rows.push(...walked.rows);
    if (!walked.resume) break;
    // The walk goes on from where it stopped, by whichever plan: its runs so far are the page's.
    from = { side: position?.side ?? 'after', sort: sortName, key: walked.resume };
    const few = await fewestClause(db, seriesId, countable, budget * COUNT_PER_WALK);
    if (few) {
      // The clause drives the statement: only the others are checked on its runs.
      const others = clausesSql(
        names,
        clauses.filter((_, at) => at !== few.at),
      );
      const scan: PageScan = { ...rest(from), where: others, from: from.key };
      rows.push(...(await queryRows<KeyedRow>(db, fewStatement(scan, few, field?.name, backward))));
      break;
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

export type { AggregateGroup };

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
  const answer = await keptOrComputed(db, seriesId, names, query);
  return typeof answer === 'string' ? (JSON.parse(answer) as AggregateGroup[]) : answer;
}

/** The same groups as JSON text: a kept aggregate as stored, never parsed and written again. */
export async function aggregateResultsJson(
  db: Database,
  seriesId: string,
  names: ResultNames,
  query: AggregateQuery,
): Promise<string> {
  const answer = await keptOrComputed(db, seriesId, names, query);
  return typeof answer === 'string' ? answer : JSON.stringify(answer);
}

/** The kept groups' JSON text, or the groups computed now (and kept when they may be). */
async function keptOrComputed(
  db: Database,
  seriesId: string,
  names: ResultNames,
  query: AggregateQuery,
): Promise<AggregateGroup[] | string> {
  aggregateFields(names, query);
  const cacheable = filterClauses(names, query.filter).length === 0;
  const version = cacheable ? await aggregateVersion(db, seriesId) : null;
  if (version === null) return computeAggregate(db, seriesId, names, query);
  const key = JSON.stringify([query.by, query.metric]);
  const cached = await cachedAggregate(db, seriesId, key, version);
  if (cached !== undefined) return cached;
  const groups = await computeAggregate(db, seriesId, names, query);
  await storeAggregate(db, seriesId, key, version, JSON.stringify(groups));
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
