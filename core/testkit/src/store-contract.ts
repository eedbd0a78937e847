import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { StateStore } from '@aof/api';
import { counterCases, keyCases, listCases, sharedStoreCases, stringCases } from './store-contract-cases.js';

export interface StoreContractOptions {
  /**
   * Starts every key the suite writes (each test adds its own unique part after it), so the
   * suite can run against a backend that holds other data. Default `aof-contract:`.
   */
  keyPrefix?: string;
  /**
   * The short ttl the expiry cases set, in ms; they wait twice as long before checking that the
   * key is gone. Default 150; raise it for a backend whose calls take tens of milliseconds.
   */
  ttlMs?: number;
}

const DEFAULT_KEY_PREFIX = 'aof-contract:';
const DEFAULT_TTL_MS = 150;

/** What a case sees: the test's fresh store, its keys, and the expiry timing. */
export class StoreContractContext {
  readonly ttlMs: number;
  readonly #open: () => Promise<StateStore>;
  readonly #keyPrefix: string;
  #store: StateStore | undefined;
  #prefix = '';

  constructor(open: () => Promise<StateStore>, options: StoreContractOptions) {
    this.#open = open;
    this.#keyPrefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
    this.ttlMs = options.ttlMs ?? DEFAULT_TTL_MS;
  }

  get store(): StateStore {
    if (this.#store === undefined) throw new Error('the store contract has no open store outside a test');
    return this.#store;
  }

  /** This test's own key: unique to the test, so stores sharing one backend never see each other's keys. */
  key(name = ''): string {
    return this.#prefix + name;
  }

  /** Waits until a key set with `ttlMs` has certainly expired. */
  pastTtl(): Promise<void> {
    return sleep(this.ttlMs * 2);
  }

  async open(): Promise<void> {
    this.#prefix = `${this.#keyPrefix}${randomUUID()}:`;
    this.#store = await this.#open();
  }

  /** Deletes what the test left (a shared backend keeps it otherwise), then closes the store. */
  async close(): Promise<void> {
    const store = this.#store;
    this.#store = undefined;
    if (store === undefined) return;
    try {
      for (const key of await store.keys(this.#prefix)) await store.delete(key);
    } finally {
      await store.close?.();
    }
  }
}

/**
 * The contract every StateStore keeps, whatever holds the data: strings with ifAbsent and TTLs,
 * counters that keep their creation ttl, Redis-style lists and ranges, type errors, keys by
 * literal prefix, atomic ifAbsent and incr under concurrency, and values of any text and size.
 * Call it at the top level of a node:test file; `open` gives a fresh store for each test (it
 * may share a backend with the others: the suite uses only keys under its own unique prefix)
 * and the suite closes it after the test.
 */
export function runStoreContract(name: string, open: () => Promise<StateStore>, options: StoreContractOptions = {}): void {
  describe(`${name} store contract`, () => {
    const context = new StoreContractContext(open, options);
    beforeEach(() => context.open());
    afterEach(() => context.close());
    stringCases(context);
    counterCases(context);
    listCases(context);
    keyCases(context);
    sharedStoreCases(context);
  });
}
