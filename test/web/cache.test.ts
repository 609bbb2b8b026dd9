// The web UI's short-lived query cache: shared loads, stale-while-revalidate, expiry,
// failures not remembered.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FINAL_TTL_MS, LIVE_TTL_MS, MAX_STALE_MS, TtlCache, ttlFor } from '../../web/data/cache.ts';

const tick = () => new Promise((resolve) => setImmediate(resolve));

void describe('TtlCache', () => {
  void test('concurrent callers share one load', async () => {
    const cache = new TtlCache(() => 1000);
    let loads = 0;
    const load = async () => ++loads;
    const [a, b] = await Promise.all([cache.get('k', 100, load), cache.get('k', 100, load)]);
    assert.deepEqual([a, b, loads], [1, 1, 1]);
  });

  void test('an expired value is served while one refresh runs; then the new one', async () => {
    let now = 1000;
    const cache = new TtlCache(() => now);
    let loads = 0;
    let release: () => void = () => {};
    const load = () => {
      const n = ++loads;
      return n === 1 ? Promise.resolve(n) : new Promise<number>((resolve) => (release = () => resolve(n)));
    };
    assert.equal(await cache.get('k', 100, load), 1);
    now += 100;
    assert.deepEqual(cache.peek('k')?.fresh, false);
    assert.equal(await cache.get('k', 100, load), 1, 'stale value served');
    assert.equal(await cache.get('k', 100, load), 1, 'still stale, refresh pending');
    assert.equal(loads, 2, 'one refresh only');
    release();
    await tick();
    assert.equal(await cache.get('k', 100, load), 2);
    now += 100 + MAX_STALE_MS;
    assert.equal(cache.peek('k'), undefined, 'too old to serve');
    assert.equal(cache.get('k', 100, load) instanceof Promise, true);
    assert.equal(loads, 3);
  });

  void test('claimRefresh elects one refresher per stale key', async () => {
    let now = 0;
    const cache = new TtlCache(() => now);
    cache.set('k', 10, 'v');
    now = 10;
    assert.equal(cache.claimRefresh('k'), true);
    assert.equal(cache.claimRefresh('k'), false);
    cache.set('k', 10, 'w');
    assert.deepEqual(cache.peek('k')?.fresh, true);
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
