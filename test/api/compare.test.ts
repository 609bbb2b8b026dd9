// GET /api/v1/series/{a}/compare/{b} and /{id}/lineage over HTTP, on the web test server's
// seeded series (test/browser/support): a clone that changes one value of a varied parameter
// shows a diff of exactly that value, loses that value's tuples, gains the new value's, and
// its metric differences over the common tuples are B − A, worked out by hand.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { getJson, seedComparePair, type ComparePair } from '../browser/support/compare-seed.ts';
import { startWebTestServer, type WebTestServer } from '../browser/support/server.ts';

let server: WebTestServer;
let pair: ComparePair;

// A: alpha 0.1 0.2 0.3 × beta 1 2 3 4 (index = 4·ia + ib), energy = alpha·beta, steps = 100; runs 5
// and 10 failed without metrics. B: alpha 0.1 0.2 0.4, energy = 2·alpha·beta, steps = 100.
// Common: alpha 0.1 and 0.2 (A's runs 0-7 are B's 0-7); with energy in both: all but run 5, and
// B − A = alpha·beta: 0.1 0.2 0.3 0.4 and 0.2 0.6 0.8.
const ENERGY_DELTAS = [0.1, 0.2, 0.3, 0.4, 0.2, 0.6, 0.8];

void describe('series comparison API', () => {
  before(async () => {
    server = await startWebTestServer();
    pair = await seedComparePair(server);
  });
  after(() => server?.close());

  void test('a clone with one changed value: a diff of exactly that value and its tuples', async () => {
    const { status, body } = await getJson(
      server,
      pair.tokens.member,
      `/api/v1/series/${pair.a}/compare/${pair.b}?limit=10`,
    );
    assert.equal(status, 200, JSON.stringify(body));
    assert.deepEqual(body.parameters, [
      { name: 'model.alpha', a: ['0.1', '0.2', '0.3'], b: ['0.1', '0.2', '0.4'] },
    ]);
    const changed = body.ini.lines.filter((l: string) => /^[-+](?!-- |\+\+ )/.test(l));
    assert.deepEqual(changed, ['-alpha = 0.1 0.2 0.3 ; three values', '+alpha = 0.1 0.2 0.4 ; three values']);
    assert.deepEqual(body.ini.lines.slice(0, 2), [`--- series ${pair.a}`, `+++ series ${pair.b}`]);
    assert.equal(body.ini.tooDifferent, false);

    assert.deepEqual(body.tuples.identifiedBy, ['model.alpha', 'tissue.beta']);
    assert.deepEqual([body.tuples.removed, body.tuples.added, body.tuples.common], [4, 4, 8]);
    assert.deepEqual(
      body.tuples.examples.removed.map((e: { index: number; params: Record<string, string> }) => [
        e.index,
        e.params['model.alpha'],
      ]),
      [
        [8, '0.3'],
        [9, '0.3'],
        [10, '0.3'],
        [11, '0.3'],
      ],
    );
    assert.ok(
      body.tuples.examples.added.every(
        (e: { params: Record<string, string> }) => e.params['model.alpha'] === '0.4',
      ),
    );

    const energy = body.metrics.find((m: { name: string }) => m.name === 'energy');
    assert.equal(energy.count, ENERGY_DELTAS.length);
    const mean = ENERGY_DELTAS.reduce((s, d) => s + d, 0) / ENERGY_DELTAS.length;
    assert.ok(Math.abs(energy.mean - mean) < 1e-12, `mean ${energy.mean}, expected ${mean}`);
    assert.ok(Math.abs(energy.min - 0.1) < 1e-12 && Math.abs(energy.max - 0.8) < 1e-12);
    assert.deepEqual(
      body.metrics.find((m: { name: string }) => m.name === 'steps'),
      { name: 'steps', count: 7, mean: 0, min: 0, max: 0 },
    );
  });

  void test('per-tuple deltas come in pages by A’s run index', async () => {
    const route = (after?: number) =>
      `/api/v1/series/${pair.a}/compare/${pair.b}?limit=3${after === undefined ? '' : `&after=${after}`}`;
    const seen: Array<[number, number | null]> = [];
    let answer = await getJson(server, pair.tokens.member, route());
    for (;;) {
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      for (const r of answer.body.deltas.rows) {
        assert.equal(r.aIndex, r.bIndex, 'the common tuples have the same index in both');
        seen.push([r.aIndex, r.deltas.energy === null ? null : Number(r.deltas.energy.toFixed(12))]);
      }
      if (answer.body.deltas.nextAfter === null) break;
      answer = await getJson(server, pair.tokens.member, route(answer.body.deltas.nextAfter));
    }
    assert.deepEqual(seen, [
      [0, 0.1],
      [1, 0.2],
      [2, 0.3],
      [3, 0.4],
      [4, 0.2],
      [5, null],
      [6, 0.6],
      [7, 0.8],
    ]);
  });

  void test('lineage: the parent, and the clones the caller may see', async () => {
    const ofA = await getJson(server, pair.tokens.member, `/api/v1/series/${pair.a}/lineage`);
    assert.equal(ofA.status, 200, JSON.stringify(ofA.body));
    assert.equal(ofA.body.parent, null);
    assert.deepEqual(
      ofA.body.children.map((c: { id: string }) => c.id),
      [pair.b],
    );
    assert.equal(ofA.body.moreChildren, false);
    const asAdmin = await getJson(server, pair.tokens.admin, `/api/v1/series/${pair.a}/lineage`);
    assert.deepEqual(
      asAdmin.body.children.map((c: { id: string }) => c.id).sort(),
      [pair.b, pair.hidden].sort(),
    );
    const ofB = await getJson(server, pair.tokens.member, `/api/v1/series/${pair.b}/lineage`);
    assert.equal(ofB.body.parent.id, pair.a);
    assert.equal(ofB.body.parent.description, 'Spiral drift under stimulation');
  });

  void test('the OpenAPI document describes both routes', async () => {
    const doc = await getJson(server, pair.tokens.member, '/api/v1/openapi.json');
    assert.ok(doc.body.paths['/api/v1/series/{a}/compare/{b}']?.get);
    assert.ok(doc.body.paths['/api/v1/series/{id}/lineage']?.get);
  });
});
