/**
 * rate-limiter-flexible over the kernel's StateStore, so limit counters live wherever shared
 * state lives: in this process with store-memory, in Redis for a cluster, with no change here.
 * The library's own memory and Redis backends would each need their own client and would not
 * follow a store plugin the operator picks; the StateStore contract (atomic `incr` whose ttl is
 * set when the key is created, `ttl`, `set`, `delete`) is all its store base class needs.
 */
import { createRequire } from 'node:module';
import type { StateStore } from '@aof/api';
import { RateLimiterRes, type RateLimiterStoreAbstract } from 'rate-limiter-flexible';

// The package's types declare RateLimiterStoreAbstract, the documented base of its store
// backends, but its index does not export it (11.x); the class file itself is stable.
const require = createRequire(import.meta.url);
const StoreLimiterBase = require('rate-limiter-flexible/lib/RateLimiterStoreAbstract.js') as typeof RateLimiterStoreAbstract;

export interface StateStoreLimiterOptions {
  store: StateStore;
  /** What may be consumed per window (requests, tokens). */
  points: number;
  /** How long a counter lives once created. */
  durationSecs: number;
  /** Namespaces the store keys (`<prefix>:<key>`). */
  keyPrefix: string;
}

/** What the store holds for a key: the points consumed and how long the counter has left (-1: no expiry). */
interface StoredCount {
  consumed: number;
  msLeft: number;
}

export class StateStoreLimiter extends StoreLimiterBase {
  readonly #store: StateStore;

  constructor(options: StateStoreLimiterOptions) {
    super({ storeClient: options.store, points: options.points, duration: options.durationSecs, keyPrefix: options.keyPrefix });
    this.#store = options.store;
  }

  /** The base class's storage hook: add `points` (or set them when `forceExpire`), report the count. */
  async _upsert(rlKey: string, points: number, msDuration: number, forceExpire = false): Promise<StoredCount> {
    const ttl = msDuration > 0 ? { ttlMs: msDuration } : {};
    if (forceExpire) {
      await this.#store.set(rlKey, String(points), ttl);
      return { consumed: points, msLeft: msDuration > 0 ? msDuration : -1 };
    }
    const consumed = await this.#store.incr(rlKey, points, ttl);
    return { consumed, msLeft: (await this.#store.ttl(rlKey)) ?? -1 };
  }

  async _get(rlKey: string): Promise<StoredCount | null> {
    const value = await this.#store.get(rlKey);
    if (value === undefined) return null;
    return { consumed: Number(value), msLeft: (await this.#store.ttl(rlKey)) ?? -1 };
  }

  _delete(rlKey: string): Promise<boolean> {
    return this.#store.delete(rlKey);
  }

  _getRateLimiterRes(_rlKey: string, changedPoints: number, stored: StoredCount): RateLimiterRes {
    return new RateLimiterRes(Math.max(this.points - stored.consumed, 0), stored.msLeft, stored.consumed, stored.consumed === changedPoints);
  }
}
