import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { parse, stringify } from 'yaml';
import { readFile } from 'node:fs/promises';
import { startDaemon } from '../../core/daemon/daemon.js';
import { fakeBinDir, postLocal, type TestDaemon } from '../helpers/daemon.js';
import { startFakeLlm, type FakeLlm } from '../fakes/llm-server.js';
import { copyDeployment, FakeClock, metricsText, requestLines, sample, startOpsDaemon, type Deployment } from './support.js';

const LOCAL_TOKEN = 'local-platform-token-5e1d2b';
const LLM_KEY = 'sk-fake-llm-key-9a8b7c';
const FLOW_SECRET = 'flow-secret-value-7f3a9c';
const SEED_FIELDS = ['timestamp', 'flow', 'platform', 'channel', 'user', 'agent', 'action', 'latency_ms', 'tokens_used', 'status'];

describe('metrics and request logs after traffic', () => {
  let deployment: Deployment;
  let t: TestDaemon;
  let llm: FakeLlm;
  const post = (channel: string, user: string, text: string) => postLocal(t.url, { channel, user, text }, { token: LOCAL_TOKEN });

  before(async () => {
    llm = await startFakeLlm({ script: [{ text: 'all good', usage: { input: 12, output: 8 } }] });
    deployment = await copyDeployment({
      runtime: { max_tasks_per_user: 1 },
      limits: { per_user: { max_requests_per_minute: 5 } },
    });
    t = await startOpsDaemon(deployment, {
      clock: new FakeClock().now,
      env: { AOF_LOCAL_TOKEN: LOCAL_TOKEN, FAKE_LLM_URL: `${llm.url}/v1`, FAKE_LLM_KEY: LLM_KEY, SLACK_BOT_TOKEN: 'xoxb-not-configured-0042' },
    });
  });
  after(async () => {
    await t.stop();
    await llm.close();
  });

  it('writes exactly one request line per message, with every seed field', async () => {
    const { status, body } = await post('ops', 'alice', 'kubectl get pods');
    assert.equal(status, 200);
    const lines = requestLines(t).filter((line) => line.request_id === body.request_id);
    assert.equal(lines.length, 1);
    const line = lines[0] ?? {};
    for (const field of SEED_FIELDS) assert.ok(field in line, `the request line has ${field}`);
    assert.deepEqual(
      { flow: line.flow, platform: line.platform, channel: line.channel, user: line.user, agent: line.agent, action: line.action, status: line.status, organization: line.organization },
      { flow: 'ops-flow', platform: 'local', channel: 'ops', user: 'alice', agent: 'ops', action: 'kubectl get pods', status: 'ok', organization: 'org-a' },
    );
  });

  it('logs one line for busy and rate-limited messages too', async () => {
    // max_tasks_per_user is 1: the second message of bob arrives while his first still runs.
    const slow = post('dev', 'bob', 'kubectl wait 400');
    await new Promise((resolve) => setTimeout(resolve, 100));
    const busy = await post('dev', 'bob', 'kubectl get pods');
    assert.equal(busy.body.status, 'busy');
    assert.equal((await slow).body.status, 'ok');
    // per_user allows 5 a minute: the sixth is refused.
    for (let i = 0; i < 6; i++) await post('ops', 'carol', 'kubectl get pods');
    assert.equal(requestLines(t).filter((line) => line.user === 'carol').length, 6);
    const limited = requestLines(t).filter((line) => line.user === 'carol' && line.status === 'rate_limited');
    assert.equal(limited.length, 1);
    for (const request of [busy.body.request_id, (await slow).body.request_id]) {
      assert.equal(requestLines(t).filter((line) => line.request_id === request).length, 1);
    }
  });

  it('counts tokens from the model', async () => {
    const { body } = await post('ask', 'dave', 'how are things?');
    assert.equal(body.status, 'ok');
    const line = requestLines(t).find((l) => l.request_id === body.request_id);
    assert.equal(line?.tokens_used, 20);
  });

  it('logs one line for a dropped message (strict mode after a reload)', async () => {
    const daemon = parse(await readFile(deployment.configPath, 'utf8')) as { spec: { routing: Record<string, unknown> } };
    daemon.spec.routing = { strict_mode: true };
    await writeFile(deployment.configPath, stringify(daemon));
    assert.equal((await t.daemon.reload()).ok, true);
    const { body } = await post('nowhere', 'erin', 'hello?');
    assert.equal(body.status, 'dropped');
    const lines = requestLines(t).filter((l) => l.request_id === body.request_id);
    assert.equal(lines.length, 1);
    assert.equal(lines[0]?.status, 'dropped');
    assert.equal(lines[0]?.flow, null);
  });

  it('serves every named series with bounded labels', async () => {
    const text = await metricsText(t.url);
    assert.equal(sample(text, 'agentflow_requests_total', { flow: 'ops-flow', platform: 'local', agent: 'ops' }), 7);
    assert.equal(sample(text, 'agentflow_latency_seconds_count', { flow: 'ops-flow', agent: 'ops' }), 7);
    assert.equal(sample(text, 'agentflow_errors_total', { flow: 'dev-flow', error_type: 'user_limit' }), 1);
    assert.equal(sample(text, 'agentflow_tokens_used_total', { flow: 'ask-flow', organization: 'org-a' }), 20);
    assert.equal(sample(text, 'agentflow_route_total', { flow: 'ops-flow', result: 'routed' }), 7);
    assert.equal(sample(text, 'agentflow_route_total', { flow: '', result: 'dropped' }), 1);
    assert.equal(sample(text, 'agentflow_ratelimited_total', { scope: 'user', flow: 'ops-flow' }), 1);
    assert.equal(sample(text, 'agentflow_config_reload_total', { result: 'ok' }), 1);
    assert.equal(sample(text, 'agentflow_config_generation'), 2);
    assert.equal(sample(text, 'agentflow_messages_in_flight'), 0);
    for (const gauge of ['agentflow_sandbox_running_tasks', 'agentflow_sandbox_queued_tasks', 'agentflow_sandbox_pools']) {
      assert.notEqual(sample(text, gauge), undefined, `${gauge} is served`);
    }
    // Declared at boot; the approval service and platform plugins count into them.
    assert.match(text, /^# TYPE agentflow_approvals_total counter$/m);
    assert.match(text, /^# TYPE agentflow_webhook_rejections_total counter$/m);
    assert.doesNotMatch(text, /alice|bob|kubectl get pods/, 'no user ids or message text in labels');
  });

  it('never logs a secret: flow env values, platform tokens, API keys', async () => {
    const { body } = await post('ops', 'frank', `kubectl get secret ${FLOW_SECRET}`);
    const line = requestLines(t).find((l) => l.request_id === body.request_id);
    assert.equal(line?.action, 'kubectl get secret [redacted]');
    const raw = t.rawLog();
    for (const secret of [FLOW_SECRET, LOCAL_TOKEN, LLM_KEY, 'xoxb-not-configured-0042']) assert.ok(!raw.includes(secret), `the log holds no ${secret}`);
  });

  it('counts tool calls by result, and a request line says how many tools failed', async () => {
    const count = (text: string, tool: string, result: string): number => sample(text, 'agentflow_tool_calls_total', { flow: 'ops-flow', tool, result }) ?? 0;
    const before = await metricsText(t.url);
    const ok = await post('ops', 'tina', 'kubectl get pods');
    const failed = await post('ops', 'tina', 'kubectl exit 3');
    const refused = await post('ops', 'tina', 'kubectl get pods --kubeconfig /etc/other/kubeconfig');
    const after = await metricsText(t.url);
    assert.equal(count(after, 'kubectl', 'ok') - count(before, 'kubectl', 'ok'), 1);
    assert.equal(count(after, 'kubectl', 'failed') - count(before, 'kubectl', 'failed'), 1);
    assert.equal(count(after, '', 'refused') - count(before, '', 'refused'), 1);
    const line = (id: unknown) => requestLines(t).find((l) => l.request_id === id);
    // The command model's answer is the tool's output: the request is `ok`, its tool is not.
    assert.deepEqual([ok, failed, refused].map((r) => [r.body.status, line(r.body.request_id)?.tools_failed]), [['ok', undefined], ['ok', 1], ['ok', 1]]);
    assert.match(String(refused.body.reply), /Refused by policy/);
  });
});

describe('log format and level', () => {
  async function run(options: { logFormat?: 'pretty'; logLevel?: 'warn' }): Promise<string> {
    const deployment = await copyDeployment();
    const out = new PassThrough();
    let text = '';
    out.on('data', (chunk: Buffer) => { text += chunk.toString(); });
    const daemon = await startDaemon({
      configPath: deployment.configPath, port: 0, host: '127.0.0.1', logDestination: out, ...options,
      env: { PATH: `${fakeBinDir}:${process.env.PATH ?? ''}`, HOME: process.env.HOME ?? '/tmp' },
    });
    await postLocal(`http://127.0.0.1:${daemon.port}`, { channel: 'ops', user: 'alice', text: 'kubectl get pods' });
    await daemon.stop();
    await deployment.remove();
    return text;
  }

  it('--log-format pretty writes human-readable lines through pino-pretty', async () => {
    const text = await run({ logFormat: 'pretty' });
    assert.match(text, /INFO.*daemon ready/);
    assert.match(text, /INFO.*request/);
    assert.doesNotMatch(text.split('\n')[0] ?? '', /^\{/);
  });

  it('--log-level warn keeps info lines out', async () => {
    const text = await run({ logLevel: 'warn' });
    assert.doesNotMatch(text, /"msg":"request"/);
    assert.doesNotMatch(text, /daemon ready/);
  });
});
