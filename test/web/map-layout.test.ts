// The parameter map's run indices, checked against the sweep's own decoding (tupleAt): the
// cell in column c and row r must be the run whose values are x[c], y[r] and the fixed ones.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseSweep, tupleAt } from '../../sweep/index.ts';
import { mapLayout, MapQueryError, MAX_CELLS, MAX_COLUMNS } from '../../web/data/map.ts';

const ini = `[a]\nalpha = 1 2 3\nname = x\n[b]\nbeta = u v\ngamma = 10...10...40\n`;

void describe('mapLayout', () => {
  void test('every cell is the run with its row, column and fixed values', () => {
    const sweep = parseSweep(ini);
    const layout = mapLayout(sweep, { x: 'b.gamma', y: 'a.alpha', fixed: { 'b.beta': 1 } });
    assert.equal(layout.columns, 4);
    assert.equal(layout.rows, 3);
    assert.deepEqual(layout.fixed, { 'b.beta': 1 });
    layout.indices.forEach((index, i) => {
      const values = tupleAt(sweep, index!).values;
      assert.equal(values['b.gamma'], layout.x!.values[i % 4]);
      assert.equal(values['a.alpha'], layout.y!.values[Math.floor(i / 4)]);
      assert.equal(values['b.beta'], 'v');
    });
  });

  void test('any choice of axes and fixed values agrees with tupleAt', () => {
    const sweep = parseSweep(`p = 1 2 3\nq = a b\nr = 5 6 7 8\ns = x y z\n`);
    const names = sweep.parameters.map((p) => p.name);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 0, max: 3 }),
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 4, maxLength: 4 }),
        (xi, yi, fix) => {
          fc.pre(xi !== yi);
          const fixed = Object.fromEntries(
            names.map((n, i) => [n, fix[i]! % sweep.parameters[i]!.values.length]),
          );
          const layout = mapLayout(sweep, { x: names[xi], y: names[yi], fixed });
          layout.indices.forEach((index, i) => {
            const values = tupleAt(sweep, index!).values;
            assert.equal(values[names[xi]!], layout.x!.values[i % layout.columns]);
            assert.equal(values[names[yi]!], layout.y!.values[Math.floor(i / layout.columns)]);
            for (const [n, at] of Object.entries(layout.fixed)) {
              assert.equal(values[n], sweep.parameters[names.indexOf(n)]!.values[at]);
            }
          });
        },
      ),
    );
  });

  void test('with a link and an exclusion, a cell is its run or null when the sweep has no such combination', () => {
    const sweep = parseSweep(`#@link dt dx\n#@exclude a > b\na = 1 2 3\nb = 1 2 3\ndt = 1 2\ndx = 10 20\n`);
    for (const [x, y] of [
      ['a', 'b'],
      ['dt', 'dx'],
      ['b', 'dx'],
    ] as const) {
      const layout = mapLayout(sweep, { x, y, fixed: { dt: 1, dx: 1 } });
      const seen = new Set<number>();
      layout.indices.forEach((index, i) => {
        const xValue = layout.x!.values[i % layout.columns]!;
        const yValue = layout.y!.values[Math.floor(i / layout.columns)]!;
        const values: Record<string, string> = {
          a: '1',
          b: '1',
          dt: '2',
          dx: '20',
          [x]: xValue,
          [y]: yValue,
        };
        const linkedApart = values.dt === '1' ? values.dx !== '10' : values.dx !== '20';
        const excluded = Number(values.a) > Number(values.b);
        if (linkedApart || excluded) return assert.equal(index, null, JSON.stringify(values));
        assert.notEqual(index, null, JSON.stringify(values));
        seen.add(index!);
        assert.deepEqual(tupleAt(sweep, index!).values, values);
      });
      assert.equal(seen.size, layout.indices.filter((index) => index !== null).length);
    }
  });

  void test('defaults: the first two parameters; one parameter gives one row', () => {
    const two = mapLayout(parseSweep(ini), {});
    assert.equal(two.x!.name, 'a.alpha');
    assert.equal(two.y!.name, 'b.beta');
    const one = mapLayout(parseSweep('k = 1 2 3\n'), {});
    assert.equal(one.y, null);
    assert.deepEqual(one.indices, [0, 1, 2]);
  });

  void test('a huge grid is cut to the cell budget', () => {
    const layout = mapLayout(parseSweep('x = 1...1...500\ny = 1...1...500\n'), {});
    assert.equal(layout.columns, MAX_COLUMNS);
    assert.ok(layout.indices.length <= MAX_CELLS);
    assert.equal(layout.truncated, true);
  });

  void test('unknown or equal axes are refused', () => {
    assert.throws(() => mapLayout(parseSweep(ini), { x: 'nope' }), MapQueryError);
    assert.throws(() => mapLayout(parseSweep(ini), { x: 'a.alpha', y: 'a.alpha' }), MapQueryError);
  });
});
