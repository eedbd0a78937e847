import assert from 'node:assert/strict';
import { getPriority } from 'node:os';
import { afterEach, before, describe, test } from 'node:test';
import { runTask } from '../../sandbox/agent-loop.js';
import { createNodeHost } from '../../sandbox/node-host.js';
import { startFakeLlm, type FakeLlm, type FakeLlmStep } from '../fakes/llm-server.js';
import { builtinModules, fakeCliLog, fakePath, makeTask, type BuiltinModules, type TaskOverrides } from './task-fixtures.js';

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

type Format = 'openai' | 'anthropic';

/** A task whose model is the fake LLM in the given wire format. */
async function llmTask(format: Format, script: FakeLlmStep[], overrides: TaskOverrides = {}) {
  llm = await startFakeLlm({ script });
  const model = format === 'openai' ? 'openai:gpt-test' : 'anthropic:claude-test';
  const baseUrl = format === 'openai' ? `${llm.url}/v1` : llm.url;
  return makeTask(modules, {
    ...overrides,
    model: modules.models[format],
    agent: { model, baseUrl, apiKey: 'sk-test', systemPrompt: 'You are a Kubernetes assistant.', ...overrides.agent },
  });
}

const getPods = { name: 'kubectl', arguments: { args: ['get', 'pods', '-n', 'staging'] } };

/** The tool result the second model call carried, in either wire format. */
function toolResultSent(format: Format, body: { messages?: Array<Record<string, unknown>> }): string {
  const messages = body.messages ?? [];
  if (format === 'openai') return String(messages.find((m) => m.role === 'tool')?.content);
  const blocks = messages.flatMap((m) => (Array.isArray(m.content) ? (m.content as Array<Record<string, unknown>>) : []));
  return String(blocks.find((b) => b.type === 'tool_result')?.content);
}

for (const format of ['openai', 'anthropic'] as const) {
  describe(`agent loop with a ${format} model`, () => {
    test('model asks for kubectl, the fake runs with the flow env, its output goes back, the model answers', async () => {
      const log = await fakeCliLog();
      // Present in the test process only: a task env is exact, never merged with the daemon's.
      process.env.AOF_TEST_VAR = 'must-not-leak';
      process.env.SLACK_BOT_TOKEN = 'xoxb-must-not-leak';
      try {
        const request = await llmTask(format, [
          { toolCalls: [getPods], usage: { input: 100, output: 20 } },
          { text: 'Two pods are running in staging.', usage: { input: 150, output: 12 } },
        ], { flow: { env: { PATH: fakePath, KUBECONFIG: '/flows/staging/kubeconfig', FAKE_KUBECTL_LOG: log.file } } });
        const result = await runTask(request, host);

        assert.equal(result.status, 'ok', result.error?.message);
        assert.equal(result.reply, 'Two pods are running in staging.');
        assert.deepEqual(result.usage, { inputTokens: 250, outputTokens: 32 });
        assert.equal(result.toolCalls.length, 1);
        assert.deepEqual({ ...result.toolCalls[0], ms: 0 }, { name: 'kubectl', args: { args: ['get', 'pods', '-n', 'staging'] }, ok: true, exitCode: 0, ms: 0 });
        assert.deepEqual(result.newMessages, [
          { role: 'user', content: 'kubectl get pods' },
          { role: 'assistant', content: 'Two pods are running in staging.' },
        ]);

        const calls = await log.calls();
        // In process, nothing lowers the priority: the tool runs at the test's own.
        assert.deepEqual(calls, [{ tool: 'kubectl', argv: ['get', 'pods', '-n', 'staging'], env: { KUBECONFIG: '/flows/staging/kubeconfig' }, nice: getPriority() }]);

        const requests = llm?.requests ?? [];
        assert.equal(requests.length, 2);
        assert.ok(requests.every((r) => r.format === format));
        assert.match(toolResultSent(format, requests[1]?.body ?? {}), /web-7d4b9c6f5-x2k8p .*# staging/);
        const tools = requests[0]?.body.tools ?? [];
        assert.equal(tools.length, 1);
      } finally {
        delete process.env.AOF_TEST_VAR;
        delete process.env.SLACK_BOT_TOKEN;
        await log.cleanup();
      }
    });

    test('stops at max_iterations with a reply that says so', async () => {
      const echo = { name: 'echo', arguments: { args: ['again'] } };
      const request = await llmTask(format, [{ toolCalls: [echo] }, { toolCalls: [echo] }, { toolCalls: [echo] }], {
        agent: { tools: ['echo'], maxIterations: 2 },
      });
      const result = await runTask(request, host);
      assert.equal(result.status, 'error');
      assert.equal(result.error?.code, 'max_iterations');
      assert.match(result.reply, /stopped after 2 steps/);
      assert.equal(result.toolCalls.length, 2);
      assert.equal(llm?.requests.length, 2);
      assert.deepEqual(result.usage, { inputTokens: 20, outputTokens: 10 });
    });

    test('a tool the agent is not allowed is refused, never run, and the model is told why', async () => {
      const log = await fakeCliLog();
      try {
        const request = await llmTask(format, [
          { toolCalls: [{ name: 'helm', arguments: { args: ['uninstall', 'web'] } }] },
          { text: 'I am not allowed to use helm here.' },
        ], { flow: { env: { PATH: fakePath, FAKE_KUBECTL_LOG: log.file } } });
        const result = await runTask(request, host);
        assert.equal(result.status, 'ok');
        assert.equal(result.toolCalls[0]?.refused, 'tool "helm" is not allowed for this agent; allowed tools: kubectl');
        assert.deepEqual(await log.calls(), []);
        assert.match(toolResultSent(format, llm?.requests[1]?.body ?? {}), /^Refused by policy: tool "helm" is not allowed/);
      } finally {
        await log.cleanup();
      }
    });

    test('a tool that throws becomes an error result and the task goes on', async () => {
      const explode = new URL('./fixtures/throwing-tool.js', import.meta.url).href;
      const request = await llmTask(format, [{ toolCalls: [{ name: 'explode', arguments: {} }] }, { text: 'The tool failed.' }], {
        agent: { tools: ['explode'] },
        tools: { explode },
      });
      const result = await runTask(request, host);
      assert.equal(result.status, 'ok');
      assert.equal(result.reply, 'The tool failed.');
      assert.equal(result.toolCalls[0]?.ok, false);
      assert.equal(toolResultSent(format, llm?.requests[1]?.body ?? {}), 'explode failed: boom: the tool crashed');
    });

    const errorCases: Array<[string, FakeLlmStep[], string, RegExp]> = [
      ['401', [{ status: 401, body: '{"error":{"message":"bad key"}}' }], 'auth', /model provider rejected the API key/],
      ['429 with a long retry-after', [{ status: 429, headers: { 'retry-after': '30' } }], 'rate_limit', /rate limited.*retry after 30s/],
      ['500 twice', [{ status: 500 }, { status: 500 }], 'server', /model provider failed .*HTTP 500/],
    ];
    for (const [name, script, kind, reply] of errorCases) {
      test(`a model ${name} ends the task with a clear error`, async () => {
        const result = await runTask(await llmTask(format, script), host);
        assert.equal(result.status, 'error');
        assert.equal(result.error?.code, 'model_error');
        assert.equal(result.error?.modelErrorKind, kind);
        assert.match(result.reply, reply);
        assert.doesNotMatch(JSON.stringify(result), /sk-test/);
        assert.equal(llm?.requests.length, script.length);
      });
    }
  });
}
