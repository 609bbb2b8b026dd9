// The web UI's short-lived query cache: shared loads, expiry, failures not remembered.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FINAL_TTL_MS, LIVE_TTL_MS, TtlCache, ttlFor } from '../../web/data/cache.ts';

void describe('TtlCache', () => {
  void test('concurrent callers share one load; it is reloaded after its time', async () => {
    let now = 1000;
    const cache = new TtlCache(() => now);
    let loads = 0;
    const load = async () => ++loads;
    const [a, b] = await Promise.all([cache.get('k', 100, load), cache.get('k', 100, load)]);
    assert.deepEqual([a, b, loads], [1, 1, 1]);
    now += 99;
    assert.equal(await cache.get('k', 100, load), 1);
    now += 1;
    assert.equal(await cache.get('k', 100, load), 2);
    assert.equal(await cache.peek('k'), 2);
    now += 100;
    assert.equal(cache.peek('k'), undefined);
  });

  void test('a failed load is not kept', async () => {
    const cache = new TtlCache();
    await assert.rejects(cache.get('k', 1000, () => Promise.reject(new Error('db down'))));
    assert.equal(await cache.get('k', 1000, async () => 'ok'), 'ok');
  });

  void test('running series stay fresh briefly, final ones longer', () => {
    assert.equal(ttlFor('running'), LIVE_TTL_MS);
    assert.equal(ttlFor('completed'), FINAL_TTL_MS);
  });
});
