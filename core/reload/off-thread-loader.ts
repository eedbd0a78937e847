import { Worker } from 'node:worker_threads';
import type { LoadedConfig, LoadOptions } from '../config/load-config.js';

export interface LoadRequest {
  id: number;
  configPath: string;
  options: LoadOptions;
}

export type LoadReply = { id: number; ok: true; config: LoadedConfig } | { id: number; ok: false; message: string };

interface Waiting {
  resolve(config: LoadedConfig): void;
  reject(error: Error): void;
}

/**
 * `loadConfig` on a worker thread kept for the daemon's lifetime (started on first use). The
 * result is plain data and arrives as a structured clone; a crashed worker fails the loads it
 * held and is replaced on the next one.
 */
export class OffThreadLoader {
  readonly #waiting = new Map<number, Waiting>();
  #worker: Worker | undefined;
  #nextId = 0;

  load(configPath: string, options: LoadOptions): Promise<LoadedConfig> {
    const worker = this.#worker ?? this.#start();
    const id = ++this.#nextId;
    return new Promise<LoadedConfig>((resolve, reject) => {
      this.#waiting.set(id, { resolve, reject });
      worker.postMessage({ id, configPath, options } satisfies LoadRequest);
    });
  }

  /**
   * Starts the thread with one load whose result is dropped: a fresh thread compiles the schemas
   * and warms the YAML parser first, which would otherwise double the first reload's time.
   */
  warm(configPath: string, options: LoadOptions): void {
    this.load(configPath, options).catch(() => undefined);
  }

  async close(): Promise<void> {
    const worker = this.#worker;
    this.#worker = undefined;
    await worker?.terminate();
  }

  #start(): Worker {
    const worker = new Worker(new URL('./load-worker.js', import.meta.url));
    // A reload in progress must not keep a stopping daemon alive.
    worker.unref();
    worker.on('message', (reply: LoadReply) => {
      const waiting = this.#waiting.get(reply.id);
      this.#waiting.delete(reply.id);
      if (reply.ok) waiting?.resolve(reply.config);
      else waiting?.reject(new Error(reply.message));
    });
    const fail = (error: Error): void => {
      if (this.#worker === worker) this.#worker = undefined;
      for (const waiting of this.#waiting.values()) waiting.reject(error);
      this.#waiting.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the config loader thread exited (code ${code})`)));
    this.#worker = worker;
    return worker;
  }
}
