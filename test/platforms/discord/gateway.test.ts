import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { InboundMessage } from '@aof/api';
import { waitFor } from '@aof/testkit';
import { BOT_TOKEN, BOT_USER_ID, gatewayEvent, GUILD_ID, messageCreate, nextSnowflake } from './discord-requests.js';
import { SAMPLE, startDiscord, type DiscordTestEnv, type StartDiscordOptions } from './harness.js';

let env: DiscordTestEnv | undefined;

afterEach(async () => {
  await env?.stop();
  env = undefined;
});

async function start(options: StartDiscordOptions = {}): Promise<DiscordTestEnv> {
  env = await startDiscord(options);
  return env;
}

async function say(fields: Partial<Parameters<typeof messageCreate>[0]> & { text: string }): Promise<void> {
  assert.ok(env !== undefined);
  await env.deliver(gatewayEvent('MESSAGE_CREATE', messageCreate({ channel: SAMPLE.channelId, user: SAMPLE.userId, ...fields })));
}

function arrived(text: string): Promise<InboundMessage> {
  assert.ok(env !== undefined);
  const { kernel } = env;
  return waitFor(text, () => kernel.inbound.find((message) => message.text === text));
}

/** Sends a plain message and waits for it, so whatever was sent before it had its chance to arrive. */
async function barrier(): Promise<void> {
  const text = `barrier-${nextSnowflake()}`;
  await say({ text });
  await arrived(text);
  await new Promise((resolve) => setTimeout(resolve, 50));
}

function texts(): string[] {
  return env?.kernel.inbound.map((message) => message.text).filter((text) => !text.startsWith('barrier-')) ?? [];
}

describe('Discord gateway connection', () => {
  it('identifies with the bot token and exactly the intents it needs', async () => {
    const { gateway } = await start();
    // Guilds 1, GuildMessages 512, GuildMessageReactions 1024, DirectMessages 4096, DirectMessageReactions 8192, MessageContent 32768.
    assert.deepEqual(gateway.identifies, [{ token: BOT_TOKEN, intents: 1 + 512 + 1024 + 4096 + 8192 + 32768 }]);
  });

  it('refuses to start with a token Discord rejects (REST or gateway), without naming it', async () => {
    const refused = (reason: RegExp, token: string) => (error: Error): boolean => {
      assert.match(error.message, /Discord refused the gateway login/);
      assert.match(error.message, reason);
      assert.ok(!error.message.includes(token), 'the token is not in the error');
      return true;
    };
    await assert.rejects(startDiscord({ config: { bot_token: 'a-token-rest-refuses' } }), refused(/TokenInvalid/, 'a-token-rest-refuses'));
    await assert.rejects(startDiscord({ gateway: { botToken: 'the-token-the-gateway-expects' } }), refused(/Authentication failed/, BOT_TOKEN));
  });

  it('retries a failed connection with a pause instead of failing the start', async () => {
    // One failure per try: the first and discord.js's three immediate retries.
    const { gateway, kernel } = await start({ prepare: (api) => api.failNext('GET /gateway/bot', 502, 0, 4) });
    assert.equal(gateway.sessionCount(), 1);
    assert.ok(kernel.logs.some((line) => line.includes('Discord gateway connection failed; retrying')));
  });

  it('closes the session on stop', async () => {
    const { gateway } = await start();
    assert.equal(gateway.sessionCount(), 1);
    await env?.stop();
    env = undefined;
    await waitFor('the session to close', () => (gateway.sessionCount() === 0 ? true : undefined));
  });

  it('does not connect with gateway: false', async () => {
    const { gateway, api } = await start({ config: { gateway: false } });
    assert.deepEqual([gateway.identifies, api.callsTo('GET /gateway/bot')], [[], []]);
  });
});

