/**
 * A model endpoint that misbehaves (or was steered by what tools returned) ends its task with a
 * clear outcome and takes nothing with it: no redirect carries the key or the conversation
 * elsewhere, no answer is too big to refuse, no error echoes the key, no hostile tool call
 * crashes the worker or runs unbounded work, no usage figure cancels or overflows a budget.
 */
import assert from 'node:assert/strict';
import { afterEach, before, test } from 'node:test';
import { runTask } from '../../sandbox/agent-loop.js';
import { MAX_RESPONSE_BYTES } from '../../sandbox/model-http.js';
import { createNodeHost } from '../../sandbox/node-host.js';
import { resultOutcome } from '../../core/runtime/task-outcome.js';
import { startFakeLlm, type FakeLlm } from '../fakes/llm-server.js';
import { builtinModules, makeTask, type BuiltinModules } from './task-fixtures.js';

const host = createNodeHost();
const KEY = 'sk-test-secret-key-1234567890';
let modules: BuiltinModules;
const servers: FakeLlm[] = [];

before(async () => {
  modules = await builtinModules();
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function llm(script: Parameters<typeof startFakeLlm>[0]['script']): Promise<FakeLlm> {
  const server = await startFakeLlm({ script });
  servers.push(server);
  return server;
}

function task(provider: 'openai' | 'anthropic', baseUrl: string, tools = ['echo']) {
  return makeTask(modules, {
    model: modules.models[provider],
    agent: { model: `${provider}:m`, baseUrl, apiKey: KEY, tools },
    message: { text: 'hello' },
  });
}

test('a redirect is not followed: the key and the conversation stay with base_url', async () => {
  const elsewhere = await llm([{ text: 'hi from elsewhere' }]);
  for (const provider of ['openai', 'anthropic'] as const) {
    const origin = await llm([{ status: 307, headers: { location: `${elsewhere.url}/v1/chat` } }]);
    const result = await runTask(task(provider, `${origin.url}/v1`), host);
    assert.equal(result.status, 'error', provider);
    assert.equal(result.error?.code, 'model_error');
    assert.match(result.reply, new RegExp(`redirected the request \\(HTTP 307\\) to ${elsewhere.url.replace(/[.]/g, '\\.')}; redirects are not followed`));
  }
  assert.equal(elsewhere.requests.length, 0, 'nothing reached the other host');
});

test('an answer larger than the cap is refused unread, and the worker goes on', async () => {
  const huge = await llm([{ status: 200, headers: { 'content-type': 'application/json' }, body: `{"pad":"${'x'.repeat(MAX_RESPONSE_BYTES)}"}` }, { text: 'small again' }]);
  const request = task('openai', `${huge.url}/v1`);
  const refused = await runTask(request, host);
  assert.equal(refused.error?.code, 'model_error');
  assert.match(refused.reply, /sent a response larger than 8 MB \(HTTP 200\); it was not read/);
  const next = await runTask(request, host);
  assert.equal(next.reply, 'small again');
});

test('a provider error that echoes the key shows it masked', async () => {
  for (const provider of ['openai', 'anthropic'] as const) {
    const echo = await llm([{ status: 400, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ error: { message: `invalid header Authorization: Bearer ${KEY} for x-api-key ${KEY}` } }) }]);
    const result = await runTask(task(provider, `${echo.url}/v1`), host);
    assert.match(result.reply, /refused the request .*invalid header Authorization: Bearer \[redacted\] for x-api-key \[redacted\]/, provider);
    assert.ok(!JSON.stringify(result).includes(KEY), `${provider}: the key is nowhere in the result`);
  }
});

test('tool calls: arguments nested past 64 levels arrive empty, a turn runs at most 16, ids are made unique', async () => {
  let deep: Record<string, unknown> = { text: 'deep' };
  for (let level = 0; level < 200; level++) deep = { nested: deep };
  const many = Array.from({ length: 40 }, () => ({ id: 'dup', name: 'echo', arguments: { text: 'again' } }));
  const server = await llm([{ toolCalls: [{ id: 'deep', name: 'echo', arguments: deep }] }, { toolCalls: many }, { text: 'done' }]);
  const result = await runTask(task('openai', `${server.url}/v1`), host);
  assert.equal(result.status, 'ok', JSON.stringify(result.error));
  assert.equal(result.reply, 'done');
  assert.deepEqual(result.toolCalls[0]?.args, {}, 'the unreadable arguments were not carried');
  assert.equal(result.toolCalls.length, 1 + 16, 'the first call, then 16 of the 40');
  const turn = server.requests[2]?.body.messages ?? [];
  const ids = turn.filter((message) => message.role === 'tool').map((message) => message.tool_call_id);
  assert.equal(new Set(ids).size, ids.length, `every tool result answers its own call id: ${JSON.stringify(ids)}`);
});

test('usage figures that are negative, fractional or huge cannot cancel or overflow a budget', async () => {
  const server = await llm([{ text: 'a', usage: { input: -1000, output: 5000.4 } }, { text: 'b', usage: { input: 1e308, output: 1e308 } }]);
  const first = await runTask(task('openai', `${server.url}/v1`), host);
  assert.deepEqual(first.usage, { inputTokens: 0, outputTokens: 5000 });
  const second = await runTask(task('openai', `${server.url}/v1`), host);
  const tokens = resultOutcome(second, { taskTimeoutMs: 1000, maxMemoryMb: 128 }).tokensUsed;
  assert.ok(Number.isSafeInteger(tokens) && tokens > 0, String(tokens));
});
