import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { ShellQuoteError, quoteArg, quoteCommand } from '../../hosts/shell.ts';

/** What a real POSIX shell makes of the quoted command: the argv it passes to printf. */
function throughShell(shell: string, args: string[]): string[] {
  // A first fixed argument, so that printf runs its format at least once per real argument.
  const out = execFileSync(shell, ['-c', quoteCommand(['printf', '%s\\0', 'first', ...args])], {
    encoding: 'utf8',
  });
  return out.split('\0').slice(1, -1);
}

const hostile = [
  '$(touch /tmp/tuplet-shell-test-pwned)',
  '`touch /tmp/tuplet-shell-test-pwned`',
  '; rm -rf ~',
  '&& echo oops',
  "it's",
  "''",
  '"double" and \'single\'',
  'line one\nline two',
  'tab\there',
  '*',
  '~',
  '$HOME',
  '${IFS}',
  '\\',
  '-n',
  '',
  ' leading and trailing ',
  'Überschall – 速度 🚀',
  '!event',
  '#comment',
];

/** Characters a shell cares about, mixed with any printable text. */
const shellUnit = fc.oneof(
  fc.constantFrom(
    "'",
    '"',
    '\n',
    '\t',
    ' ',
    '$',
    '`',
    '\\',
    ';',
    '&',
    '|',
    '*',
    '?',
    '~',
    '(',
    ')',
    '{',
    '}',
    '!',
    '#',
  ),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }),
);

void describe('quoteArg', () => {
  void test('leaves plain words readable and quotes everything else', () => {
    assert.equal(quoteArg('config.ini'), 'config.ini');
    assert.equal(quoteArg('/work/s-1/runs'), '/work/s-1/runs');
    assert.equal(quoteArg('a b'), "'a b'");
    assert.equal(quoteArg(''), "''");
    assert.equal(quoteArg("it's"), "'it'\\''s'");
  });

  void test('refuses NUL bytes and empty commands', () => {
    assert.throws(() => quoteArg('a\0b'), ShellQuoteError);
    assert.throws(() => quoteCommand([]), ShellQuoteError);
  });

  for (const shell of ['sh', 'bash']) {
    void test(`${shell} reads every hostile argument back as the same text`, () => {
      assert.deepEqual(throughShell(shell, hostile), hostile);
      assert.throws(() => execFileSync('test', ['-e', '/tmp/tuplet-shell-test-pwned']));
    });
  }

  void test('any string without NUL survives bash (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: shellUnit }), { maxLength: 4 }), (args) => {
        assert.deepEqual(throughShell('bash', args), args);
      }),
      { numRuns: 30 },
    );
  });
});
