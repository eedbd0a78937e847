import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { InboundSink } from '@aof/api';
import { SECRET_TOKEN_HEADER, secretTokenVerifier } from '@aof/plugin-telegram';
import { deliverHttp, waitFor } from '@aof/testkit';
import { SAMPLE, startTelegram, type TelegramTestEnv } from './harness.js';
import { messageUpdate, WEBHOOK_PATH, WEBHOOK_SECRET, webhookRequest } from './telegram-requests.js';

describe('Telegram secret token check', () => {
  const verify = secretTokenVerifier(WEBHOOK_SECRET);

  it('accepts exactly the configured secret', () => {
    assert.equal(SECRET_TOKEN_HEADER, 'x-telegram-bot-api-secret-token');
    assert.deepEqual(verify(WEBHOOK_SECRET), { ok: true });
  });

  it('refuses anything else, prefixes and extensions included', () => {
    for (const given of ['wrong', WEBHOOK_SECRET.slice(0, -1), `${WEBHOOK_SECRET}x`, WEBHOOK_SECRET.toUpperCase(), ` ${WEBHOOK_SECRET}`]) {
      assert.deepEqual(verify(given), { ok: false, reason: 'mismatch' }, given);
    }
    assert.deepEqual(verify(undefined), { ok: false, reason: 'missing' });
    assert.deepEqual(verify(''), { ok: false, reason: 'missing' });
  });
});

describe('Telegram webhook endpoint', () => {
  let env: TelegramTestEnv;
  before(async () => {
    env = await startTelegram();
  });
  after(() => env.stop());

  const update = (text: string): Record<string, unknown> => messageUpdate({ chatId: SAMPLE.channelId, userId: SAMPLE.userId, text });

  it('refuses a wrong or missing secret with 401, a metric and one log line that names neither body nor secret', async () => {
    const wrong = await deliverHttp(env.kernel.url, webhookRequest(update('refused-wrong-secret'), { secret: 'guessed-secret-value' }));
    const missing = await deliverHttp(env.kernel.url, webhookRequest(update('refused-no-secret'), { secret: null }));
    assert.deepEqual([wrong.status, missing.status], [401, 401]);
    assert.deepEqual(JSON.parse(wrong.body), { error: 'invalid_secret_token' });
    const metrics = await (await fetch(`${env.kernel.url}/metrics`)).text();
    assert.match(metrics, /^agentflow_webhook_rejections_total\{platform="telegram",reason="mismatch"\} 1$/m);
    assert.match(metrics, /^agentflow_webhook_rejections_total\{platform="telegram",reason="missing"\} 1$/m);
    const lines = env.kernel.logs.filter((line) => line.includes('Telegram webhook rejected'));
    assert.equal(lines.length, 2);
    for (const line of env.kernel.logs) assert.doesNotMatch(line, /refused-|guessed-secret-value|test-webhook-secret/);
  });

  it('checks the secret before reading the body: garbage with a wrong secret is a 401, with the right one a 400', async () => {
    const forged = await deliverHttp(env.kernel.url, webhookRequest('{not json', { secret: 'wrong' }));
    const authentic = await deliverHttp(env.kernel.url, webhookRequest('{not json'));
    assert.deepEqual([forged.status, authentic.status], [401, 400]);
    assert.doesNotMatch(authentic.body, /not json/);
  });

  it('accepts an update whatever content type it is labelled with', async () => {
    const request = webhookRequest(update('text-plain-update'));
    const response = await deliverHttp(env.kernel.url, { ...request, headers: { ...request.headers, 'content-type': 'text/plain' } });
    assert.equal(response.status, 200);
    await waitFor('the update', () => env.kernel.inbound.find((message) => message.text === 'text-plain-update'));
  });
});

describe('Telegram webhook ack', () => {
  it('answers Telegram before the kernel has taken the update, on the configured path', async () => {
    let release: () => void = () => undefined;
    const held: InboundSink = { submit: () => new Promise((resolve) => {
      release = () => resolve({ status: 'accepted', requestId: 'held' });
    }) };
    const env = await startTelegram({ config: { path: '/hooks/tg' }, kernel: { inbound: held } });
    try {
      const request = webhookRequest(messageUpdate({ chatId: SAMPLE.channelId, userId: SAMPLE.userId, text: 'slow kernel' }));
      assert.equal((await deliverHttp(env.kernel.url, request)).status, 404, `nothing at ${WEBHOOK_PATH} any more`);
      assert.equal((await deliverHttp(env.kernel.url, { ...request, path: '/hooks/tg' })).status, 200);
    } finally {
      release();
      await env.stop();
    }
  });
});
