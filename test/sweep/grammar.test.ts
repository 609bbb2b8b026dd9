// The sweep grammar, rule by rule: sections, keys, comments, tokens, ranges, and the errors.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SweepError, formatSweepError, parseSweep, type SweepErrorCode } from '../../sweep/index.ts';

/** name → values of the varied parameters. */
function varied(text: string): Record<string, string[]> {
  return Object.fromEntries(parseSweep(text).parameters.map((p) => [p.name, p.values]));
}

function constants(text: string): Record<string, string> {
  return Object.fromEntries(parseSweep(text).constants.map((c) => [c.name, c.value]));
}

function expectError(text: string, code: SweepErrorCode, line?: number, column?: number): SweepError {
  try {
    parseSweep(text);
  } catch (error) {
    assert.ok(error instanceof SweepError, `expected a SweepError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    assert.equal(error.line, line);
    if (column !== undefined) assert.equal(error.column, column);
    if (line !== undefined) assert.match(error.message, new RegExp(`^line ${line}: `));
    return error;
  }
  assert.fail(`expected ${code} for ${JSON.stringify(text)}`);
}

void describe('sections and keys', () => {
  void test('keys before any section are global; others are named section.key', () => {
    const sweep = parseSweep('seed = 1 2\n[model]\nalpha = 3 4\n[solver]\ndt = 0.1\n');
    assert.deepEqual(
      sweep.parameters.map(({ name, section, key, line }) => ({ name, section, key, line })),
      [
        { name: 'seed', section: null, key: 'seed', line: 1 },
        { name: 'model.alpha', section: 'model', key: 'alpha', line: 3 },
      ],
    );
    assert.deepEqual(sweep.constants, [
      { name: 'solver.dt', section: 'solver', key: 'dt', value: '0.1', line: 5 },
    ]);
  });

  void test('keys and section names may contain dots and spaces; whitespace around them is trimmed', () => {
    assert.deepEqual(varied('  [ time stepping ]  \n  max step.size  =  1 2\n'), {
      'time stepping.max step.size': ['1', '2'],
    });
    assert.deepEqual(parseSweep('[model.cell]\ng.na = 1 2\n').parameters[0], {
      name: 'model.cell.g.na',
      section: 'model.cell',
      key: 'g.na',
      values: ['1', '2'],
      line: 2,
    });
  });

  void test('a section may be reopened; a header may carry a comment', () => {
    assert.deepEqual(varied('[a] ; first\nx = 1 2\n[b]\ny = 3\n[a]   # again\nz = 5 6\n'), {
      'a.x': ['1', '2'],
      'a.z': ['5', '6'],
    });
  });

  void test('empty values and bare keys are constants with an empty value', () => {
    assert.deepEqual(constants('[s]\nempty =\nspaces =    \ncommented = ; nothing\nflag\nflag2 ; note\n'), {
      's.empty': '',
      's.spaces': '',
      's.commented': '',
      's.flag': '',
      's.flag2': '',
    });
  });

  void test('a value runs to the end of the line; everything after the first = belongs to it', () => {
    assert.deepEqual(constants('expr = a=b\nurl = http://host/path#frag\nratio =1;2\n'), {
      expr: 'a=b',
      url: 'http://host/path#frag',
      ratio: '1;2',
    });
  });

  void test('CRLF, lone CR and a UTF-8 BOM are read like plain LF', () => {
    const lf = '[m]\nx = 1 2\ny = 3 ; c\n';
    for (const text of [
      lf.replace(/\n/g, '\r\n'),
      lf.replace(/\n/g, '\r'),
      `\ufeff${lf}`,
      `\ufeff${lf.replace(/\n/g, '\r\n')}`,
    ]) {
      const sweep = parseSweep(text);
      assert.deepEqual(sweep.parameters[0]?.values, ['1', '2']);
      assert.equal(sweep.parameters[0]?.line, 2);
      assert.deepEqual(sweep.constants[0], { name: 'm.y', section: 'm', key: 'y', value: '3', line: 3 });
    }
  });

  void test('a BOM does not become part of the first key', () => {
    assert.deepEqual(varied('\ufeffseed = 1 2'), { seed: ['1', '2'] });
  });

  void test('duplicate keys in one section are an error naming both lines', () => {
    const error = expectError('[m]\nx = 1\n\nx = 2\n', 'duplicate_key', 4, 1);
    assert.match(error.message, /duplicate key x in section \[m\] \(first set on line 2\)/);
    expectError('x = 1\n[m]\nx = 2\n[n]\ny = 1\n[m]\nx = 3\n', 'duplicate_key', 7);
  });

  void test('a global dotted key may not shadow a section key', () => {
    expectError('a.b = 1\n[a]\nb = 2\n', 'duplicate_name', 3);
  });

  void test('malformed headers, empty section names and empty keys are errors', () => {
    expectError('[model\nx = 1', 'malformed_section', 1, 1);
    expectError('x = 1\n[model] extra\n', 'malformed_section', 2, 8);
    expectError('[  ]\n', 'empty_section_name', 1);
    expectError('[m]\n = 5\n', 'empty_key', 2, 2);
  });
});

void describe('comments and tokens', () => {
  void test('whole-line comments start with ; or #, also indented', () => {
    assert.deepEqual(varied('; x = 1 2\n# y = 1 2\n   ; z = 1 2\nw = 1 2\n'), { w: ['1', '2'] });
  });

  void test('an inline comment starts at whitespace followed by ; or #', () => {
    assert.deepEqual(varied('a = 1 2 ; 3 4\nb = 5\t# 6 7\nc = x;y x#y\n'), {
      a: ['1', '2'],
      c: ['x;y', 'x#y'],
    });
  });

  void test('a double-quoted string is one token; comment marks inside it are text', () => {
    assert.deepEqual(varied('name = "a b" c "" " ; not a comment"\n'), {
      name: ['a b', 'c', '', ' ; not a comment'],
    });
    assert.deepEqual(constants('title = "spiral wave"\n'), { title: 'spiral wave' });
  });

  void test('quotes inside a bare token are text', () => {
    assert.deepEqual(varied('v = a"b c\n'), { v: ['a"b', 'c'] });
  });

  void test('an unterminated quote is an error at the opening quote', () => {
    const error = expectError('[m]\nname = ok "spiral wave\n', 'unterminated_quote', 2, 11);
    assert.match(error.message, /quote opened at column 11 is never closed/);
  });

  void test('text glued to a closing quote is an error', () => {
    expectError('v = "a"b\n', 'text_after_quote', 1, 8);
  });

  void test('one token is a constant; several are a varied parameter, whatever they are', () => {
    assert.deepEqual(varied('title = hello world\nsingle = hello\n'), { title: ['hello', 'world'] });
  });

  void test('a value listed twice is an error', () => {
    expectError('[m]\np = 1 2 1\n', 'duplicate_value', 2);
    expectError('p = 1 0...1...3\n', 'duplicate_value', 1);
  });
});

void describe('ranges', () => {
  void test('start...step...end includes the end when it lies on the grid', () => {
    assert.deepEqual(varied('p = 200...10...300'), {
      p: ['200', '210', '220', '230', '240', '250', '260', '270', '280', '290', '300'],
    });
    assert.deepEqual(varied('p = 0...3...10'), { p: ['0', '3', '6', '9'] });
  });

  void test('decimal arithmetic is exact: 0.1...0.1...0.5 gives five values', () => {
    assert.deepEqual(varied('p = 0.1...0.1...0.5'), { p: ['0.1', '0.2', '0.3', '0.4', '0.5'] });
    assert.deepEqual(varied('p = 0...0.1...1').p?.length, 11);
    assert.deepEqual(varied('p = 0.7...0.1...1.0').p, ['0.7', '0.8', '0.9', '1.0']);
  });

  void test('values are printed with the most decimals written in start, step or end', () => {
    assert.deepEqual(varied('p = 1...0.5...3').p, ['1.0', '1.5', '2.0', '2.5', '3.0']);
    assert.deepEqual(varied('p = 0.10...0.1...0.3').p, ['0.10', '0.20', '0.30']);
    assert.deepEqual(varied('p = 1...1...3.000').p, ['1.000', '2.000', '3.000']);
  });

  void test('negative, descending, signed and abbreviated numbers', () => {
    assert.deepEqual(varied('p = -1...0.5...1').p, ['-1.0', '-0.5', '0.0', '0.5', '1.0']);
    assert.deepEqual(varied('p = 3...-1...1').p, ['3', '2', '1']);
    assert.deepEqual(varied('p = +.5...+.25...1.').p, ['0.50', '0.75', '1.00']);
  });

  void test('exponents count as the decimals they stand for', () => {
    assert.deepEqual(varied('p = 1e-3...1e-3...3e-3').p, ['0.001', '0.002', '0.003']);
    assert.deepEqual(varied('p = 1e3...5e2...2e3').p, ['1000', '1500', '2000']);
  });

  void test('lists and ranges mix in one value', () => {
    assert.deepEqual(varied('p = 1 2 10...5...20').p, ['1', '2', '10', '15', '20']);
    assert.deepEqual(varied('p = "x y" 0...1...1 z').p, ['x y', '0', '1', 'z']);
  });

  void test('a range of one value is a constant, rendered as that value', () => {
    const sweep = parseSweep('p = 5...1...5 ; one\nq = 1 2\n');
    assert.deepEqual(
      sweep.constants.map((c) => c.value),
      ['5'],
    );
    assert.equal(sweep.count, 2n);
  });

  void test('step 0 is an error', () => {
    const error = expectError('a = 1\nb = 2\n\n\n\n\nc = 1...0...5\n', 'zero_step', 7, 5);
    assert.equal(error.message, 'line 7: range 1...0...5 has step 0');
  });

  void test('a step pointing away from the end yields nothing: an error', () => {
    const error = expectError('p = 5...1...1', 'empty_range', 1);
    assert.match(error.message, /range 5\.\.\.1\.\.\.1 yields no values/);
    expectError('p = 1...-0.5...2', 'empty_range', 1);
  });

  void test('a...b...c whose parts are not numbers is an error; other dots are text', () => {
    expectError('p = a...b...c', 'bad_range', 1, 5);
    expectError('p = 1...x...5', 'bad_range', 1);
    expectError('p = 1......5', 'bad_range', 1);
    expectError('p = 1...5', 'bad_range', 1);
    expectError('p = 1e999...1...2', 'bad_range', 1);
    assert.deepEqual(varied('p = loading... ...x 1...2...3...4x').p, [
      'loading...',
      '...x',
      '1...2...3...4x',
    ]);
    assert.deepEqual(constants('p = "1...0...5"'), { p: '1...0...5' });
  });
});

void describe('errors', () => {
  void test('carry code, line and column, and serialise for the API', () => {
    const error = expectError('[m]\nx = "open\n', 'unterminated_quote', 2, 5);
    assert.deepEqual(formatSweepError(error), {
      code: 'unterminated_quote',
      message: 'line 2: quote opened at column 5 is never closed',
      line: 2,
      column: 5,
    });
    assert.deepEqual(JSON.parse(JSON.stringify(error)), formatSweepError(error));
    assert.equal(error.inputError, true);
    assert.ok(error instanceof Error);
  });

  void test('the first error in the file is the one reported', () => {
    expectError('a = 1...0...2\na = 1\n[broken\n', 'zero_step', 1);
    expectError('a = 1\na = 1...0...2\n[broken\n', 'duplicate_key', 2);
    expectError('a = 1\n[broken\nb = 1...0...2\n', 'malformed_section', 2);
  });

  void test('long garbage is shortened in messages', () => {
    const error = expectError(`p = ${'x'.repeat(5000)}...1...2`, 'bad_range', 1);
    assert.ok(error.message.length < 200, error.message);
  });
});
