import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { LoadedFlow } from '@aof/api';
import type { ExecutorFactory } from '../../core/runtime/agent-runtime.js';
import type { ExecutorOptions, TaskExecutor } from '../../core/runtime/executor.js';
import { PiscinaExecutor } from '../../core/runtime/piscina-executor.js';
import type { TaskRequest, TaskResult } from '../../sandbox/protocol.js';
import { daemonSpec, eventually, inbound, loadedAgent, loadedFlow, startRuntime, type TestRuntime } from './support.js';

const agent = loadedAgent('slow-agent', { tools: ['slow', 'echo'] });

/** Real piscina executors that report when they are built and closed. */
function countingFactory(): { factory: ExecutorFactory; created: ExecutorOptions[]; closed: string[] } {
  const created: ExecutorOptions[] = [];
  const closed: string[] = [];
  const factory: ExecutorFactory = (_flow, options) => {
    const executor = new PiscinaExecutor(options);
    created.push(options);
    return {
      run: (request, runOptions) => executor.run(request, runOptions),
      alive: () => executor.alive(),
      close: async () => {
        closed.push(options.flowName);
        await executor.close();
      },
    };
  };
  return { factory, created, closed };
}

describe('per-flow pools across reloads, drains and shutdown', () => {
  let t: TestRuntime;
  const run = (flow: LoadedFlow, text: string) => t.runtime.run({ requestId: text, flow, agentName: 'slow-agent', agent, message: inbound(text, { user: { id: text } }) });
  const flowWith = (env: Record<string, string>) => loadedFlow('reload-flow', { agents: [{ name: 'slow-agent' }], context: { env } });

  afterEach(() => t.close());

  it('a reload with the same sandbox keeps the pool; a changed one gets a fresh pool while the old finishes its task', async () => {
    const counting = countingFactory();
    t = await startRuntime({ executorFactory: counting.factory });
    assert.equal((await run(flowWith({ VERSION: '1' }), 'echo one')).status, 'ok');
    assert.equal((await run(flowWith({ VERSION: '1' }), 'echo same')).status, 'ok');
    assert.equal(counting.created.length, 1);

    const old = run(flowWith({ VERSION: '1' }), 'slow 1500 old');
    await new Promise((resolve) => setTimeout(resolve, 100));
    const fresh = run(flowWith({ VERSION: '2' }), 'echo two');
    assert.ok(await eventually(() => counting.created.length === 2, 5_000));
    assert.equal(counting.created[1]?.env.VERSION, '2');
    assert.deepEqual(counting.closed, [], 'the old pool still has a task running');
    assert.equal(t.runtime.stats().pools, 2);
    assert.equal((await fresh).status, 'ok');
    assert.equal((await old).status, 'ok');
    assert.ok(await eventually(() => counting.closed.length === 1 && t.runtime.stats().pools === 1, 2_000), JSON.stringify(t.runtime.stats()));
  });

  it('drainFlow closes the pool after its running task finishes', async () => {
    t = await startRuntime();
    const flow = flowWith({});
    const running = run(flow, 'slow 300 draining');
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(t.runtime.stats().pools, 1);
    await t.runtime.drainFlow('reload-flow');
    assert.equal((await running).status, 'ok');
    assert.deepEqual(t.runtime.stats(), { running: 0, queued: 0, pools: 0, threads: 0 });
  });

  it('close(grace) stops tasks that outlive the grace period, fails queued ones and refuses new ones', async () => {
    t = await startRuntime({ daemon: daemonSpec({ max_concurrent_tasks: 1 }) });
    const flow = flowWith({});
    const long = run(flow, 'slow 5000 long');
    const queued = run(flow, 'echo queued');
    await new Promise((resolve) => setTimeout(resolve, 200));
    const started = Date.now();
    await t.runtime.close(300);
    assert.ok(Date.now() - started < 3_000);
    const [stopped, waiting, late] = [await long, await queued, await run(flow, 'echo late')];
    assert.equal(stopped.status, 'error');
    assert.equal(stopped.errorCode, 'cancelled');
    assert.match(stopped.reply, /restarting/);
    assert.equal(waiting.status, 'busy');
    assert.equal(late.status, 'busy');
    assert.equal(t.runtime.stats().threads, 0);
  });
});

describe('executor selection', () => {
  let t: TestRuntime;
  afterEach(() => t.close());

  it('runs deno flows on the Deno factory with permissions covering every agent of the flow', async () => {
    const seen: ExecutorOptions[] = [];
    const fake: TaskExecutor = {
      run: (request: TaskRequest): Promise<TaskResult> => Promise.resolve({
        taskId: request.taskId, status: 'ok', reply: `deno ran ${request.agent.name}`, usage: { inputTokens: 1, outputTokens: 1 }, toolCalls: [], newMessages: [],
      }),
      alive: () => 0,
      close: () => Promise.resolve(),
    };
    const ops = loadedAgent('ops', { tools: ['kubectl', 'http'], tool_config: { http: { allowed_hosts: ['status.example.com'] } } });
    const chat = loadedAgent('chat', { model: 'command', base_url: 'http://llm.internal:8000/v1', tools: ['helm'] });
    const agents = new Map([['ops', ops], ['chat', chat]]);
    t = await startRuntime({
      denoExecutorFactory: (_flow, options) => {
        seen.push(options);
        return fake;
      },
      agents: (name) => agents.get(name),
    });
    const flow = loadedFlow('deno-flow', {
      agents: [{ name: 'ops' }, { name: 'chat' }],
      sandbox: { runtime: 'deno', max_memory_mb: 64 },
      context: { namespace: 'prod', env: { TEAM: 'sre' } },
    });
    const outcome = await t.runtime.run({ requestId: 'd1', flow, agentName: 'ops', agent: ops, message: inbound('kubectl get pods') });
    assert.equal(outcome.reply, 'deno ran ops');
    assert.equal(outcome.tokensUsed, 2);
    assert.equal(seen.length, 1);
    assert.deepEqual(seen[0]?.permissions, {
      run: ['helm', 'kubectl'],
      net: ['llm.internal:8000', 'status.example.com'],
      env: ['AOF_FLOW', 'AOF_NAMESPACE', 'HOME', 'LANG', 'PATH', 'TEAM'],
    });
    assert.equal(seen[0]?.maxMemoryMb, 64);
    assert.equal(seen[0]?.maxThreads, 2);
    assert.equal(seen[0]?.idleTimeoutMs, 30_000);
  });
});
