import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { postLocal, startTestDaemon, type TestDaemon } from '../helpers/daemon.js';

describe('the example deployment answers through the local platform', () => {
  let t: TestDaemon;
  before(async () => {
    t = await startTestDaemon();
  });
  after(() => t.stop());

  it('runs k8s-ops with the fake kubectl and replies with its output, flow, agent and latency', async () => {
    const { status, body } = await postLocal(t.url, { channel: 'ops', user: 'alice', text: 'kubectl get pods -n staging' });
    assert.equal(status, 200);
    assert.equal(body.status, 'ok');
    assert.equal(body.flow, 'local-ops-flow');
    assert.equal(body.agent, 'k8s-ops');
    assert.match(body.reply ?? '', /web-7d4b9c6f5-x2k8p\s+1\/1\s+Running/);
    assert.match(body.reply ?? '', /# staging/);
    assert.equal(typeof body.latency_ms, 'number');
  });

  it('uses the flow namespace when the command names none', async () => {
    const { body } = await postLocal(t.url, { channel: 'dev', user: 'bob', text: 'kubectl get pods' });
    assert.equal(body.flow, 'local-dev-flow');
    assert.match(body.reply ?? '', /# staging/);
  });

  it('answers 202 without wait and keeps the reply for GET /platforms/local/messages/:id', async () => {
    const { status, body } = await postLocal(t.url, { channel: 'ops', user: 'alice', text: 'helm list' }, { wait: false });
    assert.equal(status, 202);
    assert.equal(body.status, 'accepted');
    let record: Record<string, unknown> = {};
    for (let i = 0; i < 100; i++) {
      const res = await fetch(`${t.url}/platforms/local/messages/${body.id}`);
      assert.equal(res.status, 200);
      record = (await res.json()) as Record<string, unknown>;
      if (record.status !== 'pending') break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.equal(record.status, 'ok');
    assert.match(String(record.reply), /web\s+default\s+3\s+deployed/);
  });

  it('falls back to routing.default_agent when no flow matches', async () => {
    const { body } = await postLocal(t.url, { channel: 'random', user: 'carol', text: 'echo hello there' });
    assert.equal(body.agent, 'general-assistant');
    assert.equal(body.status, 'ok');
    assert.match(body.reply ?? '', /hello there/);
  });

  it('tells the user which tools exist when the message is not one of them', async () => {
    const { body } = await postLocal(t.url, { channel: 'ops', user: 'alice', text: 'kubectx prod' });
    assert.equal(body.agent, 'k8s-ops');
    assert.match(body.reply ?? '', /kubectl/);
    assert.match(body.reply ?? '', /helm/);
  });

  it('rejects a malformed body with a JSON 400 and routes nothing', async () => {
    const before = t.logs.filter((l) => l.msg === 'request').length;
    const res = await fetch(`${t.url}/platforms/local/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ channel: 'ops' }) });
    assert.equal(res.status, 400);
    const body = (await res.json()) as { error: string; message: string };
    assert.match(body.message, /user|text/);
    assert.equal(t.logs.filter((l) => l.msg === 'request').length, before);
  });

  it('answers 404 for an unknown message id', async () => {
    const res = await fetch(`${t.url}/platforms/local/messages/nope`);
    assert.equal(res.status, 404);
  });

  it('logs exactly one request line per message with the seed fields', async () => {
    const { body } = await postLocal(t.url, { channel: 'ops', user: 'dave', text: 'kubectl get pods' });
    const lines = t.logs.filter((l) => l.msg === 'request' && l.request_id === body.request_id);
    assert.equal(lines.length, 1);
    const line = lines[0] ?? {};
    for (const field of ['timestamp', 'flow', 'platform', 'channel', 'user', 'agent', 'action', 'latency_ms', 'tokens_used', 'status']) {
      assert.ok(field in line, `log line has ${field}`);
    }
    assert.equal(line.flow, 'local-ops-flow');
    assert.equal(line.platform, 'local');
    assert.equal(line.channel, 'ops');
    assert.equal(line.user, 'dave');
    assert.equal(line.action, 'kubectl get pods');
    assert.equal(line.status, 'ok');
  });
});

describe('the local platform with a token', () => {
  let t: TestDaemon;
  before(async () => {
    t = await startTestDaemon({ env: { AOF_LOCAL_TOKEN: 'local-secret-token' } });
  });
  after(() => t.stop());

  it('refuses requests without the right bearer token', async () => {
    const none = await postLocal(t.url, { channel: 'ops', user: 'alice', text: 'kubectl get pods' });
    assert.equal(none.status, 401);
    const wrong = await postLocal(t.url, { channel: 'ops', user: 'alice', text: 'kubectl get pods' }, { token: 'guess' });
    assert.equal(wrong.status, 401);
    const get = await fetch(`${t.url}/platforms/local/messages/x`);
    assert.equal(get.status, 401);
  });

  it('answers with the right token and never logs it', async () => {
    const ok = await postLocal(t.url, { channel: 'ops', user: 'alice', text: 'kubectl get pods' }, { token: 'local-secret-token' });
    assert.equal(ok.status, 200);
    assert.equal(ok.body.agent, 'k8s-ops');
    assert.doesNotMatch(t.rawLog(), /local-secret-token/);
  });
});
