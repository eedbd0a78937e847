/**
 * The piscina worker module: one TaskRequest in, one TaskResult out. Timeouts and crashes are
 * the pool's business (it terminates and replaces the worker), so no signal is threaded here.
 */
import { workerData } from 'node:worker_threads';
import { runTask } from './agent-loop.js';
import { createNodeHost } from './node-host.js';
import { lowerPriority } from './node-priority.js';
import type { TaskRequest, TaskResult } from './protocol.js';

/** Set by the pool (piscina-executor.ts). */
export interface SandboxWorkerData {
  /** Nice steps below the daemon for this thread and the tools it starts. */
  nice?: number;
}

lowerPriority((workerData as SandboxWorkerData | undefined)?.nice ?? 0);
const host = createNodeHost();

export default function runInWorker(request: TaskRequest): Promise<TaskResult> {
  return runTask(request, host);
}
