import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ErrorCode, isAofError, type StateStore } from '@aof/api';
import type { StoreContractContext } from './store-contract.js';

const storeFailed = (error: unknown): boolean => isAofError(error, ErrorCode.STORE_FAILED);

/** The key has an expiry, and no more of it remains than `maxMs`. */
async function assertTtlWithin(store: StateStore, key: string, maxMs: number, what = 'ttl'): Promise<void> {
  const remaining = await store.ttl(key);
  assert.ok(remaining !== undefined && remaining > 0 && remaining <= maxMs, `${what}: ${remaining} ms, expected 1..${maxMs}`);
}

export function stringCases(c: StoreContractContext): void {
  describe('strings', () => {
    it('gets, sets, overwrites and deletes', async () => {
      const { store } = c;
      const a = c.key('a');
      assert.equal(await store.get(a), undefined);
      assert.equal(await store.set(a, '1'), true);
      assert.equal(await store.set(a, '2'), true);
      assert.equal(await store.get(a), '2');
      assert.equal(await store.delete(a), true);
      assert.equal(await store.delete(a), false);
      assert.equal(await store.get(a), undefined);
    });

    it('sets only absent keys with ifAbsent, with the ttl given', async () => {
      const { store } = c;
      const lock = c.key('lock');
      assert.equal(await store.set(lock, 'one', { ifAbsent: true, ttlMs: 10_000 }), true);
      assert.equal(await store.set(lock, 'two', { ifAbsent: true }), false);
      assert.equal(await store.get(lock), 'one');
      await assertTtlWithin(store, lock, 10_000);
    });

    it('treats an expired key as absent for ifAbsent', async () => {
      const { store } = c;
      const dedupe = c.key('dedupe');
      await store.set(dedupe, 'first', { ttlMs: c.ttlMs });
      await c.pastTtl();
      assert.equal(await store.set(dedupe, 'second', { ifAbsent: true }), true);
      assert.equal(await store.get(dedupe), 'second');
    });

    it('expires keys after their ttl and reports the remaining ttl', async () => {
      const { store } = c;
      const [short, forever] = [c.key('short'), c.key('forever')];
      await store.set(short, 'v', { ttlMs: c.ttlMs });
      await store.set(forever, 'v');
      await assertTtlWithin(store, short, c.ttlMs);
      assert.equal(await store.ttl(forever), undefined);
      assert.equal(await store.ttl(c.key('missing')), undefined);
      await c.pastTtl();
      assert.equal(await store.get(short), undefined);
      assert.equal(await store.ttl(short), undefined);
      assert.equal(await store.delete(short), false);
      assert.equal(await store.get(forever), 'v');
    });

    it('clears the ttl when a key is set again without one', async () => {
      const { store } = c;
      const k = c.key('k');
      await store.set(k, 'v', { ttlMs: c.ttlMs });
      await store.set(k, 'w');
      assert.equal(await store.ttl(k), undefined);
      await c.pastTtl();
      assert.equal(await store.get(k), 'w');
    });

    it('sets a ttl on existing keys only, and a ttl that is over deletes the key', async () => {
      const { store } = c;
      const [k, gone, negative] = [c.key('k'), c.key('gone'), c.key('negative')];
      assert.equal(await store.expire(c.key('missing'), 1_000), false);
      await store.set(k, 'v');
      assert.equal(await store.expire(k, c.ttlMs), true);
      await assertTtlWithin(store, k, c.ttlMs);
      await c.pastTtl();
      assert.equal(await store.get(k), undefined);
      await store.set(gone, 'v');
      assert.equal(await store.expire(gone, 0), true);
      assert.equal(await store.get(gone), undefined);
      await store.set(negative, 'v');
      assert.equal(await store.expire(negative, -1), true);
      assert.equal(await store.get(negative), undefined);
    });

    it('rejects a ttl that is not a positive number with STORE_FAILED', async () => {
      const { store } = c;
      const k = c.key('k');
      for (const ttlMs of [0, -5, Number.NaN, Number.POSITIVE_INFINITY]) {
        await assert.rejects(store.set(k, 'v', { ttlMs }), storeFailed, `set ttlMs ${ttlMs}`);
        await assert.rejects(store.incr(k, 1, { ttlMs }), storeFailed, `incr ttlMs ${ttlMs}`);
      }
      assert.equal(await store.get(k), undefined, 'a refused call writes nothing');
      await store.set(k, 'v');
      await assert.rejects(store.expire(k, Number.NaN), storeFailed);
      await assert.rejects(store.expire(k, Number.POSITIVE_INFINITY), storeFailed, 'a key never expires by a ttl of Infinity');
      assert.equal(await store.get(k), 'v');
      assert.equal(await store.ttl(k), undefined);
    });
  });
}

