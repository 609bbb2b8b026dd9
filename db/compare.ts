// Two series' runs side by side (docs/compare.md): which tuples only one of them has, which
// both have, and on those the differences of every metric — in SQL, so a comparison of
// 100,000 runs is a couple of hash joins rather than 200,000 rows shipped to Node.
//
// A tuple is identified by its values of the parameters varied in either series. runs.params
// holds a run's varied parameters only, so a parameter varied in one series and constant in
// the other is filled in, on the constant side, with that constant (`fill`): `b = 5` in A
// matches B's tuples with `b = 5`. A parameter constant in both is not part of the identity
// (a clone that only changes a constant has every tuple in common: the deltas are its effect).
// jsonb equality ignores key order, and jsonb has hash and btree operators, so `k` joins.
import { sql, type SQL } from 'drizzle-orm';
import type { Database } from './client.ts';
import { queryRows } from './raw.ts';

/** One side of a comparison: the series and the values its runs' keys are completed with. */
export interface CompareSide {
  seriesId: string;
  /** Parameters this series holds constant that the other varies: name → value. */
  fill: Record<string, string>;
}

export interface CompareSides {
  a: CompareSide;
  b: CompareSide;
}

/** The runs of each side as `(index, metrics, k)`, where k is the tuple's identifying key. */
function sidesSql(sides: CompareSides): SQL {
  const side = (s: CompareSide) =>
    sql`select r.index, r.metrics, ${JSON.stringify(s.fill)}::jsonb || r.params as k
        from runs r where r.series_id = ${s.seriesId}`;
  return sql`with a as materialized (${side(sides.a)}), b as materialized (${side(sides.b)})`;
}

export interface TupleCounts {
  /** Tuples of A that B does not have. */
  removed: number;
  /** Tuples of B that A does not have. */
  added: number;
  /** Tuples of A that B has too. */
  common: number;
}

export async function tupleCounts(db: Database, sides: CompareSides): Promise<TupleCounts> {
  const [row] = await queryRows<{ removed: number; added: number; common: number }>(
    db,
    sql`${sidesSql(sides)}
        select
          (select count(*)::int from a where not exists (select 1 from b where b.k = a.k)) as removed,
          (select count(*)::int from b where not exists (select 1 from a where a.k = b.k)) as added,
          (select count(*)::int from a where exists (select 1 from b where b.k = a.k)) as common`,
  );
  return { removed: Number(row!.removed), added: Number(row!.added), common: Number(row!.common) };
}

export interface TupleExample {
  /** The run's index in its own series. */
  index: number;
  /** The tuple's identifying values. */
  params: Record<string, string>;
}

/** The first `limit` tuples (by index) that only A (`removed`) or only B (`added`) has. */
export async function tupleExamples(
  db: Database,
  sides: CompareSides,
  which: 'removed' | 'added',
  limit: number,
): Promise<TupleExample[]> {
  const [mine, other] = which === 'removed' ? [sql`a`, sql`b`] : [sql`b`, sql`a`];
  const rows = await queryRows<{ index: number; params: Record<string, string> }>(
    db,
    sql`${sidesSql(sides)}
        select t.index, t.k as params from ${mine} t
        where not exists (select 1 from ${other} o where o.k = t.k)
        order by t.index limit ${limit}`,
  );
  return rows.map((r) => ({ index: Number(r.index), params: r.params }));
}

/** B − A of a metric, where both runs of a common tuple have it as a number. */
const delta = (name: SQL) =>
  sql`(case when jsonb_typeof(b.metrics -> ${name}) = 'number' and jsonb_typeof(a.metrics -> ${name}) = 'number'
       then (b.metrics ->> ${name})::numeric - (a.metrics ->> ${name})::numeric end)`;

export interface MetricDelta {
  name: string;
  /** Common tuples where both runs have the metric as a number. */
  count: number;
  /** Mean, min and max of B − A over those; null when count is 0. */
  mean: number | null;
  min: number | null;
  max: number | null;
}

/** Per metric, over the common tuples: count, mean, min and max of B − A (one query). */
export async function metricDeltas(
  db: Database,
  sides: CompareSides,
  metrics: readonly string[],
): Promise<MetricDelta[]> {
  if (metrics.length === 0) return [];
  const rows = await queryRows<{ name: string; count: number; mean: unknown; min: unknown; max: unknown }>(
    db,
    sql`${sidesSql(sides)}
        select m.name, count(d.d)::int as count, avg(d.d)::float8 as mean,
               min(d.d)::float8 as min, max(d.d)::float8 as max
        from a join b on a.k = b.k
        cross join jsonb_array_elements_text(${JSON.stringify(metrics)}::jsonb) as m(name)
        cross join lateral (select ${delta(sql`m.name`)} as d) d
        group by m.name order by m.name`,
  );
  const num = (x: unknown) => (x === null ? null : Number(x));
  return rows.map((r) => ({
    name: r.name,
    count: Number(r.count),
    mean: num(r.mean),
    min: num(r.min),
    max: num(r.max),
  }));
}

export interface CommonTuple {
  aIndex: number;
  bIndex: number;
  params: Record<string, string>;
  aMetrics: Record<string, unknown> | null;
  bMetrics: Record<string, unknown> | null;
}

/** A page of common tuples in A's index order, after A's run `after` (keyset). */
export async function commonTuples(
  db: Database,
  sides: CompareSides,
  query: { after?: number | undefined; limit: number },
): Promise<{ rows: CommonTuple[]; more: boolean }> {
  const rows = await queryRows<{
    a_index: number;
    b_index: number;
    params: Record<string, string>;
    a_metrics: Record<string, unknown> | null;
    b_metrics: Record<string, unknown> | null;
  }>(
    db,
    sql`${sidesSql(sides)}
        select a.index as a_index, b.index as b_index, a.k as params,
               a.metrics as a_metrics, b.metrics as b_metrics
        from a join b on a.k = b.k
        where a.index > ${query.after ?? -1}
        order by a.index, b.index limit ${query.limit + 1}`,
  );
  return {
    rows: rows.slice(0, query.limit).map((r) => ({
      aIndex: Number(r.a_index),
      bIndex: Number(r.b_index),
      params: r.params,
      aMetrics: r.a_metrics,
      bMetrics: r.b_metrics,
    })),
    more: rows.length > query.limit,
  };
}

export interface PairedValue {
  aIndex: number;
  bIndex: number;
  /** The metric in A's run and in B's. */
  a: number;
  b: number;
}

/** Up to `limit` common tuples (A's index order) where both runs have `metric` as a number. */
export async function pairedValues(
  db: Database,
  sides: CompareSides,
  metric: string,
  limit: number,
): Promise<PairedValue[]> {
  const rows = await queryRows<{ a_index: number; b_index: number; a: unknown; b: unknown }>(
    db,
    sql`${sidesSql(sides)}
        select a.index as a_index, b.index as b_index,
               (a.metrics ->> ${metric})::float8 as a, (b.metrics ->> ${metric})::float8 as b
        from a join b on a.k = b.k
        where ${delta(sql`${metric}`)} is not null
        order by a.index limit ${limit}`,
  );
  return rows.map((r) => ({
    aIndex: Number(r.a_index),
    bIndex: Number(r.b_index),
    a: Number(r.a),
    b: Number(r.b),
  }));
}
