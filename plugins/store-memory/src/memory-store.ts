import { AofError, ErrorCode, type SetOptions, type StateStore } from '@aof/api';
import { normalizeRange } from './list-range.js';

type Entry =
  | { type: 'string'; value: string; expiresAt: number | undefined }
  | { type: 'list'; values: string[]; expiresAt: number | undefined };

/** What Redis INCR accepts as a number: no sign but '-', no leading zeros, no "-0". */
const INTEGER = /^(?:0|-?[1-9]\d*)$/;

function storeError(message: string, key: string): AofError {
  return new AofError(ErrorCode.STORE_FAILED, message, { plugin: 'store-memory', details: { key } });
}

function assertTtl(ttlMs: number | undefined, key: string): void {
  if (ttlMs !== undefined && !(Number.isFinite(ttlMs) && ttlMs > 0)) {
    throw storeError(`ttl for key "${key}" must be a positive number of milliseconds`, key);
  }
}

/**
 * Single-node StateStore. It mirrors Redis semantics (type errors, TTL kept by INCR and RPUSH,
 * cleared by SET, inclusive ranges) so code tested against it behaves the same on a Redis store.
 * Expired keys vanish on the next read; the sweep only bounds memory held by keys nobody reads.
 */
export class MemoryStore implements StateStore {
  readonly #entries = new Map<string, Entry>();
  readonly #sweepTimer: NodeJS.Timeout;

  constructor(options: { sweepIntervalMs: number }) {
    this.#sweepTimer = setInterval(() => this.#sweep(), options.sweepIntervalMs);
    // The sweep is housekeeping; it must never keep the daemon (or a test run) alive.
    this.#sweepTimer.unref();
  }

  /** Entries held in memory, expired ones included until read or swept: what the store costs. */
  get size(): number {
    return this.#entries.size;
  }

  async get(key: string): Promise<string | undefined> {
    const entry = this.#live(key);
    if (entry === undefined) return undefined;
    if (entry.type !== 'string') throw storeError(`key "${key}" holds a list, not a string`, key);
    return entry.value;
  }

  async set(key: string, value: string, options: SetOptions = {}): Promise<boolean> {
    assertTtl(options.ttlMs, key);
    if (options.ifAbsent === true && this.#live(key) !== undefined) return false;
    this.#entries.set(key, { type: 'string', value, expiresAt: expiryOf(options.ttlMs) });
    return true;
  }

  async delete(key: string): Promise<boolean> {
    const existed = this.#live(key) !== undefined;
    this.#entries.delete(key);
    return existed;
  }

  async incr(key: string, by = 1, options: { ttlMs?: number } = {}): Promise<number> {
    if (!Number.isSafeInteger(by)) throw storeError(`increment for key "${key}" must be an integer`, key);
    assertTtl(options.ttlMs, key);
    const entry = this.#live(key);
    if (entry === undefined) {
      this.#entries.set(key, { type: 'string', value: String(by), expiresAt: expiryOf(options.ttlMs) });
      return by;
    }
    if (entry.type !== 'string') throw storeError(`key "${key}" holds a list, not a counter`, key);
    const current = INTEGER.test(entry.value) ? Number(entry.value) : Number.NaN;
    const next = current + by;
    if (!Number.isSafeInteger(current) || !Number.isSafeInteger(next)) {
      throw storeError(`key "${key}" does not hold an integer in range`, key);
    }
    entry.value = String(next);
    return next;
  }

  async expire(key: string, ttlMs: number): Promise<boolean> {
    if (Number.isNaN(ttlMs) || ttlMs === Number.POSITIVE_INFINITY) throw storeError(`ttl for key "${key}" must be a finite number`, key);
    const entry = this.#live(key);
    if (entry === undefined) return false;
    // As Redis PEXPIRE: a ttl that is already over deletes the key.
    if (ttlMs <= 0) this.#entries.delete(key);
    else entry.expiresAt = Date.now() + ttlMs;
    return true;
  }

  async ttl(key: string): Promise<number | undefined> {
    const expiresAt = this.#live(key)?.expiresAt;
    return expiresAt === undefined ? undefined : expiresAt - Date.now();
  }

  async listPush(key: string, ...values: string[]): Promise<number> {
    const entry = this.#live(key);
    // As Redis: pushing nothing creates nothing (an empty list does not exist).
    if (entry === undefined && values.length === 0) return 0;
    if (entry === undefined) {
      this.#entries.set(key, { type: 'list', values: [...values], expiresAt: undefined });
      return values.length;
    }
    if (entry.type !== 'list') throw storeError(`key "${key}" holds a string, not a list`, key);
    entry.values.push(...values);
    return entry.values.length;
  }

  async listRange(key: string, start: number, stop: number): Promise<string[]> {
    const values = this.#list(key);
    const range = normalizeRange(values.length, start, stop);
    return range === undefined ? [] : values.slice(range.from, range.to + 1);
  }

  async listTrim(key: string, start: number, stop: number): Promise<void> {
    const entry = this.#live(key);
    if (entry === undefined) return;
    if (entry.type !== 'list') throw storeError(`key "${key}" holds a string, not a list`, key);
    const range = normalizeRange(entry.values.length, start, stop);
    // Redis deletes a list trimmed to nothing rather than keeping an empty one.
    if (range === undefined) this.#entries.delete(key);
    else entry.values = entry.values.slice(range.from, range.to + 1);
  }

  async keys(prefix: string): Promise<string[]> {
    const now = Date.now();
    const found: string[] = [];
    for (const [key, entry] of this.#entries) {
      if (isExpired(entry, now)) this.#entries.delete(key);
      else if (key.startsWith(prefix)) found.push(key);
    }
    return found;
  }

  async close(): Promise<void> {
    clearInterval(this.#sweepTimer);
  }

  #list(key: string): readonly string[] {
    const entry = this.#live(key);
    if (entry === undefined) return [];
    if (entry.type !== 'list') throw storeError(`key "${key}" holds a string, not a list`, key);
    return entry.values;
  }

  /** The entry if it exists and has not expired; an expired one is dropped on the way. */
  #live(key: string): Entry | undefined {
    const entry = this.#entries.get(key);
    if (entry !== undefined && isExpired(entry, Date.now())) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry;
  }

  #sweep(): void {
    const now = Date.now();
    for (const [key, entry] of this.#entries) {
      if (isExpired(entry, now)) this.#entries.delete(key);
    }
  }
}

function expiryOf(ttlMs: number | undefined): number | undefined {
  return ttlMs === undefined ? undefined : Date.now() + ttlMs;
}

function isExpired(entry: Entry, now: number): boolean {
  return entry.expiresAt !== undefined && entry.expiresAt <= now;
}