export function counterCases(c: StoreContractContext): void {
  describe('counters', () => {
    it('increments, creating the key with a ttl that later increments keep', async () => {
      const { store } = c;
      const hits = c.key('hits');
      assert.equal(await store.incr(hits, 1, { ttlMs: c.ttlMs }), 1);
      assert.equal(await store.incr(hits), 2);
      assert.equal(await store.incr(hits, 5, { ttlMs: 10_000 }), 7);
      assert.equal(await store.get(hits), '7');
      await assertTtlWithin(store, hits, c.ttlMs, 'the creation ttl is kept');
      await c.pastTtl();
      assert.equal(await store.get(hits), undefined);
      assert.equal(await store.incr(hits, -2), -2);
      assert.equal(await store.ttl(hits), undefined);
    });

    it('increments a numeric string and refuses anything else with STORE_FAILED', async () => {
      const { store } = c;
      const [n, word, list] = [c.key('n'), c.key('word'), c.key('list')];
      await store.set(n, '41');
      assert.equal(await store.incr(n), 42);
      assert.equal(await store.get(n), '42');
      await store.set(word, 'forty');
      await assert.rejects(store.incr(word), storeFailed);
      assert.equal(await store.get(word), 'forty');
      // Redis's integer syntax: what it would not print back is not a number to it.
      for (const text of ['007', '+1', '-0', ' 1', '1e3', '']) {
        await store.set(word, text);
        await assert.rejects(store.incr(word), storeFailed, `incr of ${JSON.stringify(text)}`);
        assert.equal(await store.get(word), text);
      }
      await store.set(word, '-12');
      assert.equal(await store.incr(word), -11);
      await assert.rejects(store.incr(n, 1.5), storeFailed);
      assert.equal(await store.get(n), '42');
      await store.listPush(list, 'a');
      await assert.rejects(store.incr(list), storeFailed);
      assert.deepEqual(await store.listRange(list, 0, -1), ['a']);
    });
  });
}

export function listCases(c: StoreContractContext): void {
  describe('lists', () => {
    it('pushes and reads ranges with Redis-style negative indexes', async () => {
      const { store } = c;
      const l = c.key('l');
      assert.equal(await store.listPush(l, 'a', 'b', 'c'), 3);
      assert.equal(await store.listPush(l, 'd', 'e'), 5);
      assert.deepEqual(await store.listRange(l, 0, -1), ['a', 'b', 'c', 'd', 'e']);
      assert.deepEqual(await store.listRange(l, 1, 2), ['b', 'c']);
      assert.deepEqual(await store.listRange(l, -2, -1), ['d', 'e']);
      assert.deepEqual(await store.listRange(l, -100, 1), ['a', 'b']);
      assert.deepEqual(await store.listRange(l, 3, 100), ['d', 'e']);
      assert.deepEqual(await store.listRange(l, 4, 2), []);
      assert.deepEqual(await store.listRange(l, 10, 20), []);
      assert.deepEqual(await store.listRange(c.key('missing'), 0, -1), []);
      assert.equal(await store.delete(l), true);
      assert.deepEqual(await store.listRange(l, 0, -1), []);
    });

    it('trims to a range, deleting a list trimmed to nothing', async () => {
      const { store } = c;
      const l = c.key('l');
      await store.listPush(l, 'a', 'b', 'c', 'd', 'e');
      await store.listTrim(l, -3, -1);
      assert.deepEqual(await store.listRange(l, 0, -1), ['c', 'd', 'e']);
      await store.listTrim(l, 1, 1);
      assert.deepEqual(await store.listRange(l, 0, -1), ['d']);
      await store.listTrim(l, 5, 10);
      assert.deepEqual(await store.keys(l), []);
      assert.equal(await store.delete(l), false);
      await store.listTrim(c.key('missing'), 0, 1);
      assert.deepEqual(await store.keys(c.key('missing')), []);
    });

    it('pushes nothing without creating a list, and reports the length of one that exists', async () => {
      const { store } = c;
      const [empty, l, s] = [c.key('empty'), c.key('l'), c.key('s')];
      assert.equal(await store.listPush(empty), 0);
      assert.deepEqual(await store.keys(empty), [], 'an empty list does not exist');
      await store.set(empty, 'later a string');
      assert.equal(await store.get(empty), 'later a string');
      await store.listPush(l, 'a', 'b');
      assert.equal(await store.listPush(l), 2);
      assert.deepEqual(await store.listRange(l, 0, -1), ['a', 'b']);
      await store.set(s, 'v');
      await assert.rejects(store.listPush(s), storeFailed);
    });

    it('keeps a list ttl across pushes and expires the list', async () => {
      const { store } = c;
      const l = c.key('l');
      await store.listPush(l, 'a');
      assert.equal(await store.expire(l, c.ttlMs), true);
      await store.listPush(l, 'b');
      await assertTtlWithin(store, l, c.ttlMs);
      await c.pastTtl();
      assert.deepEqual(await store.listRange(l, 0, -1), []);
      assert.equal(await store.listPush(l, 'c'), 1);
      assert.equal(await store.ttl(l), undefined);
    });

    it('refuses to mix strings and lists under one key, and a plain set replaces a list', async () => {
      const { store } = c;
      const [s, l] = [c.key('s'), c.key('l')];
      await store.set(s, 'v');
      await store.listPush(l, 'v');
      await assert.rejects(store.listPush(s, 'x'), storeFailed);
      await assert.rejects(store.listRange(s, 0, -1), storeFailed);
      await assert.rejects(store.listTrim(s, 0, -1), storeFailed);
      assert.equal(await store.get(s), 'v', 'a refused list call leaves the string');
      await assert.rejects(store.get(l), storeFailed);
      assert.equal(await store.set(l, 'not set', { ifAbsent: true }), false);
      assert.deepEqual(await store.listRange(l, 0, -1), ['v']);
      assert.equal(await store.set(l, 'now a string'), true);
      assert.equal(await store.get(l), 'now a string');
    });
  });
}

