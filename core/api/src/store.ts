/**
 * Shared state goes through this interface so that a single node keeps it in memory and a
 * cluster keeps it in Redis without any caller changing. Values are strings; callers encode JSON.
 */
export interface SetOptions {
  /** Expire the key after this many milliseconds. */
  ttlMs?: number;
  /** Only set when the key does not exist (for dedupe and locks). Returns false if it existed. */
  ifAbsent?: boolean;
}

export interface StateStore {
  get(key: string): Promise<string | undefined>;
  /** Returns false only when `ifAbsent` was set and the key already existed. */
  set(key: string, value: string, options?: SetOptions): Promise<boolean>;
  /** Returns true when the key existed. */
  delete(key: string): Promise<boolean>;
  /** Atomically adds `by` (default 1) and returns the new value; `ttlMs` applies when the key is created. */
  incr(key: string, by?: number, options?: { ttlMs?: number }): Promise<number>;
  /** Sets a time to live on an existing key; false when the key does not exist. */
  expire(key: string, ttlMs: number): Promise<boolean>;
  /** Remaining time to live in ms; undefined for a missing key or one without expiry. */
  ttl(key: string): Promise<number | undefined>;
  /** Appends to a list and returns its new length. */
  listPush(key: string, ...values: string[]): Promise<number>;
  /** Inclusive range, negative indexes count from the end (as Redis LRANGE). */
  listRange(key: string, start: number, stop: number): Promise<string[]>;
  /** Keeps only the inclusive range (as Redis LTRIM). */
  listTrim(key: string, start: number, stop: number): Promise<void>;
  /** Keys that start with `prefix` (for admin listings; not for hot paths). */
  keys(prefix: string): Promise<string[]>;
  close?(): Promise<void>;
}
