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
  /** Tuples both have. */
  common: number;
}

export interface TupleExample {
  /** The run's index in its own series. */
  index: number;
  /** The tuple's identifying values. */
  params: Record<string, string>;
}

export interface MetricDelta {
  name: string;
  /** Common tuples where both runs have the metric as a number. */
  count: number;
  /** Mean, min and max of B − A over those; null when count is 0. */
  mean: number | null;
  min: number | null;
  max: number | null;
}

export interface CommonTuple {
  aIndex: number;
  bIndex: number;
  params: Record<string, string>;
  aMetrics: Record<string, unknown> | null;
  bMetrics: Record<string, unknown> | null;
}

export interface RunsComparison {
  counts: TupleCounts;
  /** The first `limit` tuples (by index) only A has, and only B has. */
  removed: TupleExample[];
  added: TupleExample[];
  /** Per metric asked for (by name), over the common tuples. */
  metrics: MetricDelta[];
  /** A page of common tuples in A's index order, after A's run `after`; `more` when one follows. */
  page: { rows: CommonTuple[]; more: boolean };
}

/** B − A of a metric, where both runs of a common tuple have it as a number. */
const delta = (name: SQL) =>
  sql`(case when jsonb_typeof(j.bm -> ${name}) = 'number' and jsonb_typeof(j.am -> ${name}) = 'number'
       then (j.bm ->> ${name})::numeric - (j.am ->> ${name})::numeric end)`;

/**
 * Everything a comparison shows of the runs, in one statement: the two sides full-joined once
 * (materialized as `j`), then counted, sampled, grouped per metric and paged from it.
 */
export async function compareRuns(
  db: Database,
  sides: CompareSides,
  metrics: readonly string[],
  query: { limit: number; after?: number | undefined },
): Promise<RunsComparison> {
  const both = sql`j.ai is not null and j.bi is not null`;
  const [row] = await queryRows<{
    removed: number;
    added: number;
    common: number;
    removed_examples: Array<[number, Record<string, string>]>;
    added_examples: Array<[number, Record<string, string>]>;
    metrics: Array<[string, number, number | null, number | null, number | null]>;
    page: Array<
      [number, number, Record<string, string>, Record<string, unknown> | null, Record<string, unknown> | null]
    >;
  }>(
    db,
    sql`${sidesSql(sides)},
        j as materialized (
          select a.index as ai, b.index as bi, coalesce(a.k, b.k) as k, a.metrics as am, b.metrics as bm
          from a full join b on a.k = b.k
        )
        select
          (select count(*)::int from j where j.bi is null) as removed,
          (select count(*)::int from j where j.ai is null) as added,
          (select count(*)::int from j where ${both}) as common,
          (select coalesce(jsonb_agg(jsonb_build_array(x.ai, x.k) order by x.ai), '[]'::jsonb)
             from (select j.ai, j.k from j where j.bi is null order by j.ai limit ${query.limit}) x) as removed_examples,
          (select coalesce(jsonb_agg(jsonb_build_array(x.bi, x.k) order by x.bi), '[]'::jsonb)
             from (select j.bi, j.k from j where j.ai is null order by j.bi limit ${query.limit}) x) as added_examples,
          (select coalesce(jsonb_agg(jsonb_build_array(x.name, x.count, x.mean, x.min, x.max) order by x.name), '[]'::jsonb)
             from (select m.name, count(d.d)::int as count, avg(d.d)::float8 as mean,
                          min(d.d)::float8 as min, max(d.d)::float8 as max
                   from j cross join jsonb_array_elements_text(${JSON.stringify(metrics)}::jsonb) as m(name)
                   cross join lateral (select ${delta(sql`m.name`)} as d) d
                   where ${both}
                   group by m.name) x) as metrics,
          (select coalesce(jsonb_agg(jsonb_build_array(x.ai, x.bi, x.k, x.am, x.bm) order by x.ai, x.bi), '[]'::jsonb)
             from (select j.ai, j.bi, j.k, j.am, j.bm from j where ${both} and j.ai > ${query.after ?? -1}
                   order by j.ai, j.bi limit ${query.limit + 1}) x) as page`,
  );
  const r = row!;
  const example = ([index, params]: [number, Record<string, string>]) => ({ index: Number(index), params });
  const num = (x: number | null) => (x === null ? null : Number(x));
  // Names no common tuple has (not even as null) are absent from the grouping: counted as 0.
  const byName = new Map(
    r.metrics.map(([name, count, mean, min, max]) => [
      name,
      { name, count: Number(count), mean: num(mean), min: num(min), max: num(max) },
    ]),
  );
  return {
    counts: { removed: Number(r.removed), added: Number(r.added), common: Number(r.common) },
    removed: r.removed_examples.map(example),
    added: r.added_examples.map(example),
    metrics: [...new Set(metrics)]
      .sort((x, y) => x.localeCompare(y))
      .map((name) => byName.get(name) ?? { name, count: 0, mean: null, min: null, max: null }),
    page: {
      rows: r.page.slice(0, query.limit).map(([aIndex, bIndex, params, aMetrics, bMetrics]) => ({
        aIndex: Number(aIndex),
        bIndex: Number(bIndex),
        params,
        aMetrics,
        bMetrics,
      })),
      more: r.page.length > query.limit,
    },
  };
}

export interface PairedValue {
  aIndex: number;
  bIndex: number;
  /** The metric in A's run and in B's. */
  a: number;
  b: number;
}

/**
 * Up to `limit` common tuples (A's index order) where both runs have `metric` as a number. Joined
 * as compareRuns does, full and materialized: the planner takes a just-seeded series for one row
 * (its statistics lag; PGlite never analyzes on its own), and an inner join with a limit then
 * became a nested loop, every run of A against every run of B (1,000 a side: 12 s; 100,000:
 * hours). A full join cannot be a nested loop, so it is hashed or merged whatever the estimate.
 */
export async function pairedValues(
  db: Database,
  sides: CompareSides,
  metric: string,
  limit: number,
): Promise<PairedValue[]> {
  const rows = await queryRows<{ a_index: number; b_index: number; a: unknown; b: unknown }>(
    db,
    sql`${sidesSql(sides)},
        j as materialized (
          select a.index as ai, b.index as bi, a.metrics as am, b.metrics as bm
          from a full join b on a.k = b.k
        )
        select j.ai as a_index, j.bi as b_index,
               (j.am ->> ${metric})::float8 as a, (j.bm ->> ${metric})::float8 as b
        from j
        where j.ai is not null and j.bi is not null
          and jsonb_typeof(j.am -> ${metric}) = 'number' and jsonb_typeof(j.bm -> ${metric}) = 'number'
        order by j.ai limit ${limit}`,
  );
  return rows.map((r) => ({
    aIndex: Number(r.a_index),
    bIndex: Number(r.b_index),
    a: Number(r.a),
    b: Number(r.b),
  }));
}
