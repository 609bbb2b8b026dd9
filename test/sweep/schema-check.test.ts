// The parameter-schema checker: every value each key takes is checked (never the product of
// them); bad values are errors naming line and key, keys the schema lacks are warnings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { valueProblem, type ParameterSpec } from '../../core/parameter-schema.ts';
import { parseSweep } from '../../sweep/index.ts';
import { checkSweepAgainstSchema } from '../../sweep/schema-check.ts';

const SCHEMA: ParameterSpec[] = [
  { name: 'model.a', type: 'float', min: 0, max: 1, unit: '1/ms', description: 'excitability' },
  { name: 'model.n', type: 'int', min: 1, max: 100 },
  { name: 'model.method', type: 'enum', values: ['euler', 'rk4'] },
  { name: 'model.verbose', type: 'bool' },
  { name: 'model.label', type: 'string' },
];

const check = (ini: string, schema = SCHEMA) =>
  checkSweepAgainstSchema(parseSweep(ini, { maxTuples: Infinity }), schema);

void test('a sweep whose values all fit has no errors', () => {
  const result = check(
    '[model]\na = 0.1 0.5...0.1...1.0\nn = 1 100\nmethod = euler rk4\nverbose = yes\nlabel = "any text"\n',
  );
  assert.deepEqual(result, { errors: [], warnings: [] });
});

void test('a value out of range is an error naming line and key', () => {
  const { errors } = check('[model]\nn = 5\na = 0.5 1.5\n');
  assert.equal(errors.length, 1);
  assert.equal(errors[0]!.line, 3);
  assert.equal(errors[0]!.key, 'model.a');
  assert.match(errors[0]!.message, /^line 3: model\.a has 1 of 2 values .*"1\.5" is above the maximum 1/);
});

void test('every value of a range is checked, and the count of bad ones is told', () => {
  const { errors } = check('[model]\nn = 90...1...110\n');
  assert.equal(errors.length, 1);
  assert.match(errors[0]!.message, /has 10 of 21 values .*"101" is above the maximum 100.*and 7 more/);
});

void test('wrong types: a float for an int, a word for a float, an unknown bool or enum value', () => {
  const { errors } = check('[model]\nn = 2.5\na = fast\nverbose = maybe\nmethod = euler rk5\n');
  assert.deepEqual(
    errors.map((e) => [e.line, e.key]),
    [
      [2, 'model.n'],
      [3, 'model.a'],
      [4, 'model.verbose'],
      [5, 'model.method'],
    ],
  );
  assert.match(errors[0]!.message, /"2\.5" is not an int/);
  assert.match(errors[1]!.message, /"fast" is not a float/);
  assert.match(errors[2]!.message, /"maybe" is not a bool/);
  assert.match(errors[3]!.message, /\(expected one of euler, rk4\): "rk5" is not one of the allowed values/);
});

void test('keys the schema does not describe are warnings, not errors', () => {
  const result = check('seed = 1 2\n[model]\nn = 3\n[output]\nevery = 10\n');
  assert.deepEqual(result.errors, []);
  assert.deepEqual(
    result.warnings.map((w) => [w.line, w.key]),
    [
      [1, 'seed'],
      [5, 'output.every'],
    ],
  );
});

void test('the product is never expanded: a 10^12-tuple sweep is checked by its 4,000 values', () => {
  const ini = '[model]\na = 0.001...0.001...1.000\nn = 1...1...1000\nx = 1...1...1000\ny = 1...1...1000\n';
  const sweep = parseSweep(ini, { maxTuples: Infinity });
  assert.equal(sweep.count, 10n ** 12n);
  const result = checkSweepAgainstSchema(sweep, SCHEMA);
  assert.match(result.errors[0]!.message, /model\.n has 900 of 1000 values/);
  assert.equal(result.warnings.length, 2);
});

void test('an empty or long value is quoted and cut in the message', () => {
  const long = 'x'.repeat(500);
  const { errors } = check(`[model]\nn =\nmethod = ${long}\n`);
  assert.match(errors[0]!.message, /= "" is not an int/);
  assert.ok(errors[1]!.message.length < 200, errors[1]!.message);
});

// Properties: for int and float bounds, the checker errs on a key exactly when a value lies
// outside, and counts exactly the values outside.
const bounded = fc
  .tuple(fc.integer({ min: -1000, max: 1000 }), fc.integer({ min: 0, max: 1000 }))
  .map(([min, span]) => ({ min, max: min + span }));

void test('property: an int key errs exactly when some value is out of [min, max], counting them', () => {
  fc.assert(
    fc.property(
      bounded,
      fc.uniqueArray(fc.integer({ min: -3000, max: 3000 }), { minLength: 2, maxLength: 30 }),
      ({ min, max }, values) => {
        const result = check(`[model]\nn = ${values.join(' ')}\n`, [
          { name: 'model.n', type: 'int', min, max },
        ]);
        const outside = values.filter((v) => v < min || v > max).length;
        if (outside === 0) assert.deepEqual(result.errors, []);
        else assert.match(result.errors[0]!.message, new RegExp(`has ${outside} of ${values.length} values`));
      },
    ),
    { numRuns: 300 },
  );
});

void test('property: valueProblem agrees with Number for float literals the sweep can write', () => {
  fc.assert(
    fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), bounded, (x, { min, max }) => {
      const text = String(x);
      const problem = valueProblem({ name: 'a', type: 'float', min, max }, text);
      assert.equal(problem === null, x >= min && x <= max, `${text} in [${min}, ${max}]: ${problem}`);
    }),
    { numRuns: 500 },
  );
});
