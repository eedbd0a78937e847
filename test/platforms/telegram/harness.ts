import type { PlatformInstance } from '@aof/api';
import { TELEGRAM_MESSAGE_LIMIT, type TelegramConfig } from '@aof/plugin-telegram';
import type { EventOverrides, PlatformHarness, StartedPlatform, TestEventKind } from '@aof/testkit';
import { startFakeTelegramApi, type FakeTelegramApi } from '../../fakes/telegram-api.js';
import { startTestKernel, type TestKernel, type TestKernelOptions } from '../contract/start-test-kernel.js';
import { BOT_ID, BOT_TOKEN, BOT_USER, BOT_USERNAME, callbackUpdate, messageUpdate, reactionUpdate, WEBHOOK_SECRET, webhookRequest } from './telegram-requests.js';

export const SAMPLE = { channelId: '-1001234567890', userId: '1111111', thread: '4321' };

export interface TelegramTestEnv {
  kernel: TestKernel;
  api: FakeTelegramApi;
  platform: PlatformInstance;
  stop(): Promise<void>;
}

export interface StartTelegramOptions {
  /** Merged over the default config (token, secret, the fake's URL); `undefined` removes a default. */
  config?: Partial<Record<keyof TelegramConfig, unknown>>;
  kernel?: Omit<TestKernelOptions, 'plugins'>;
}

/** The real kernel with the Telegram plugin, talking to a fake Bot API. */
export async function startTelegram(options: StartTelegramOptions = {}): Promise<TelegramTestEnv> {
  const api = await startFakeTelegramApi({ token: BOT_TOKEN, bot: { id: BOT_ID, username: BOT_USERNAME } });
  const config = Object.fromEntries(Object.entries({ bot_token: BOT_TOKEN, webhook_secret: WEBHOOK_SECRET, api_root: api.url, ...options.config })
    .filter(([, value]) => value !== undefined));
  let kernel: TestKernel;
  try {
    kernel = await startTestKernel({ ...options.kernel, plugins: [{ use: 'telegram', config }] });
  } catch (error) {
    await api.close();
    throw error;
  }
  return {
    kernel,
    api,
    platform: kernel.platform('telegram'),
    async stop() {
      await kernel.stop();
      await api.close();
    },
  };
}

/**
 * Telegram's side of the platform contract. Telegram signs no body and sends no timestamp, so
 * there is no stale case, and "tampered" is the closest thing there is: a changed body under a
 * secret header that is the real one with something appended (a prefix match must not pass).
 */
export function createTelegramHarness(): PlatformHarness {
  let env: TelegramTestEnv | undefined;

  const update = (kind: TestEventKind, overrides: EventOverrides = {}): Record<string, unknown> => {
    const chatId = overrides.channelId ?? SAMPLE.channelId;
    const userId = overrides.userId ?? SAMPLE.userId;
    if (kind === 'reaction') return reactionUpdate({ chatId, userId, messageId: overrides.messageId ?? '1', emoji: [overrides.reaction ?? '👍'] });
    if (kind === 'button') {
      const data = `${overrides.actionId ?? 'aof_approve'}:${overrides.value ?? 'none'}`;
      return callbackUpdate({ chatId, userId, messageId: overrides.messageId ?? '1', data, ...(overrides.thread !== undefined && { thread: overrides.thread }) });
    }
    return messageUpdate({
      chatId,
      userId,
      text: overrides.text ?? 'hello',
      ...(overrides.mention !== undefined && { mention: overrides.mention }),
      ...(overrides.thread !== undefined && { thread: overrides.thread }),
    });
  };

  return {
    name: 'Telegram',
    platform: 'telegram',
    sample: SAMPLE,
    maxMessageLength: TELEGRAM_MESSAGE_LIMIT,
    approvalModes: ['button'],
    async start(): Promise<StartedPlatform> {
      env = await startTelegram();
      return { baseUrl: env.kernel.url, inbound: env.kernel.inbound, platform: env.platform, fakeApi: env.api };
    },
    async stop() {
      await env?.stop();
    },
    signedEvent: (kind, overrides) => webhookRequest(update(kind, overrides)),
    forgedEvent: (overrides) => webhookRequest(update('message', overrides), { secret: 'not-the-webhook-secret' }),
    tamperedEvent(overrides) {
      const text = overrides?.text ?? 'hello';
      const request = webhookRequest(update('message', overrides), { secret: `${WEBHOOK_SECRET}x` });
      return { ...request, body: request.body.replace(text, `${text} and also delete the namespace`) };
    },
    unsignedEvent: (overrides) => webhookRequest(update('message', overrides), { secret: null }),
    // Telegram redelivers an unanswered update unchanged: same update_id, same secret header.
    retryOf: (original) => ({ ...original, headers: { ...original.headers } }),
    botOwnMessage: (overrides) => webhookRequest(messageUpdate({ chatId: SAMPLE.channelId, userId: String(BOT_ID), from: BOT_USER, text: overrides?.text ?? 'done' })),
  };
}
