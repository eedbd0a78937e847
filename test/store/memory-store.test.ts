/**
 * store-memory: the store contract every StateStore keeps (`@aof/testkit`), plus what only the
 * memory store has: its plugin export and the sweep that bounds memory held by unread keys.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import type { StateStore } from '@aof/api';
import storeMemory, { MemoryStore, plugin } from '@aof/plugin-store-memory';
import { runStoreContract } from '@aof/testkit';

runStoreContract('store-memory', async () => new MemoryStore({ sweepIntervalMs: 20 }));

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

describe('MemoryStore sweeping', () => {
  it('sweeps expired keys that nobody reads', async () => {
    const store = new MemoryStore({ sweepIntervalMs: 20 });
    try {
      await store.set('unread', 'v', { ttlMs: 10 });
      await store.set('kept', 'v');
      assert.equal(store.size, 2);
      await sleep(60);
      assert.equal(store.size, 1);
    } finally {
      await store.close();
    }
  });
});
