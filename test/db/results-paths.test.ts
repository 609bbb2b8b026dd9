// The ways db/results.ts reaches a page — a few runs matching a numeric clause read directly and
// sorted, the walk in the page's order checking each run, a value's range in index order — must
// give the same pages. Checked against a straightforward answer computed here from the runs'
// jsonb, on a series of 120 runs with parameters, numeric and text metrics and missing values,
// for sorts by index, parameters and metrics, numeric and text filters, walked forward and back.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import type { Database } from '../../db/client.ts';
import { queryRows } from '../../db/raw.ts';
import { aggregateResults, resultsPage, scatterPoints, type ResultNames } from '../../db/results.ts';
import { NUMBER_TEXT, parseFilter } from '../../db/results-filter.ts';
import { insertRuns, setRunMetrics } from '../../db/runs.ts';
import { backends, withDatabase } from '../support/database.ts';
import { insertSeries } from './fixtures.ts';

const N = 120;
const NAMES: ResultNames = { parameters: ['a', 'b'], metrics: ['period', 'energy', 'tag'] };

async function seed(db: Database): Promise<string> {
  const id = await insertSeries(db, N);
  const runs = Array.from({ length: N }, (_, i) => ({
    index: i,
    dir: `run-${i}`,
    // b is text for some runs: a parameter that is not always a number.
    params: { a: String(Math.floor(i / 12) + 1), b: i % 7 === 0 ? 'off' : String(i % 12) },
  }));
  await insertRuns(db, id, runs);
  await setRunMetrics(
    db,
    id,
    runs
      .filter((r) => r.index % 11 !== 5) // some runs report nothing
      .map((r) => ({
        index: r.index,
        metrics: {
          period: (r.index * 37) % 50, // ties, spread over the series
          ...(r.index % 3 === 0 ? {} : { energy: r.index % 9 }),
          ...(r.index % 5 === 0 ? { tag: r.index % 10 === 0 ? 'x' : 'y' } : {}),
        },
      })),
  );
  return id;
}

type Run = { index: number; params: Record<string, string>; metrics: Record<string, unknown> | null };
async function runsOf(db: Database, id: string): Promise<Run[]> {
  const rows = await queryRows<Run>(db, sql`select index, params, metrics from runs where series_id = ${id}`);
  return rows.map((r) => ({ ...r, index: Number(r.index) }));
}

type Key = [rank: number, num: number, text: string, index: number];

function valueOf(run: Run, name: string): unknown {
  return NAMES.parameters.includes(name) ? run.params[name] : run.metrics?.[name];
}

function numberOf(run: Run, name: string): number | undefined {
  const value = valueOf(run, name);
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && NAMES.parameters.includes(name) && NUMBER_TEXT.test(value))
    return Number(value);
  return undefined;
}

function keyOf(run: Run, name: string | undefined): Key {
  if (!name) return [0, 0, '', run.index];
  const num = numberOf(run, name);
  if (num !== undefined) return [0, num, '', run.index];
  const value = valueOf(run, name);
  return value === undefined || value === null ? [2, 0, '', run.index] : [1, 0, String(value), run.index];
}

/** The page order by hand: present values first whichever the direction, ties by index. */
function expected(all: Run[], sort: string | undefined, filter: string): number[] {
  const descending = sort?.startsWith('-') ?? false;
  const name = sort?.replace(/^-/, '');
  const clauses = parseFilter(filter);
  const kept = all.filter((run) =>
    clauses.every((c) => {
      if (c.number !== undefined) {
        const x = numberOf(run, c.name);
        if (x === undefined) return false;
        return {
          '=': x === c.number,
          '!=': x !== c.number,
          '<': x < c.number,
          '<=': x <= c.number,
          '>': x > c.number,
          '>=': x >= c.number,
        }[c.op];
      }
      const v = valueOf(run, c.name);
      if (v === undefined || v === null) return false;
      return c.op === '=' ? String(v) === c.value : String(v) !== c.value;
    }),
  );
  const sign = descending ? -1 : 1;
  return kept
    .map((run) => keyOf(run, name))
    .sort((x, y) => {
      if (x[0] !== y[0]) return x[0] - y[0];
      if (x[1] !== y[1]) return sign * (x[1] - y[1]);
      if (x[2] !== y[2]) return sign * (x[2] < y[2] ? -1 : 1);
      return sign * (x[3] - y[3]);
    })
    .map((k) => k[3]);
}

async function walk(db: Database, id: string, sort: string | undefined, filter: string, firstWalk: number) {
  const q = { sort, filter, limit: 20, firstWalk };
  const forward: number[] = [];
  let page = await resultsPage(db, id, NAMES, q);
  for (;;) {
    forward.push(...page.rows.map((r) => r.index));
    if (page.next === null) break;
    page = await resultsPage(db, id, NAMES, { ...q, cursor: page.next });
  }
  const backward = page.rows.map((r) => r.index);
  while (page.prev !== null) {
    page = await resultsPage(db, id, NAMES, { ...q, cursor: page.prev });
    backward.unshift(...page.rows.map((r) => r.index));
  }
  return { forward, backward };
}

const SORTS = [undefined, '-period', 'b', 'energy'];
const FILTERS = [
  'period > 40',
  'period < 45',
  'energy <= 2 and a = 4',
  'b = 5',
  'tag = x and energy != 4',
  'energy > 3 and tag = y',
  'period > 1000',
];

for (const kind of backends) {
  describe(`results page paths on ${kind}`, () => {
    test('every plan (a clause read whole, walks of each budget, value ranges) gives the same pages', () =>
      withDatabase(kind, async ({ db }) => {
        const id = await seed(db);
        const all = await runsOf(db, id);
        for (const filter of FILTERS)
          for (const sort of SORTS) {
            const want = expected(all, sort, filter);
            // 1: rounds of walks stopped by their budget and going on from there, then the
            // rest read from a clause once its count fits; N: one walk of the whole series.
            for (const firstWalk of [1, N]) {
              const { forward, backward } = await walk(db, id, sort, filter, firstWalk);
              const what = `sort ${sort ?? 'index'}, filter '${filter}', firstWalk ${firstWalk}`;
              assert.deepEqual(forward, want, what);
              assert.deepEqual(backward, want, `back: ${what}`);
            }
          }
      }));

    test('filtered aggregates and scatter points read only the runs of a rare clause, the same answer', () =>
      withDatabase(kind, async ({ db }) => {
        const id = await seed(db);
        const all = await runsOf(db, id);
        const filter = 'period >= 10 and period < 30 and b != 3';
        const kept = expected(all, undefined, filter).map((i) => all.find((r) => r.index === i)!);
        const groups = await aggregateResults(db, id, NAMES, { by: ['a'], metric: 'energy', filter });
        const byA = new Map<string, Run[]>();
        for (const run of kept) byA.set(run.params.a!, [...(byA.get(run.params.a!) ?? []), run]);
        assert.deepEqual(
          groups.map((g) => [g.values.a, g.count, g.min, g.max]),
          [...byA].map(([a, runs]) => {
            const xs = runs.map((r) => numberOf(r, 'energy')).filter((x) => x !== undefined);
            return [a, xs.length, xs.length ? Math.min(...xs) : null, xs.length ? Math.max(...xs) : null];
          }),
        );
        const points = await scatterPoints(db, id, NAMES, { x: 'period', y: 'energy', filter, limit: 1000 });
        assert.deepEqual(
          points.map((p) => p.index),
          kept.filter((r) => numberOf(r, 'energy') !== undefined).map((r) => r.index),
        );
      }));
  });
}
