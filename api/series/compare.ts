// Comparing two series, for the API (GET /api/v1/series/{a}/compare/{b}), the web page
// (/compare) and through the API `tuplet diff`: both must be visible to the caller (otherwise
// 404, as every read), and the answer is their INI diff, the changed parameters, the tuple-set
// diff with examples, and per metric the differences B − A over the common tuples.
import { InvalidRequestError } from '../../core/errors.ts';
import { compareRuns, type CompareSides, type MetricDelta, type TupleExample } from '../../db/compare.ts';
import type { Database } from '../../db/client.ts';
import { metricNames } from '../../db/runs.ts';
import type { SeriesWithOwner } from '../../db/series.ts';
import { parseSweep } from '../../sweep/index.ts';
import type { AuthUser } from '../context.ts';
import { getSeries } from './query.ts';
import {
  identifyingParameters,
  iniDiff,
  parameterChanges,
  tupleFills,
  type IniDiff,
  type ParameterChange,
} from './sweep-diff.ts';

/** What a series id looks like (db/ids.ts makes 12 of these characters): anything else is a 400. */
export const SERIES_ID_PATTERN = /^[0-9a-z]{1,64}$/;

/** The id, or an InvalidRequestError naming the parameter (`a:` or `b:`). */
export function checkSeriesId(name: string, id: string): string {
  if (!SERIES_ID_PATTERN.test(id))
    throw new InvalidRequestError(
      `${name}: '${id.slice(0, 80)}' is not a series id (lowercase letters and digits)`,
    );
  return id;
}

export interface ComparedSeries {
  id: string;
  description: string;
  state: SeriesWithOwner['state'];
  owner: string;
  count: number;
}

export interface DeltaRow {
  aIndex: number;
  bIndex: number;
  params: Record<string, string>;
  /** B − A of each metric both runs have as a number, else null. */
  deltas: Record<string, number | null>;
}

export interface Comparison {
  a: ComparedSeries;
  b: ComparedSeries;
  ini: IniDiff;
  parameters: ParameterChange[];
  tuples: {
    identifiedBy: string[];
    removed: number;
    added: number;
    common: number;
    examples: { removed: TupleExample[]; added: TupleExample[] };
  };
  metrics: MetricDelta[];
  deltas: { rows: DeltaRow[]; nextAfter: number | null };
}

export interface ComparisonQuery {
  /** Examples of each kind and rows of the delta page. */
  limit: number;
  /** A's run index of the last delta row of the previous page. */
  after?: number | undefined;
}

/** Both series as the user may see them, and how their tuples are matched. */
export async function loadPair(db: Database, maxTuples: number, user: AuthUser, aId: string, bId: string) {
  const [a, b] = await Promise.all([
    getSeries(db, checkSeriesId('a', aId), user),
    getSeries(db, checkSeriesId('b', bId), user),
  ]);
  const sweepOf = (row: SeriesWithOwner) =>
    parseSweep(row.ini, { maxTuples: Math.max(maxTuples, row.count) });
  const [sa, sb] = [sweepOf(a), sweepOf(b)];
  const fills = tupleFills(sa, sb);
  const sides: CompareSides = { a: { seriesId: a.id, fill: fills.a }, b: { seriesId: b.id, fill: fills.b } };
  return { a, b, sweeps: { a: sa, b: sb }, sides };
}

const summary = (row: SeriesWithOwner): ComparedSeries => ({
  id: row.id,
  description: row.description,
  state: row.state,
  owner: row.ownerName,
  count: row.count,
});

/** Metric names of either series (each from a sample of its first runs). */
async function sharedMetricNames(db: Database, sides: CompareSides): Promise<string[]> {
  const [ma, mb] = await Promise.all([metricNames(db, sides.a.seriesId), metricNames(db, sides.b.seriesId)]);
  return [...new Set([...ma, ...mb])];
}

function deltasOf(
  names: readonly string[],
  a: Record<string, unknown> | null,
  b: Record<string, unknown> | null,
): Record<string, number | null> {
  return Object.fromEntries(
    names.map((name) => {
      const [x, y] = [a?.[name], b?.[name]];
      return [name, typeof x === 'number' && typeof y === 'number' ? y - x : null];
    }),
  );
}

export type SeriesPair = Awaited<ReturnType<typeof loadPair>>;

/** The comparison of a pair loadPair answered. */
export async function comparePair(
  db: Database,
  pair: SeriesPair,
  query: ComparisonQuery,
): Promise<Comparison> {
  const { a, b, sweeps, sides } = pair;
  const names = await sharedMetricNames(db, sides);
  const runs = await compareRuns(db, sides, names, query);
  return {
    a: summary(a),
    b: summary(b),
    ini: iniDiff(`series ${a.id}`, a.ini, `series ${b.id}`, b.ini),
    parameters: parameterChanges(sweeps.a, sweeps.b),
    tuples: {
      identifiedBy: identifyingParameters(sweeps.a, sweeps.b),
      ...runs.counts,
      examples: { removed: runs.removed, added: runs.added },
    },
    metrics: runs.metrics,
    deltas: {
      rows: runs.page.rows.map((r) => ({
        aIndex: r.aIndex,
        bIndex: r.bIndex,
        params: r.params,
        deltas: deltasOf(names, r.aMetrics, r.bMetrics),
      })),
      nextAfter: runs.page.more ? (runs.page.rows.at(-1)?.aIndex ?? null) : null,
    },
  };
}
