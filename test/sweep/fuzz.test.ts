// Fuzzing: thousands of random and garbled inputs. Every one must end in a SweepError or in a
// sweep whose tuples decode and render — never another exception, never a hang.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { SweepError, parseSweep, previewOf, renderTuple, tupleAt } from '../../sweep/index.ts';

const examplesDir = path.join(import.meta.dirname, '../../examples');
const examples = readdirSync(examplesDir)
  .filter((f) => f.endsWith('.ini'))
  .map((f) => readFileSync(path.join(examplesDir, f), 'utf8'));

/** Characters that matter to the grammar, plus some that should not. */
const syntax = '[]=;#" \t\r\n.0123456789-+eE\ufeffabcxyz_/é😀\u00a0\\\'';

function check(text: string): void {
  let sweep;
  try {
    sweep = parseSweep(text, { maxTuples: 5000 });
  } catch (error) {
    assert.ok(error instanceof SweepError, `not a SweepError: ${String(error)} for ${JSON.stringify(text)}`);
    assert.equal(typeof error.code, 'string');
    if (error.line !== undefined) {
      assert.ok(
        error.line >= 1 && error.line <= text.split(/\r\n|\r|\n/).length,
        `line ${error.line} exists`,
      );
      assert.ok(error.message.startsWith(`line ${error.line}: `));
    }
    return;
  }
  const last = sweep.count - 1n;
  const preview = previewOf(sweep, 3);
  assert.equal(BigInt(preview.count), sweep.count);
  for (const index of [0n, last / 2n, last]) {
    const tuple = tupleAt(sweep, index);
    assert.ok(/^[A-Za-z0-9._=+,@-]+$/.test(tuple.dir) && tuple.dir.length <= 255);
    // A rendered config is always a valid sweep of one tuple.
    assert.equal(parseSweep(renderTuple(sweep, index)).count, 1n);
  }
}

void test('random text over the grammar’s alphabet', { timeout: 30_000 }, () => {
  fc.assert(fc.property(fc.string({ unit: fc.constantFrom(...syntax), maxLength: 120 }), check), {
    numRuns: 3000,
  });
});

void test('random lines shaped like INI', { timeout: 30_000 }, () => {
  const piece = fc.oneof(
    fc.constantFrom(
      '[s]',
      '[',
      ']',
      ' = ',
      '=',
      ' ; c',
      ' # c',
      '"',
      '"a b"',
      '...',
      '1...1...3',
      '0.1...0.1...0.3',
    ),
    fc.constantFrom('x', 'y', 'k', '1', '2', '-1', '1e2', '1...0...5', '5...1...1', ' ', '\t'),
  );
  const line = fc.array(piece, { maxLength: 8 }).map((parts) => parts.join(''));
  fc.assert(
    fc.property(fc.array(line, { maxLength: 12 }), fc.constantFrom('\n', '\r\n', '\r'), (lines, eol) =>
      check(lines.join(eol)),
    ),
    { numRuns: 3000 },
  );
});

void test('the examples, mutated', { timeout: 30_000 }, () => {
  const edit = fc.record({
    at: fc.nat(),
    remove: fc.nat({ max: 4 }),
    insert: fc.string({ unit: fc.constantFrom(...syntax), maxLength: 4 }),
  });
  fc.assert(
    fc.property(
      fc.constantFrom(...examples),
      fc.array(edit, { minLength: 1, maxLength: 6 }),
      (example, edits) => {
        let text = example;
        for (const { at, remove, insert } of edits) {
          const i = at % (text.length + 1);
          text = text.slice(0, i) + insert + text.slice(i + remove);
        }
        check(text);
      },
    ),
    { numRuns: 2000 },
  );
});

// How long these take is measured by `npm run bench -- sweep`, not asserted here: a test
// that fails when the machine is busy says nothing about the code.
void test('pathological sizes end in an error or a sweep', () => {
  check(`p = ${'1 '.repeat(100_000)}`);
  check(`p = 0...1e-100...1e100`);
  check(`${'[s]\n'.repeat(50_000)}`);
  check(`p = "${'x'.repeat(1_000_000)}`);
  check(`p = ${'9'.repeat(100_000)}...1...${'9'.repeat(100_001)}`);
});
