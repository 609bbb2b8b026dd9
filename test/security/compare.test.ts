// Attacks on the comparison and lineage reads: a member comparing with a series only another
// group may see gets 404 on either side, from the API and the web page alike, as if it did
// not exist (and nothing of it in the answer); ids that are not ids (paths, SQL, quotes,
// too long) are refused with a 400 naming the parameter, never reaching a query.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { getJson, seedComparePair, type ComparePair } from '../browser/support/compare-seed.ts';
import { startWebTestServer, type WebTestServer } from '../browser/support/server.ts';

let server: WebTestServer;
let pair: ComparePair;

const NOT_IDS = ["x' or '1'='1", '../runs', 'ABC', 'a b', 'a;drop table runs', '%00', 'é', 'a'.repeat(65)];

void describe('comparison and lineage attacks', () => {
  before(async () => {
    server = await startWebTestServer();
    pair = await seedComparePair(server);
  });
  after(() => server?.close());

  void test('a series the caller may not see is not found, on either side', async () => {
    const member = pair.tokens.member;
    // The control: the member compares two series they may see.
    assert.equal((await getJson(server, member, `/api/v1/series/${pair.a}/compare/${pair.b}`)).status, 200);
    // The admin sees the hidden clone, so it exists.
    assert.equal(
      (await getJson(server, pair.tokens.admin, `/api/v1/series/${pair.a}/compare/${pair.hidden}`)).status,
      200,
    );
    for (const route of [
      `/api/v1/series/${pair.a}/compare/${pair.hidden}`,
      `/api/v1/series/${pair.hidden}/compare/${pair.a}`,
      `/api/v1/series/${pair.hidden}/compare/${pair.hidden}`,
      `/api/v1/series/${pair.hidden}/lineage`,
    ]) {
      const answer = await getJson(server, member, route);
      assert.equal(answer.status, 404, `${route}: ${JSON.stringify(answer.body)}`);
      assert.equal(answer.body.error.code, 'not_found');
      assert.doesNotMatch(JSON.stringify(answer.body), /Secret clone/);
    }
    // Nor does the parent's lineage list it.
    const lineage = await getJson(server, member, `/api/v1/series/${pair.a}/lineage`);
    assert.ok(!JSON.stringify(lineage.body).includes(pair.hidden), 'the hidden clone is not listed');
  });

  void test('ids that are not ids are a 400 naming the parameter', async () => {
    for (const bad of NOT_IDS) {
      const asB = await getJson(
        server,
        pair.tokens.member,
        `/api/v1/series/${pair.a}/compare/${encodeURIComponent(bad)}`,
      );
      assert.equal(asB.status, 400, `${bad}: ${JSON.stringify(asB.body)}`);
      assert.match(asB.body.error.message, /^b/, bad);
      const asA = await getJson(
        server,
        pair.tokens.member,
        `/api/v1/series/${encodeURIComponent(bad)}/compare/${pair.b}`,
      );
      assert.equal(asA.status, 400, `${bad}: ${JSON.stringify(asA.body)}`);
      assert.match(asA.body.error.message, /^a/, bad);
    }
    const limit = await getJson(
      server,
      pair.tokens.member,
      `/api/v1/series/${pair.a}/compare/${pair.b}?limit=100000`,
    );
    assert.equal(limit.status, 400);
    const after = await getJson(
      server,
      pair.tokens.member,
      `/api/v1/series/${pair.a}/compare/${pair.b}?after=-1`,
    );
    assert.equal(after.status, 400);
  });

  void test('the web page: hidden series not found, bad ids refused on the form', async () => {
    // Pages take the API's bearer token as well as the session cookie (api/auth.ts).
    const page = (query: string) =>
      fetch(`${server.url}/compare?${query}`, { headers: { authorization: `Bearer ${pair.tokens.member}` } });
    const ok = await page(new URLSearchParams({ a: pair.a, b: pair.b }).toString());
    assert.equal(ok.status, 200);
    const hidden = await page(new URLSearchParams({ a: pair.a, b: pair.hidden }).toString());
    assert.equal(hidden.status, 404);
    assert.doesNotMatch(await hidden.text(), /Secret clone/);
    const bad = await page(new URLSearchParams({ a: pair.a, b: "x' or 1=1" }).toString());
    assert.equal(bad.status, 400);
    assert.match(await bad.text(), /id="compare-error"[^>]*>b: &#39;x&#39; or 1=1&#39; is not a series id/);
  });
});
