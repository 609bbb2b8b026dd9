// The results plots stay bounded however many groups the aggregates answer (web/pages/results/
// thin.ts): lines spread over the line parameter's values, long lines binned with their envelope
// kept, heatmaps pooled into blocks whose statistics equal those of the runs they hold, and every
// kept mark still titled and linked. Rendered from synthetic groups: no database needed.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseFilter } from '../../db/results-filter.ts';
import type { AggregateGroup } from '../../db/results.ts';
import { Heatmap, LinePlot, type Links } from '../../web/pages/results/plots.tsx';
import {
  binsOf,
  heatmapCells,
  LINE_BINS,
  MAX_CELLS,
  MAX_LINES,
  pool,
  spread,
  thinLine,
} from '../../web/pages/results/thin.ts';
import { linksOf } from '../../web/routes/results-plot.tsx';

/** Sample statistics of plain numbers, as the aggregate query computes them. */
function statsOf(values: number[]) {
  const n = values.length;
  const mean = values.reduce((s, v) => s + v, 0) / n;
  const std = n > 1 ? Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1)) : null;
  return { count: n, mean, min: Math.min(...values), max: Math.max(...values), std };
}

/** A group over some runs' values (run set when exactly one has a value). */
function group(values: Record<string, string>, runs: number[], firstRun = 0): AggregateGroup {
  if (runs.length === 0) return { values, count: 0, mean: null, min: null, max: null, std: null, run: null };
  return { values, ...statsOf(runs), run: runs.length === 1 ? firstRun : null };
}

/** a × b groups of 1..n each, a run's value f(a, b, k) for its k-th run. */
function grid(n: number, runsPerGroup: number, f: (a: number, b: number, k: number) => number) {
  const groups: AggregateGroup[] = [];
  const raw = new Map<string, number[]>();
  for (let a = 1; a <= n; a++)
    for (let b = 1; b <= n; b++) {
      const values = Array.from({ length: runsPerGroup }, (_, k) => f(a, b, k));
      raw.set(`${a},${b}`, values);
      groups.push(group({ a: String(a), b: String(b) }, values));
    }
  return { groups, raw };
}

const links: Links = {
  run: (i) => `/series/s/runs/${i}`,
  runsIn: (span) => `/series/s/results?span=${encodeURIComponent(JSON.stringify(span))}`,
};

const render = async (element: { toString(): string | Promise<string> }) =>
  await Promise.resolve(element.toString());
const close = (a: number | null, b: number | null, what: string) =>
  assert.ok(
    a !== null && b !== null && Math.abs(a - b) < 1e-9 * Math.max(1, Math.abs(b)),
    `${what}: ${a} ≠ ${b}`,
  );

