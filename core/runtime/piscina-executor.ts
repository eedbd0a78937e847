/**
 * One flow's sandbox on Node: a piscina pool of worker threads running sandbox/worker-entry.
 * Threads start on demand and exit after the idle timeout, so an idle flow holds none. Each
 * worker's `process.env` is exactly the flow's sandbox env, and its heap is capped, so a
 * runaway task dies alone: piscina rejects only the tasks of the lost worker and replaces it.
 */
import { fileURLToPath } from 'node:url';
import type { Logger } from '@aof/api';
import { Piscina } from 'piscina';
import type { TaskRequest, TaskResult } from '../../sandbox/protocol.js';
import type { SandboxWorkerData } from '../../sandbox/worker-entry.js';
import { SandboxFailure, type ExecutorOptions, type TaskExecutor } from './executor.js';

/** Compiled beside this file: dist/core/runtime -> dist/sandbox. */
export const WORKER_ENTRY = fileURLToPath(new URL('../../sandbox/worker-entry.js', import.meta.url));

export class PiscinaExecutor implements TaskExecutor {
  readonly #pool: Piscina<TaskRequest, TaskResult>;
  readonly #options: ExecutorOptions;

  constructor(options: ExecutorOptions, logger?: Logger) {
    this.#options = options;
    this.#pool = new Piscina<TaskRequest, TaskResult>({
      filename: WORKER_ENTRY,
      name: 'default',
      minThreads: 0,
      maxThreads: Math.max(1, options.maxThreads),
      idleTimeout: options.idleTimeoutMs,
      // One task per thread: terminating a worker on timeout or OOM must not take a neighbour with it.
      concurrentTasksPerWorker: 1,
      // The runtime keeps its own wait and run histograms (runtime-metrics.ts); piscina's would be a second set per pool.
      recordTiming: false,
      resourceLimits: { maxOldGenerationSizeMb: options.maxMemoryMb },
      // Not the daemon's own flags: an inspector port or a preloaded module (--import) has no business in a sandbox.
      execArgv: [],
      // A copy: the Worker reads it once at start, and nothing should reach it later through a shared object.
      env: { ...options.env },
      workerData: { nice: options.nice ?? 0 } satisfies SandboxWorkerData,
    });
    // A worker that dies between tasks has no task to reject; without a listener the pool's 'error' would crash the daemon.
    this.#pool.on('error', (error: unknown) => {
      logger?.warn({ flow: options.flowName, err: error }, 'sandbox worker failed between tasks');
    });
  }

  async run(request: TaskRequest, options: { signal: AbortSignal }): Promise<TaskResult> {
    try {
      return await this.#pool.run(request, { signal: options.signal });
    } catch (error) {
      throw this.#failure(error, options.signal);
    }
  }

  alive(): number {
    return this.#pool.threads.length;
  }

  /** Waits for running tasks, then ends every thread. */
  close(): Promise<void> {
    return this.#pool.close();
  }

  #failure(error: unknown, signal: AbortSignal): SandboxFailure {
    if (signal.aborted) return new SandboxFailure('aborted', `task aborted: ${describe(signal.reason)}`, { cause: error });
    if (isCode(error, 'ERR_WORKER_OUT_OF_MEMORY')) {
      return new SandboxFailure('out_of_memory', `worker exceeded its ${this.#options.maxMemoryMb} MB heap limit`, { cause: error });
    }
    return new SandboxFailure('crashed', `worker crashed: ${describe(error)}`, { cause: error });
  }
}

function isCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}

function describe(value: unknown): string {
  return value instanceof Error ? value.message : String(value);
}
