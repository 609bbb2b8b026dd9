// Comparing two series' runs (db/compare.ts) on both backends, against values worked out by
// hand: a clone that changes one value of a varied parameter loses that value's tuples and
// gains the new value's, keeps the rest in common, and its metric deltas are B − A per tuple;
// a parameter varied in one series and constant in the other matches on the constant; and a
// series' clones are listed only to those who may see them (db/lineage.ts).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { eq } from 'drizzle-orm';
import { createUser } from '../../db/accounts.ts';
import type { Database } from '../../db/client.ts';
import { compareRuns, pairedValues, type CompareSides } from '../../db/compare.ts';
import { insertGroup } from '../../db/groups.ts';
import { seriesLineage } from '../../db/lineage.ts';
import { series } from '../../db/schema.ts';
import { parseSweep } from '../../sweep/index.ts';
import { tupleFills } from '../../api/series/sweep-diff.ts';
import { backends, withDatabase } from '../support/database.ts';
import { seedSeries } from '../browser/support/seed.ts';

// A: a × b (6 tuples, index = 2·ia + ib), period = a·b. B, its clone: a = 1 2 4, period = a·b + 0.5,
// except run 1 of B (a=1, b=20), which has no metrics.
const INI_A = '[model]\na = 1 2 3\nb = 10 20\nsteps = 100\n';
const INI_B = '[model]\na = 1 2 4\nb = 10 20\nsteps = 100\n';

async function seedPair(db: Database) {
  const owner = await createUser(db, { name: 'owner', role: 'member' });
  const period = (v: Record<string, string>) => Number(v['model.a']) * Number(v['model.b']);
  const a = await seedSeries(db, {
    ownerId: owner.id,
    ini: INI_A,
    description: 'A',
    state: 'completed',
    metrics: (v) => ({ period: period(v), label: 'x' }),
  });
  const b = await seedSeries(db, {
    ownerId: owner.id,
    ini: INI_B,
    description: 'B',
    state: 'completed',
    metrics: (v, i) => (i === 1 ? null : { period: period(v) + 0.5 }),
  });
  return { owner, a: a.id, b: b.id };
}

function sidesOf(aId: string, aIni: string, bId: string, bIni: string): CompareSides {
  const fills = tupleFills(parseSweep(aIni), parseSweep(bIni));
  return { a: { seriesId: aId, fill: fills.a }, b: { seriesId: bId, fill: fills.b } };
}

for (const kind of backends) {
  void describe(`series comparison (${kind})`, () => {
    void test('one changed value: its tuples removed and added, the rest common, deltas B − A', () =>
      withDatabase(kind, async ({ db }) => {
        const { a, b } = await seedPair(db);
        const sides = sidesOf(a, INI_A, b, INI_B);
        const first = await compareRuns(db, sides, ['period', 'label'], { limit: 3 });
        assert.deepEqual(first.counts, { removed: 2, added: 2, common: 4 });
        assert.deepEqual(first.removed, [
          { index: 4, params: { 'model.a': '3', 'model.b': '10' } },
          { index: 5, params: { 'model.a': '3', 'model.b': '20' } },
        ]);
        assert.deepEqual(
          first.added.map((e) => e.params),
          [
            { 'model.a': '4', 'model.b': '10' },
            { 'model.a': '4', 'model.b': '20' },
          ],
        );
        // period: 3 common tuples with both values (B's run 1 has none), each +0.5; label: only in A.
        assert.deepEqual(first.metrics, [
          { name: 'label', count: 0, mean: null, min: null, max: null },
          { name: 'period', count: 3, mean: 0.5, min: 0.5, max: 0.5 },
        ]);
        assert.deepEqual(
          first.page.rows.map((r) => [r.aIndex, r.bIndex]),
          [
            [0, 0],
            [1, 1],
            [2, 2],
          ],
        );
        assert.equal(first.page.more, true);
        const rest = await compareRuns(db, sides, [], { after: 2, limit: 3 });
        assert.deepEqual(
          rest.page.rows.map((r) => [r.aIndex, r.bIndex]),
          [[3, 3]],
        );
        assert.equal(rest.page.more, false);
        assert.deepEqual(rest.metrics, []);
        const one = await compareRuns(db, sides, [], { limit: 1 });
        assert.deepEqual(
          [one.removed.length, one.added.length, one.page.rows.length],
          [1, 1, 1],
          'the limit holds',
        );
        assert.deepEqual(await pairedValues(db, sides, 'period', 10), [
          { aIndex: 0, bIndex: 0, a: 10, b: 10.5 },
          { aIndex: 2, bIndex: 2, a: 20, b: 20.5 },
          { aIndex: 3, bIndex: 3, a: 40, b: 40.5 },
        ]);
      }));

    void test('a parameter constant on one side matches that side on its constant', () =>
      withDatabase(kind, async ({ db }) => {
        const owner = await createUser(db, { name: 'owner', role: 'member' });
        const iniA = '[model]\na = 1 2\nb = 20\n';
        const iniB = '[model]\na = 1 2\nb = 10 20 30\n';
        const [x, y] = await Promise.all(
          [iniA, iniB].map((ini) =>
            seedSeries(db, { ownerId: owner.id, ini, description: ini, state: 'completed' }),
          ),
        );
        const sides = sidesOf(x!.id, iniA, y!.id, iniB);
        const compared = await compareRuns(db, sides, [], { limit: 10 });
        assert.deepEqual(compared.counts, { removed: 0, added: 4, common: 2 });
        // A's run 1 is a=2 (b=20 constant); B's a=2, b=20 is run 4.
        assert.deepEqual(
          compared.page.rows.map((r) => [r.aIndex, r.bIndex, r.params]),
          [
            [0, 1, { 'model.a': '1', 'model.b': '20' }],
            [1, 4, { 'model.a': '2', 'model.b': '20' }],
          ],
        );
      }));

    void test('clones are listed to those who may see them; a hidden parent is not shown', () =>
      withDatabase(kind, async ({ db }) => {
        const { owner, a, b } = await seedPair(db);
        const other = await createUser(db, { name: 'other', role: 'member' });
        const group = await insertGroup(db, { name: 'optics' });
        await db.update(series).set({ parentId: a }).where(eq(series.id, b));
        const hidden = await seedSeries(db, {
          ownerId: owner.id,
          ini: INI_B,
          description: 'hidden',
          state: 'completed',
        });
        await db
          .update(series)
          .set({ parentId: a, visibility: 'group', groupId: group!.id })
          .where(eq(series.id, hidden.id));
        const ids = (l: { children: Array<{ id: string }> }) => l.children.map((c) => c.id).sort();
        assert.deepEqual(ids(await seriesLineage(db, { id: a, parentId: null }, other.id)), [b]);
        assert.deepEqual(
          ids(await seriesLineage(db, { id: a, parentId: null }, owner.id)),
          [b, hidden.id].sort(),
        );
        assert.deepEqual(
          ids(await seriesLineage(db, { id: a, parentId: null }, undefined)),
          [b, hidden.id].sort(),
        );
        const ofHidden = await seriesLineage(db, { id: 'x', parentId: hidden.id }, other.id);
        assert.equal(ofHidden.parent, undefined);
        const ofB = await seriesLineage(db, { id: b, parentId: a }, other.id);
        assert.equal(ofB.parent?.id, a);
        assert.equal(ofB.parent?.owner, 'owner');
      }));
  });
}
