/**
 * An in-process StateAdapter for the Chat SDK server. The SDK requires one (dedupe, thread
 * locks, subscriptions), and its memory adapter (@chat-adapter/state-memory) is not installed
 * here, so this is the plain-Map equivalent: TTLs checked on read, locks by token.
 */
import { randomUUID } from 'node:crypto';
import type { Lock, QueueEntry, StateAdapter } from 'chat';

interface Entry {
  value: unknown;
  /** Epoch ms; Infinity without a TTL. */
  expiresAt: number;
}

const expiry = (ttlMs: number | undefined): number => (ttlMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + ttlMs);

export class MemoryState implements StateAdapter {
  readonly #values = new Map<string, Entry>();
  readonly #lists = new Map<string, Entry & { value: unknown[] }>();
  readonly #locks = new Map<string, Lock>();
  readonly #queues = new Map<string, QueueEntry[]>();
  readonly #subscriptions = new Set<string>();

  async connect(): Promise<void> {}
  async disconnect(): Promise<void> {}

  async get<T = unknown>(key: string): Promise<T | null> {
    const entry = this.#values.get(key);
    if (entry === undefined || entry.expiresAt <= Date.now()) return null;
    return entry.value as T;
  }

  async set<T = unknown>(key: string, value: T, ttlMs?: number): Promise<void> {
    this.#values.set(key, { value, expiresAt: expiry(ttlMs) });
  }

  async setIfNotExists(key: string, value: unknown, ttlMs?: number): Promise<boolean> {
    if ((await this.get(key)) !== null) return false;
    this.#values.set(key, { value, expiresAt: expiry(ttlMs) });
    return true;
  }

  async delete(key: string): Promise<void> {
    this.#values.delete(key);
  }

  async appendToList(key: string, value: unknown, options: { maxLength?: number; ttlMs?: number } = {}): Promise<void> {
    const list = (await this.getList(key)).concat([value]);
    const kept = options.maxLength === undefined ? list : list.slice(-options.maxLength);
    this.#lists.set(key, { value: kept, expiresAt: expiry(options.ttlMs) });
  }

  async getList<T = unknown>(key: string): Promise<T[]> {
    const entry = this.#lists.get(key);
    return entry === undefined || entry.expiresAt <= Date.now() ? [] : [...entry.value] as T[];
  }

  async acquireLock(threadId: string, ttlMs: number): Promise<Lock | null> {
    const held = this.#locks.get(threadId);
    if (held !== undefined && held.expiresAt > Date.now()) return null;
    const lock: Lock = { threadId, token: randomUUID(), expiresAt: Date.now() + ttlMs };
    this.#locks.set(threadId, lock);
    return lock;
  }

  async extendLock(lock: Lock, ttlMs: number): Promise<boolean> {
    const held = this.#locks.get(lock.threadId);
    if (held === undefined || held.token !== lock.token || held.expiresAt <= Date.now()) return false;
    held.expiresAt = Date.now() + ttlMs;
    return true;
  }

  async releaseLock(lock: Lock): Promise<void> {
    if (this.#locks.get(lock.threadId)?.token === lock.token) this.#locks.delete(lock.threadId);
  }

  async forceReleaseLock(threadId: string): Promise<void> {
    this.#locks.delete(threadId);
  }

  async enqueue(threadId: string, entry: QueueEntry, maxSize: number): Promise<number> {
    const queue = [...(this.#queues.get(threadId) ?? []), entry].slice(-maxSize);
    this.#queues.set(threadId, queue);
    return queue.length;
  }

  async dequeue(threadId: string): Promise<QueueEntry | null> {
    const queue = this.#queues.get(threadId) ?? [];
    let next = queue.shift();
    while (next !== undefined && next.expiresAt <= Date.now()) next = queue.shift();
    return next ?? null;
  }

  async queueDepth(threadId: string): Promise<number> {
    return this.#queues.get(threadId)?.length ?? 0;
  }

  async subscribe(threadId: string): Promise<void> {
    this.#subscriptions.add(threadId);
  }

  async unsubscribe(threadId: string): Promise<void> {
    this.#subscriptions.delete(threadId);
  }

  async isSubscribed(threadId: string): Promise<boolean> {
    return this.#subscriptions.has(threadId);
  }
}