export function keyCases(c: StoreContractContext): void {
  describe('keys', () => {
    it('lists live keys by prefix, skipping expired ones', async () => {
      const { store } = c;
      const flow = c.key('flow:');
      await store.set(`${flow}a`, '1');
      await store.set(`${flow}b`, '1', { ttlMs: c.ttlMs });
      await store.listPush(`${flow}c`, 'x');
      await store.set(c.key('other'), '1');
      assert.deepEqual((await store.keys(flow)).sort(), [`${flow}a`, `${flow}b`, `${flow}c`]);
      await c.pastTtl();
      assert.deepEqual((await store.keys(flow)).sort(), [`${flow}a`, `${flow}c`]);
      assert.deepEqual((await store.keys(c.key())).sort(), [`${flow}a`, `${flow}c`, c.key('other')]);
    });

    it('matches the prefix literally, glob characters included', async () => {
      const { store } = c;
      const prefix = c.key('a*b?[c]\\');
      // Each of these would match the prefix read as a glob pattern (Redis SCAN MATCH, SQL LIKE ...).
      const lookalikes = ['aXXbYc\\1', 'a*b?c\\1', 'a*b?[c]', 'ab?[c]\\', 'a*b?[c]x'].map((name) => c.key(name));
      for (const key of [prefix, `${prefix}1`, `${prefix}*`, ...lookalikes]) await store.set(key, 'v');
      assert.deepEqual((await store.keys(prefix)).sort(), [prefix, `${prefix}*`, `${prefix}1`].sort());
    });
  });
}

export function sharedStoreCases(c: StoreContractContext): void {
  describe('atomicity and values', () => {
    it('lets exactly one of many concurrent ifAbsent sets on a key win', async () => {
      const { store } = c;
      const lock = c.key('lock');
      const won = await Promise.all(Array.from({ length: 20 }, (_, i) => store.set(lock, `v${i}`, { ifAbsent: true })));
      assert.equal(won.filter(Boolean).length, 1, `winners: ${won.join(',')}`);
      assert.equal(await store.get(lock), `v${won.indexOf(true)}`);
    });

    it('counts every one of 100 concurrent increments once', async () => {
      const { store } = c;
      const hits = c.key('hits');
      const seen = await Promise.all(Array.from({ length: 100 }, () => store.incr(hits)));
      assert.deepEqual([...seen].sort((x, y) => x - y), Array.from({ length: 100 }, (_, i) => i + 1));
      assert.equal(await store.get(hits), '100');
    });

    it('keeps unicode and newlines in values and keys as they were', async () => {
      const { store } = c;
      const text = 'naïve — 日本語 🎉\nsecond line\r\n\ttabbed "quoted" \\ back\u2028end';
      const key = c.key('ключ 🗝 key');
      await store.set(key, text);
      assert.equal(await store.get(key), text);
      assert.deepEqual(await store.keys(c.key('ключ')), [key]);
      const list = c.key('список');
      await store.listPush(list, text, '', 'ü');
      assert.deepEqual(await store.listRange(list, 0, -1), [text, '', 'ü']);
    });

    it('keeps a 100 kB value whole', async () => {
      const { store } = c;
      const big = `${'0123456789abcdef'.repeat(6_400)}é🎉`;
      await store.set(c.key('big'), big);
      assert.equal(await store.get(c.key('big')), big);
      await store.listPush(c.key('bigs'), big, big);
      assert.deepEqual(await store.listRange(c.key('bigs'), -1, -1), [big]);
    });
  });
}
