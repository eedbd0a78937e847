import type { TaskRequest, TaskResult } from '../../sandbox/protocol.js';

/** What a flow's sandbox may reach, for runtimes that enforce it at the OS level (Deno). */
export interface SandboxPermissions {
  /** Executables tools may start (`kubectl`, `helm`). */
  run: string[];
  /** Hosts (host or host:port) the model provider and http tool may reach. */
  net: string[];
  /** Environment variable names the sandbox may read. */
  env: string[];
}

export interface ExecutorOptions {
  flowName: string;
  /** The sandbox's whole environment: the daemon's allowlist plus the flow's context. */
  env: Record<string, string>;
  maxMemoryMb: number;
  /** An idle flow holds no thread or process after this. */
  idleTimeoutMs: number;
  maxThreads: number;
  permissions: SandboxPermissions;
  /** Nice steps below the daemon for the sandbox's threads or processes and their tools (Linux); absent or 0: the daemon's priority. */
  nice?: number;
}

/**
 * Runs tasks of one flow in that flow's sandbox (piscina worker threads, or Deno processes).
 * A crash, OOM or abort rejects that task alone; the executor replaces what it lost.
 */
export interface TaskExecutor {
  run(request: TaskRequest, options: { signal: AbortSignal }): Promise<TaskResult>;
  /** Threads or processes alive now (0 for an idle flow). */
  alive(): number;
  close(): Promise<void>;
}

export type SandboxFailureKind = 'out_of_memory' | 'crashed' | 'aborted';

/**
 * How an executor rejects a task its sandbox lost (the worker ran out of heap, died, or was
 * stopped through the task's signal), so the kernel can tell the user why without knowing
 * which runtime ran it. Anything else an executor rejects with counts as `crashed`.
 */
export class SandboxFailure extends Error {
  readonly kind: SandboxFailureKind;

  constructor(kind: SandboxFailureKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SandboxFailure';
    this.kind = kind;
  }
}
