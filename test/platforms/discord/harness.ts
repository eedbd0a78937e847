import type { PlatformInstance } from '@aof/api';
import { DISCORD_MESSAGE_LIMIT, type DiscordConfig } from '@aof/plugin-discord';
import { deliverHttp, type DeliveryResult, type EventOverrides, type PlatformHarness, type StartedPlatform, type TestEventKind, type WebhookRequest } from '@aof/testkit';
import { startFakeDiscordApi, type FakeDiscordApi, type FakeDiscordOptions } from '../../fakes/discord-api.js';
import { startFakeDiscordGateway, type FakeDiscordGateway, type FakeGatewayOptions } from '../../fakes/discord-gateway.js';
import { startTestKernel, type TestKernel, type TestKernelOptions } from '../contract/start-test-kernel.js';
import {
  APPLICATION_ID,
  BOT_TOKEN,
  BOT_USER_ID,
  buttonInteraction,
  commandInteraction,
  GATEWAY_PATH,
  gatewayEvent,
  GUILD_ID,
  messageCreate,
  nowSecs,
  OTHER_PRIVATE_KEY,
  PUBLIC_KEY,
  signedInteraction,
  unsignedInteraction,
} from './discord-requests.js';

export const SAMPLE = { channelId: '1100000000000000001', userId: '1200000000000000001', thread: '1100000000000000099' };

/** Channels the fake REST API knows: the sample channel and its thread, and the fixtures' channels. */
export const CHANNELS: NonNullable<FakeDiscordOptions['channels']> = {
  [SAMPLE.channelId]: { name: 'production', type: 0, guildId: GUILD_ID },
  [SAMPLE.thread]: { name: 'incident-42', type: 11, guildId: GUILD_ID, parentId: SAMPLE.channelId },
  '290926798999357250': { name: 'general', type: 0, guildId: GUILD_ID },
  '645027906669510667': { name: 'card-games', type: 0, guildId: GUILD_ID },
  '345626669114982999': { name: 'buttons', type: 0, guildId: GUILD_ID },
};

const BOT = { id: BOT_USER_ID, username: 'aof' };

export interface DiscordTestEnv {
  kernel: TestKernel;
  api: FakeDiscordApi;
  gateway: FakeDiscordGateway;
  platform: PlatformInstance;
  /** Sends a request as Discord would: over the gateway for GATEWAY_PATH, else to the interactions endpoint. */
  deliver(request: WebhookRequest): Promise<DeliveryResult>;
  stop(): Promise<void>;
}

export interface StartDiscordOptions {
  /** Merged over the default config (bot token, public key, application id, the fake's URL); `undefined` removes a key. */
  config?: Partial<Record<keyof DiscordConfig, unknown>>;
  gateway?: Partial<FakeGatewayOptions>;
  kernel?: Omit<TestKernelOptions, 'plugins'>;
  /** Runs before the kernel boots, e.g. to make the fake API fail the plugin's first calls. */
  prepare?(api: FakeDiscordApi): void;
}

/** The real kernel with the Discord plugin, talking to a fake REST API and a fake gateway. */
export async function startDiscord(options: StartDiscordOptions = {}): Promise<DiscordTestEnv> {
  const gateway = await startFakeDiscordGateway({ botToken: BOT_TOKEN, bot: BOT, applicationId: APPLICATION_ID, ...options.gateway });
  const api = await startFakeDiscordApi({ botToken: BOT_TOKEN, bot: BOT, channels: CHANNELS, users: { [SAMPLE.userId]: 'alice' } });
  api.setGatewayUrl(gateway.url);
  // Discord echoes the bot's own posts back over the gateway; the plugin must ignore them.
  api.onMessagePosted((message) => gateway.dispatch('MESSAGE_CREATE', message));
  options.prepare?.(api);
  const config = Object.fromEntries(Object.entries({ bot_token: BOT_TOKEN, public_key: PUBLIC_KEY, application_id: APPLICATION_ID, api_url: api.url, ...options.config })
    .filter(([, value]) => value !== undefined));
  let kernel: TestKernel;
  try {
    kernel = await startTestKernel({ ...options.kernel, plugins: [{ use: 'discord', config }] });
  } catch (error) {
    await Promise.all([api.close(), gateway.close()]);
    throw error;
  }
  const url = kernel.url;
  return {
    kernel,
    api,
    gateway,
    platform: kernel.platform('discord'),
    deliver: (request) => deliverTo(gateway, url, request),
    async stop() {
      await kernel.stop();
      await Promise.all([api.close(), gateway.close()]);
    },
  };
}

