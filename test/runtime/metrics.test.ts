import assert from 'node:assert/strict';
import { it } from 'node:test';
import { Registry } from 'prom-client';
import { daemonSpec, inbound, loadedAgent, loadedFlow, startRuntime } from './support.js';

it('counts outcomes by flow, agent and status, and exposes pools, threads and queue depth', async () => {
  const registry = new Registry();
  const t = await startRuntime({ registry, daemon: daemonSpec({ max_concurrent_tasks: 1, queue_size: 0 }) });
  try {
    const agent = loadedAgent('echoer', { tools: ['echo', 'slow'] });
    const flow = loadedFlow('metrics-flow', { agents: [{ name: 'echoer' }] });
    const running = t.runtime.run({ requestId: 'm1', flow, agentName: 'echoer', agent, message: inbound('slow 100') });
    const busy = await t.runtime.run({ requestId: 'm2', flow, agentName: 'echoer', agent, message: inbound('echo hi', { user: { id: 'U2' } }) });
    assert.equal(busy.status, 'busy');
    assert.equal((await running).status, 'ok');
    const text = await registry.metrics();
    assert.match(text, /agentflow_sandbox_tasks_total\{flow="metrics-flow",agent="echoer",status="ok"\} 1/);
    assert.match(text, /agentflow_sandbox_tasks_total\{flow="metrics-flow",agent="echoer",status="busy"\} 1/);
    assert.match(text, /agentflow_sandbox_run_seconds_count\{flow="metrics-flow",agent="echoer"\} 1/);
    assert.match(text, /agentflow_sandbox_pools 1/);
    assert.match(text, /agentflow_sandbox_threads 1/);
    assert.match(text, /agentflow_sandbox_queued_tasks 0/);
  } finally {
    await t.close();
  }
});
