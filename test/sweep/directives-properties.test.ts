// Property tests of #@link and #@exclude over random sweeps: the expected tuples are computed
// here, independently of sweep/ (links zipped by hand, rules evaluated by a tiny interpreter
// over numbers), and compared with what the sweep counts, numbers, iterates and renders.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  SweepError,
  indexOfValues,
  parseSweep,
  renderTuple,
  tupleAt,
  tuplesInRange,
} from '../../sweep/index.ts';

const RUNS = 300;
const OPS = ['=', '!=', '<', '<=', '>', '>='] as const;
type Op = (typeof OPS)[number];

type Operand = { kind: 'param'; p: number } | { kind: 'number'; value: number };
type Expr =
  { kind: 'compare'; op: Op; left: Operand; right: Operand } | { kind: 'and' | 'or'; items: Expr[] };

interface Model {
  /** Values of each key, as integers; one value makes a constant. */
  keys: number[][];
  /** Groups of key positions linked together. */
  links: number[][];
  rules: Expr[];
}

const names = (i: number) => `s.k${i}`;

const expr = (keyCount: number): fc.Arbitrary<Expr> => {
  const operand: fc.Arbitrary<Operand> = fc.oneof(
    fc.nat({ max: keyCount - 1 }).map((p) => ({ kind: 'param' as const, p })),
    fc.integer({ min: -3, max: 6 }).map((value) => ({ kind: 'number' as const, value })),
  );
  const { tree } = fc.letrec<{ tree: Expr }>((tie) => ({
    tree: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.record({
        kind: fc.constant('compare' as const),
        op: fc.constantFrom(...OPS),
        left: operand,
        right: operand,
      }),
      fc.record({
        kind: fc.constantFrom('and' as const, 'or' as const),
        items: fc.array(tie('tree'), { minLength: 1, maxLength: 3 }),
      }),
    ),
  }));
  return tree;
};

const model: fc.Arbitrary<Model> = fc
  .array(fc.uniqueArray(fc.integer({ min: -3, max: 6 }), { minLength: 1, maxLength: 4 }), {
    minLength: 1,
    maxLength: 5,
  })
  .chain((keys) => {
    // Links only between keys of equal size, each key in at most one link.
    const bySize = new Map<number, number[]>();
    keys.forEach((values, i) => bySize.set(values.length, [...(bySize.get(values.length) ?? []), i]));
    const linkable = [...bySize.values()].filter((group) => group.length >= 2);
    return fc.record({
      keys: fc.constant(keys),
      links: fc
        .tuple(...linkable.map((group) => fc.subarray(group)))
        .map((groups) => groups.filter((g) => g.length >= 2)),
      rules: fc.array(expr(keys.length), { maxLength: 2 }),
    });
  });

function printOperand(operand: Operand): string {
  return operand.kind === 'param' ? names(operand.p) : String(operand.value);
}

function printExpr(e: Expr): string {
  if (e.kind === 'compare') return `${printOperand(e.left)} ${e.op} ${printOperand(e.right)}`;
  return `(${e.items.map(printExpr).join(` ${e.kind} `)})`;
}

function printModel(m: Model): string {
  const lines = ['[s]', ...m.keys.map((values, i) => `k${i} = ${values.join(' ')}`)];
  for (const link of m.links) lines.push(`#@link ${link.map(names).join(' ')}`);
  for (const rule of m.rules) lines.push(`#@exclude ${printExpr(rule)}`);
  return `${lines.join('\n')}\n`;
}

function evaluate(e: Expr, values: readonly number[]): boolean {
  if (e.kind !== 'compare') {
    return e.kind === 'and'
      ? e.items.every((item) => evaluate(item, values))
      : e.items.some((item) => evaluate(item, values));
  }
  const read = (o: Operand) => (o.kind === 'param' ? values[o.p]! : o.value);
  const [l, r] = [read(e.left), read(e.right)];
  return { '=': l === r, '!=': l !== r, '<': l < r, '<=': l <= r, '>': l > r, '>=': l >= r }[e.op];
}

