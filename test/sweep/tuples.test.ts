// Counting, mixed-radix decoding, directory names and the lazy range iterator.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  MAX_DIR_BYTES,
  SweepError,
  parseSweep,
  previewOf,
  renderTuple,
  tupleAt,
  tuplesInRange,
} from '../../sweep/index.ts';

const lines = (n: number, values: string) =>
  Array.from({ length: n }, (_, i) => `p${i} = ${values}`).join('\n');

void describe('count and order', () => {
  void test('the count is the product of the value counts; constants do not count', () => {
    const sweep = parseSweep('a = 1 2 3\nb = x\n[s]\nc = 0...1...4\nd = "u" "v"\n');
    assert.equal(sweep.count, 30n);
    assert.equal(parseSweep('a = 1\n').count, 1n);
    assert.equal(parseSweep('').count, 1n);
  });

  void test('the last varied parameter changes fastest (mixed radix, file order)', () => {
    const sweep = parseSweep('a = 1 2\nconst = 0\nb = x y z\n');
    const order = [...tuplesInRange(sweep, 0, 6)].map((t) => `${t.values.a}${t.values.b}`);
    assert.deepEqual(order, ['1x', '1y', '1z', '2x', '2y', '2z']);
    assert.deepEqual(tupleAt(sweep, 4).values, { a: '2', b: 'y' });
  });

  void test('a sweep without varied parameters has one tuple', () => {
    const sweep = parseSweep('[m]\nx = 1\n');
    assert.deepEqual(tupleAt(sweep, 0), { index: 0, dir: '0', values: {} });
    assert.equal(renderTuple(sweep, 0), '[m]\nx = 1\n');
  });

  void test('over the limit the sweep is refused with its count', () => {
    assert.throws(
      () => parseSweep(lines(20, '1 2')),
      (e: unknown) =>
        e instanceof SweepError && e.code === 'too_many_tuples' && e.message.includes('1048576'),
    );
    assert.throws(
      () => parseSweep('a = 1 2 3', { maxTuples: 2 }),
      /has 3 tuples \(3\), more than the limit of 2/,
    );
    assert.equal(parseSweep(lines(20, '1 2'), { maxTuples: 2 ** 20 }).count, 1048576n);
  });

  void test('counts beyond 2^53 are exact and refused without materialising values', () => {
    // 10^30 values in one range: counting must not enumerate them.
    assert.throws(() => parseSweep('p = 0...1...1e29'), /has 100000000000000000000000000001 tuples/);
    assert.throws(() => parseSweep('p = 0...1...1e90'), /has about 1\.00 × 10\^90 tuples/);
    assert.throws(
      () => parseSweep(lines(70, '1 2')),
      (e: unknown) => e instanceof SweepError && e.message.includes(String(2n ** 70n)),
    );
    assert.throws(
      () => parseSweep('p = 0...1...1e8', { maxTuples: Infinity }),
      (e: unknown) => e instanceof SweepError && e.code === 'too_many_values' && e.line === 1,
    );
  });

  void test('an invalid maxTuples is a programming error', () => {
    assert.throws(() => parseSweep('a = 1', { maxTuples: 0 }), RangeError);
    assert.throws(() => parseSweep('a = 1', { maxTuples: 1.5 }), RangeError);
  });
});

void describe('random access at scale', () => {
  // 12 parameters × 10 values = 10^12 tuples: counting and decoding cost microseconds, not years.
  const sweep = parseSweep(lines(12, '0...1...9'), { maxTuples: Infinity });

  void test('10^12 tuples are counted and the last one decoded and rendered', () => {
    assert.equal(sweep.count, 10n ** 12n);
    const last = tupleAt(sweep, 999_999_999_999);
    assert.equal(last.index, 999_999_999_999);
    assert.ok(last.dir.startsWith('999999999999_p0=9_p1=9'));
    assert.equal(renderTuple(sweep, 999_999_999_999), lines(12, '9'));
    const somewhere = tupleAt(sweep, 123_456_789_012);
    assert.deepEqual(
      Object.values(somewhere.values).join(''),
      '123456789012',
      'mixed radix with base 10 reads back the index digits',
    );
    assert.equal(tupleAt(sweep, 0).dir.slice(0, 13), '000000000000_');
  });

  void test('bigint and number indices agree', () => {
    assert.deepEqual(tupleAt(sweep, 987_654_321_098n), tupleAt(sweep, 987_654_321_098));
  });

  void test('beyond 2^53 indices are bigints and the preview count is a string', () => {
    const huge = parseSweep(lines(20, '0...1...9'), { maxTuples: Infinity }); // 10^20
    assert.equal(huge.count, 10n ** 20n);
    const last = tupleAt(huge, 10n ** 20n - 1n);
    assert.equal(last.index, 10n ** 20n - 1n);
    assert.equal(Object.values(last.values).join(''), '9'.repeat(20));
    const middle = tupleAt(huge, 12345678901234567890n);
    assert.equal(Object.values(middle.values).join(''), '12345678901234567890');
    assert.equal(tupleAt(huge, 5).index, 5, 'small indices stay numbers');
    assert.equal(previewOf(huge, 1).count, '100000000000000000000');
    const window = [...tuplesInRange(huge, 10n ** 20n - 2n, 10n ** 20n)];
    assert.deepEqual(
      window.map((t) => t.index),
      [10n ** 20n - 2n, 10n ** 20n - 1n],
    );
  });

  void test('indices outside 0..count-1 are refused', () => {
    for (const bad of [-1, 10 ** 12, 0.5, Number.NaN, -1n, 10n ** 12n]) {
      assert.throws(
        () => tupleAt(sweep, bad),
        (e: unknown) => e instanceof SweepError && e.code === 'index_out_of_range',
        String(bad),
      );
    }
  });
});

