import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { daemonSpec, eventually, inbound, loadedAgent, loadedFlow, startRuntime, type TestRuntime } from './support.js';

const tools = loadedAgent('tools', { tools: ['kubectl', 'echo', 'hog', 'spin', 'crash'] });
const submit = (t: TestRuntime, flowName: string, text: string, spec: Parameters<typeof loadedFlow>[1] = {}) =>
  t.runtime.run({ requestId: `${flowName}-${text}`, flow: loadedFlow(flowName, { agents: [{ name: 'tools' }], ...spec }), agentName: 'tools', agent: tools, message: inbound(text) });

describe('a task that times out or crashes fails alone', () => {
  let t: TestRuntime;

  before(async () => {
    t = await startRuntime({ daemon: daemonSpec({ task_timeout_secs: 1 }) });
  });
  after(() => t.close());

  it('a task that never yields hits the task timeout; the worker is replaced and the next task succeeds', async () => {
    const [stuck, other] = await Promise.all([submit(t, 'spin-a', 'spin'), submit(t, 'calm-b', 'echo unaffected')]);
    assert.equal(stuck.status, 'timeout', stuck.reply);
    assert.equal(stuck.reply, 'The task took longer than 1 s and was stopped.');
    assert.ok(stuck.latencyMs >= 1_000, `${stuck.latencyMs}`);
    assert.equal(other.status, 'ok', other.reply);
    const next = await submit(t, 'spin-a', 'echo alive again');
    assert.equal(next.status, 'ok', next.reply);
    assert.equal(next.reply, 'alive again');
  });

  it('a hanging tool process is killed at the task timeout and the task answers timeout', async () => {
    const outcome = await submit(t, 'hang-a', 'kubectl get pods sleep');
    assert.equal(outcome.status, 'timeout', outcome.reply);
    assert.equal(outcome.reply, 'The task took longer than 1 s and was stopped.');
    const next = await submit(t, 'hang-a', 'kubectl get pods');
    assert.equal(next.status, 'ok', next.reply);
  });

  it('a worker that exits mid-task fails that task as crashed', async () => {
    const [crashed, other] = await Promise.all([submit(t, 'crash-a', 'crash'), submit(t, 'calm-b', 'echo fine')]);
    assert.equal(crashed.status, 'crashed', crashed.reply);
    assert.match(crashed.reply, /crashed and was stopped/);
    assert.match(crashed.detail ?? '', /exited with code/);
    assert.equal(other.status, 'ok', other.reply);
    assert.equal((await submit(t, 'crash-a', 'echo back')).status, 'ok');
    assert.ok(t.logs.some((line) => line.level === 'warn' && line.fields.status === 'crashed'));
  });
});

describe('a task that runs out of memory fails alone', () => {
  let t: TestRuntime;

  // A generous task timeout: near its heap limit V8 collects hard before giving up, slowly on a busy machine.
  before(async () => {
    t = await startRuntime({ daemon: daemonSpec({ task_timeout_secs: 60 }) });
  });
  after(() => t.close());

  it('out of memory in flow A (32 MB heap) while flow B answers', async () => {
    const [a, b] = await Promise.all([
      submit(t, 'oom-a', 'hog', { sandbox: { max_memory_mb: 32 } }),
      submit(t, 'calm-b', 'echo still here'),
    ]);
    assert.equal(a.status, 'out_of_memory', a.reply);
    assert.equal(a.errorCode, 'out_of_memory');
    assert.equal(a.reply, 'The task ran out of memory (limit 32 MB) and was stopped.');
    assert.equal(b.status, 'ok', b.reply);
    assert.equal(b.reply, 'still here');
    const next = await submit(t, 'oom-a', 'echo recovered', { sandbox: { max_memory_mb: 32 } });
    assert.equal(next.status, 'ok', next.reply);
  });
});

describe('idle flows', () => {
  it("hold no thread after the flow's idle timeout", async () => {
    const t = await startRuntime();
    try {
      const flow = loadedFlow('idle-flow', { agents: [{ name: 'tools' }], sandbox: { idle_timeout_secs: 1 } });
      const outcome = await t.runtime.run({ requestId: 'i1', flow, agentName: 'tools', agent: tools, message: inbound('echo hi') });
      assert.equal(outcome.status, 'ok', outcome.reply);
      assert.ok(t.runtime.stats().threads >= 1);
      assert.ok(await eventually(() => t.runtime.stats().threads === 0, 5_000), JSON.stringify(t.runtime.stats()));
      assert.ok(await eventually(() => t.runtime.stats().pools === 0, 5_000), JSON.stringify(t.runtime.stats()));
      const again = await t.runtime.run({ requestId: 'i2', flow, agentName: 'tools', agent: tools, message: inbound('echo back') });
      assert.equal(again.reply, 'back');
    } finally {
      await t.close();
    }
  });
});

describe('configuration problems answer with an error outcome', () => {
  let t: TestRuntime;

  before(async () => {
    t = await startRuntime();
  });
  after(() => t.close());

  it('an agent that is not loaded', async () => {
    const outcome = await t.runtime.run({ requestId: 'x1', flow: loadedFlow('f'), agentName: 'ghost', agent: undefined, message: inbound('hi') });
    assert.equal(outcome.status, 'error');
    assert.equal(outcome.errorCode, 'agent_not_found');
    assert.match(outcome.reply, /Agent "ghost" is not loaded/);
  });

  it('a model provider no plugin serves', async () => {
    const agent = loadedAgent('gpt', { model: 'mistral:large' });
    const outcome = await t.runtime.run({ requestId: 'x2', flow: loadedFlow('f'), agentName: 'gpt', agent, message: inbound('hi') });
    assert.equal(outcome.status, 'error');
    assert.equal(outcome.errorCode, 'model_provider_missing');
    assert.match(outcome.reply, /model provider "mistral" is not installed; installed: command, history/);
  });

  it('a flow asking for the Deno runtime when no Deno executor was given', async () => {
    const flow = loadedFlow('deno-flow', { agents: [{ name: 'tools' }], sandbox: { runtime: 'deno' } });
    const outcome = await t.runtime.run({ requestId: 'x3', flow, agentName: 'tools', agent: tools, message: inbound('echo hi') });
    assert.equal(outcome.status, 'error');
    assert.equal(outcome.errorCode, 'runtime_unavailable');
    assert.match(outcome.reply, /needs the Deno sandbox runtime/);
    assert.equal(t.runtime.stats().running, 0);
  });
});
