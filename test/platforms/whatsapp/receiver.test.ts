import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { InboundMessage, SubmitResult } from '@aof/api';
import { deliverHttp, waitFor, type WebhookRequest } from '@aof/testkit';
import { SAMPLE, startWhatsApp, type WhatsAppTestEnv } from './harness.js';
import {
  ACCESS_TOKEN,
  APP_SECRET,
  handshakeRequest,
  signedRequest,
  textMessage,
  unsignedRequest,
  VERIFY_TOKEN,
  WEBHOOK_PATH,
  webhookBody,
} from './whatsapp-requests.js';

let env: WhatsAppTestEnv | undefined;

afterEach(async () => {
  await env?.stop();
  env = undefined;
});

function post(request: WebhookRequest): Promise<{ status: number; body: string }> {
  assert.ok(env !== undefined);
  return deliverHttp(env.kernel.url, request);
}

async function metrics(): Promise<string> {
  assert.ok(env !== undefined);
  return (await fetch(`${env.kernel.url}/metrics`)).text();
}

describe('WhatsApp verification handshake', () => {
  it('answers hub.challenge as plain text when the verify token matches', async () => {
    env = await startWhatsApp();
    const response = await fetch(`${env.kernel.url}${WEBHOOK_PATH}?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=${VERIFY_TOKEN}`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/plain/);
    assert.equal(await response.text(), '1158201444');
  });

  it('refuses a wrong or missing token and a mode other than subscribe with 403, counted, never echoing the challenge', async () => {
    env = await startWhatsApp();
    for (const query of [
      'hub.mode=subscribe&hub.challenge=424242&hub.verify_token=not-the-token',
      'hub.mode=subscribe&hub.challenge=424242',
      `hub.mode=unsubscribe&hub.challenge=424242&hub.verify_token=${VERIFY_TOKEN}`,
    ]) {
      const response = await post(handshakeRequest(query));
      assert.equal(response.status, 403, query);
      assert.ok(!response.body.includes('424242'));
    }
    assert.match(await metrics(), /^agentflow_webhook_rejections_total\{platform="whatsapp",reason="mismatch"\} 2$/m);
    assert.match(await metrics(), /^agentflow_webhook_rejections_total\{platform="whatsapp",reason="missing"\} 1$/m);
    assert.ok(!env.kernel.logs.some((line) => line.includes(VERIFY_TOKEN) || line.includes('not-the-token')), 'a token was logged');
  });

  it('does not echo a challenge that is not a plain token', async () => {
    env = await startWhatsApp();
    const response = await post(handshakeRequest(`hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=${encodeURIComponent('<script>x</script>')}`));
    assert.equal(response.status, 400);
  });
});

describe('WhatsApp webhook', () => {
  it('counts each rejection by reason, logs one warn line each and never the body or a secret', async () => {
    env = await startWhatsApp();
    const marker = 'rejected-body-marker-77c1';
    const body = webhookBody({ from: SAMPLE.userId }, [textMessage(marker)]);
    assert.deepEqual(await post(unsignedRequest(body)), { status: 401, body: JSON.stringify({ error: 'invalid_signature' }) });
    assert.equal((await post(signedRequest(body, { secret: 'wrong' }))).status, 401);
    assert.equal((await post({ ...signedRequest(body), body: body.replace(marker, `${marker}!`) })).status, 401);
    const text = await metrics();
    assert.match(text, /^agentflow_webhook_rejections_total\{platform="whatsapp",reason="missing"\} 1$/m);
    assert.match(text, /^agentflow_webhook_rejections_total\{platform="whatsapp",reason="mismatch"\} 2$/m);
    const warnings = env.kernel.logs.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line.msg === 'WhatsApp webhook rejected: invalid signature');
    assert.deepEqual(warnings.map((line) => [line.level, line.reason]), [['warn', 'missing'], ['warn', 'mismatch'], ['warn', 'mismatch']]);
    for (const secret of [marker, APP_SECRET, ACCESS_TOKEN, 'sha256=']) {
      assert.ok(!env.kernel.logs.some((line) => line.includes(secret)), `a log line contains ${secret}`);
    }
    assert.deepEqual(env.kernel.inbound, []);
  });

  it('answers 400 to a signed body that is not JSON', async () => {
    env = await startWhatsApp();
    assert.equal((await post(signedRequest('{"object": "whatsapp_business_account", '))).status, 400);
    assert.equal((await post(signedRequest('[1, 2]'))).status, 400);
  });

  it('acks before the kernel has taken the message', async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const submitted: InboundMessage[] = [];
    const inbound = {
      async submit(message: InboundMessage): Promise<SubmitResult> {
        submitted.push(message);
        await held;
        return { status: 'accepted', requestId: 'held' };
      },
    };
    env = await startWhatsApp({ kernel: { inbound } });
    const response = await post(signedRequest(webhookBody({ from: SAMPLE.userId }, [textMessage('slow kernel')])));
    assert.equal(response.status, 200);
    await waitFor('the submission', () => submitted[0]);
    release();
  });

  it('serves the configured path only', async () => {
    env = await startWhatsApp({ config: { path: '/hooks/wa' } });
    const request = signedRequest(webhookBody({ from: SAMPLE.userId }, [textMessage('moved')]));
    assert.equal((await post(request)).status, 404);
    assert.equal((await post({ ...request, path: '/hooks/wa' })).status, 200);
  });
});
