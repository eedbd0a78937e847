import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { ErrorCode, isAofError, type StateStore } from '@aof/api';
import storeMemory, { MemoryStore, plugin } from '@aof/plugin-store-memory';

const storeFailed = (error: unknown): boolean => isAofError(error, ErrorCode.STORE_FAILED);

let store: MemoryStore;

beforeEach(() => {
  store = new MemoryStore({ sweepIntervalMs: 20 });
});

afterEach(async () => {
  await store.close();
});

describe('store-memory plugin', () => {
  it('is a store plugin exported both as default and as `plugin`', async () => {
    assert.equal(storeMemory, plugin);
    assert.equal(plugin.kind, 'store');
    assert.equal(plugin.name, 'store-memory');
    const instance = await plugin.init({ name: 'store-memory', config: {}, deps: {} });
    const ownStore: StateStore = instance.store;
    await ownStore.set('k', 'v');
    assert.equal(await ownStore.get('k'), 'v');
    await instance.stop?.();
  });
});

describe('MemoryStore strings', () => {
  it('gets, sets, overwrites and deletes', async () => {
    assert.equal(await store.get('a'), undefined);
    assert.equal(await store.set('a', '1'), true);
    assert.equal(await store.set('a', '2'), true);
    assert.equal(await store.get('a'), '2');
    assert.equal(await store.delete('a'), true);
    assert.equal(await store.delete('a'), false);
    assert.equal(await store.get('a'), undefined);
  });

  it('sets only absent keys with ifAbsent', async () => {
    assert.equal(await store.set('lock', 'one', { ifAbsent: true }), true);
    assert.equal(await store.set('lock', 'two', { ifAbsent: true }), false);
    assert.equal(await store.get('lock'), 'one');
  });

  it('treats an expired key as absent for ifAbsent', async () => {
    await store.set('dedupe', 'first', { ttlMs: 30 });
    await sleep(50);
    assert.equal(await store.set('dedupe', 'second', { ifAbsent: true }), true);
    assert.equal(await store.get('dedupe'), 'second');
  });

  it('expires keys after their ttl and reports the remaining ttl', async () => {
    await store.set('short', 'v', { ttlMs: 30 });
    await store.set('forever', 'v');
    const remaining = await store.ttl('short');
    assert.ok(remaining !== undefined && remaining > 0 && remaining <= 30, `ttl ${remaining}`);
    assert.equal(await store.ttl('forever'), undefined);
    assert.equal(await store.ttl('missing'), undefined);
    await sleep(50);
    assert.equal(await store.get('short'), undefined);
    assert.equal(await store.ttl('short'), undefined);
    assert.equal(await store.delete('short'), false);
    assert.equal(await store.get('forever'), 'v');
  });

  it('clears the ttl when a key is set again without one', async () => {
    await store.set('k', 'v', { ttlMs: 30 });
    await store.set('k', 'w');
    await sleep(50);
    assert.equal(await store.get('k'), 'w');
  });

  it('sets a ttl on existing keys only, and a ttl that is over deletes the key', async () => {
    assert.equal(await store.expire('missing', 1_000), false);
    await store.set('k', 'v');
    assert.equal(await store.expire('k', 30), true);
    await sleep(50);
    assert.equal(await store.get('k'), undefined);
    await store.set('gone', 'v');
    assert.equal(await store.expire('gone', 0), true);
    assert.equal(await store.get('gone'), undefined);
  });

  it('rejects a ttl that is not a positive number', async () => {
    await assert.rejects(store.set('k', 'v', { ttlMs: 0 }), storeFailed);
    await assert.rejects(store.set('k', 'v', { ttlMs: Number.NaN }), storeFailed);
  });
});