void describe('tuplesInRange', () => {
  const sweep = parseSweep('a = 1 2 3\n[s]\nb = 0.5...0.5...2\nc = x y\n');

  void test('yields exactly tupleAt(i) for each i of the range, lazily', () => {
    assert.deepEqual(
      [...tuplesInRange(sweep, 5, 17)],
      Array.from({ length: 12 }, (_, k) => tupleAt(sweep, 5 + k)),
    );
    const iterator = tuplesInRange(sweep, 0, 24);
    assert.equal(iterator.next().value?.index, 0);
    assert.equal(iterator.next().value?.index, 1);
  });

  void test('an empty range yields nothing; a range past the end is refused', () => {
    assert.deepEqual([...tuplesInRange(sweep, 24, 24)], []);
    assert.throws(
      () => tuplesInRange(sweep, 20, 25),
      SweepError,
      'checked at the call, not at the first next()',
    );
    assert.throws(() => tuplesInRange(sweep, 5, 4), SweepError);
    assert.throws(() => tuplesInRange(sweep, -1, 4), SweepError);
    assert.throws(() => tuplesInRange(sweep, 0.5, 4), SweepError);
  });
});

void describe('directory names', () => {
  void test('zero-padded index, then key=value of each varied parameter joined by _', () => {
    const sweep = parseSweep(
      `[m]\nalpha = ${Array.from({ length: 11 }, (_, i) => i).join(' ')}\nname = a b\n`,
    );
    assert.equal(tupleAt(sweep, 0).dir, '00_alpha=0_name=a');
    assert.equal(tupleAt(sweep, 21).dir, '21_alpha=10_name=b');
  });

  void test('section.key only where a key is varied in more than one section', () => {
    const sweep = parseSweep('dt = 1 2\n[model]\ndt = 3 4\nk = 5 6\n[solver]\ndt = 7 8\ntol = 1\n');
    assert.equal(tupleAt(sweep, 0).dir, '00_dt=1_model.dt=3_k=5_solver.dt=7');
    assert.equal(parseSweep('[model]\ndt = 3 4\n[solver]\ndt = 1\n').parameters.length, 1);
    assert.equal(tupleAt(parseSweep('[model]\ndt = 3 4\n[solver]\ndt = 1\n'), 1).dir, '1_dt=4');
  });

  void test('characters outside [A-Za-z0-9._=+,@-] are replaced, one per character', () => {
    const sweep = parseSweep('[s]\nout path = "a/b c" ../x été 😀 "" user@host,+1\n');
    assert.deepEqual(
      [...tuplesInRange(sweep, 0, 6)].map((t) => t.dir),
      [
        '0_out-path=a-b-c',
        '1_out-path=..-x',
        '2_out-path=-t-',
        '3_out-path=-',
        '4_out-path=',
        '5_out-path=user@host,+1',
      ],
    );
  });

  void test('names are cut at 255 bytes with a hash and stay unique by their index', () => {
    const long = (c: string) => c.repeat(300);
    const sweep = parseSweep(`p = ${long('a')} ${long('b')}\nq = 1 2\n`);
    const dirs = [...tuplesInRange(sweep, 0, 4)].map((t) => t.dir);
    for (const dir of dirs) {
      assert.equal(dir.length, MAX_DIR_BYTES);
      assert.match(dir, /^[0-3]_p=a+@[0-9a-f]{8}$|^[0-3]_p=b+@[0-9a-f]{8}$/);
    }
    assert.equal(new Set(dirs).size, 4);
    assert.notEqual(
      dirs[0]!.slice(-8),
      dirs[1]!.slice(-8),
      'tuples differing past the cut differ in the hash',
    );
    assert.equal(tupleAt(parseSweep('p = 1 2'), 0).dir, '0_p=1', 'short names have no hash');
  });

  void test('a parameter called __proto__ is an ordinary value', () => {
    const tuple = tupleAt(parseSweep('__proto__ = 1 2\n'), 1);
    assert.equal(Object.getOwnPropertyDescriptor(tuple.values, '__proto__')?.value, '2');
    assert.equal(JSON.stringify(tuple.values), '{"__proto__":"2"}');
  });
});

void describe('previewOf', () => {
  void test('count, parameters and the first K tuples', () => {
    const sweep = parseSweep('a = 1 2 3\n[s]\nb = x y\nc = 9\n');
    assert.deepEqual(previewOf(sweep, 2), {
      count: 6,
      parameters: [
        { section: null, key: 'a', values: ['1', '2', '3'] },
        { section: 's', key: 'b', values: ['x', 'y'] },
      ],
      tuples: [
        { index: 0, dir: '0_a=1_b=x', values: { a: '1', 's.b': 'x' } },
        { index: 1, dir: '1_a=1_b=y', values: { a: '1', 's.b': 'y' } },
      ],
    });
    assert.equal(previewOf(sweep).tuples.length, 6);
    assert.equal(previewOf(sweep, 0).tuples.length, 0);
    assert.equal(previewOf(sweep, -3).tuples.length, 0);
    assert.equal(previewOf(sweep, Infinity).tuples.length, 6);
    assert.equal(previewOf(parseSweep(lines(10, '1 2'))).tuples.length, 20);
  });
});
