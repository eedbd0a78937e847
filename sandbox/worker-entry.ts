/**
 * The piscina worker module: one TaskRequest in, one TaskResult out. Timeouts and crashes are
 * the pool's business (it terminates and replaces the worker), so no signal is threaded here.
 */
import { runTask } from './agent-loop.js';
import { createNodeHost } from './node-host.js';
import type { TaskRequest, TaskResult } from './protocol.js';

const host = createNodeHost();

export default function runInWorker(request: TaskRequest): Promise<TaskResult> {
  return runTask(request, host);
}
