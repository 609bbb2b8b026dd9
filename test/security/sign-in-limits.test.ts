// The rate limiter under the sign-in guard: windows on an injected clock, and memory that an
// attacker cycling through names or addresses cannot grow without bound.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Context } from 'hono';
import { RateLimiter } from '../../api/rate-limit.ts';
import { clientAddress } from '../../api/sign-in-guard.ts';

test('a key that used its attempts waits for the end of its window', () => {
  let now = 1_000_000;
  const limiter = new RateLimiter({ limit: 3, windowMs: 60_000, now: () => now });
  for (let i = 0; i < 3; i++) {
    assert.equal(limiter.blockedFor('ada'), 0);
    limiter.count('ada');
    now += 1_000;
  }
  assert.equal(limiter.blockedFor('ada'), 57_000);
  assert.equal(limiter.blockedFor('bob'), 0, 'other keys are not held');
  limiter.refund('ada');
  assert.equal(limiter.blockedFor('ada'), 0, 'a refund gives one attempt back');
  limiter.count('ada');
  now += 57_000;
  assert.equal(limiter.blockedFor('ada'), 0, 'the window ended');
  limiter.count('ada');
  limiter.reset('ada');
  assert.equal(limiter.size, 0);
});

test('memory is bounded: expired windows are dropped, and past maxKeys the oldest goes', () => {
  let now = 0;
  const limiter = new RateLimiter({ limit: 1, windowMs: 1_000, maxKeys: 100, now: () => now });
  for (let i = 0; i < 10_000; i++) limiter.count(`name-${i}`);
  assert.equal(limiter.size, 100);
  assert.ok(limiter.blockedFor('name-9999') > 0, 'the newest are kept');
  assert.equal(limiter.blockedFor('name-0'), 0, 'the oldest were forgotten');
  now += 1_000;
  limiter.count('later');
  assert.equal(limiter.size, 1, 'windows that ended are dropped as a new one opens');
});

test('an IPv6 client is counted by its /64, which one machine owns whole', () => {
  const at = (address: string) =>
    clientAddress({ env: { incoming: { socket: { remoteAddress: address } } } } as unknown as Context);
  assert.equal(at('2001:db8:1:2:aaaa::1'), '2001:db8:1:2::/64');
  assert.equal(at('2001:0db8:0001:0002:ffff:ffff:ffff:ffff'), '2001:db8:1:2::/64');
  assert.equal(at('2001:db8::1'), '2001:db8:0:0::/64');
  assert.equal(at('::1'), '0:0:0:0::/64');
  assert.equal(at('192.0.2.7'), '192.0.2.7');
  assert.equal(at('::ffff:192.0.2.7'), '::ffff:192.0.2.7');
  assert.equal(clientAddress({ env: undefined } as unknown as Context), 'unknown');
});
