/**
 * An http POST that needs approval shows approvers the body it will send, not only the method and
 * URL: JSON indented, secrets masked like the rest of the request, and a body too long for a chat
 * message cut with a warning that all of it will be sent. The approved call sends exactly what the
 * model asked for. The model is the scripted fake LLM; the target is a local HTTP server.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { bodyLines, MAX_BODY_CHARS, MAX_BODY_LINES, shownBody } from '../../core/approvals/approval-body.js';
import { startFakeLlm, type FakeLlm } from '../fakes/llm-server.js';
import { copyFixture, localRequest, localResult, localSays, startApprovalDaemon, type ApprovalDaemon } from './support.js';

const SECRET = 'http-body-secret-3e9d1c';

const AGENT = `apiVersion: aof.dev/v1
kind: Agent
metadata:
  name: poster
spec:
  model: openai:gpt-4o
  base_url: \${FAKE_LLM_URL}
  api_key_env: FAKE_LLM_KEY
  system_prompt: Posts to webhooks.
  tools: [http]
  tool_config:
    http:
      allowed_hosts: [127.0.0.1]
`;

const FLOW = `apiVersion: aof.dev/v1
kind: AgentFlow
metadata:
  name: local-http-flow
spec:
  trigger:
    type: Local
    config:
      channels: [hooks]
  context:
    env:
      WEBHOOK_TOKEN: ${SECRET}
  agents:
    - name: poster
  approval:
    allowed_users: [bob]
    require_for: [http POST]
`;

describe('approving an http POST shows the body it sends', () => {
  let t: ApprovalDaemon;
  let llm: FakeLlm;
  let target: http.Server;
  let url: string;
  const received: string[] = [];
  const jsonBody = { action: 'scale', replicas: 0, token: SECRET, note: 'line with ``` fence' };
  const longBody = `${'x'.repeat(MAX_BODY_CHARS)}-tail-that-is-never-shown`;

  before(async () => {
    target = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => { body += chunk.toString(); });
      req.on('end', () => {
        received.push(body);
        res.end('ok');
      });
    });
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(target.address() as AddressInfo).port}/hook`;
    llm = await startFakeLlm({
      script: [
        { toolCalls: [{ name: 'http', arguments: { method: 'POST', url, body: jsonBody } }] },
        { text: 'posted the JSON' },
        { toolCalls: [{ name: 'http', arguments: { method: 'POST', url, body: longBody } }] },
        { text: 'posted the text' },
      ],
    });
    const dir = await copyFixture();
    await writeFile(path.join(dir, 'agents', 'poster.yaml'), AGENT);
    await writeFile(path.join(dir, 'flows', 'http-flows.yaml'), FLOW);
    t = await startApprovalDaemon({ dir, env: { FAKE_LLM_URL: `${llm.url}/v1`, FAKE_LLM_KEY: 'sk-http-body-test' } });
  });
  after(async () => {
    await t.stop();
    await llm.close();
    await new Promise((resolve) => target.close(resolve));
  });

  it('shows a JSON body indented and masked, and sends it as asked once approved', async () => {
    const { reply, id } = await localRequest(t, 'hooks', 'alice', 'tell the webhook to scale down');
    const text = reply.reply ?? '';
    const shown = JSON.stringify({ ...jsonBody, token: '[redacted]', note: 'line with `\u200B`\u200B` fence' }, null, 2);
    assert.ok(text.includes(`\`http POST ${url}\`\nSends this JSON body:\n\`\`\`\n${shown}\n\`\`\`\n`), text);
    assert.ok(!text.includes(SECRET));
    await localSays(t, 'hooks', 'bob', `/approve ${id}`);
    assert.equal((await localResult(t, reply.id)).status, 'ok');
    assert.deepEqual(received.map((body) => JSON.parse(body) as unknown), [jsonBody], 'the real body, secret and all');
  });

  it('cuts a long body, says so, and still sends all of it', async () => {
    const { reply, id } = await localRequest(t, 'hooks', 'alice', 'post the long report');
    const text = reply.reply ?? '';
    assert.ok(text.includes(`⚠️ Sends a text body too long to show whole: only the first ${MAX_BODY_CHARS} of its ${longBody.length} characters are below, and all of it will be sent.`), text);
    assert.ok(text.includes(`\`\`\`\n${'x'.repeat(MAX_BODY_CHARS)}\n\`\`\``));
    assert.ok(!text.includes('tail-that-is-never-shown'));
    await localSays(t, 'hooks', 'bob', `/approve ${id}`);
    assert.equal((await localResult(t, reply.id)).status, 'ok');
    assert.equal(received.at(-1), longBody);
  });
});

describe('a shown body', () => {
  it(`keeps at most ${MAX_BODY_LINES} lines, and never half a character`, () => {
    const many = shownBody({ json: true, text: JSON.stringify(Array.from({ length: 100 }, (_, i) => i)) }, (text) => text);
    assert.equal(many.text.split('\n').length, MAX_BODY_LINES);
    assert.match(bodyLines(many)[0] ?? '', /too long to show whole/);
    const emoji = shownBody({ json: false, text: `${'a'.repeat(MAX_BODY_CHARS - 1)}😀😀` }, (text) => text);
    assert.equal(emoji.text, 'a'.repeat(MAX_BODY_CHARS - 1));
  });

  it('masks before it cuts, so no part of a secret is left at the edge', () => {
    const secret = 'cut-edge-secret-77aa';
    const body = shownBody({ json: false, text: `${'a'.repeat(MAX_BODY_CHARS - 5)}${secret}` }, (text) => text.replaceAll(secret, '[redacted]'));
    assert.equal(body.text, `${'a'.repeat(MAX_BODY_CHARS - 5)}[reda`);
    assert.ok(!body.text.includes('cut-e'));
  });
});
