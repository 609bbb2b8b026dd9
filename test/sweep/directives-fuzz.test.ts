// Attacks on the directive parser: garbage, deep nesting, huge rules, rules that would take
// forever. Each must end in a SweepError naming the problem and its line, or in a sweep whose
// tuples decode — never another exception, a stack overflow or a hang.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { SweepError, parseSweep, tupleAt, type SweepErrorCode } from '../../sweep/index.ts';

const HEAD = '[s]\na = 1 2 3\nb = 0.5 2 x\nc = 7\n';
const RULE_LINE = 5;

function outcome(text: string): SweepError | 'parsed' {
  try {
    const sweep = parseSweep(text, { maxTuples: 5000 });
    tupleAt(sweep, sweep.count - 1n);
    return 'parsed';
  } catch (error) {
    assert.ok(
      error instanceof SweepError,
      `not a SweepError: ${String(error)} for ${JSON.stringify(text.slice(0, 200))}`,
    );
    return error;
  }
}

function expectRefused(text: string, code: SweepErrorCode, message: RegExp): void {
  const result = outcome(text);
  assert.ok(result instanceof SweepError, 'refused');
  assert.equal(result.code, code, result.message);
  assert.equal(result.line, RULE_LINE);
  assert.match(result.message, message);
}

void test(
  'random rules over the rule alphabet end in a SweepError on their line, or a sweep',
  { timeout: 60_000 },
  () => {
    const piece = fc.constantFrom(
      'a',
      'b',
      'c',
      's.a',
      '`s.b`',
      '`',
      '"x"',
      '"',
      '1',
      '-2',
      '0.5',
      '1e3',
      '1..2',
      '+',
      '-',
      '=',
      '==',
      '!=',
      '!',
      '<',
      '<=',
      '>',
      '>=',
      '(',
      ')',
      'and',
      'or',
      'AND',
      ' ',
      '\t',
      ';',
      '#',
      'é',
      '\u00a0',
    );
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 25 }),
        fc.constantFrom('#@exclude', ';@exclude', '#@link'),
        (parts, directive) => {
          const result = outcome(`${HEAD}${directive} ${parts.join(' ')}\n`);
          if (result !== 'parsed' && result.line !== undefined) {
            assert.equal(result.line, RULE_LINE, result.message);
            assert.ok(result.message.startsWith(`line ${RULE_LINE}: `));
          }
        },
      ),
      { numRuns: 4000 },
    );
  },
);

void test('deep nesting is refused by depth, not by the stack', () => {
  expectRefused(
    `${HEAD}#@exclude ${'('.repeat(1000)}a > 1${')'.repeat(1000)}\n`,
    'bad_rule',
    /nested deeper than 32/,
  );
  const fine = `${HEAD}#@exclude ${'('.repeat(32)}a > 1${')'.repeat(32)}\n`;
  assert.equal(outcome(fine), 'parsed');
});

void test('huge rules are refused by length before any token is read', () => {
  expectRefused(
    `${HEAD}#@exclude ${'('.repeat(1_000_000)}\n`,
    'bad_rule',
    /1000001 characters long; at most 4096/,
  );
  expectRefused(`${HEAD}#@exclude a = ${'9'.repeat(1_000_000)}\n`, 'bad_rule', /characters long/);
  expectRefused(`${HEAD}#@link ${'a '.repeat(100_000)}\n`, 'bad_rule', /characters long/);
});

void test('a long chain within the length limit is evaluated, not refused', () => {
  const chain = Array.from({ length: 300 }, () => 'a = 9').join(' or ');
  assert.equal(outcome(`${HEAD}#@exclude ${chain} or a = 1\n`), 'parsed');
});

void test('rules whose evaluation would take too long are refused up front', () => {
  const big = '[s]\na = 1...1...10000\nb = 1...1...1000\nc = 7\n';
  const rules = Array.from({ length: 30 }, (_, k) => `a = ${k} or b = ${k}`).join(' or ');
  expectRefused(
    `${big}#@exclude ${rules}\n`,
    'too_many_combinations',
    /60 comparisons over 10000000 combinations/,
  );
  const huge = '[s]\na = 1...1...100000\nb = 1...1...1000\nc = 7\n';
  expectRefused(
    `${huge}#@exclude a = 1\n`,
    'too_many_combinations',
    /100000000 combinations before exclusions/,
  );
});

void test('thousands of directive lines parse without trouble', () => {
  const many = Array.from({ length: 5000 }, (_, k) => `#@exclude a = ${k + 10}`).join('\n');
  const result = parseSweep(`[s]\na = 1 2 3\n${many}\n`);
  assert.equal(result.count, 3n);
  assert.equal(result.exclusions.length, 5000);
});
