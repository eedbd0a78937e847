import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import type { TestDaemon } from '../helpers/daemon.js';
import { startFakeLlm, type FakeLlm } from '../fakes/llm-server.js';
import { copyDeployment, FakeClock, HOUR, metricsText, MINUTE, requestLines, sample, send, startOpsDaemon, waitFor } from './support.js';

async function kubectlCalls(t: TestDaemon): Promise<number> {
  const text = await readFile(t.kubectlLog, 'utf8').catch(() => '');
  return text.split('\n').filter((line) => line.trim() !== '').length;
}

describe('per-user request limit', () => {
  const clock = new FakeClock();
  let t: TestDaemon;
  before(async () => {
    t = await startOpsDaemon(await copyDeployment({ limits: { per_user: { max_requests_per_minute: 2 } } }), { clock: clock.now });
  });
  after(() => t.stop());

  it('allows a user up to the limit, then refuses with which limit and when to retry', async () => {
    assert.equal((await send(t, 'ops', 'alice', 'kubectl get pods')).status, 'ok');
    assert.equal((await send(t, 'ops', 'alice', 'kubectl get pods')).status, 'ok');
    const calls = await kubectlCalls(t);
    assert.equal(calls, 2);
    const refused = await send(t, 'ops', 'alice', 'kubectl get pods');
    assert.equal(refused.status, 'rate_limited');
    assert.equal(refused.flow, 'ops-flow');
    assert.equal(refused.reply, 'Rate limit reached: user alice allows 2 requests per minute. Try again in 50 seconds.');
    assert.equal(await kubectlCalls(t), calls, 'a refused message runs nothing');
  });

  it('counts every user on their own', async () => {
    assert.equal((await send(t, 'dev', 'bob', 'kubectl get pods')).status, 'ok');
    assert.equal((await send(t, 'ops', 'bob', 'kubectl get pods')).status, 'ok');
    assert.equal((await send(t, 'ops', 'bob', 'kubectl get pods')).status, 'rate_limited');
    assert.equal((await send(t, 'ops', 'carol', 'kubectl get pods')).status, 'ok');
  });

  it('lets the user in again once the window is over', async () => {
    clock.advance(MINUTE);
    assert.equal((await send(t, 'ops', 'alice', 'kubectl get pods')).status, 'ok');
  });

  it('counts refusals by scope and flow, and logs one line for each', async () => {
    const metrics = await metricsText(t.url);
    assert.equal(sample(metrics, 'agentflow_ratelimited_total', { scope: 'user', flow: 'ops-flow' }), 2);
    const refused = requestLines(t).filter((line) => line.status === 'rate_limited');
    assert.equal(refused.length, 2);
    assert.equal(refused[0]?.limit, 'user');
    assert.match(String(refused[0]?.reason), /Rate limit reached: user alice/);
  });
});

describe('per-organization request limit', () => {
  const clock = new FakeClock();
  let t: TestDaemon;
  before(async () => {
    t = await startOpsDaemon(await copyDeployment({ limits: { per_organization: { max_requests_per_hour: 3 } } }), { clock: clock.now });
  });
  after(() => t.stop());

  it('refuses the organization past its hourly limit, across its users, and not other organizations', async () => {
    for (const user of ['u1', 'u2', 'u3']) assert.equal((await send(t, 'ops', user, 'kubectl get pods')).status, 'ok');
    const refused = await send(t, 'ops', 'u4', 'kubectl get pods');
    assert.equal(refused.status, 'rate_limited');
    assert.equal(refused.reply, 'Rate limit reached: organization org-a allows 3 requests per hour. Try again in 60 minutes.');
    // dev-flow bills to org-b (its metadata label).
    assert.equal((await send(t, 'dev', 'u4', 'kubectl get pods')).status, 'ok');
  });

  it('says how long is left in the window, and resets after it', async () => {
    clock.advance(48 * MINUTE);
    assert.match((await send(t, 'ops', 'u1', 'kubectl get pods')).reply ?? '', /Try again in 12 minutes\.$/);
    clock.advance(12 * MINUTE);
    assert.equal((await send(t, 'ops', 'u1', 'kubectl get pods')).status, 'ok');
  });
});

