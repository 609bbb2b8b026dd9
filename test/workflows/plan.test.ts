// Chunk planning: every index of the ranges lands in exactly one chunk, in order, within the size.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { rangesSize, type IndexRange } from '../../core/ranges.ts';
import { planChunks } from '../../workflows/plan.ts';

const indicesOf = (ranges: readonly IndexRange[]) =>
  ranges.flatMap(([s, e]) => Array.from({ length: e - s }, (_, i) => s + i));

test('a whole series is cut into consecutive chunks of at most chunkSize', () => {
  const chunks = planChunks([[0, 2500]], 1000, true);
  assert.deepEqual(
    chunks.map((c) => [c.chunkIndex, c.offset, c.length, c.size, c.ranges]),
    [
      [0, 0, 1000, 1000, undefined],
      [1, 1000, 1000, 1000, undefined],
      [2, 2000, 500, 500, undefined],
    ],
  );
});

test('a rerun keeps only the ranges to repeat inside each chunk', () => {
  const chunks = planChunks(
    [
      [3, 5],
      [10, 11],
      [40, 45],
    ],
    4,
    false,
  );
  assert.deepEqual(
    chunks.map((c) => [c.offset, c.length, c.ranges]),
    [
      [
        3,
        38,
        [
          [3, 5],
          [10, 11],
          [40, 41],
        ],
      ],
      [41, 4, [[41, 45]]],
    ],
  );
});

test('an empty plan for no runs, and a refusal of a chunk size below 1', () => {
  assert.deepEqual(planChunks([], 10, true), []);
  assert.throws(() => planChunks([[0, 3]], 0, true), /chunk size/);
});

test('property: chunks partition the indices, in order, each within the size', () => {
  const rangesArb = fc.uniqueArray(fc.integer({ min: 0, max: 300 }), { maxLength: 40 }).map((points) => {
    const sorted = [...points].sort((a, b) => a - b);
    const ranges: IndexRange[] = [];
    for (let i = 0; i + 1 < sorted.length; i += 2) ranges.push([sorted[i]!, sorted[i + 1]!]);
    return ranges;
  });
  fc.assert(
    fc.property(rangesArb, fc.integer({ min: 1, max: 50 }), (ranges, size) => {
      const chunks = planChunks(ranges, size, false);
      const covered = chunks.flatMap((c) => indicesOf(c.ranges!));
      assert.deepEqual(covered, indicesOf(ranges));
      for (const c of chunks) {
        assert.ok(c.size <= size && c.size === rangesSize(c.ranges!));
        for (const [s, e] of c.ranges!) assert.ok(s >= c.offset && e <= c.offset + c.length);
      }
    }),
  );
});
