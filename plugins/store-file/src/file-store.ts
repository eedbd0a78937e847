import { mkdir, open, readFile, rename } from 'node:fs/promises';
import path from 'node:path';
import { AofError, ErrorCode, type SetOptions, type StateStore } from '@aof/api';

type Entry =
  | { type: 'string'; value: string; expiresAt?: number }
  | { type: 'list'; values: string[]; expiresAt?: number };

interface FileImage {
  version: 1;
  entries: Record<string, Entry>;
}

/** What Redis INCR accepts as a number: no sign but '-', no leading zeros, no "-0". */
const INTEGER = /^(?:0|-?[1-9]\d*)$/;

function storeError(message: string, key: string, cause?: unknown): AofError {
  return new AofError(ErrorCode.STORE_FAILED, message, { plugin: 'store-file', details: { key }, cause });
}

function assertTtl(ttlMs: number | undefined, key: string): void {
  if (ttlMs !== undefined && !(Number.isFinite(ttlMs) && ttlMs > 0)) {
    throw storeError(`ttl for key "${key}" must be a positive number of milliseconds`, key);
  }
}

function isExpired(entry: Entry, now: number): boolean {
  return entry.expiresAt !== undefined && entry.expiresAt <= now;
}

/** Inclusive Redis-style range (negative indexes count from the end); undefined when it selects nothing. */
function normalizeRange(length: number, start: number, stop: number): { from: number; to: number } | undefined {
  const from = Math.max(start < 0 ? length + start : start, 0);
  const to = Math.min(stop < 0 ? length + stop : stop, length - 1);
  return from > to ? undefined : { from, to };
}

function isEntry(value: unknown): value is Entry {
  if (typeof value !== 'object' || value === null) return false;
  const entry = value as Record<string, unknown>;
  const expiry = entry.expiresAt === undefined || typeof entry.expiresAt === 'number';
  if (entry.type === 'string') return expiry && typeof entry.value === 'string';
  return expiry && entry.type === 'list' && Array.isArray(entry.values) && entry.values.every((item) => typeof item === 'string');
}

/**
 * A single-node StateStore kept in one JSON file, so what it holds (pending approvals, dedupe
 * marks, conversation memory) survives a restart. Semantics are the memory store's (Redis-like
 * types, TTLs, inclusive ranges). Every change is written before its call resolves, as a new
 * file renamed over the old one, so a crash leaves the last complete state, never half a file.
 * Writes are coalesced: changes made while one write waits share the next. One daemon per file.
 */
export class FileStore implements StateStore {
  readonly #file: string;
  readonly #entries: Map<string, Entry>;
  readonly #sweepTimer: NodeJS.Timeout;
  #chain: Promise<void> = Promise.resolve();
  #queued: Promise<void> | undefined;

  private constructor(file: string, entries: Map<string, Entry>, sweepIntervalMs: number) {
    this.#file = file;
    this.#entries = entries;
    this.#sweepTimer = setInterval(() => this.#sweep(), sweepIntervalMs);
    // Housekeeping only: it must never keep the daemon (or a test run) alive.
    this.#sweepTimer.unref();
  }

