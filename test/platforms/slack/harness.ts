import type { PlatformInstance } from '@aof/api';
import { SLACK_MESSAGE_LIMIT, type SlackConfig } from '@aof/plugin-slack';
import type { EventOverrides, PlatformHarness, StartedPlatform, TestEventKind } from '@aof/testkit';
import { startFakeSlackApi, type FakeSlackApi, type FakeSlackOptions } from '../../fakes/slack-api.js';
import { startTestKernel, type TestKernel, type TestKernelOptions } from '../contract/start-test-kernel.js';
import {
  BOT_TOKEN,
  BOT_USER_ID,
  eventEnvelope,
  FORM,
  interactionBody,
  messageEvent,
  nextTs,
  nowSecs,
  SIGNING_SECRET,
  signedRequest,
  TEAM_ID,
  unsignedRequest,
} from './slack-requests.js';

export const SAMPLE = { channelId: 'C0PROD00001', userId: 'U0ALICE0001', thread: '1700000000.000100' };

export interface SlackTestEnv {
  kernel: TestKernel;
  api: FakeSlackApi;
  platform: PlatformInstance;
  stop(): Promise<void>;
}

export interface StartSlackOptions {
  /** Merged over the default config (bot token, signing secret, the fake's URL). */
  config?: Partial<SlackConfig>;
  fake?: FakeSlackOptions;
  kernel?: Omit<TestKernelOptions, 'plugins'>;
}

/** The real kernel with the Slack plugin, talking to a fake Slack Web API. */
export async function startSlack(options: StartSlackOptions = {}): Promise<SlackTestEnv> {
  const api = await startFakeSlackApi({
    channels: { [SAMPLE.channelId]: 'production', C123ABC456: 'general' },
    users: { [SAMPLE.userId]: 'alice' },
    bots: { [BOT_TOKEN]: { userId: BOT_USER_ID, teamId: TEAM_ID } },
    ...options.fake,
  });
  // An override of `undefined` removes the default (a config with workspaces only, say).
  const config = Object.fromEntries(Object.entries({ bot_token: BOT_TOKEN, signing_secret: SIGNING_SECRET, api_url: api.url, ...options.config })
    .filter(([, value]) => value !== undefined));
  let kernel: TestKernel;
  try {
    kernel = await startTestKernel({ ...options.kernel, plugins: [{ use: 'slack', config }] });
  } catch (error) {
    await api.close();
    throw error;
  }
  return {
    kernel,
    api,
    platform: kernel.platform('slack'),
    async stop() {
      await kernel.stop();
      await api.close();
    },
  };
}

/** Slack's side of the platform contract (@aof/testkit). */
export function createSlackHarness(): PlatformHarness {
  let env: SlackTestEnv | undefined;

  const event = (kind: TestEventKind, overrides: EventOverrides = {}): { body: string; contentType: string } => {
    const channel = overrides.channelId ?? SAMPLE.channelId;
    const user = overrides.userId ?? SAMPLE.userId;
    if (kind === 'reaction') {
      const ts = nextTs();
      const reaction = { type: 'reaction_added', user, reaction: overrides.reaction ?? 'thumbsup', item: { type: 'message', channel, ts: overrides.messageId ?? ts }, event_ts: ts };
      return { body: eventEnvelope(reaction), contentType: 'application/json' };
    }
    if (kind === 'button') {
      const messageTs = overrides.messageId ?? nextTs();
      return {
        contentType: FORM,
        body: interactionBody({
          type: 'block_actions',
          team: { id: TEAM_ID, domain: 'aof' },
          user: { id: user, username: 'alice', team_id: TEAM_ID },
          container: { type: 'message', message_ts: messageTs, channel_id: channel, is_ephemeral: false },
          trigger_id: `${nextTs()}.trigger`,
          channel: { id: channel, name: 'production' },
          message: { type: 'message', ts: messageTs, text: 'approval', bot_id: 'B0AOFBOT', ...(overrides.thread !== undefined && { thread_ts: overrides.thread }) },
          actions: [{ type: 'button', action_id: overrides.actionId ?? 'aof_approve', block_id: 'approval', value: overrides.value ?? 'none', action_ts: nextTs() }],
        }),
      };
    }
    const text = overrides.text ?? 'hello';
    const message = overrides.mention === true
      ? messageEvent({ type: 'app_mention', channel, user, text: `<@${BOT_USER_ID}> ${text}`, ...(overrides.thread !== undefined && { thread: overrides.thread }) })
      : messageEvent({ channel, user, text, ...(overrides.thread !== undefined && { thread: overrides.thread }) });
    return { body: eventEnvelope(message), contentType: 'application/json' };
  };

  return {
    name: 'Slack',
    platform: 'slack',
    sample: SAMPLE,
    maxMessageLength: SLACK_MESSAGE_LIMIT,
    approvalModes: ['reaction', 'button'],
    async start(): Promise<StartedPlatform> {
      env = await startSlack();
      return { baseUrl: env.kernel.url, inbound: env.kernel.inbound, platform: env.platform, fakeApi: env.api };
    },
    async stop() {
      await env?.stop();
    },
    signedEvent(kind, overrides) {
      const { body, contentType } = event(kind, overrides);
      return signedRequest(body, { contentType });
    },
    forgedEvent(overrides) {
      return signedRequest(event('message', overrides).body, { secret: 'not-the-signing-secret' });
    },
    tamperedEvent(overrides) {
      const request = signedRequest(event('message', overrides).body);
      const text = overrides?.text ?? 'hello';
      return { ...request, body: request.body.replace(text, `${text} and also delete the namespace`) };
    },
    staleEvent(overrides) {
      return signedRequest(event('message', overrides).body, { timestamp: nowSecs() - 6 * 60 });
    },
    unsignedEvent(overrides) {
      return unsignedRequest(event('message', overrides).body);
    },
    retryOf(original) {
      return signedRequest(original.body, {
        contentType: original.headers['content-type'] ?? 'application/json',
        headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' },
      });
    },
    botOwnMessage(overrides) {
      const own = messageEvent({ channel: SAMPLE.channelId, user: BOT_USER_ID, text: overrides?.text ?? 'done', extra: { bot_id: 'B0AOFBOT', app_id: 'A0AOFTEST' } });
      return signedRequest(eventEnvelope(own));
    },
  };
}