describe('MemoryStore counters', () => {
  it('increments, creating the key with a ttl that later increments keep', async () => {
    assert.equal(await store.incr('hits', 1, { ttlMs: 30 }), 1);
    assert.equal(await store.incr('hits'), 2);
    assert.equal(await store.incr('hits', 5, { ttlMs: 10_000 }), 7);
    assert.ok(((await store.ttl('hits')) ?? Infinity) <= 30, 'the creation ttl is kept');
    await sleep(50);
    assert.equal(await store.get('hits'), undefined);
    assert.equal(await store.incr('hits', -2), -2);
    assert.equal(await store.ttl('hits'), undefined);
  });

  it('increments a numeric string and refuses anything else', async () => {
    await store.set('n', '41');
    assert.equal(await store.incr('n'), 42);
    assert.equal(await store.get('n'), '42');
    await store.set('word', 'forty');
    await assert.rejects(store.incr('word'), storeFailed);
    await assert.rejects(store.incr('n', 1.5), storeFailed);
    await store.listPush('list', 'a');
    await assert.rejects(store.incr('list'), storeFailed);
  });
});

describe('MemoryStore lists', () => {
  it('pushes and reads ranges with Redis-style negative indexes', async () => {
    assert.equal(await store.listPush('l', 'a', 'b', 'c'), 3);
    assert.equal(await store.listPush('l', 'd', 'e'), 5);
    assert.deepEqual(await store.listRange('l', 0, -1), ['a', 'b', 'c', 'd', 'e']);
    assert.deepEqual(await store.listRange('l', 1, 2), ['b', 'c']);
    assert.deepEqual(await store.listRange('l', -2, -1), ['d', 'e']);
    assert.deepEqual(await store.listRange('l', -100, 1), ['a', 'b']);
    assert.deepEqual(await store.listRange('l', 3, 100), ['d', 'e']);
    assert.deepEqual(await store.listRange('l', 4, 2), []);
    assert.deepEqual(await store.listRange('l', 10, 20), []);
    assert.deepEqual(await store.listRange('missing', 0, -1), []);
  });

  it('trims to a range, deleting a list trimmed to nothing', async () => {
    await store.listPush('l', 'a', 'b', 'c', 'd', 'e');
    await store.listTrim('l', -3, -1);
    assert.deepEqual(await store.listRange('l', 0, -1), ['c', 'd', 'e']);
    await store.listTrim('l', 1, 1);
    assert.deepEqual(await store.listRange('l', 0, -1), ['d']);
    await store.listTrim('l', 5, 10);
    assert.deepEqual(await store.keys('l'), []);
    await store.listTrim('missing', 0, 1);
  });

  it('keeps a list ttl across pushes and expires the list', async () => {
    await store.listPush('l', 'a');
    await store.expire('l', 30);
    await store.listPush('l', 'b');
    await sleep(50);
    assert.deepEqual(await store.listRange('l', 0, -1), []);
    assert.equal(await store.listPush('l', 'c'), 1);
  });

  it('refuses to mix strings and lists under one key', async () => {
    await store.set('s', 'v');
    await store.listPush('l', 'v');
    await assert.rejects(store.listPush('s', 'x'), storeFailed);
    await assert.rejects(store.listRange('s', 0, -1), storeFailed);
    await assert.rejects(store.listTrim('s', 0, -1), storeFailed);
    await assert.rejects(store.get('l'), storeFailed);
    assert.equal(await store.set('l', 'now a string'), true);
    assert.equal(await store.get('l'), 'now a string');
  });
});

describe('MemoryStore keys and sweeping', () => {
  it('lists live keys by prefix', async () => {
    await store.set('flow:a', '1');
    await store.set('flow:b', '1', { ttlMs: 30 });
    await store.listPush('flow:c', 'x');
    await store.set('other', '1');
    assert.deepEqual((await store.keys('flow:')).sort(), ['flow:a', 'flow:b', 'flow:c']);
    await sleep(50);
    assert.deepEqual((await store.keys('flow:')).sort(), ['flow:a', 'flow:c']);
    assert.deepEqual((await store.keys('')).sort(), ['flow:a', 'flow:c', 'other']);
  });

  it('sweeps expired keys that nobody reads', async () => {
    await store.set('unread', 'v', { ttlMs: 10 });
    await store.set('kept', 'v');
    assert.equal(store.size, 2);
    await sleep(60);
    assert.equal(store.size, 1);
  });
});
