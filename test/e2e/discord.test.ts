/**
 * Discord end to end: a MESSAGE_CREATE in a thread of #production arrives over the fake gateway,
 * is placed under its parent channel and named through the fake REST API, runs the fake kubectl
 * in the flow's sandbox and is answered in the thread as a reply to the message. The gateway has
 * no per-event HTTP answer, so the 401 case is the signed interactions endpoint's.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { waitFor } from '@aof/testkit';
import { startFakeDiscordApi, type FakeDiscordApi } from '../fakes/discord-api.js';
import { startFakeDiscordGateway, type FakeDiscordGateway } from '../fakes/discord-gateway.js';
import {
  APPLICATION_ID,
  BOT_TOKEN,
  BOT_USER_ID,
  commandInteraction,
  GUILD_ID,
  messageCreate,
  OTHER_PRIVATE_KEY,
  PUBLIC_KEY,
  signedInteraction,
} from '../platforms/discord/discord-requests.js';
import {
  assertFastAck,
  assertKubectlRan,
  assertOnlyBarrierRan,
  assertRequestLine,
  COMMAND,
  deliverTimed,
  kubeconfigOf,
  POD_TABLE,
  progress,
  startE2eDaemon,
  waitForReply,
  type E2eDaemon,
} from './support.js';

const CHANNELS = { production: '1100000000000000001', staging: '1100000000000000002' } as const;
/** A public thread (type 11) under #production, and one under #staging. */
const THREADS = { production: '1100000000000000091', staging: '1100000000000000092' } as const;
const USER = '1200000000000000001';
const BOT = { id: BOT_USER_ID, username: 'aof' };

/** `/aof request:kubectl get pods -n staging` in #production, as the interaction's JSON body. */
function aofCommandInProduction(): string {
  return JSON.stringify(commandInteraction({
    channel: CHANNELS.production,
    user: USER,
    name: 'aof',
    options: [{ name: 'request', value: COMMAND }],
    channelObject: { id: CHANNELS.production, type: 0, name: 'production' },
  }));
}

describe('Discord end to end through the daemon', () => {
  let api: FakeDiscordApi;
  let gateway: FakeDiscordGateway;
  let t: E2eDaemon;
  const replies = (): number => api.sentMessages().length;

  /** `@bot kubectl get pods -n staging` posted in the thread under `channel`; returns its message id. */
  const mentionInThread = (channel: keyof typeof THREADS): string => {
    const message = messageCreate({ channel: THREADS[channel], user: USER, text: COMMAND, mention: true });
    gateway.dispatch('MESSAGE_CREATE', message);
    return String(message.id);
  };

  before(async () => {
    gateway = await startFakeDiscordGateway({ botToken: BOT_TOKEN, bot: BOT, applicationId: APPLICATION_ID });
    api = await startFakeDiscordApi({
      botToken: BOT_TOKEN,
      bot: BOT,
      channels: {
        [CHANNELS.production]: { name: 'production', type: 0, guildId: GUILD_ID },
        [CHANNELS.staging]: { name: 'staging', type: 0, guildId: GUILD_ID },
        [THREADS.production]: { name: 'pods-question', type: 11, guildId: GUILD_ID, parentId: CHANNELS.production },
        [THREADS.staging]: { name: 'pods-question', type: 11, guildId: GUILD_ID, parentId: CHANNELS.staging },
      },
      users: { [USER]: 'alice' },
    });
    api.setGatewayUrl(gateway.url);
    // Discord echoes the bot's own posts over the gateway; the plugin must not answer its own reply.
    api.onMessagePosted((message) => gateway.dispatch('MESSAGE_CREATE', message));
    t = await startE2eDaemon('discord', { DISCORD_BOT_TOKEN: BOT_TOKEN, DISCORD_PUBLIC_KEY: PUBLIC_KEY, FAKE_DISCORD_URL: api.url });
    await gateway.waitForSession();
  });
  after(async () => {
    await t?.stop();
    await Promise.all([api?.close(), gateway?.close()]);
  });

  it('answers a mention in a #production thread: kubectl with the flow\'s KUBECONFIG, reply in the thread to the message', async () => {
    const start = progress(t, replies);
    const messageId = mentionInThread('production');
    await assertKubectlRan(t, start, kubeconfigOf('discord', 'production'));
    const reply = await waitForReply(() => api.sentMessages(), (sent) => sent.channelId === CHANNELS.production);
    assert.equal(reply.thread, THREADS.production);
    const post = api.callsTo('POST /channels/:id/messages').at(-1);
    assert.equal(post?.path, `/channels/${THREADS.production}/messages`);
    assert.deepEqual(post?.body?.message_reference, { message_id: messageId, fail_if_not_exists: false });
    await assertRequestLine(t, start, { flow: 'discord-prod-flow', platform: 'discord', channel: 'production' });
  });

  it('runs a slash command\'s argument text as the command: /aof request:kubectl get pods -n staging runs kubectl get pods -n staging', async () => {
    const start = progress(t, replies);
    const ack = await deliverTimed(t, signedInteraction(aofCommandInProduction()), replies);
    assertFastAck(ack, start);
    assert.deepEqual([ack.status, JSON.parse(ack.body)], [200, { type: 5 }]);
    await assertKubectlRan(t, start, kubeconfigOf('discord', 'production'));
    // The answer replaces "thinking..." through the interaction's webhook.
    await waitFor('the answer', () => api.callsTo('PATCH /webhooks/:id/:token/messages/@original').find((call) => POD_TABLE.test(String(call.body?.content ?? ''))), 20_000);
    await assertRequestLine(t, start, { flow: 'discord-prod-flow', platform: 'discord', channel: 'production' });
  });

  it('refuses a forged interaction signature with 401 and runs nothing; the next mention, in a #staging thread, runs in the staging flow', async () => {
    const start = progress(t, replies);
    const forged = await deliverTimed(t, signedInteraction(aofCommandInProduction(), { key: OTHER_PRIVATE_KEY }), replies);
    assert.equal(forged.status, 401);
    assert.deepEqual(forged.atAck, start);
    mentionInThread('staging');
    await assertKubectlRan(t, start, kubeconfigOf('discord', 'staging'));
    const reply = await waitForReply(() => api.sentMessages(), (sent) => sent.channelId === CHANNELS.staging);
    assert.equal(reply.thread, THREADS.staging);
    await assertRequestLine(t, start, { flow: 'discord-staging-flow', platform: 'discord', channel: 'staging' });
    assertOnlyBarrierRan(t, start, kubeconfigOf('discord', 'staging'));
    assert.equal(api.callsTo('POST /interactions/:id/:token/callback').length, 0, 'the forged interaction got no callback');
    assert.equal(api.sentMessages().length, start.replies + 1, 'one reply: the staging one');
  });
});