void describe('results plots, thinned', () => {
  void test('spread keeps the first and last and spaces the rest; bins cover every item once', () => {
    const values = Array.from({ length: 100 }, (_, i) => i);
    const kept = spread(values, 8);
    assert.equal(kept.length, 8);
    assert.equal(kept[0], 0);
    assert.equal(kept.at(-1), 99);
    assert.deepEqual(spread([1, 2, 3], 8), [1, 2, 3]);
    assert.deepEqual(binsOf(values, 40).flat(), values);
    assert.ok(binsOf(values, 40).length <= 40);
  });

  void test('a pooled block has the statistics of all its runs', () => {
    const { groups, raw } = grid(3, 4, (a, b, k) => a * 10 + b + k * k * 0.5);
    const pooled = pool(groups);
    const all = statsOf([...raw.values()].flat());
    assert.equal(pooled.count, all.count);
    close(pooled.mean, all.mean, 'mean');
    close(pooled.std, all.std, 'std');
    assert.equal(pooled.min, all.min);
    assert.equal(pooled.max, all.max);
    // Single-run groups (std null) and groups without a value pool as well.
    const sparse = [group({ a: '1' }, [2], 7), group({ a: '2' }, []), group({ a: '3' }, [4, 6])];
    const p = pool(sparse);
    assert.equal(p.count, 3);
    close(p.mean, 4, 'mean');
    close(p.std, 2, 'std');
    assert.equal(p.run, null);
    assert.equal(pool([sparse[0]!, sparse[1]!]).run, 7, 'one run with a value: the cell opens it');
  });

  void test("a long line keeps each bin's lowest and highest mean, so its envelope is exact", () => {
    const points = Array.from({ length: 1000 }, (_, i) => {
      const g = group({ a: String(i) }, [Math.sin(i / 7) * 100 + (i % 13)]);
      return g as AggregateGroup & { mean: number };
    });
    const thinned = thinLine(points);
    assert.ok(thinned.length <= 2 * LINE_BINS, `${thinned.length} points`);
    const means = points.map((g) => g.mean);
    const kept = thinned.map((p) => p.group.mean);
    assert.equal(Math.min(...kept), Math.min(...means));
    assert.equal(Math.max(...kept), Math.max(...means));
    for (const bin of binsOf(points, LINE_BINS)) {
      const lowest = Math.min(...bin.map((g) => g.mean));
      assert.ok(
        thinned.some((p) => p.group.mean === lowest && bin.includes(p.group)),
        'each bin keeps its lowest',
      );
    }
    const xs = thinned.map((p) => Number(p.group.values.a));
    assert.deepEqual(
      xs,
      [...xs].sort((a, b) => a - b),
      'in x order',
    );
  });

  void test('a line plot of 10,000 groups draws 8 spread lines and says so', async () => {
    const { groups } = grid(100, 1, (a, b) => a + b);
    const svg = await render(LinePlot({ groups, x: 'a', line: 'b', metric: 'm', links }));
    assert.equal((svg.match(/<polyline/g) ?? []).length, MAX_LINES);
    assert.equal((svg.match(/class="plot-mark"/g) ?? []).length, MAX_LINES * 100);
    assert.match(svg, /8 of 100 lines/);
    assert.match(svg, /<desc id="plot-title-desc">8 of the 100 values of b are drawn/);
    assert.match(svg, /<title>a=1, b=100: m 101 \(run 0\)<\/title>/, 'the last line value is kept');
  });

  void test('a heatmap of 100 × 100 groups draws pooled blocks that link to their range', async () => {
    const { groups, raw } = grid(100, 2, (a, b, k) => a * 1000 + b + k);
    const xs = Array.from({ length: 100 }, (_, i) => String(i + 1));
    const { columns, rows, cells } = heatmapCells(groups, 'a', 'b', xs, xs);
    assert.ok(columns.length <= MAX_CELLS && rows.length <= MAX_CELLS);
    assert.equal(cells.length, columns.length * rows.length);
    const first = cells.find((c) => c.col === 0 && c.row === 0)!;
    assert.deepEqual(first.span, { a: ['1', '3'], b: ['1', '3'] });
    const runs = ['1', '2', '3'].flatMap((a) => ['1', '2', '3'].flatMap((b) => raw.get(`${a},${b}`)!));
    const expected = statsOf(runs);
    assert.equal(first.count, expected.count);
    close(first.mean, expected.mean, 'mean');
    close(first.std, expected.std, 'std');

    const svg = await render(Heatmap({ groups, x: 'a', y: 'b', metric: 'm', links }));
    assert.equal((svg.match(/class="plot-mark"/g) ?? []).length, cells.length);
    assert.match(svg, /in blocks of 3 × 3 values/);
    assert.match(svg, /<title>a 1–3, b 1–3: m [\d.e+]+ ± [\d.]+ \(18 runs, min 1001, max 3004\)<\/title>/);
    assert.ok(svg.includes(links.runsIn({ a: ['1', '3'], b: ['1', '3'] }).replaceAll('&', '&amp;')));
  });

  void test('a small heatmap is drawn cell by cell, without a description', async () => {
    const { groups } = grid(4, 1, (a, b) => a * b);
    const svg = await render(Heatmap({ groups, x: 'a', y: 'b', metric: 'm', links }));
    assert.equal((svg.match(/class="plot-mark"/g) ?? []).length, 16);
    assert.doesNotMatch(svg, /<desc/);
    assert.match(svg, /<title>a=2, b=3: m 6 \(run 0\)<\/title>/);
  });

  void test('a block links to the table filtered to its ranges: numbers compared as numbers', () => {
    const href = linksOf('s1', 'energy > 2').runsIn({
      'model.a': ['2', '10'],
      kind: ['a"b', 'c'],
      'model.b': ['x', 'x'],
    });
    const url = new URL(href, 'http://host');
    assert.equal(url.pathname, '/series/s1/results');
    assert.equal(url.hash, '#table');
    assert.deepEqual(parseFilter(url.searchParams.get('filter')!), [
      { name: 'energy', op: '>', value: '2', number: 2 },
      { name: 'model.a', op: '>=', value: '2', number: 2 },
      { name: 'model.a', op: '<=', value: '10', number: 10 },
      { name: 'kind', op: '>=', value: 'a"b' },
      { name: 'kind', op: '<=', value: 'c' },
      { name: 'model.b', op: '=', value: 'x' },
    ]);
  });

  void test('values in marks are escaped: a parameter value cannot open a tag or leave an attribute', async () => {
    // Marks are built as strings (markSvg), not by JSX, so escaping is ours to get right.
    const evil = '"><script>alert(1)</script><a href="x';
    const groups = [group({ a: evil, b: '1' }, [1, 2]), group({ a: 'ok', b: '1' }, [3])];
    const svg = await render(LinePlot({ groups, x: 'a', line: 'b', metric: 'm', links }));
    assert.doesNotMatch(svg, /<script/);
    assert.match(svg, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
    // Every href attribute is one quoted value without a raw quote inside.
    for (const [, href] of svg.matchAll(/href="([^"]*)"/g)) assert.doesNotMatch(href!, /[<>]/);
    const heat = await render(Heatmap({ groups, x: 'a', y: 'b', metric: 'm', links }));
    assert.doesNotMatch(heat, /<script/);
  });
});
