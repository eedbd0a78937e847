/**
 * One sandbox executor per active flow, created on the flow's first task. A pool is keyed by
 * the flow's name and a generation: a digest of everything the pool was built with (env,
 * limits, permissions, runtime). A reloaded flow whose sandbox changed gets a fresh pool;
 * tasks already running finish on the old one, which then closes. A pool that stays idle past
 * its idle timeout is closed and forgotten, so a flow that gets no traffic costs nothing.
 */
import { createHash } from 'node:crypto';
import type { LoadedFlow, Logger } from '@aof/api';
import type { TaskRequest, TaskResult } from '../../sandbox/protocol.js';
import type { ExecutorOptions, TaskExecutor } from './executor.js';

export type ExecutorFactory = (flow: LoadedFlow, options: ExecutorOptions) => TaskExecutor;

interface Pool {
  key: string;
  flowName: string;
  /** The config object the pool was built from; another object for the same name means a reload. */
  flow: LoadedFlow;
  executor: TaskExecutor;
  idleTimeoutMs: number;
  inflight: number;
  reaper: ReturnType<typeof setTimeout> | undefined;
  /** Set once the pool takes no new tasks (it has left the map); resolves when it has closed. */
  closing: Promise<void> | undefined;
  whenIdle: (() => void) | undefined;
}

export class FlowPools {
  readonly #factory: ExecutorFactory;
  readonly #logger: Logger;
  /** Pools taking tasks, by key. */
  readonly #pools = new Map<string, Pool>();
  /** Pools finishing their last tasks before they close. */
  readonly #retiring = new Set<Pool>();
  #closed = false;

  constructor(factory: ExecutorFactory, logger: Logger) {
    this.#factory = factory;
    this.#logger = logger;
  }

  /** Runs the task in the flow's pool, creating the pool first if needed. Rejects as the executor does. */
  async run(flow: LoadedFlow, options: ExecutorOptions, request: TaskRequest, signal: AbortSignal): Promise<TaskResult> {
    const pool = this.#poolFor(flow, options);
    pool.inflight++;
    clearTimeout(pool.reaper);
    try {
      return await pool.executor.run(request, { signal });
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

  #poolFor(flow: LoadedFlow, options: ExecutorOptions): Pool {
    if (this.#closed) throw new Error('the sandbox pools are closed');
    const key = `${options.flowName}@${generation(flow, options)}`;
    const existing = this.#pools.get(key);
    if (existing !== undefined) return existing;
    const pool: Pool = {
      key,
      flowName: options.flowName,
      flow,
      executor: this.#factory(flow, options),
      idleTimeoutMs: options.idleTimeoutMs,
      inflight: 0,
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
