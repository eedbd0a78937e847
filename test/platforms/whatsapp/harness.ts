import type { PlatformInstance } from '@aof/api';
import whatsappPlugin, { WHATSAPP_MESSAGE_LIMIT, type WhatsAppConfig } from '@aof/plugin-whatsapp';
import { startPluginHost, type EventOverrides, type PlatformHarness, type PluginHost, type StartedPlatform, type TestEventKind } from '@aof/testkit';
import { startFakeWhatsAppApi, type FakeWhatsAppApi } from '../../fakes/whatsapp-api.js';
import { startTestKernel, type TestKernel, type TestKernelOptions } from '../contract/start-test-kernel.js';
import {
  ACCESS_TOKEN,
  APP_SECRET,
  buttonReply,
  DISPLAY_NUMBER,
  PHONE_NUMBER_ID,
  reactionMessage,
  signedRequest,
  textMessage,
  unsignedRequest,
  VERIFY_TOKEN,
  webhookBody,
  type Sender,
} from './whatsapp-requests.js';

/** A one-to-one chat: on WhatsApp the chat id is the person's number. */
export const SAMPLE = { channelId: '16505550100', userId: '16505550100', thread: 'wamid.HBgLMTY1MDU1NTAxMDAVAgASGBQzQUJDMDAwMDAwMDAwMDAwMDAwMAA=' };

export interface WhatsAppTestEnv {
  kernel: TestKernel;
  api: FakeWhatsAppApi;
  platform: PlatformInstance;
  stop(): Promise<void>;
}

export interface StartWhatsAppOptions {
  /** Merged over the default config (tokens, secrets, the fake's URL); `undefined` removes a default. */
  config?: Partial<Record<keyof WhatsAppConfig, unknown>>;
  kernel?: Omit<TestKernelOptions, 'plugins'>;
}

/** The plugin's config in Cloud API mode against the fake at `graphUrl`, with `overrides` merged over it. */
function cloudConfig(graphUrl: string, overrides: StartWhatsAppOptions['config'] = {}): Record<string, unknown> {
  const merged = { access_token: ACCESS_TOKEN, app_secret: APP_SECRET, verify_token: VERIFY_TOKEN, phone_number_id: PHONE_NUMBER_ID, graph_url: graphUrl, ...overrides };
  return Object.fromEntries(Object.entries(merged).filter(([, value]) => value !== undefined));
}

/** The real kernel with the WhatsApp plugin in Cloud API mode, talking to a fake Graph API. */
export async function startWhatsApp(options: StartWhatsAppOptions = {}): Promise<WhatsAppTestEnv> {
  const api = await startFakeWhatsAppApi({ accessToken: ACCESS_TOKEN });
  let kernel: TestKernel;
  try {
    kernel = await startTestKernel({ ...options.kernel, plugins: [{ use: 'whatsapp', config: cloudConfig(api.url, options.config) }] });
  } catch (error) {
    await api.close();
    throw error;
  }
  return {
    kernel,
    api,
    platform: kernel.platform('whatsapp'),
    async stop() {
      await kernel.stop();
      await api.close();
    },
  };
}

/** The sender of an event: a group member when the chat is not the person's own number. */
export function senderOf(overrides: EventOverrides = {}): Sender {
  const from = overrides.userId ?? SAMPLE.userId;
  const chat = overrides.channelId ?? SAMPLE.channelId;
  return chat === from ? { from } : { from, groupId: chat };
}

/** The webhook body of a fresh event (new message id each call). */
export function eventBody(kind: TestEventKind, overrides: EventOverrides = {}): string {
  const sender = senderOf(overrides);
  if (kind === 'reaction') return webhookBody(sender, [reactionMessage(overrides.messageId ?? SAMPLE.thread, overrides.reaction ?? '👍')]);
  if (kind === 'button') {
    const buttonId = overrides.value === undefined ? overrides.actionId ?? 'aof_approve' : `${overrides.actionId ?? 'aof_approve'}:${overrides.value}`;
    return webhookBody(sender, [buttonReply(overrides.messageId ?? SAMPLE.thread, buttonId)]);
  }
  const text = overrides.text ?? 'hello';
  // A mention is written into WhatsApp text as @<number>.
  const body = overrides.mention === true ? `@${DISPLAY_NUMBER} ${text}` : text;
  return webhookBody(sender, [textMessage(body, overrides.thread === undefined ? {} : { quoting: overrides.thread })]);
}

/**
 * WhatsApp's side of the platform contract (@aof/testkit). Meta signs no timestamp, so there is no
 * staleEvent. It boots the plugin with startPluginHost, as an outside author's harness would, so
 * the contract also proves that host (the other platforms' suites use the real kernel).
 */
export function createWhatsAppHarness(): PlatformHarness {
  let api: FakeWhatsAppApi | undefined;
  let host: PluginHost | undefined;
  return {
    name: 'WhatsApp',
    platform: 'whatsapp',
    sample: SAMPLE,
    maxMessageLength: WHATSAPP_MESSAGE_LIMIT,
    approvalModes: ['button', 'reaction'],
    async start(): Promise<StartedPlatform> {
      api = await startFakeWhatsAppApi({ accessToken: ACCESS_TOKEN });
      host = await startPluginHost({ plugin: whatsappPlugin, config: cloudConfig(api.url) });
      return { baseUrl: host.url, inbound: host.inbound, platform: host.platform, fakeApi: api };
    },
    async stop() {
      await host?.stop();
      await api?.close();
    },
    signedEvent: (kind, overrides) => signedRequest(eventBody(kind, overrides)),
    forgedEvent: (overrides) => signedRequest(eventBody('message', overrides), { secret: 'not-the-app-secret' }),
    tamperedEvent(overrides) {
      const request = signedRequest(eventBody('message', overrides));
      const text = overrides?.text ?? 'hello';
      return { ...request, body: request.body.replace(text, `${text} and also delete the namespace`) };
    },
    unsignedEvent: (overrides) => unsignedRequest(eventBody('message', overrides)),
    // Meta redelivers the same body, so the same signature.
    retryOf: (original) => signedRequest(original.body),
    botOwnMessage: (overrides) => signedRequest(webhookBody({ from: DISPLAY_NUMBER }, [textMessage(overrides?.text ?? 'done')])),
  };
}
