// Property tests over random sweeps (see arbitraries.ts): the tuples are exactly the cartesian
// product, rendering changes only the varied values, and what we render reads back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import ini from 'ini';
import { parseSweep, renderTuple, tupleAt, tuplesInRange, type Sweep } from '../../sweep/index.ts';
import { printModel, sweepModel, type ExpectedKey, type SweepModel } from './arbitraries.ts';

const RUNS = 300;

function parseModel(model: SweepModel) {
  const printed = printModel(model);
  return { ...printed, sweep: parseSweep(printed.text, { maxTuples: Infinity }) };
}

/** Indices to check: all of them for small sweeps, else the ends and a spread in between. */
function indicesOf(sweep: Sweep): bigint[] {
  if (sweep.count <= 400n) return Array.from({ length: Number(sweep.count) }, (_, i) => BigInt(i));
  const picks = [0n, 1n, sweep.count - 2n, sweep.count - 1n];
  for (let k = 1n; k < 200n; k++) picks.push((sweep.count * k) / 200n);
  return picks;
}

const variedOf = (keys: ExpectedKey[]) => keys.filter((k) => k.values.length > 1);

void test('parameters, values and count are those the file describes', () => {
  fc.assert(
    fc.property(sweepModel, (model) => {
      const { keys, sweep } = parseModel(model);
      const varied = variedOf(keys);
      assert.deepEqual(
        sweep.parameters.map((p) => ({ name: p.name, values: p.values, line: p.line })),
        varied.map(({ name, values, line }) => ({ name, values, line })),
      );
      assert.equal(
        sweep.count,
        varied.reduce((n, k) => n * BigInt(k.values.length), 1n),
      );
      assert.deepEqual(
        sweep.constants.map((c) => [c.name, c.value]),
        keys.filter((k) => k.values.length <= 1).map((k) => [k.name, k.values[0] ?? '']),
      );
    }),
    { numRuns: RUNS },
  );
});

void test('tupleAt is a bijection from 0..count-1 onto the product, last parameter fastest', () => {
  fc.assert(
    fc.property(sweepModel, (model) => {
      const { keys, sweep } = parseModel(model);
      const varied = variedOf(keys);
      const dirs = new Set<string>();
      for (const index of indicesOf(sweep)) {
        const tuple = tupleAt(sweep, index);
        assert.deepEqual(
          Object.keys(tuple.values),
          varied.map((k) => k.name),
        );
        // Read the index back from the values: mixed radix, first parameter most significant.
        let decoded = 0n;
        for (const key of varied) {
          const digit = key.values.indexOf(tuple.values[key.name]!);
          assert.ok(digit >= 0, `${tuple.values[key.name]} is a value of ${key.name}`);
          decoded = decoded * BigInt(key.values.length) + BigInt(digit);
        }
        assert.equal(decoded, index);
        assert.ok(/^[A-Za-z0-9._=+,@-]+$/.test(tuple.dir) && tuple.dir.length <= 255, tuple.dir);
        assert.ok(tuple.dir.startsWith(index.toString().padStart(String(sweep.count - 1n).length, '0')));
        dirs.add(tuple.dir);
      }
      assert.equal(dirs.size, indicesOf(sweep).length, 'directory names are unique');
    }),
    { numRuns: RUNS },
  );
});

void test('the count equals the enumeration for small sweeps, and tuplesInRange equals tupleAt', () => {
  fc.assert(
    fc.property(sweepModel, (model) => {
      const { sweep } = parseModel(model);
      fc.pre(sweep.count <= 300n);
      const all = [...tuplesInRange(sweep, 0, Number(sweep.count))];
      assert.equal(BigInt(all.length), sweep.count);
      assert.equal(new Set(all.map((t) => JSON.stringify(t.values))).size, all.length);
      all.forEach((tuple, i) => assert.deepEqual(tuple, tupleAt(sweep, i)));
    }),
    { numRuns: RUNS },
  );
});

void test('rendering changes only the varied values (and writes out one-value ranges), byte for byte', () => {
  fc.assert(
    fc.property(sweepModel, fc.nat(), (model, pick) => {
      const { keys, sweep } = parseModel(model);
      const index = BigInt(pick) % sweep.count;
      const tuple = tupleAt(sweep, index);
      const chosen: Record<string, string> = { ...tuple.values };
      for (const key of keys) {
        if (key.values.length === 1 && key.tokens[0]?.kind === 'range') chosen[key.name] = key.values[0]!;
      }
      assert.equal(renderTuple(sweep, index), printModel(model, chosen).text);
    }),
    { numRuns: RUNS },
  );
});

void test('a rendered config parses back to the tuple: constants with the chosen values', () => {
  fc.assert(
    fc.property(sweepModel, fc.nat(), (model, pick) => {
      const { keys, sweep } = parseModel(model);
      const index = BigInt(pick) % sweep.count;
      const tuple = tupleAt(sweep, index);
      const again = parseSweep(renderTuple(sweep, index));
      assert.equal(again.count, 1n);
      const readBack = Object.fromEntries(again.constants.map((c) => [c.name, c.value]));
      for (const key of keys) {
        assert.equal(
          readBack[key.name],
          key.values.length > 1 ? tuple.values[key.name] : (key.values[0] ?? ''),
        );
      }
    }),
    { numRuns: RUNS },
  );
});

void test('the ini package reads what we render', () => {
  fc.assert(
    fc.property(sweepModel.map(plainHeaders), fc.nat(), (model, pick) => {
      const { keys, sweep } = parseModel(model);
      const index = BigInt(pick) % sweep.count;
      const tuple = tupleAt(sweep, index);
      const parsed = ini.parse(renderTuple(sweep, index).replace(/^\ufeff/, '')) as Record<string, unknown>;
      for (const key of keys) {
        const expected = key.values.length > 1 ? tuple.values[key.name]! : (key.values[0] ?? '');
        // ini cuts values at any ; or # and unquotes only whole-value quotes: compare plain values.
        if (!/^[\w.-]+$/.test(expected)) continue;
        const dot = key.name.indexOf('.');
        const [section, name] = model.sections.some(
          (s) => s.name !== null && key.name.startsWith(`${s.name}.`),
        )
          ? [key.name.slice(0, dot), key.name.slice(dot + 1)]
          : [null, key.name];
        const holder = (section === null ? parsed : parsed[section]) as Record<string, unknown>;
        assert.equal(String(holder[name]).replace(/^"(.*)"$/, '$1'), expected, `${key.name}`);
      }
    }),
    { numRuns: RUNS },
  );
});

/** The ini package reads neither an indented section header nor a comment after one; our grammar does. */
function plainHeaders(model: SweepModel): SweepModel {
  return { ...model, sections: model.sections.map((s) => ({ ...s, header: `[${s.name}]` })) };
}