  /** Reads the file (a missing one is an empty store); a file that is not a store image is an error, never silently emptied. */
  static async open(options: { path: string; sweepIntervalMs: number }): Promise<FileStore> {
    const file = path.resolve(options.path);
    await mkdir(path.dirname(file), { recursive: true });
    let text: string | undefined;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw storeError(`cannot read the store file ${file}`, '', error);
    }
    const entries = new Map<string, Entry>();
    if (text !== undefined && text.trim() !== '') {
      let image: Partial<FileImage>;
      try {
        image = JSON.parse(text) as Partial<FileImage>;
      } catch (error) {
        throw storeError(`the store file ${file} is not valid JSON; move it away to start empty`, '', error);
      }
      if (image.version !== 1 || typeof image.entries !== 'object' || image.entries === null) {
        throw storeError(`the store file ${file} is not an AOF store (version 1)`, '');
      }
      const now = Date.now();
      for (const [key, entry] of Object.entries(image.entries)) {
        if (isEntry(entry) && !isExpired(entry, now)) entries.set(key, entry);
      }
    }
    return new FileStore(file, entries, options.sweepIntervalMs);
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
    this.#entries.set(key, { type: 'string', value, ...expiry(options.ttlMs) });
    await this.#persist();
    return true;
  }

  async delete(key: string): Promise<boolean> {
    const existed = this.#live(key) !== undefined;
    this.#entries.delete(key);
    if (existed) await this.#persist();
    return existed;
  }

  async incr(key: string, by = 1, options: { ttlMs?: number } = {}): Promise<number> {
    if (!Number.isSafeInteger(by)) throw storeError(`increment for key "${key}" must be an integer`, key);
    assertTtl(options.ttlMs, key);
    const entry = this.#live(key);
    let next = by;
    if (entry === undefined) {
      this.#entries.set(key, { type: 'string', value: String(by), ...expiry(options.ttlMs) });
    } else {
      if (entry.type !== 'string') throw storeError(`key "${key}" holds a list, not a counter`, key);
      const current = INTEGER.test(entry.value) ? Number(entry.value) : Number.NaN;
      next = current + by;
      if (!Number.isSafeInteger(current) || !Number.isSafeInteger(next)) throw storeError(`key "${key}" does not hold an integer in range`, key);
      entry.value = String(next);
    }
    await this.#persist();
    return next;
  }

  async expire(key: string, ttlMs: number): Promise<boolean> {
    if (Number.isNaN(ttlMs) || ttlMs === Number.POSITIVE_INFINITY) throw storeError(`ttl for key "${key}" must be a finite number`, key);
    const entry = this.#live(key);
    if (entry === undefined) return false;
    // As Redis PEXPIRE: a ttl that is already over deletes the key.
    if (ttlMs <= 0) this.#entries.delete(key);
    else entry.expiresAt = Date.now() + ttlMs;
    await this.#persist();
    return true;
  }

  async ttl(key: string): Promise<number | undefined> {
    const expiresAt = this.#live(key)?.expiresAt;
    return expiresAt === undefined ? undefined : expiresAt - Date.now();
  }

  async listPush(key: string, ...values: string[]): Promise<number> {
    const entry = this.#live(key);
    // As Redis: pushing nothing creates nothing (an empty list does not exist), and writes nothing.
    if (entry === undefined && values.length === 0) return 0;
    if (entry?.type === 'list' && values.length === 0) return entry.values.length;
    let length = values.length;
    if (entry === undefined) {
      this.#entries.set(key, { type: 'list', values: [...values] });
    } else {
      if (entry.type !== 'list') throw storeError(`key "${key}" holds a string, not a list`, key);
      entry.values.push(...values);
      length = entry.values.length;
    }
    await this.#persist();
    return length;
  }

  async listRange(key: string, start: number, stop: number): Promise<string[]> {
    const entry = this.#live(key);
    if (entry === undefined) return [];
    if (entry.type !== 'list') throw storeError(`key "${key}" holds a string, not a list`, key);
    const range = normalizeRange(entry.values.length, start, stop);
    return range === undefined ? [] : entry.values.slice(range.from, range.to + 1);
  }

  async listTrim(key: string, start: number, stop: number): Promise<void> {
    const entry = this.#live(key);
    if (entry === undefined) return;
    if (entry.type !== 'list') throw storeError(`key "${key}" holds a string, not a list`, key);
    const range = normalizeRange(entry.values.length, start, stop);
    // Redis deletes a list trimmed to nothing rather than keeping an empty one.
    if (range === undefined) this.#entries.delete(key);
    else entry.values = entry.values.slice(range.from, range.to + 1);
    await this.#persist();
  }

  async keys(prefix: string): Promise<string[]> {
    this.#sweep();
    return [...this.#entries.keys()].filter((key) => key.startsWith(prefix));
  }

  /** Waits for the last write, so a stopped daemon leaves a complete file. */
  async close(): Promise<void> {
    clearInterval(this.#sweepTimer);
    await this.#chain;
  }

  /** Resolves once a write that includes every change made so far is on disk. */
  #persist(): Promise<void> {
    if (this.#queued !== undefined) return this.#queued;
    const write = this.#chain.then(() => {
      // From here on, changes need the next write: this one may already have read the entries.
      this.#queued = undefined;
      return this.#write();
    });
    this.#queued = write;
    this.#chain = write.catch(() => undefined);
    return write;
  }

  async #write(): Promise<void> {
    const now = Date.now();
    const image: FileImage = { version: 1, entries: {} };
    for (const [key, entry] of this.#entries) if (!isExpired(entry, now)) image.entries[key] = entry;
    const temp = `${this.#file}.${process.pid}.tmp`;
    try {
      const handle = await open(temp, 'w', 0o600);
      try {
        await handle.writeFile(JSON.stringify(image));
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, this.#file);
    } catch (error) {
      throw storeError(`could not write the store file ${this.#file}`, '', error);
    }
  }

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
    for (const [key, entry] of this.#entries) if (isExpired(entry, now)) this.#entries.delete(key);
  }
}

function expiry(ttlMs: number | undefined): { expiresAt?: number } {
  return ttlMs === undefined ? {} : { expiresAt: Date.now() + ttlMs };
}
