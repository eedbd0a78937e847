/**
 * One sandbox executor per active flow, created on the flow's first task. A pool is keyed by
 * the flow's name and a generation: a digest of everything the pool was built with (env,
 * limits, permissions, runtime). A reloaded flow whose sandbox changed gets a fresh pool;
 * tasks already running finish on the old one, which then closes. A pool that stays idle past
 * its idle timeout is closed and forgotten, so a flow that gets no traffic costs nothing.
 *
 * Threads are shared out across pools: a flow with work always gets its first thread, but further
 * ones (up to its `max_threads`) only while the daemon's live sandbox threads are under
 * `maxLiveThreads`; otherwise its task waits for one of the flow's own threads. So 100 busy flows
 * run on about 100 threads, not 200, while one busy flow still gets all of its own. A worker never
 * runs another flow's task: only the number of threads is shared. (Closing idle pools early to
 * stay under the cap was tried and dropped: with many busy flows it closed pools between two of
 * their messages, and every message paid a worker start.)
 */
import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import type { LoadedFlow, Logger } from '@aof/api';
import type { TaskRequest, TaskResult } from '../../sandbox/protocol.js';
import type { ExecutorOptions, TaskExecutor } from './executor.js';

export type ExecutorFactory = (flow: LoadedFlow, options: ExecutorOptions) => TaskExecutor;

/** Live sandbox threads beyond which a flow gets no second thread: 4 per core, at least 8. */
export const DEFAULT_MAX_LIVE_THREADS = Math.max(8, 4 * availableParallelism());

interface Pool {
  key: string;
  flowName: string;
  /** The config object the pool was built from; another object for the same name means a reload. */
  flow: LoadedFlow;
  executor: TaskExecutor;
  idleTimeoutMs: number;
  maxThreads: number;
  /** Tasks of the flow in FlowPools (waiting for a thread or running). */
  inflight: number;
  /** Tasks handed to the executor: one per thread. */
  running: number;
  /** Tasks waiting for one of the pool's threads, oldest first. */
  waiting: Array<() => void>;
  reaper: ReturnType<typeof setTimeout> | undefined;
  /** Set once the pool takes no new tasks (it has left the map); resolves when it has closed. */
  closing: Promise<void> | undefined;
  whenIdle: (() => void) | undefined;
}

export class FlowPools {
  readonly #factory: ExecutorFactory;
  readonly #logger: Logger;
  readonly #maxLiveThreads: number;
  /** Pools taking tasks, by key. */
  readonly #pools = new Map<string, Pool>();
  /** Pools finishing their last tasks before they close. */
  readonly #retiring = new Set<Pool>();
  /** Pool keys by options object: the runtime reuses one options object per flow and agent, so each is hashed once. */
  readonly #keys = new WeakMap<ExecutorOptions, { flow: LoadedFlow; key: string }>();
  #closed = false;

  constructor(factory: ExecutorFactory, logger: Logger, options: { maxLiveThreads?: number } = {}) {
    this.#factory = factory;
    this.#logger = logger;
    this.#maxLiveThreads = Math.max(1, options.maxLiveThreads ?? DEFAULT_MAX_LIVE_THREADS);
  }

