/**
 * The worker side of suspend and resume: a call that needs approval ends the task unrun with
 * everything needed to continue; a resume runs exactly the approved call first without asking
 * again, then the rest of the turn (each checked as usual), then the model goes on.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { runTask } from '../../sandbox/agent-loop.js';
import { createNodeHost } from '../../sandbox/node-host.js';
import type { TaskApprovalPolicy, TaskRequest } from '../../sandbox/protocol.js';
import { startFakeLlm, type FakeLlm } from '../fakes/llm-server.js';
import { builtinModules, fakeCliLog, fakePath, makeTask, type BuiltinModules } from '../sandbox/task-fixtures.js';

const host = createNodeHost();
const policy: TaskApprovalPolicy = { requireFor: ['kubectl delete'], rules: [{ pattern: 'kubectl delete namespace', chain: 'critical' }], classify: false };
const call = (id: string, ...args: string[]) => ({ id, name: 'kubectl', arguments: { args } });

describe('suspend and resume in the agent loop', () => {
  let modules: BuiltinModules;
  let llm: FakeLlm;
  let log: Awaited<ReturnType<typeof fakeCliLog>>;
  before(async () => {
    modules = await builtinModules();
    log = await fakeCliLog();
  });
  afterEach(() => llm.close());
  after(() => log.cleanup());

  const task = (overrides: Partial<TaskRequest> = {}): TaskRequest => ({
    ...makeTask(modules, {
      model: modules.models.openai,
      agent: { model: 'openai:gpt-test', baseUrl: `${llm.url}/v1`, apiKey: 'sk-test' },
      flow: { env: { PATH: fakePath, FAKE_KUBECTL_LOG: log.file } },
      message: { text: 'clean up x and y' },
    }),
    approval: policy,
    ...overrides,
  });

  it('stops at the first call that needs approval, resumes with it unasked, suspends again for the next, then lets the model answer', async () => {
    llm = await startFakeLlm({
      script: [
        { toolCalls: [call('c1', 'get', 'pods'), call('c2', 'delete', 'pod', 'x'), call('c3', 'delete', 'namespace', 'y')] },
        { text: 'x and y are gone.' },
      ],
    });
    const first = await runTask(task(), host);
    assert.equal(first.status, 'awaiting_approval');
    assert.deepEqual(first.toolCalls.map((record) => record.args), [{ args: ['get', 'pods'] }], 'the read before it ran');
    const pending = first.pending;
    assert.ok(pending !== undefined);
    assert.deepEqual(pending.call, call('c2', 'delete', 'pod', 'x'));
    assert.deepEqual(pending.remaining, [call('c3', 'delete', 'namespace', 'y')]);
    assert.deepEqual(pending.command, { tool: 'kubectl', argv: ['delete', 'pod', 'x'] });
    assert.equal(pending.reason, 'require_for "kubectl delete"');
    assert.equal(pending.iterations, 1);
    assert.deepEqual(pending.messages.map((message) => message.role), ['user', 'assistant', 'tool']);
    assert.deepEqual((await log.calls()).map((c) => c.argv), [['get', 'pods']]);
    assert.deepEqual(first.newMessages, [{ role: 'user', content: 'clean up x and y' }, { role: 'assistant', content: first.reply }]);

    const second = await runTask(task({ resume: { approved: pending.call, remaining: pending.remaining, messages: pending.messages, iterations: pending.iterations } }), host);
    assert.equal(second.status, 'awaiting_approval');
    assert.deepEqual(second.pending?.call, call('c3', 'delete', 'namespace', 'y'));
    assert.equal(second.pending?.chain, 'critical', 'the rule picked the chain');
    assert.deepEqual(second.pending?.remaining, []);
    assert.deepEqual((await log.calls()).map((c) => c.argv), [['get', 'pods'], ['delete', 'pod', 'x']]);
    assert.deepEqual(second.newMessages, [{ role: 'assistant', content: second.reply }], 'the question is not remembered twice');

    const next = second.pending;
    assert.ok(next !== undefined);
    const third = await runTask(task({ resume: { approved: next.call, remaining: next.remaining, messages: next.messages, iterations: next.iterations } }), host);
    assert.equal(third.status, 'ok', third.error?.message);
    assert.equal(third.reply, 'x and y are gone.');
    assert.deepEqual(third.newMessages, [{ role: 'assistant', content: 'x and y are gone.' }]);
    assert.deepEqual((await log.calls()).map((c) => c.argv), [['get', 'pods'], ['delete', 'pod', 'x'], ['delete', 'namespace', 'y']]);
    const sent = llm.requests[1]?.body.messages ?? [];
    assert.equal(sent.filter((message) => message.role === 'tool').length, 3, 'the model sees all three results');
  });

  it('still applies the tool policy to an approved call', async () => {
    llm = await startFakeLlm({ script: [{ text: 'could not delete it' }] });
    const request = task({ resume: { approved: call('c9', 'delete', 'pod', 'z'), remaining: [], messages: [{ role: 'user', content: 'delete z' }], iterations: 0 } });
    request.agent.toolConfig = { kubectl: { allowed_commands: ['get'] } };
    const result = await runTask(request, host);
    assert.equal(result.status, 'ok');
    assert.match(result.toolCalls[0]?.refused ?? '', /"kubectl delete" is not allowed/);
    assert.equal((await log.calls()).some((c) => c.argv.includes('z')), false);
  });
});
