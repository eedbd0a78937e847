import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LoadedFlow } from '@aof/api';
import type { ExecutorOptions, TaskExecutor } from '../../core/runtime/executor.js';
import { FlowPools } from '../../core/runtime/flow-pools.js';
import type { TaskRequest, TaskResult } from '../../sandbox/protocol.js';
import { recordingLogger } from '../kernel/support.js';
import { eventually, loadedFlow } from './support.js';

/**
 * An executor that behaves like a piscina pool with one task per thread: a task starts a thread
 * when every thread is busy and the pool is under its max; tasks end when the test says so.
 */
class FakeThreads implements TaskExecutor {
  threads = 0;
  busy = 0;
  started = 0;
  closed = false;
  readonly #finish: Array<() => void> = [];

  constructor(private readonly maxThreads: number) {}

  run(request: TaskRequest, options: { signal: AbortSignal }): Promise<TaskResult> {
    assert.ok(!this.closed, 'no task runs on a closed pool');
    // As piscina: an aborted task is rejected at once, without a thread.
    if (options.signal.aborted) return Promise.reject(new Error('aborted'));
    if (this.busy >= this.threads) {
      assert.ok(this.threads < this.maxThreads, 'FlowPools never hands a pool more tasks than threads it may have');
      this.threads++;
    }
    this.busy++;
    this.started++;
    return new Promise((resolve) => {
      this.#finish.push(() => {
        this.busy--;
        resolve({ taskId: request.taskId, status: 'ok', reply: 'done', usage: { inputTokens: 0, outputTokens: 0 }, toolCalls: [], newMessages: [] });
      });
    });
  }

  /** Ends the oldest running task. */
  finishOne(): void {
    this.#finish.shift()?.();
  }

  alive(): number {
    return this.closed ? 0 : this.threads;
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

function setup(maxLiveThreads: number) {
  const executors = new Map<string, FakeThreads>();
  const pools = new FlowPools((_flow, options) => {
    const executor = new FakeThreads(options.maxThreads);
    executors.set(options.flowName, executor);
    return executor;
  }, recordingLogger(), { maxLiveThreads });
  const flows = new Map<string, LoadedFlow>();
  const optionsOf = new Map<string, ExecutorOptions>();
  const run = (name: string): Promise<TaskResult> => {
    if (!flows.has(name)) {
      flows.set(name, loadedFlow(name, { agents: [{ name: 'a' }] }));
      optionsOf.set(name, { flowName: name, env: {}, maxMemoryMb: 64, idleTimeoutMs: 60_000, maxThreads: 2, permissions: { run: [], net: [], env: [] } });
    }
    return pools.run(flows.get(name)!, optionsOf.get(name)!, { taskId: `${name}-task` } as TaskRequest, new AbortController().signal);
  };
  const executor = (name: string): FakeThreads => executors.get(name)!;
  return { pools, run, executor };
}

describe('sandbox threads shared out across flows (runtime.max_sandbox_threads)', () => {
  it('gives a flow a second thread only under the cap, and always its first', async () => {
    const { pools, run, executor } = setup(3);
    const a = [run('flow-a'), run('flow-a')];
    assert.equal(executor('flow-a').threads, 2, 'under the cap: the second task gets a second thread');
    const b = [run('flow-b'), run('flow-b')];
    assert.equal(executor('flow-b').threads, 1);
    const c = [run('flow-c')];
    assert.equal(executor('flow-c').threads, 1, 'at the cap a flow with work still gets its first thread');
    assert.equal(pools.stats().threads, 4);
    assert.equal(executor('flow-b').started, 1, 'flow-b\'s second task waits for its own thread');

    executor('flow-b').finishOne();
    await b[0];
    assert.ok(await eventually(() => executor('flow-b').started === 2, 1_000), 'then runs on the thread just freed');
    assert.equal(executor('flow-b').threads, 1);
    executor('flow-b').finishOne();
    for (const name of ['flow-a', 'flow-a', 'flow-c']) executor(name).finishOne();
    const results = await Promise.all([...a, ...b, ...c]);
    assert.deepEqual(results.map((result) => result.status), ['ok', 'ok', 'ok', 'ok', 'ok']);
    await pools.close();
  });

  it('a task waiting for a thread still ends when aborted', async () => {
    const { pools, executor } = setup(1);
    const flow = loadedFlow('flow-a', { agents: [{ name: 'a' }] });
    const options: ExecutorOptions = { flowName: 'flow-a', env: {}, maxMemoryMb: 64, idleTimeoutMs: 60_000, maxThreads: 1, permissions: { run: [], net: [], env: [] } };
    const running = pools.run(flow, options, { taskId: 'one' } as TaskRequest, new AbortController().signal);
    const controller = new AbortController();
    const waiting = pools.run(flow, options, { taskId: 'two' } as TaskRequest, controller.signal);
    assert.equal(executor('flow-a').started, 1);
    controller.abort('task_timeout');
    await assert.rejects(waiting, /aborted/, 'the aborted task went on to its executor, which refused it, instead of waiting');
    assert.equal(executor('flow-a').started, 1);
    executor('flow-a').finishOne();
    await running;
    await pools.close();
  });
});
