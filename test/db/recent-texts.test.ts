// RecentTexts (db/recent-texts.ts) keeps texts within a bound of characters and lets the least
// recently used go first.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RecentTexts } from '../../db/recent-texts.ts';

test('within the bound every text stays; past it the least recently used goes first', () => {
  const texts = new RecentTexts(10);
  texts.set('a', 'aaaa');
  texts.set('b', 'bbbb');
  assert.equal(texts.get('a'), 'aaaa'); // a is now the most recently used
  texts.set('c', 'cccc'); // 12 characters: b, used least recently, goes
  assert.equal(texts.get('b'), undefined);
  assert.equal(texts.get('a'), 'aaaa');
  assert.equal(texts.get('c'), 'cccc');
  assert.equal(texts.size, 8);
});

test('a key set again counts once; a text longer than the bound is not kept and drops the old one', () => {
  const texts = new RecentTexts(10);
  texts.set('a', 'aaaa');
  texts.set('a', 'aaaaaa');
  assert.equal(texts.size, 6);
  assert.equal(texts.get('a'), 'aaaaaa');
  texts.set('a', 'x'.repeat(11));
  assert.equal(texts.get('a'), undefined);
  assert.equal(texts.size, 0);
});
