import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ErrorCode, isAofError } from '@aof/api';
import { createTelegramPlatform, type TelegramPlatformDeps } from '@aof/plugin-telegram';
import { startFakeTelegramApi } from '../../fakes/telegram-api.js';
import { startTestKernel } from '../contract/start-test-kernel.js';
import { BOT_ID, BOT_TOKEN, BOT_USERNAME, WEBHOOK_SECRET } from './telegram-requests.js';

/** Boots a kernel with only the Telegram plugin and returns the boot errors (none when it boots). */
async function bootErrors(config: Record<string, unknown>): Promise<Error[]> {
  try {
    const kernel = await startTestKernel({ plugins: [{ use: 'telegram', config }] });
    await kernel.stop();
    return [];
  } catch (error) {
    return error instanceof AggregateError ? error.errors as Error[] : [error as Error];
  }
}

describe('Telegram plugin config', () => {
  it('boots in webhook mode with a token and a secret, ignoring keys meant for others', async () => {
    assert.deepEqual(await bootErrors({ bot_token: BOT_TOKEN, webhook_secret: WEBHOOK_SECRET, api_root: 'http://127.0.0.1:9', chats: ['ops'] }), []);
  });

  it('boots in polling mode without a secret (webhook_secret: null as in the aof daemon.yaml)', async () => {
    const api = await startFakeTelegramApi({ token: BOT_TOKEN, bot: { id: BOT_ID, username: BOT_USERNAME } });
    try {
      assert.deepEqual(await bootErrors({ bot_token: BOT_TOKEN, webhook_secret: null, mode: 'polling', api_root: api.url }), []);
    } finally {
      await api.close();
    }
  });

  const invalid: Array<[string, Record<string, unknown>, RegExp]> = [
    ['webhook mode without a secret', { bot_token: BOT_TOKEN }, /webhook_secret/],
    ['webhook mode with webhook_secret: null', { bot_token: BOT_TOKEN, webhook_secret: null, mode: 'webhook' }, /webhook_secret/],
    ['a secret Telegram would not accept', { bot_token: BOT_TOKEN, webhook_secret: 'has spaces and $igns' }, /webhook_secret/],
    ['a token that is not <id>:<secret>', { bot_token: 'AAH-test-token-without-id', webhook_secret: WEBHOOK_SECRET }, /bot_token/],
    ['an unknown mode', { bot_token: BOT_TOKEN, webhook_secret: WEBHOOK_SECRET, mode: 'gateway' }, /mode/],
    ['a relative path', { bot_token: BOT_TOKEN, webhook_secret: WEBHOOK_SECRET, path: 'webhooks/telegram' }, /path/],
    ['a plain-HTTP webhook_url', { bot_token: BOT_TOKEN, webhook_secret: WEBHOOK_SECRET, webhook_url: 'http://example.com/webhooks/telegram' }, /webhook_url/],
  ];
  for (const [label, config, names] of invalid) {
    it(`refuses ${label} before any plugin code runs, naming the key but no secret`, async () => {
      const errors = await bootErrors(config);
      assert.equal(errors.length, 1);
      const error = errors[0];
      assert.ok(isAofError(error, ErrorCode.PLUGIN_CONFIG_INVALID), String(error));
      assert.equal(error.plugin, 'telegram');
      assert.match(error.message, names);
      assert.doesNotMatch(error.message, /AAH-test-token|test-webhook-secret|\$igns/);
    });
  }

  it('refuses webhook mode without a secret with a coded error when built without the kernel too', () => {
    // Deps are never reached: the config is checked first.
    const deps = {} as TelegramPlatformDeps;
    assert.throws(() => createTelegramPlatform({ bot_token: BOT_TOKEN }, deps), (error: unknown) => {
      assert.ok(isAofError(error, ErrorCode.PLUGIN_CONFIG_INVALID), String(error));
      assert.match(error.message, /webhook mode needs webhook_secret.*mode: polling/);
      return true;
    });
  });
});
