// What a results export (CSV, JSON Lines, Parquet) needs from the database besides the rows:
// every metric name of the matching runs (the table's names are a sample; an export must not
// drop a metric that only late runs report) and, per parameter and metric, whether every value
// is a number — Parquet's column types are fixed before the first row is written. The rows
// themselves come page by page from db/results.ts resultsPage, walking the primary key.
import { sql } from 'drizzle-orm';
import type { Database } from './client.ts';
import { queryRows } from './raw.ts';
import { NUMBER_TEXT } from './results-filter.ts';
import { filterSql, resultsPage, type ResultNames, type ResultRow } from './results.ts';

export interface ExportField {
  name: string;
  /** Every value present is a number (parameters: decimal text; metrics: JSON numbers). */
  numeric: boolean;
}

export interface ExportFields {
  parameters: ExportField[];
  metrics: ExportField[];
}

/** The parameters (in the order given) and every metric of the matching runs, with their kinds. */
export async function exportFields(
  db: Database,
  seriesId: string,
  names: ResultNames,
  filter: string | undefined,
): Promise<ExportFields> {
  const where = filterSql(names, filter);
  const [params, metrics] = await Promise.all([
    queryRows<{ key: string; numeric: boolean }>(
      db,
      sql`select p.key, bool_and(p.value ~ ${NUMBER_TEXT.source}) as numeric
          from runs r, jsonb_each_text(r.params) p
          where r.series_id = ${seriesId} and (${where})
          group by p.key`,
    ),
    queryRows<{ key: string; numeric: boolean }>(
      db,
      sql`select m.key, bool_and(jsonb_typeof(m.value) in ('number', 'null')) as numeric
          from runs r, jsonb_each(r.metrics) m
          where r.series_id = ${seriesId} and (${where}) and jsonb_typeof(r.metrics) = 'object'
          group by m.key
          order by m.key`,
    ),
  ]);
  const paramKinds = new Map(params.map((p) => [p.key, p.numeric]));
  return {
    // A parameter no matching run has (an empty export) is text: nothing says it is a number.
    parameters: names.parameters.map((name) => ({ name, numeric: paramKinds.get(name) ?? false })),
    metrics: metrics.map((m) => ({ name: m.key, numeric: m.numeric })),
  };
}

/** Rows of one export page; 5,000 keeps memory small and a Parquet row group worth its header. */
export const EXPORT_PAGE_ROWS = 5000;

/** The matching runs in index order, a page at a time (never the whole series in memory). */
export async function* exportPages(
  db: Database,
  seriesId: string,
  names: ResultNames,
  filter: string | undefined,
  pageRows = EXPORT_PAGE_ROWS,
): AsyncGenerator<ResultRow[]> {
  let cursor: string | undefined;
  for (;;) {
    const page = await resultsPage(db, seriesId, names, { filter, cursor, limit: pageRows, withRun: true });
    if (page.rows.length > 0) yield page.rows;
    if (page.next === null) return;
    cursor = page.next;
  }
}
