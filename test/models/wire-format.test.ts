import assert from 'node:assert/strict';
import { afterEach, before, test } from 'node:test';
import { runTask } from '../../sandbox/agent-loop.js';
import { createNodeHost } from '../../sandbox/node-host.js';
import { startFakeLlm, type FakeLlm } from '../fakes/llm-server.js';
import { builtinModules, makeTask, type BuiltinModules } from '../sandbox/task-fixtures.js';

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

const echoCall = { id: 'call_abc', name: 'echo', arguments: { args: ['hi', 'there'] } };

test('openai: chat completions with bearer auth, function tools, tool_calls and tool results', async () => {
  llm = await startFakeLlm({ script: [{ toolCalls: [echoCall] }, { text: 'said hi' }] });
  const result = await runTask(makeTask(modules, {
    model: modules.models.openai,
    agent: { model: 'openai:gpt-4o', baseUrl: `${llm.url}/v1/`, apiKey: 'sk-live', tools: ['echo'], temperature: 0.2, maxTokens: 300 },
    message: { text: 'say hi' },
  }), host);
  assert.equal(result.reply, 'said hi');

  const [first, second] = llm.requests;
  assert.equal(first?.path, '/v1/chat/completions');
  assert.equal(first?.headers.authorization, 'Bearer sk-live');
  assert.equal(first?.body.model, 'gpt-4o');
  assert.equal(first?.body.temperature, 0.2);
  assert.equal(first?.body.max_tokens, 300);
  const tool = first?.body.tools?.[0] as { type: string; function: { name: string; parameters: { required: string[] } } };
  assert.equal(tool.type, 'function');
  assert.equal(tool.function.name, 'echo');
  assert.deepEqual(tool.function.parameters.required, ['args']);
  assert.equal(first?.body.messages?.[0]?.role, 'system');
  assert.deepEqual(second?.body.messages?.slice(-2), [
    { role: 'assistant', content: null, tool_calls: [{ id: 'call_abc', type: 'function', function: { name: 'echo', arguments: '{"args":["hi","there"]}' } }] },
    { role: 'tool', content: 'hi there', tool_call_id: 'call_abc' },
  ]);
});

test('openai: no key means no authorization header (local servers such as ollama)', async () => {
  llm = await startFakeLlm({ script: [{ text: 'hello' }] });
  await runTask(makeTask(modules, { model: modules.models.openai, agent: { model: 'ollama:llama3.1:8b', baseUrl: `${llm.url}/v1` } }), host);
  assert.equal(llm.requests[0]?.headers.authorization, undefined);
  assert.equal(llm.requests[0]?.body.model, 'llama3.1:8b');
});

test('anthropic: messages API with x-api-key, version, system field, tool_use and merged tool_result blocks', async () => {
  const second = { ...echoCall, id: 'toolu_2', arguments: { args: ['again'] } };
  llm = await startFakeLlm({ script: [{ text: 'Let me echo.', toolCalls: [{ ...echoCall, id: 'toolu_1' }, second] }, { text: 'done' }] });
  const result = await runTask(makeTask(modules, {
    model: modules.models.anthropic,
    agent: { model: 'anthropic', baseUrl: `${llm.url}/v1`, apiKey: 'sk-ant', tools: ['echo'], systemPrompt: 'Be brief.' },
    message: { text: 'say hi' },
  }), host);
  assert.equal(result.reply, 'done');
  assert.deepEqual(result.usage, { inputTokens: 20, outputTokens: 10 });

  const [first, next] = llm.requests;
  assert.equal(first?.path, '/v1/messages');
  assert.equal(first?.headers['x-api-key'], 'sk-ant');
  assert.equal(first?.headers['anthropic-version'], '2023-06-01');
  assert.equal(first?.headers.authorization, undefined);
  assert.equal(first?.body.model, 'claude-sonnet-4-5');
  assert.equal(first?.body.max_tokens, 4096);
  assert.match(String(first?.body.system), /^Be brief\.\n\nContext: flow staging-dev-flow/);
  assert.equal(first?.body.tools?.[0]?.name, 'echo');
  assert.ok(first?.body.tools?.[0]?.input_schema);
  assert.deepEqual(next?.body.messages, [
    { role: 'user', content: [{ type: 'text', text: 'say hi' }] },
    {
      role: 'assistant',
      content: [
        { type: 'text', text: 'Let me echo.' },
        { type: 'tool_use', id: 'toolu_1', name: 'echo', input: { args: ['hi', 'there'] } },
        { type: 'tool_use', id: 'toolu_2', name: 'echo', input: { args: ['again'] } },
      ],
    },
    {
      role: 'user',
      content: [
        { type: 'tool_result', tool_use_id: 'toolu_1', content: 'hi there' },
        { type: 'tool_result', tool_use_id: 'toolu_2', content: 'again' },
      ],
    },
  ]);
});
