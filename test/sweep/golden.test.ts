// Golden files: the preview and a rendered tuple of each example sweep and of an edge-case file
// (BOM, CRLF, quotes, comments), compared byte for byte. Regenerate after a deliberate change
// with `UPDATE_GOLDEN=1 node --import tsx --test test/sweep/golden.test.ts` and review the diff.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseSweep, previewOf, renderTuple } from '../../sweep/index.ts';

const root = path.join(import.meta.dirname, '../..');
const goldenDir = path.join(import.meta.dirname, 'golden');
const update = process.env.UPDATE_GOLDEN === '1';

const inputs = [
  ...readdirSync(path.join(root, 'examples'))
    .filter((f) => f.endsWith('.ini'))
    .map((f) => path.join(root, 'examples', f)),
  ...readdirSync(goldenDir)
    .filter((f) => f.endsWith('.input.ini'))
    .map((f) => path.join(goldenDir, f)),
];

function matchesGolden(name: string, actual: string): void {
  const file = path.join(goldenDir, name);
  if (update) writeFileSync(file, actual);
  assert.equal(actual, readFileSync(file, 'utf8'), `${name} differs from the golden file`);
}

void describe('golden files', () => {
  void test('there are inputs', () => assert.ok(inputs.length >= 4, inputs.join(', ')));

  for (const input of inputs) {
    const base = path.basename(input).replace(/(\.input)?\.ini$/, '');
    void test(base, () => {
      const sweep = parseSweep(readFileSync(input, 'utf8'));
      matchesGolden(`${base}.preview.json`, `${JSON.stringify(previewOf(sweep, 5), null, 2)}\n`);
      matchesGolden(`${base}.last.ini`, renderTuple(sweep, sweep.count - 1n));
    });
  }
});