/** The kept tuples in order, each as the value index of every key: computed by hand. */
function expectedTuples(m: Model): number[][] {
  // Axes: each varied key, or a link group, at the place of its first member.
  const axisOf: number[] = [];
  const axisSizes: number[] = [];
  m.keys.forEach((values, i) => {
    if (values.length === 1) return void (axisOf[i] = -1);
    const link = m.links.find((group) => group.includes(i));
    const earlier = link?.find((j) => j < i);
    if (earlier !== undefined) return void (axisOf[i] = axisOf[earlier]!);
    axisOf[i] = axisSizes.length;
    axisSizes.push(values.length);
  });
  const combinations: number[][] = [[]];
  for (const size of axisSizes) {
    const next: number[][] = [];
    for (const prefix of combinations) for (let d = 0; d < size; d++) next.push([...prefix, d]);
    combinations.splice(0, combinations.length, ...next);
  }
  return combinations
    .map((digits) => m.keys.map((_, i) => (axisOf[i]! < 0 ? 0 : digits[axisOf[i]!]!)))
    .filter(
      (choice) =>
        !m.rules.some((rule) =>
          evaluate(
            rule,
            choice.map((d, i) => m.keys[i]![d]!),
          ),
        ),
    );
}

void test('links and exclusions: count, order, dense indices, iteration and lookup agree with the model', () => {
  fc.assert(
    fc.property(model, (m) => {
      const text = printModel(m);
      const expected = expectedTuples(m);
      if (expected.length === 0) {
        assert.throws(
          () => parseSweep(text),
          (error) => error instanceof SweepError && error.code === 'everything_excluded',
        );
        return;
      }
      const sweep = parseSweep(text);
      assert.equal(sweep.count, BigInt(expected.length));
      const varied = m.keys.map((values, i) => ({ values, i })).filter(({ values }) => values.length > 1);
      const all = [...tuplesInRange(sweep, 0, expected.length)];
      assert.equal(all.length, expected.length);
      const width = String(expected.length - 1).length;
      all.forEach((tuple, index) => {
        assert.equal(tuple.index, index, 'indices are dense');
        assert.ok(tuple.dir.startsWith(`${String(index).padStart(width, '0')}_`) || varied.length === 0);
        assert.deepEqual(tuple, tupleAt(sweep, index), 'tupleAt agrees with iteration');
        const choice = expected[index]!;
        assert.deepEqual(
          tuple.values,
          Object.fromEntries(varied.map(({ values, i }) => [names(i), String(values[choice[i]!])])),
        );
        const values = choice.map((d, i) => m.keys[i]![d]!);
        assert.ok(!m.rules.some((rule) => evaluate(rule, values)), 'no kept tuple satisfies a rule');
        assert.equal(
          indexOfValues(
            sweep,
            varied.map(({ i }) => choice[i]!),
          ),
          index,
        );
        assert.match(
          renderTuple(sweep, index),
          new RegExp(`^k${varied[0]?.i ?? 0} = ${values[varied[0]?.i ?? 0]}$`, 'm'),
        );
      });
      assert.equal(new Set(all.map((t) => t.dir)).size, all.length, 'directory names are unique');
    }),
    { numRuns: RUNS },
  );
});

void test('a file without directives numbers its tuples as before: links and rules only ever remove', () => {
  fc.assert(
    fc.property(model, (m) => {
      const plain = parseSweep(printModel({ ...m, links: [], rules: [] }));
      const product = m.keys.reduce((n, values) => n * BigInt(values.length), 1n);
      assert.equal(plain.count, product);
      assert.equal(plain.combinations, product);
      const expected = expectedTuples(m);
      if (expected.length > 0) assert.ok(parseSweep(printModel(m)).count <= product);
    }),
    { numRuns: RUNS },
  );
});

void test('a rendered config is a one-tuple sweep whose rules and links still hold', () => {
  fc.assert(
    fc.property(model, fc.nat(), (m, pick) => {
      fc.pre(expectedTuples(m).length > 0);
      const sweep = parseSweep(printModel(m));
      const index = BigInt(pick) % sweep.count;
      assert.equal(parseSweep(renderTuple(sweep, index)).count, 1n);
    }),
    { numRuns: RUNS },
  );
});
