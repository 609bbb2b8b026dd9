// The directives #@link and #@exclude, rule by rule, and their errors: each names the line,
// and the column of the offending token where there is one.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  SweepError,
  indexOfValues,
  parseSweep,
  renderTuple,
  tupleAt,
  type SweepErrorCode,
} from '../../sweep/index.ts';

const dirs = (text: string) => {
  const sweep = parseSweep(text);
  return Array.from({ length: Number(sweep.count) }, (_, i) => tupleAt(sweep, i).dir);
};

function expectError(text: string, code: SweepErrorCode, line: number, pattern?: RegExp): SweepError {
  try {
    parseSweep(text);
  } catch (error) {
    assert.ok(error instanceof SweepError, `expected a SweepError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    assert.equal(error.line, line, error.message);
    assert.match(error.message, new RegExp(`^line ${line}: `));
    if (pattern) assert.match(error.message, pattern);
    return error;
  }
  assert.fail(`expected ${code} for ${JSON.stringify(text)}`);
}

void describe('#@link', () => {
  void test('linked parameters advance together, as one axis at the place of the first', () => {
    const text = 'a = 1 2\ndt = 0.1 0.2 0.4\nb = x y\ndx = 1 2 4\n#@link dt dx\n';
    assert.deepEqual(dirs(text), [
      '00_a=1_dt=0.1_b=x_dx=1',
      '01_a=1_dt=0.1_b=y_dx=1',
      '02_a=1_dt=0.2_b=x_dx=2',
      '03_a=1_dt=0.2_b=y_dx=2',
      '04_a=1_dt=0.4_b=x_dx=4',
      '05_a=1_dt=0.4_b=y_dx=4',
      '06_a=2_dt=0.1_b=x_dx=1',
      '07_a=2_dt=0.1_b=y_dx=1',
      '08_a=2_dt=0.2_b=x_dx=2',
      '09_a=2_dt=0.2_b=y_dx=2',
      '10_a=2_dt=0.4_b=x_dx=4',
      '11_a=2_dt=0.4_b=y_dx=4',
    ]);
    const sweep = parseSweep(text);
    assert.deepEqual(sweep.links, [{ names: ['dt', 'dx'], line: 5 }]);
    assert.equal(sweep.combinations, 12n);
  });

  void test('may stand anywhere, with ; or #, and names may be section.key, a unique key or `quoted`', () => {
    const text = ';@link model.dt `grid size`\n[model]\ndt = 1 2\n[mesh]\ngrid size = 10 20\n';
    assert.deepEqual(dirs(text), ['0_dt=1_grid-size=10', '1_dt=2_grid-size=20']);
  });

  void test('the directive lines stay in the rendered config, as the comments they are', () => {
    const text = 'a = 1 2\nb = 3 4\n#@link a b\n#@exclude a = 2\n';
    assert.equal(renderTuple(parseSweep(text), 0), 'a = 1\nb = 3\n#@link a b\n#@exclude a = 2\n');
  });

  void test('other #@ comments and directives glued to text stay plain comments', () => {
    for (const comment of ['#@linked a b', '# @link a b', '#@exclude: a > 1', ';@note whatever']) {
      assert.equal(parseSweep(`a = 1 2\nb = 3 4\n${comment}\n`).count, 4n, comment);
    }
  });

  void test('unequal lengths are an error naming both lines', () => {
    expectError(
      '[m]\ndt = 1 2 3\ndx = 1 2\n#@link dt dx\n',
      'link_mismatch',
      4,
      /m\.dt \(line 2\) has 3 values but m\.dx \(line 3\) has 2/,
    );
    expectError('a = 1 2\nb = 5\n#@link a b\n', 'link_mismatch', 3, /b \(line 2\) has 1 value\b/);
  });

  void test('unknown, ambiguous, repeated and lonely names are errors at their column', () => {
    assert.equal(expectError('a = 1 2\n#@link a nope\n', 'unknown_parameter', 2, /nope/).column, 10);
    expectError(
      '[x]\nk = 1 2\n[y]\nk = 3 4\n#@link k x.k\n',
      'ambiguous_parameter',
      5,
      /x\.k \(line 2\) or y\.k \(line 4\)/,
    );
    expectError(
      'a = 1 2\nb = 1 2\nc = 1 2\n#@link a b\n#@link c a\n',
      'bad_link',
      5,
      /already linked on line 4/,
    );
    expectError('a = 1 2\nb = 1 2\n#@link a b a\n', 'bad_link', 3, /already linked in this link/);
    expectError('a = 1 2\n#@link a\n', 'bad_link', 2, /at least two/);
    expectError('a = 1 2\nb = 1 2\n#@link a > b\n', 'bad_link', 3, /expected parameter names, found >/);
  });
});

void describe('#@exclude', () => {
  void test('leaves out the combinations a rule holds for; indices stay dense', () => {
    const text = 'a = 1 2 3\nb = 1 2 3\n#@exclude a > b\n';
    assert.deepEqual(dirs(text), [
      '0_a=1_b=1',
      '1_a=1_b=2',
      '2_a=1_b=3',
      '3_a=2_b=2',
      '4_a=2_b=3',
      '5_a=3_b=3',
    ]);
    const sweep = parseSweep(text);
    assert.equal(sweep.combinations, 9n);
    assert.deepEqual(sweep.exclusions, [{ rule: 'a > b', line: 3 }]);
    assert.equal(indexOfValues(sweep, [1, 0]), null, 'a=2 b=1 is excluded');
    assert.equal(indexOfValues(sweep, [1, 2]), 4);
  });

  void test('and binds tighter than or; parentheses group; several rules each exclude', () => {
    const base = 'a = 1 2\nb = 1 2\nc = 1 2\n';
    const kept = (rules: string) =>
      dirs(base + rules).map((dir) => dir.replace(/^\d+_/, '').replace(/[abc]=/g, ''));
    assert.deepEqual(kept('#@exclude a = 1 or b = 1 and c = 1\n'), ['2_1_2', '2_2_1', '2_2_2']);
    assert.deepEqual(kept('#@exclude (a = 1 or b = 1) and c = 1\n'), [
      '1_1_2',
      '1_2_2',
      '2_1_2',
      '2_2_1',
      '2_2_2',
    ]);
    assert.deepEqual(kept('#@exclude a = 1\n#@exclude b = 1\n'), ['2_2_1', '2_2_2']);
    assert.deepEqual(kept('#@exclude a != 1 AND b >= 2 Or c < 2\n'), ['1_1_2', '1_2_2', '2_1_2']);
  });

  void test('numbers compare by value, exactly; text compares as written', () => {
    assert.deepEqual(dirs('x = 0.5 0.50 1e-1 0.30000000000000001\n#@exclude x = .5\n'), [
      '0_x=1e-1',
      '1_x=0.30000000000000001',
    ]);
    assert.deepEqual(dirs('x = 0.3 0.30000000000000001\n#@exclude x > 0.3\n'), ['0_x=0.3']);
    assert.deepEqual(dirs('m = rk4 euler "rk 45"\n#@exclude m = "rk 45" or m = "euler"\n'), ['0_m=rk4']);
  });

  void test('names may be bare keys, section.key, `quoted`, and compare with each other or constants', () => {
    const text =
      '[p]\nlow = 1 2 3\nhigh = 2\n[q]\nodd key = 1 3\n#@exclude low >= p.high or `odd key` < low\n';
    assert.deepEqual(dirs(text), ['0_low=1_odd-key=1', '1_low=1_odd-key=3']);
  });

  void test('the rules read linked parameters like any other', () => {
    const text = 'dt = 1 2 3\ndx = 10 20 30\nn = 5 6\n#@link dt dx\n#@exclude dx = 20 or n = 6 and dt = 3\n';
    assert.deepEqual(dirs(text), ['0_dt=1_dx=10_n=5', '1_dt=1_dx=10_n=6', '2_dt=3_dx=30_n=5']);
  });

  void test('ordering a word against numbers is an error naming the value; quoting compares text', () => {
    const error = expectError(
      'm = 1 2 auto\n#@exclude m < 2\n',
      'not_a_number',
      2,
      /m \(line 1\) has the value "auto"/,
    );
    assert.equal(error.column, 11);
    assert.deepEqual(dirs('m = 1 2 auto\n#@exclude m >= "2"\n'), ['0_m=1']);
    assert.equal(
      parseSweep('m = 1 2 auto\n#@exclude m = auto2 or m != 1\n'.replace('auto2', '"auto"')).count,
      1n,
    );
  });

  void test('a rule that leaves nothing is an error; one over constants only is allowed', () => {
    expectError('a = 1 2\n#@exclude a > 0\n', 'everything_excluded', 2, /none of the 2 combinations/);
    assert.equal(parseSweep('a = 1 2\nc = 5\n#@exclude c < 0\n').count, 2n);
  });

  void test('the tuple limit counts the kept tuples, after exclusions', () => {
    const text = 'a = 1...1...100\nb = 1...1...100\n#@exclude a != b\n';
    assert.equal(parseSweep(text, { maxTuples: 100 }).count, 100n);
    assert.throws(
      () => parseSweep(text, { maxTuples: 99 }),
      (error) => error instanceof SweepError && error.code === 'too_many_tuples',
    );
    expectError(
      'a = 1...1...10000\nb = 1...1...10000\n#@exclude a != b\n',
      'too_many_combinations',
      3,
      /100000000 combinations before exclusions/,
    );
  });
});

void describe('rule syntax errors name the line, column and token', () => {
  const cases: Array<[string, RegExp, number]> = [
    ['a >', /expected a parameter name, a number or "text", found the end of the rule/, 14],
    ['a > 1 b', /unexpected b; join comparisons with and \/ or/, 17],
    ['a > 1 and', /found the end of the rule/, 20],
    ['(a > 1', /expected \) to close the \( at column 11, found the end/, 17],
    ['a > 1)', /unexpected \)/, 16],
    ['a ! 1', /unexpected "!"; write !=/, 13],
    ['a > 1.2.3', /"1.2.3" is not a number/, 15],
    ['a > "open', /quoted with " at column 15 is never closed/, 15],
    ['a $ 1', /unexpected "\$ 1"/, 13],
    ['a < b < 1', /unexpected </, 17],
    ['', /the rule is empty/, 10],
    ['a and b', /expected a comparison \(= != < <= > >=\), found and/, 13],
  ];
  for (const [rule, message, column] of cases) {
    void test(JSON.stringify(rule), () => {
      const error = expectError(`a = 1 2\nb = 1 2\n#@exclude ${rule}\n`, 'bad_rule', 3, message);
      assert.equal(error.column, column, error.message);
    });
  }
});
