import assert from 'node:assert/strict';
import { afterEach, before, describe, test } from 'node:test';
import { runTask } from '../../sandbox/agent-loop.js';
import { createNodeHost } from '../../sandbox/node-host.js';
import { startFakeLlm, type FakeLlm, type FakeLlmStep } from '../fakes/llm-server.js';
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

for (const format of ['openai', 'anthropic'] as const) {
  describe(`${format} errors and retries`, () => {
    async function run(script: FakeLlmStep[], modelTimeoutMs?: number) {
      llm = await startFakeLlm({ script });
      const agent = {
        model: format === 'openai' ? 'openai:m' : 'anthropic:m',
        baseUrl: format === 'openai' ? `${llm.url}/v1` : llm.url,
        apiKey: 'secret-key-123',
        ...(modelTimeoutMs === undefined ? {} : { modelTimeoutMs }),
      };
      return runTask(makeTask(modules, { model: modules.models[format], agent }), host);
    }

    test('a 429 with a short retry-after is retried once', async () => {
      const started = Date.now();
      const result = await run([{ status: 429, headers: { 'retry-after': '1' } }, { text: 'after the wait' }]);
      assert.equal(result.reply, 'after the wait');
      assert.ok(Date.now() - started >= 900);
      assert.equal(llm?.requests.length, 2);
    });

    test('a 429 twice is a rate_limit error', async () => {
      const result = await run([{ status: 429, headers: { 'retry-after-ms': '10' } }, { status: 429, headers: { 'retry-after': '2' } }]);
      assert.equal(result.error?.modelErrorKind, 'rate_limit');
      assert.match(result.reply, /rate limited.*retry after 2s/);
    });

    test('a 5xx is retried once and can then succeed', async () => {
      const result = await run([{ status: 503, body: '{"error":{"message":"overloaded"}}' }, { text: 'recovered' }]);
      assert.equal(result.status, 'ok');
      assert.equal(result.reply, 'recovered');
    });

    test('a 5xx after the retry names the provider and its message', async () => {
      const result = await run([{ status: 529, body: '{"error":{"message":"overloaded"}}' }, { status: 529, body: '{"error":{"message":"overloaded"}}' }]);
      assert.equal(result.error?.modelErrorKind, 'server');
      assert.equal(result.error?.message, `model provider failed (${format}, HTTP 529): overloaded`);
    });

    test('a 4xx is a bad_request with the provider message, not retried', async () => {
      const result = await run([{ status: 404, body: '{"error":{"message":"model m not found"}}' }]);
      assert.equal(result.error?.modelErrorKind, 'bad_request');
      assert.match(result.reply, /refused the request .*HTTP 404.*model m not found/);
      assert.equal(llm?.requests.length, 1);
    });

    test('malformed JSON is a bad_response', async () => {
      const result = await run([{ status: 200, body: '{"choices": [' }]);
      assert.equal(result.error?.modelErrorKind, 'bad_response');
      assert.match(result.reply, /returned malformed JSON/);
    });

    test('a response of the wrong shape is a bad_response', async () => {
      const result = await run([{ status: 200, body: '{"unexpected": true}' }]);
      assert.equal(result.error?.modelErrorKind, 'bad_response');
    });

    test('a slow provider times out per request', async () => {
      const result = await run([{ text: 'too late', delayMs: 2_000 }], 200);
      assert.equal(result.error?.modelErrorKind, 'timeout');
      assert.match(result.reply, /did not answer within 0.2 s/);
    });

    test('the API key never appears in results', async () => {
      const result = await run([{ status: 401 }]);
      assert.equal(result.error?.modelErrorKind, 'auth');
      assert.doesNotMatch(JSON.stringify(result), /secret-key-123/);
    });
  });
}

test('an unreachable provider is a clear unreachable error', async () => {
  const result = await runTask(makeTask(modules, {
    model: modules.models.openai,
    agent: { model: 'openai:m', baseUrl: 'http://127.0.0.1:9/v1' },
  }), host);
  assert.equal(result.error?.modelErrorKind, 'unreachable');
  assert.match(result.reply, /could not reach model provider openai at http:\/\/127\.0\.0\.1:9/);
});