describe('Discord messages from the gateway', () => {
  it('places a message in a thread under its channel, looking each channel up once', async () => {
    await start();
    await say({ channel: SAMPLE.thread, text: 'first in thread' });
    await say({ channel: SAMPLE.thread, text: 'second in thread' });
    for (const text of ['first in thread', 'second in thread']) {
      const message = await arrived(text);
      assert.deepEqual([message.channel, message.thread, message.user], [{ id: SAMPLE.channelId, type: 'channel', name: 'production' }, SAMPLE.thread, { id: SAMPLE.userId, name: 'alice' }]);
    }
    assert.deepEqual(env?.api.callsTo('GET /channels/:id').map((call) => call.path).sort(), [`/channels/${SAMPLE.channelId}`, `/channels/${SAMPLE.thread}`]);
  });

  it("takes channel names from the gateway's own cache without asking REST", async () => {
    const cached = '1100000000000000777';
    await start({ gateway: { guilds: [{ id: GUILD_ID, name: 'ops', channels: [{ id: cached, name: 'cached-room', type: 0 }] }] } });
    // GUILD_CREATE went out right after READY, on the same socket, before this message.
    await say({ channel: cached, text: 'from the cache' });
    assert.deepEqual((await arrived('from the cache')).channel, { id: cached, type: 'channel', name: 'cached-room' });
    assert.deepEqual(env?.api.callsTo('GET /channels/:id'), []);
  });

  it('strips the leading mention and reports a mention anywhere as kind mention', async () => {
    await start();
    await say({ text: 'restart the api', mention: true });
    await say({ text: `please <@!${BOT_USER_ID}> look`, extra: { mentions: [] } });
    await say({ text: 'no mention here' });
    assert.deepEqual([(await arrived('restart the api')).kind, (await arrived(`please <@!${BOT_USER_ID}> look`)).kind, (await arrived('no mention here')).kind], ['mention', 'mention', 'message']);
  });

  it('answers direct messages as a dm channel without a workspace', async () => {
    await start();
    await say({ channel: '1500000000000000002', guild: null, text: 'hello in private' });
    const message = await arrived('hello in private');
    assert.deepEqual([message.workspace, message.channel], [undefined, { id: '1500000000000000002', type: 'dm' }]);
  });

  it('ignores other bots, webhooks, system messages, empty content and deletes', async () => {
    await start();
    await say({ text: 'from another bot', extra: { author: { id: '1700000000000000001', username: 'ci', bot: true } } });
    await say({ text: 'from a webhook', extra: { webhook_id: '1700000000000000002' } });
    await say({ text: 'joined', extra: { type: 7 } });
    await say({ text: '' });
    await env?.deliver(gatewayEvent('MESSAGE_DELETE', { id: '1300000000000000001', channel_id: SAMPLE.channelId, guild_id: GUILD_ID }));
    await barrier();
    assert.deepEqual(texts(), []);
  });

  it('ignores edits unless ignore_edits is false, and never a link-preview update', async () => {
    const edit = (text: string, edited: string | null): Record<string, unknown> => messageCreate({ channel: SAMPLE.channelId, user: SAMPLE.userId, text, extra: { edited_timestamp: edited } });
    await start();
    await env?.deliver(gatewayEvent('MESSAGE_UPDATE', edit('edited while ignored', '2024-05-01T10:00:00.000000+00:00')));
    await barrier();
    assert.deepEqual(texts(), []);
    await env?.stop();
    await start({ config: { ignore_edits: false } });
    const edited = edit('edited and handled', '2024-05-01T10:00:00.000000+00:00');
    await env?.deliver(gatewayEvent('MESSAGE_UPDATE', edited));
    await env?.deliver(gatewayEvent('MESSAGE_UPDATE', edit('preview added', null)));
    const message = await arrived('edited and handled');
    assert.deepEqual([message.id, message.event], [`${String(edited.id)}:edit:2024-05-01T10:00:00.000000+00:00`, 'MESSAGE_UPDATE']);
    await barrier();
    assert.deepEqual(texts(), ['edited and handled']);
  });

  it('with messages: mentions, takes only mentions in guild channels, and every DM', async () => {
    await start({ config: { messages: 'mentions' } });
    await say({ text: 'chatter' });
    await say({ text: 'for the bot', mention: true });
    await say({ channel: '1500000000000000003', guild: null, text: 'private chatter' });
    await arrived('for the bot');
    await arrived('private chatter');
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.deepEqual(texts().sort(), ['for the bot', 'private chatter']);
  });

  it('serves only the configured guilds, and no DMs unless dms: true', async () => {
    await start({ config: { guilds: [GUILD_ID] } });
    await say({ guild: '1900000000000000001', text: 'other guild' });
    await say({ channel: '1500000000000000004', guild: null, text: 'a dm' });
    await say({ text: 'our guild' });
    await arrived('our guild');
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.deepEqual(texts(), ['our guild']);
    await env?.stop();
    await start({ config: { guilds: [GUILD_ID], dms: true } });
    await say({ channel: '1500000000000000004', guild: null, text: 'a dm' });
    await arrived('a dm');
  });
});

describe('Discord reactions from the gateway', () => {
  const reaction = (type: string, fields: Record<string, unknown>): ReturnType<typeof gatewayEvent> => gatewayEvent(type, {
    user_id: SAMPLE.userId, channel_id: SAMPLE.thread, message_id: '1300000000000000042', guild_id: GUILD_ID, emoji: { id: null, name: '✅' }, ...fields,
  });

  it('reports added and removed reactions on a message in a thread, custom emoji as name:id', async () => {
    await start();
    await env?.deliver(reaction('MESSAGE_REACTION_ADD', {}));
    await env?.deliver(reaction('MESSAGE_REACTION_REMOVE', { emoji: { id: '1600000000000000001', name: 'shipit' } }));
    const { kernel } = env ?? assert.fail('not started');
    const both = await waitFor('both reactions', () => (kernel.inbound.length >= 2 ? kernel.inbound : undefined));
    const byEvent = new Map(both.map((message) => [message.event, message]));
    assert.deepEqual(byEvent.get('MESSAGE_REACTION_ADD')?.reaction, { name: '✅', messageId: '1300000000000000042', removed: false });
    assert.deepEqual(byEvent.get('MESSAGE_REACTION_REMOVE')?.reaction, { name: 'shipit:1600000000000000001', messageId: '1300000000000000042', removed: true });
    for (const message of both) assert.deepEqual([message.channel.id, message.thread, message.user], [SAMPLE.channelId, SAMPLE.thread, { id: SAMPLE.userId, name: 'alice' }]);
  });

  it("ignores the bot's own reactions and other bots'", async () => {
    await start();
    await env?.deliver(reaction('MESSAGE_REACTION_ADD', { user_id: BOT_USER_ID }));
    await env?.deliver(reaction('MESSAGE_REACTION_ADD', { user_id: '1700000000000000001', member: { user: { id: '1700000000000000001', username: 'ci', bot: true } } }));
    await barrier();
    assert.deepEqual(env?.kernel.inbound.filter((message) => message.kind === 'reaction'), []);
  });
});
