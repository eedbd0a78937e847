import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isAofError } from '@aof/api';
import { startDaemon } from '../../core/daemon/daemon.js';
import { aofctl } from '../helpers/cli.js';
import { send, copyDeployment, startOpsDaemon, type Deployment } from './support.js';
import type { TestDaemon } from '../helpers/daemon.js';

const TOKEN = 'admin-token-31c4f9e2';

async function admin(t: TestDaemon, method: string, endpoint: string, options: { token?: string; body?: unknown; base?: string } = {}): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${options.base ?? t.url}/admin/${endpoint}`, {
    method,
    headers: {
      ...(options.token !== undefined && { authorization: `Bearer ${options.token}` }),
      ...(options.body !== undefined && { 'content-type': 'application/json' }),
    },
    ...(options.body !== undefined && { body: JSON.stringify(options.body) }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('admin API', () => {
  let deployment: Deployment;
  let t: TestDaemon;
  before(async () => {
    deployment = await copyDeployment({ admin: { enabled: true, token_env: 'AOF_ADMIN_TOKEN' } });
    t = await startOpsDaemon(deployment, { env: { AOF_ADMIN_TOKEN: TOKEN } });
  });
  after(() => t.stop());

  it('refuses requests without the token or with a wrong one', async () => {
    for (const endpoint of ['flows', 'agents', 'approvals', 'requests']) {
      assert.equal((await admin(t, 'GET', endpoint)).status, 401);
      assert.equal((await admin(t, 'GET', endpoint, { token: 'admin-token-31c4f9e3' })).status, 401);
    }
    assert.equal((await admin(t, 'POST', 'reload', { token: 'nope' })).status, 401);
    assert.equal((await admin(t, 'POST', 'route', { body: { platform: 'local', text: 'x' } })).status, 401);
  });

  it('lists flows with their state, platform and source file:line', async () => {
    const { status, body } = await admin(t, 'GET', 'flows', { token: TOKEN });
    assert.equal(status, 200);
    const flows = body.flows as Array<Record<string, unknown>>;
    const ops = flows.find((f) => f.name === 'ops-flow');
    assert.deepEqual({ ...ops, source: undefined }, {
      name: 'ops-flow', active: true, inactive_reason: null, platform: 'Local', organization: 'org-a', agents: ['ops'], source: undefined,
    });
    assert.match(String(ops?.source), /flows\/ops-flow\.yaml:1$/);
  });

  it('lists agents', async () => {
    const { body } = await admin(t, 'GET', 'agents', { token: TOKEN });
    const names = (body.agents as Array<{ name: string; model: string }>).map((a) => `${a.name}=${a.model}`).sort();
    assert.deepEqual(names, ['assistant=openai:gpt-4o', 'general=command', 'ops=command']);
  });

  it('explains a route with the same JSON as aofctl route --output json', async () => {
    const probe = { platform: 'local', channel: 'ops', user: 'alice', text: 'kubectl get pods' };
    const { status, body } = await admin(t, 'POST', 'route', { token: TOKEN, body: probe });
    assert.equal(status, 200);
    const offline = await aofctl(['route', '--config', deployment.configPath, '--platform', 'local', '--channel', 'ops', '--user', 'alice', '--text', 'kubectl get pods', '--output', 'json']);
    assert.equal(offline.code, 0, offline.stderr);
    assert.deepEqual(body, JSON.parse(offline.stdout));
    assert.equal(body.flow, 'ops-flow');
    const online = await aofctl(['route', '--server', t.url, '--token', TOKEN, '--platform', 'local', '--channel', 'ops', '--user', 'alice', '--text', 'kubectl get pods', '--output', 'json']);
    assert.deepEqual(JSON.parse(online.stdout), body);
  });

  it('explains a route limited to named flows, online as offline', async () => {
    const args = ['--platform', 'local', '--channel', 'ops', '--user', 'alice', '--text', 'kubectl get pods', '--flows', 'dev-flow', '--output', 'json'];
    const online = await aofctl(['route', '--server', t.url, '--token', TOKEN, ...args]);
    assert.equal(online.code, 0, online.stderr);
    const decision = JSON.parse(online.stdout) as { flow: string | null; candidates: Array<{ flow: string; excluded_by: string | null }> };
    assert.equal(decision.candidates.find((candidate) => candidate.flow === 'ops-flow')?.excluded_by, 'flows');
    const offline = await aofctl(['route', '--config', deployment.configPath, ...args]);
    assert.deepEqual(JSON.parse(offline.stdout), decision);
  });

  it('lists pending approvals from the store', async () => {
    assert.deepEqual((await admin(t, 'GET', 'approvals', { token: TOKEN })).body, { approvals: [] });
    // As the approval service stores a pending request: the record, and companions that are not listed.
    const record = { id: 'apr-1', status: 'pending', flow: 'ops-flow', requester: { platform: 'local', workspace: '', user: 'alice' }, command: 'kubectl delete pod web-1', expiresAt: Date.UTC(2030, 0, 1) };
    const store = t.daemon.kernel.store();
    await store.set('approval:apr-1', JSON.stringify(record));
    await store.listPush('approval:apr-1:votes', '{}');
    await store.set('approval:msg:local:ops:m1', 'apr-1');
    const { body } = await admin(t, 'GET', 'approvals', { token: TOKEN });
    assert.deepEqual(body, { approvals: [{ id: 'apr-1', record }] });
  });

  it('returns the last request log entries', async () => {
    const reply = await send(t, 'ops', 'alice', 'kubectl get pods');
    const { body } = await admin(t, 'GET', 'requests?limit=1', { token: TOKEN });
    const requests = body.requests as Array<Record<string, unknown>>;
    assert.equal(requests.length, 1);
    assert.equal(requests[0]?.request_id, reply.request_id);
    assert.equal(requests[0]?.status, 'ok');
    assert.equal(typeof requests[0]?.timestamp, 'string');
  });

  it('reloads on POST reload', async () => {
    const { status, body } = await admin(t, 'POST', 'reload', { token: TOKEN });
    assert.equal(status, 200);
    assert.deepEqual(body, { ok: true, generation: 2, errors: [], restart_required: [] });
  });

  it('backs aofctl get flows|agents|approvals --server', async () => {
    const table = await aofctl(['get', 'flows', '--server', t.url, '--token', TOKEN]);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /^NAME\s+STATUS\s+PLATFORM\s+ORGANIZATION\s+AGENTS\s+SOURCE$/m);
    assert.match(table.stdout, /^ops-flow\s+active\s+Local\s+org-a\s+ops\s+\S+ops-flow\.yaml:1$/m);

    const json = await aofctl(['get', 'agents', '--server', t.url, '--output', 'json'], { env: { AOF_ADMIN_TOKEN: TOKEN } });
    assert.equal(json.code, 0, json.stderr);
    assert.equal((JSON.parse(json.stdout) as unknown[]).length, 3);

    const approvals = await aofctl(['get', 'approvals', '--server', t.url, '--token', TOKEN]);
    assert.match(approvals.stdout, /^apr-1\s+ops-flow\s+pending\s+alice\s+2030-01-01T00:00:00\.000Z\s+kubectl delete pod web-1$/m);
  });

  it('makes aofctl fail clearly without the right token', async () => {
    const none = await aofctl(['get', 'flows', '--server', t.url]);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /needs a token: pass --token or set AOF_ADMIN_TOKEN/);
    const wrong = await aofctl(['get', 'flows', '--server', t.url, '--token', 'guess']);
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /answered 401/);
    assert.doesNotMatch(wrong.stderr + none.stderr, new RegExp(TOKEN));
  });
});

describe('admin API settings', () => {
  it('is off by default', async () => {
    const t = await startOpsDaemon(await copyDeployment());
    try {
      assert.equal((await admin(t, 'GET', 'flows', { token: TOKEN })).status, 404);
    } finally {
      await t.stop();
    }
  });

  it('refuses to start enabled without a token', async () => {
    const deployment = await copyDeployment({ admin: { enabled: true, token_env: 'AOF_ADMIN_TOKEN' } });
    try {
      await assert.rejects(startDaemon({ configPath: deployment.configPath, port: 0, env: {} }), (error: unknown) => {
        assert.ok(isAofError(error, 'AOF_ERR_CONFIG_INVALID'));
        assert.match(error.message, /admin\.enabled is true but no admin token is configured: set the environment variable AOF_ADMIN_TOKEN/);
        return true;
      });
    } finally {
      await deployment.remove();
    }
  });

  it('serves on its own port with admin.port, under its prefix', async () => {
    const t = await startOpsDaemon(await copyDeployment({ admin: { enabled: true, token: TOKEN, port: 0, prefix: '/ops-admin' }, server: { body_limit_bytes: 2048 } }));
    try {
      assert.equal(typeof t.daemon.adminPort, 'number');
      // server.body_limit_bytes holds on the admin port as on the daemon's (it once kept Fastify's 1 MiB).
      const probe = (text: string): Promise<Response> => fetch(`http://127.0.0.1:${t.daemon.adminPort}/ops-admin/route`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ platform: 'local', channel: 'ops', user: 'alice', text }),
      });
      assert.equal((await probe('kubectl get pods')).status, 200);
      const oversized = await probe('x'.repeat(4096));
      assert.equal(oversized.status, 413);
      assert.equal(((await oversized.json()) as { error: string }).error, 'payload_too_large');
      const base = `http://127.0.0.1:${t.daemon.adminPort}`;
      const res = await fetch(`${base}/ops-admin/flows`, { headers: { authorization: `Bearer ${TOKEN}` } });
      assert.equal(res.status, 200);
      assert.equal((await fetch(`${t.url}/ops-admin/flows`, { headers: { authorization: `Bearer ${TOKEN}` } })).status, 404);
      const cli = await aofctl(['get', 'flows', '--server', `${base}/ops-admin`, '--token', TOKEN, '--output', 'json']);
      assert.equal(cli.code, 0, cli.stderr);
    } finally {
      await t.stop();
    }
  });
});