describe('global request limit', () => {
  const clock = new FakeClock();
  let t: TestDaemon;
  before(async () => {
    t = await startOpsDaemon(await copyDeployment({ limits: { global: { max_requests_per_minute: 3 } } }), { clock: clock.now });
  });
  after(() => t.stop());

  it('refuses every flow and user past the limit, and resets after the minute', async () => {
    assert.equal((await send(t, 'ops', 'a', 'kubectl get pods')).status, 'ok');
    assert.equal((await send(t, 'dev', 'b', 'kubectl get pods')).status, 'ok');
    assert.equal((await send(t, 'random', 'c', 'echo hi')).status, 'ok');
    const refused = await send(t, 'dev', 'd', 'kubectl get pods');
    assert.equal(refused.reply, 'Rate limit reached: this AOF daemon allows 3 requests per minute. Try again in 50 seconds.');
    clock.advance(MINUTE);
    assert.equal((await send(t, 'dev', 'd', 'kubectl get pods')).status, 'ok');
    assert.equal(sample(await metricsText(t.url), 'agentflow_ratelimited_total', { scope: 'global', flow: 'dev-flow' }), 1);
  });
});

describe("a flow's own limits.max_requests_per_hour", () => {
  const clock = new FakeClock();
  let t: TestDaemon;
  before(async () => {
    const deployment = await copyDeployment();
    await deployment.writeFlow('dev-flow.yaml', [
      'apiVersion: aof.dev/v1', 'kind: AgentFlow', 'metadata: { name: dev-flow }',
      'spec:', '  trigger: { type: Local, config: { channels: [dev] } }', '  agents: [{ name: ops }]',
      '  limits: { max_requests_per_hour: 2 }', '',
    ].join('\n'));
    t = await startOpsDaemon(deployment, { clock: clock.now });
  });
  after(() => t.stop());

  it('refuses that flow past its limit while other flows answer, and resets after the hour', async () => {
    assert.equal((await send(t, 'dev', 'a', 'kubectl get pods')).status, 'ok');
    assert.equal((await send(t, 'dev', 'b', 'kubectl get pods')).status, 'ok');
    const refused = await send(t, 'dev', 'c', 'kubectl get pods');
    assert.equal(refused.reply, 'Rate limit reached: flow dev-flow allows 2 requests per hour. Try again in 60 minutes.');
    assert.equal((await send(t, 'ops', 'c', 'kubectl get pods')).status, 'ok');
    clock.advance(HOUR);
    assert.equal((await send(t, 'dev', 'c', 'kubectl get pods')).status, 'ok');
    assert.equal(sample(await metricsText(t.url), 'agentflow_ratelimited_total', { scope: 'flow', flow: 'dev-flow' }), 1);
  });
});

describe('per-organization token budget', () => {
  const clock = new FakeClock();
  let t: TestDaemon;
  let llm: FakeLlm;
  before(async () => {
    llm = await startFakeLlm({ script: [{ text: 'the first answer', usage: { input: 80, output: 30 } }, { text: 'a new day', usage: { input: 5, output: 5 } }] });
    const deployment = await copyDeployment({ limits: { per_organization: { max_tokens_per_day: 100 } } });
    t = await startOpsDaemon(deployment, { clock: clock.now, env: { FAKE_LLM_URL: `${llm.url}/v1`, FAKE_LLM_KEY: 'sk-fake-llm-key-123' } });
  });
  after(async () => {
    await t.stop();
    await llm.close();
  });

  it('counts the tokens the model used, then refuses before calling the model', async () => {
    const first = await send(t, 'ask', 'alice', 'how are the pods?');
    assert.equal(first.status, 'ok');
    assert.equal(first.reply, 'the first answer');
    assert.equal(llm.requests.length, 1);

    const refused = await send(t, 'ask', 'bob', 'and now?');
    assert.equal(refused.status, 'rate_limited');
    assert.equal(refused.reply, 'Token budget reached: organization org-a has used its 100 model tokens per day. Try again in 24 hours.');
    assert.equal(llm.requests.length, 1, 'the fake LLM saw no request for the refused message');
    assert.equal(sample(await metricsText(t.url), 'agentflow_ratelimited_total', { scope: 'organization_tokens', flow: 'ask-flow' }), 1);
    assert.equal(sample(await metricsText(t.url), 'agentflow_tokens_used_total', { flow: 'ask-flow', organization: 'org-a' }), 110);
  });

  it('leaves other organizations alone and opens again the next day', async () => {
    assert.equal((await send(t, 'dev', 'bob', 'kubectl get pods')).status, 'ok');
    clock.advance(24 * HOUR);
    const next = await send(t, 'ask', 'bob', 'and now?');
    assert.equal(next.status, 'ok');
    assert.equal(next.reply, 'a new day');
    assert.equal(llm.requests.length, 2);
  });
});