async function deliverTo(gateway: FakeDiscordGateway, baseUrl: string, request: WebhookRequest): Promise<DeliveryResult> {
  if (request.path !== GATEWAY_PATH) return deliverHttp(baseUrl, request);
  const packet = JSON.parse(request.body) as { t: string; d: unknown };
  gateway.dispatch(packet.t, packet.d);
  return { status: 200, body: '' };
}

/**
 * Discord's side of the platform contract (@aof/testkit). Messages and reactions arrive over the
 * gateway (the harness's `deliver` pushes them into the fake gateway); button clicks, and every
 * request that must be refused (forged, tampered, stale, unsigned: slash commands), go to the
 * signed HTTP interactions endpoint, the only Discord transport that carries signatures.
 */
export function createDiscordHarness(): PlatformHarness {
  let env: DiscordTestEnv | undefined;

  const command = (overrides: EventOverrides = {}): string => JSON.stringify(commandInteraction({
    channel: overrides.channelId ?? SAMPLE.channelId,
    user: overrides.userId ?? SAMPLE.userId,
    name: 'aof',
    options: [{ name: 'request', value: overrides.text ?? 'hello' }],
  }));

  const event = (kind: TestEventKind, overrides: EventOverrides = {}): WebhookRequest => {
    const user = overrides.userId ?? SAMPLE.userId;
    const channel = overrides.channelId ?? SAMPLE.channelId;
    if (kind === 'reaction') {
      const messageId = overrides.messageId ?? '1300000000000000001';
      // A reaction names the channel the message is really in: a thread's own id for a message posted in a thread.
      const channelId = env?.api.channelOfMessage(messageId) ?? channel;
      return gatewayEvent('MESSAGE_REACTION_ADD', {
        user_id: user, channel_id: channelId, message_id: messageId, guild_id: GUILD_ID,
        member: { user: { id: user, username: 'alice', discriminator: '0' }, roles: [] },
        emoji: { id: null, name: overrides.reaction ?? '👍' }, message_author_id: BOT_USER_ID, burst: false, type: 0,
      });
    }
    if (kind === 'button') {
      const messageId = overrides.messageId ?? '1300000000000000001';
      const channelId = env?.api.channelOfMessage(messageId) ?? channel;
      const inThread = channelId !== channel;
      return signedInteraction(JSON.stringify(buttonInteraction({
        channel: channelId,
        user,
        customId: `${overrides.actionId ?? 'aof_approve'}${overrides.value === undefined ? '' : `:${overrides.value}`}`,
        messageId,
        channelObject: inThread ? { id: channelId, type: 11, name: 'incident-42', parent_id: channel } : { id: channelId, type: 0, name: 'production' },
      })));
    }
    const channelId = overrides.thread ?? channel;
    return gatewayEvent('MESSAGE_CREATE', messageCreate({ channel: channelId, user, text: overrides.text ?? 'hello', mention: overrides.mention === true }));
  };

  return {
    name: 'Discord',
    platform: 'discord',
    sample: SAMPLE,
    maxMessageLength: DISCORD_MESSAGE_LIMIT,
    approvalModes: ['reaction', 'button'],
    async start(): Promise<StartedPlatform> {
      env = await startDiscord();
      return { baseUrl: env.kernel.url, inbound: env.kernel.inbound, platform: env.platform, fakeApi: env.api };
    },
    async stop() {
      await env?.stop();
    },
    deliver(_baseUrl, request) {
      if (env === undefined) throw new Error('the Discord harness has not started');
      return env.deliver(request);
    },
    signedEvent: (kind, overrides) => event(kind, overrides),
    forgedEvent: (overrides) => signedInteraction(command(overrides), { key: OTHER_PRIVATE_KEY }),
    tamperedEvent(overrides) {
      const request = signedInteraction(command(overrides));
      const text = overrides?.text ?? 'hello';
      return { ...request, body: request.body.replace(text, `${text} and also delete the namespace`) };
    },
    staleEvent: (overrides) => signedInteraction(command(overrides), { timestamp: nowSecs() - 6 * 60 }),
    unsignedEvent: (overrides) => unsignedInteraction(command(overrides)),
    // A gateway event comes again after a RESUME replay or on a second session; an interaction is re-signed.
    retryOf: (original) => (original.path === GATEWAY_PATH ? original : signedInteraction(original.body)),
    botOwnMessage(overrides) {
      return gatewayEvent('MESSAGE_CREATE', messageCreate({
        channel: SAMPLE.channelId, user: BOT_USER_ID, username: 'aof', text: overrides?.text ?? 'done',
        extra: { author: { id: BOT_USER_ID, username: 'aof', discriminator: '0', bot: true } },
      }));
    },
  };
}
