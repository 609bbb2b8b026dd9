// Which run of a source sweep is which tuple of a new one (db/reuse.ts tupleLocator): the same
// values of every parameter, constant or varied, whatever the INI's layout.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rangesToRun, tupleLocator } from '../../db/reuse.ts';
import { parseSweep, tuplesInRange } from '../../sweep/index.ts';

const sweep = (ini: string) => parseSweep(ini, { maxTuples: 1000 });
/** Each source tuple's index in the target (null: not there). */
const located = (target: string, source: string) => {
  const locate = tupleLocator(sweep(target), sweep(source));
  if (!locate) return null;
  const s = sweep(source);
  return [...tuplesInRange(s, 0, s.count)].map((t) => locate(t.values));
};

test('the same sweep maps every tuple to itself, whatever the comments and spacing', () => {
  const ini = '[m]\na = 1 2 3\nb = 10 20\nc = 5\n';
  assert.deepEqual(located(ini, ini), [0, 1, 2, 3, 4, 5]);
  assert.deepEqual(located(ini, '; a comment\n[m]\nb   =   10 20\na = 1 2 3\nc =  5\n'), [0, 2, 4, 1, 3, 5]);
});

test('a changed value list keeps the common tuples only', () => {
  assert.deepEqual(located('a = 1 2 4\nb = 10 20\n', 'a = 1 2 3\nb = 10 20\n'), [0, 1, 2, 3, null, null]);
});

test("a constant of the target must be the source run's value, varied or not", () => {
  // Target fixes b = 20; the source varied it: only its b = 20 runs are the target's tuples.
  assert.deepEqual(located('a = 1 2\nb = 20\n', 'a = 1 2\nb = 10 20\n'), [null, 0, null, 1]);
  // A constant of the source is a varied value of the target.
  assert.deepEqual(located('a = 1 2\nb = 10 20\n', 'a = 1 2\nb = 20\n'), [1, 3]);
});

test('other constants or other parameter names match nothing', () => {
  assert.equal(located('a = 1 2\nc = 5\n', 'a = 1 2\nc = 6\n'), null);
  assert.equal(located('a = 1 2\nc = 5\n', 'a = 1 2\nd = 5\n'), null);
  assert.equal(located('a = 1 2\n', 'a = 1 2\nc = 5\n'), null);
  assert.equal(located('[x]\na = 1 2\n', '[y]\na = 1 2\n'), null);
});

test('the ranges still to run are the gaps between reused indices', () => {
  const reused = (...indices: number[]) => indices.map((index) => ({ index, fromSeries: 's', fromIndex: 0 }));
  assert.deepEqual(rangesToRun(6, reused()), [[0, 6]]);
  assert.deepEqual(rangesToRun(6, reused(0, 1, 2, 3, 4, 5)), []);
  assert.deepEqual(rangesToRun(6, reused(1, 2, 5)), [
    [0, 1],
    [3, 5],
  ]);
});