describe('what a message that never ran costs the limits', () => {
  const clock = new FakeClock();
  let t: TestDaemon;
  before(async () => {
    t = await startOpsDaemon(await copyDeployment({ limits: { per_user: { max_requests_per_minute: 3 } }, runtime: { max_tasks_per_user: 1 } }), { clock: clock.now });
  });
  after(() => t.stop());

  it('nothing when admission turned it away (busy): the user keeps the requests it did not run', async () => {
    const slow = send(t, 'ops', 'alice', 'kubectl wait 800');
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal((await send(t, 'ops', 'alice', 'kubectl get pods')).status, 'busy');
    assert.equal((await send(t, 'ops', 'alice', 'kubectl get pods')).status, 'busy');
    assert.equal((await slow).status, 'ok');
    // One of three requests ran: two more may.
    assert.equal((await send(t, 'ops', 'alice', 'kubectl get pods')).status, 'ok');
    assert.equal((await send(t, 'ops', 'alice', 'kubectl get pods')).status, 'ok');
    assert.equal((await send(t, 'ops', 'alice', 'kubectl get pods')).status, 'rate_limited');
  });

  it('nothing when a limit refused it, that limit included', async () => {
    for (let i = 0; i < 3; i++) assert.equal((await send(t, 'ops', 'bob', 'kubectl get pods')).status, i < 3 ? 'ok' : 'rate_limited');
    for (let i = 0; i < 4; i++) assert.equal((await send(t, 'ops', 'bob', 'kubectl get pods')).status, 'rate_limited');
    const counter = await t.daemon.kernel.store().keys('ratelimit:requests:user:');
    const values = await Promise.all(counter.map((key) => t.daemon.kernel.store().get(key)));
    assert.ok(values.includes('3'), `bob's counter holds the 3 that ran, not the refused ones: ${JSON.stringify(values)}`);
    assert.ok(!values.some((value) => Number(value) > 3), JSON.stringify(values));
  });
});

describe('token budget across an approval', () => {
  const clock = new FakeClock();
  let t: TestDaemon;
  let llm: FakeLlm;
  before(async () => {
    llm = await startFakeLlm({ script: [
      { toolCalls: [{ id: 'c1', name: 'kubectl', arguments: { args: ['delete', 'pod', 'x'] } }], usage: { input: 10, output: 5 } },
      { text: 'deleted x', usage: { input: 400, output: 200 } },
      { text: 'should have been refused', usage: { input: 1, output: 1 } },
    ] });
    const deployment = await copyDeployment({ limits: { per_organization: { max_tokens_per_day: 100 } } });
    await deployment.writeFlow('approve-flow.yaml', [
      'apiVersion: aof.dev/v1', 'kind: AgentFlow', 'metadata: { name: approve-flow }',
      'spec:', '  trigger: { type: Local, config: { channels: [approve] } }',
      '  context: { organization: org-a }', '  agents: [{ name: assistant }]',
      '  approval: { strategy: command, allowed_users: [boss], require_for: [kubectl delete] }', '',
    ].join('\n'));
    t = await startOpsDaemon(deployment, { clock: clock.now, env: { FAKE_LLM_URL: `${llm.url}/v1`, FAKE_LLM_KEY: 'sk-fake-llm-key-123' } });
  });
  after(async () => {
    await t.stop();
    await llm.close();
  });

  it('counts what the run used after it was approved, in the budget and the metric', async () => {
    const asked = await send(t, 'approve', 'alice', 'delete pod x');
    assert.equal(asked.status, 'awaiting_approval', JSON.stringify(asked));
    const id = /apr-[a-z0-9]+/.exec(asked.reply ?? '')?.[0] ?? '';
    await send(t, 'approve', 'boss', `/approve ${id}`);
    await waitFor(async () => sample(await metricsText(t.url), 'agentflow_tokens_used_total', { flow: 'approve-flow', organization: 'org-a' }) === 615, 'the approved run\'s tokens counted');
    // 15 before the approval, 600 after: org-a's 100-token budget is spent.
    const next = await send(t, 'ask', 'bob', 'and now?');
    assert.equal(next.status, 'rate_limited', JSON.stringify(next));
    assert.equal(llm.requests.length, 2, 'the refused message never reached the model');
  });
});