  /** Runs the task in the flow's pool, creating the pool first if needed. Rejects as the executor does. */
  async run(flow: LoadedFlow, options: ExecutorOptions, request: TaskRequest, signal: AbortSignal): Promise<TaskResult> {
    const pool = this.#poolFor(flow, options);
    pool.inflight++;
    clearTimeout(pool.reaper);
    try {
      if (!this.#mayStart(pool)) await this.#waitForThread(pool, signal);
      pool.running++;
      try {
        return await pool.executor.run(request, { signal });
      } finally {
        pool.running--;
        pool.waiting.shift()?.();
      }
    } finally {
      pool.inflight--;
      if (pool.inflight === 0) this.#onIdle(pool);
    }
  }

  /** Closes the flow's pools once their running tasks finish (the flow was removed or disabled). */
  async drain(flowName: string): Promise<void> {
    const pools = [...this.#pools.values(), ...this.#retiring].filter((pool) => pool.flowName === flowName);
    await Promise.all(pools.map((pool) => this.#retire(pool)));
  }

  /** Closes every pool once its running tasks finish; later runs are refused. */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all([...this.#pools.values(), ...this.#retiring].map((pool) => this.#retire(pool)));
  }

  /** Pools (retiring ones included) and the threads or processes they hold now. */
  stats(): { pools: number; threads: number } {
    let threads = 0;
    for (const pool of this.#pools.values()) threads += pool.executor.alive();
    for (const pool of this.#retiring) threads += pool.executor.alive();
    return { pools: this.#pools.size + this.#retiring.size, threads };
  }

  /** Whether a task of `pool` may go to its executor now (one task per thread). */
  #mayStart(pool: Pool): boolean {
    if (pool.waiting.length > 0) return false;
    // A thread of the pool is free (or starting): no new thread needed.
    if (pool.running < pool.executor.alive()) return true;
    if (pool.running === 0) return true;
    return pool.running < pool.maxThreads && this.stats().threads < this.#maxLiveThreads;
  }

  /** Until one of the pool's own tasks ends (its thread is then free), or the task is aborted (the executor rejects it). */
  #waitForThread(pool: Pool, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = (): void => {
        const index = pool.waiting.indexOf(done);
        if (index !== -1) pool.waiting.splice(index, 1);
        resolve();
      };
      pool.waiting.push(done);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  #poolFor(flow: LoadedFlow, options: ExecutorOptions): Pool {
    if (this.#closed) throw new Error('the sandbox pools are closed');
    let keyed = this.#keys.get(options);
    if (keyed?.flow !== flow) {
      keyed = { flow, key: `${options.flowName}@${generation(flow, options)}` };
      this.#keys.set(options, keyed);
    }
    const { key } = keyed;
    const existing = this.#pools.get(key);
    if (existing !== undefined) return existing;
    const pool: Pool = {
      key,
      flowName: options.flowName,
      flow,
      executor: this.#factory(flow, options),
      idleTimeoutMs: options.idleTimeoutMs,
      maxThreads: Math.max(1, options.maxThreads),
      inflight: 0,
      running: 0,
      waiting: [],
      reaper: undefined,
      closing: undefined,
      whenIdle: undefined,
    };
    for (const other of this.#pools.values()) {
      // A different config object under the same name is a reload: the old pool takes no more tasks.
      if (other.flowName === pool.flowName && other.flow !== flow) void this.#retire(other);
    }
    this.#pools.set(key, pool);
    this.#logger.debug({ flow: pool.flowName, pool: key, max_threads: options.maxThreads, max_memory_mb: options.maxMemoryMb }, 'sandbox pool created');
    return pool;
  }

  #onIdle(pool: Pool): void {
    if (pool.whenIdle !== undefined) {
      pool.whenIdle();
      return;
    }
    pool.reaper = setTimeout(() => {
      if (pool.inflight === 0) void this.#retire(pool);
    }, pool.idleTimeoutMs);
    pool.reaper.unref();
  }

  #retire(pool: Pool): Promise<void> {
    clearTimeout(pool.reaper);
    pool.closing ??= (async () => {
      if (this.#pools.get(pool.key) === pool) this.#pools.delete(pool.key);
      this.#retiring.add(pool);
      if (pool.inflight > 0) await new Promise<void>((resolve) => { pool.whenIdle = resolve; });
      try {
        await pool.executor.close();
      } catch (error) {
        this.#logger.warn({ flow: pool.flowName, pool: pool.key, err: error }, 'sandbox pool did not close cleanly');
      }
      this.#retiring.delete(pool);
      this.#logger.debug({ flow: pool.flowName, pool: pool.key }, 'sandbox pool closed');
    })();
    return pool.closing;
  }
}

/** Digest of what the pool is built with; the flow's name is in the key already. */
function generation(flow: LoadedFlow, options: ExecutorOptions): string {
  const built = { runtime: flow.flow.spec.sandbox?.runtime ?? 'node', ...options };
  return createHash('sha256').update(JSON.stringify(built)).digest('base64url').slice(0, 12);
}
