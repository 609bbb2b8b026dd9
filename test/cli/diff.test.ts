// `tuplet diff A B` against a running server (the whole HTTP app over a seeded database): the
// help teaches, the printout shows the one changed INI line, the tuple counts and the metric
// deltas of a clone with one changed value; --json is the API's answer; a series the caller may
// not see and an id that is no id exit 2 with the API's message.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { getJson, seedComparePair, type ComparePair } from '../browser/support/compare-seed.ts';
import { startWebTestServer, type WebTestServer } from '../browser/support/server.ts';
import { runTuplet } from '../support/tuplet-cli.ts';

void describe('tuplet diff', () => {
  let server: WebTestServer;
  let pair: ComparePair;

  const cli = (args: string[]) => runTuplet(args, { url: server.url, token: pair.tokens.member });

  before(async () => {
    server = await startWebTestServer();
    pair = await seedComparePair(server);
  });
  after(() => server?.close());

  void test('--help explains how tuples are matched, with examples', async () => {
    const help = await cli(['diff', '--help']);
    assert.equal(help.code, 0, help.stderr);
    assert.match(help.stdout, /a tuple is its values of the parameters varied in either series/);
    assert.match(help.stdout, /tuplet diff \S+ \S+ --json/);
  });

  void test('prints the INI diff, the tuple counts and the metric deltas', async () => {
    const out = await cli(['diff', pair.a, pair.b, '--limit', '2']);
    assert.equal(out.code, 0, out.stderr);
    const lines = out.stdout.split('\n');
    assert.deepEqual(
      lines.filter((l) => /^[-+](?!-- |\+\+ )/.test(l)),
      ['-alpha = 0.1 0.2 0.3 ; three values', '+alpha = 0.1 0.2 0.4 ; three values'],
    );
    assert.ok(lines.includes('  model.alpha: 0.1 0.2 0.3 -> 0.1 0.2 0.4'), out.stdout);
    assert.ok(
      lines.includes(
        'Tuples (by model.alpha, tissue.beta): 4 only in A (removed), 4 only in B (added), 8 in both',
      ),
      out.stdout,
    );
    assert.ok(lines.includes('  #8  model.alpha=0.3  tissue.beta=1'), out.stdout);
    // energy: 7 tuples with both, B − A = alpha·beta (mean 2.6 / 7), min 0.1, max 0.8.
    const energy = lines.find((l) => l.trimStart().startsWith('energy'));
    assert.deepEqual(energy?.trim().split(/\s+/), [
      'energy',
      '7',
      String(Number((2.6 / 7).toPrecision(6))),
      '0.1',
      '0.8',
    ]);
  });

  void test('--json prints the API answer', async () => {
    const out = await cli(['diff', pair.a, pair.b, '--json']);
    assert.equal(out.code, 0, out.stderr);
    const api = await getJson(
      server,
      pair.tokens.member,
      `/api/v1/series/${pair.a}/compare/${pair.b}?limit=5`,
    );
    assert.deepEqual(JSON.parse(out.stdout), api.body);
  });

  void test('a hidden series, a bad id and a bad --limit exit 2 naming the problem', async () => {
    const hidden = await cli(['diff', pair.a, pair.hidden]);
    assert.equal(hidden.code, 2);
    assert.match(hidden.stderr, new RegExp(`series '${pair.hidden}' not found`));
    const bad = await cli(['diff', pair.a, 'NOT-AN-ID']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /b: 'NOT-AN-ID' is not a series id/);
    const limit = await cli(['diff', pair.a, pair.b, '--limit', 'many']);
    assert.equal(limit.code, 2);
    assert.match(limit.stderr, /--limit: a whole number from 1 to 500, not 'many'/);
  });
});
