import assert from 'node:assert/strict';
import { afterEach, before, test } from 'node:test';
import { runTask } from '../../sandbox/agent-loop.js';
import { createNodeHost } from '../../sandbox/node-host.js';
import type { TaskRequest } from '../../sandbox/protocol.js';
import { startFakeLlm, type FakeLlm } from '../fakes/llm-server.js';
import { builtinModules, makeTask, type BuiltinModules } from './task-fixtures.js';

const host = createNodeHost();
let modules: BuiltinModules;
let llm: FakeLlm | undefined;

before(async () => {
  modules = await builtinModules();
});
afterEach(async () => {
  await llm?.close();
  llm = undefined;
});

test('a malformed request is an error result, not a throw', async () => {
  const result = await runTask({ taskId: 'broken' } as unknown as TaskRequest, host);
  assert.equal(result.status, 'error');
  assert.equal(result.taskId, 'broken');
  assert.equal(result.error?.code, 'bad_request');
  assert.deepEqual(result.newMessages, []);
});

test('a model module that does not load is a model_error naming the module', async () => {
  const result = await runTask(makeTask(modules, { model: 'file:///nonexistent/model.js' }), host);
  assert.equal(result.error?.code, 'model_error');
  assert.match(result.error?.message ?? '', /nonexistent\/model\.js failed to load/);
  assert.match(result.reply, /misconfigured/);
});

test('a tool module that is not a ToolImpl is a tool_error', async () => {
  const notATool = new URL('../fakes/llm-server.js', import.meta.url).href;
  const result = await runTask(makeTask(modules, { tools: { kubectl: notATool } }), host);
  assert.equal(result.error?.code, 'tool_error');
  assert.match(result.error?.message ?? '', /does not default-export a ToolImpl/);
});

test('a listed tool no plugin provides is left out and answered "not available" if called', async () => {
  llm = await startFakeLlm({ script: [{ toolCalls: [{ name: 'terraform', arguments: {} }] }, { text: 'no terraform' }] });
  const request = makeTask(modules, {
    model: modules.models.openai,
    agent: { model: 'openai:m', baseUrl: `${llm.url}/v1`, tools: ['kubectl', 'terraform'] },
  });
  const result = await runTask(request, host);
  assert.equal(result.status, 'ok');
  assert.deepEqual(llm.requests[0]?.body.tools?.map((t) => (t.function as { name: string }).name), ['kubectl']);
  assert.match(String(llm.requests[1]?.body.messages?.at(-1)?.content), /tool "terraform" is not available on this daemon/);
});

test('the task deadline stops a hanging tool and the task', async () => {
  const started = Date.now();
  const result = await runTask(makeTask(modules, { message: { text: 'kubectl sleep' }, taskTimeoutMs: 300 }), host);
  assert.equal(result.status, 'error');
  assert.equal(result.error?.code, 'timeout');
  assert.match(result.reply, /took longer than/);
  assert.ok(Date.now() - started < 3_000);
});

test('a tool that ignores its signal is given up on shortly after its timeout', async () => {
  const hang = new URL('./fixtures/hanging-tool.js', import.meta.url).href;
  const result = await runTask(makeTask(modules, {
    message: { text: 'hang' },
    agent: { tools: ['hang'] },
    tools: { hang },
    toolTimeoutMs: 100,
  }), host);
  assert.equal(result.status, 'ok');
  assert.equal(result.reply, 'hang did not finish within 100 ms');
});

test('cancelling through the signal ends the task as cancelled', async () => {
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 200);
  const result = await runTask(makeTask(modules, { message: { text: 'kubectl sleep' } }), host, controller.signal);
  assert.equal(result.error?.code, 'cancelled');
});

test('history reaches the model as plain text turns; the system prompt carries the flow context', async () => {
  llm = await startFakeLlm({ script: [{ text: 'ok' }] });
  const request = makeTask(modules, {
    model: modules.models.openai,
    agent: { model: 'openai:m', baseUrl: `${llm.url}/v1`, systemPrompt: 'Be brief.' },
    flow: { namespace: 'staging', cluster: 'stg-1' },
    message: { text: 'and now?' },
    history: [
      { role: 'tool', content: 'orphaned result', toolCallId: 'x' },
      { role: 'user', content: 'hello' },
      { role: 'assistant', content: '', toolCalls: [{ id: 'x', name: 'kubectl', arguments: {} }] },
      { role: 'assistant', content: 'hi' },
    ],
  });
  await runTask(request, host);
  assert.deepEqual(llm.requests[0]?.body.messages, [
    { role: 'system', content: 'Be brief.\n\nContext: flow staging-dev-flow, namespace staging, cluster stg-1. The request comes from alice in #staging.' },
    { role: 'user', content: 'hello' },
    { role: 'assistant', content: 'hi' },
    { role: 'user', content: 'and now?' },
  ]);
});

test('a provider that breaks its contract cannot crash the loop', async () => {
  const sloppy = new URL('./fixtures/sloppy-model.js', import.meta.url).href;
  const result = await runTask(makeTask(modules, { model: sloppy, agent: { tools: ['echo'] } }), host);
  assert.equal(result.status, 'ok');
  assert.deepEqual(result.toolCalls.map((call) => [call.name, call.ok]), [['echo', false], ['', false]]);
  assert.match(result.reply, /^last result: Refused by policy: tool "" is not allowed/);
  assert.deepEqual(result.usage, { inputTokens: 1, outputTokens: 1 });
});
