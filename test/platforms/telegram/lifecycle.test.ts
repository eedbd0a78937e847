import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ALLOWED_UPDATES } from '@aof/plugin-telegram';
import { deliverHttp, waitFor } from '@aof/testkit';
import { SAMPLE, startTelegram } from './harness.js';
import { messageUpdate, WEBHOOK_SECRET, webhookRequest } from './telegram-requests.js';

const polling = { mode: 'polling', webhook_secret: undefined };

describe('Telegram long polling', () => {
  it('drops the webhook, polls for every update type it handles, and confirms what it handed over on stop', async () => {
    const env = await startTelegram({ config: polling });
    let stopped = false;
    try {
      const update = messageUpdate({ chatId: SAMPLE.channelId, userId: SAMPLE.userId, text: '@TestChatOpsBot polled' });
      env.api.queueUpdate(update);
      const message = await waitFor('the polled update', () => env.kernel.inbound.find((candidate) => candidate.id === String(update.update_id)));
      assert.deepEqual([message.text, message.kind], ['polled', 'mention']);
      const methods = env.api.calls.map((call) => call.method);
      assert.ok(methods.indexOf('deleteWebhook') < methods.indexOf('getUpdates'), methods.join(', '));
      assert.deepEqual(env.api.callsTo('getUpdates')[0]?.params.allowed_updates, [...ALLOWED_UPDATES]);
      assert.ok(ALLOWED_UPDATES.includes('message_reaction') && ALLOWED_UPDATES.includes('callback_query'));
      assert.equal((await deliverHttp(env.kernel.url, webhookRequest(messageUpdate({ chatId: SAMPLE.channelId, userId: SAMPLE.userId, text: 'pushed' })))).status, 404, 'no webhook route');
      await env.stop();
      stopped = true;
      assert.equal(env.api.confirmedOffset(), Number(update.update_id) + 1);
    } finally {
      if (!stopped) await env.stop();
    }
  });

  it('keeps polling after Telegram refuses a getUpdates (another poller, 409)', async () => {
    const env = await startTelegram({ config: polling });
    try {
      env.api.failNext('getUpdates', { error_code: 409, description: 'Conflict: terminated by other getUpdates request' });
      const update = messageUpdate({ chatId: SAMPLE.channelId, userId: SAMPLE.userId, text: 'after the conflict' });
      env.api.queueUpdate(update);
      await waitFor('the update after the conflict', () => env.kernel.inbound.find((candidate) => candidate.text === 'after the conflict'));
      assert.ok(env.kernel.logs.some((line) => line.includes('Telegram long polling failed') && line.includes('409')));
    } finally {
      await env.stop();
    }
  });

  it('fails the boot when Telegram refuses the token, without logging it', async () => {
    const token = '2222222:AAH-a-token-telegram-does-not-know';
    await assert.rejects(startTelegram({ config: { ...polling, bot_token: token } }), (error: unknown) => {
      assert.match(String(error), /telegram.*401/i);
      assert.doesNotMatch(String(error), /AAH-a-token/);
      return true;
    });
  });
});

describe('Telegram webhook registration', () => {
  it('registers webhook_url on start with the secret and every update type it handles', async () => {
    const url = 'https://aof.example.com/webhooks/telegram';
    const env = await startTelegram({ config: { webhook_url: url } });
    try {
      assert.deepEqual(env.api.callsTo('setWebhook').map((call) => call.params), [{ url, secret_token: WEBHOOK_SECRET, allowed_updates: [...ALLOWED_UPDATES] }]);
      assert.ok(!env.kernel.logs.some((line) => line.includes(WEBHOOK_SECRET)), 'the secret is not logged');
    } finally {
      await env.stop();
    }
  });

  it('registers nothing without webhook_url: the operator calls setWebhook', async () => {
    const env = await startTelegram();
    try {
      assert.deepEqual(env.api.callsTo('setWebhook'), []);
    } finally {
      await env.stop();
    }
  });
});
