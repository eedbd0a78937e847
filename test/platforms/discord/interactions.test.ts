import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { InboundMessage, SubmitResult } from '@aof/api';
import { waitFor } from '@aof/testkit';
import { buttonInteraction, commandInteraction, gatewayEvent, GUILD_ID, signedInteraction } from './discord-requests.js';
import { SAMPLE, startDiscord, type DiscordTestEnv } from './harness.js';

let env: DiscordTestEnv | undefined;

afterEach(async () => {
  await env?.stop();
  env = undefined;
});

async function command(text: string, fields: Partial<Parameters<typeof commandInteraction>[0]> = {}): Promise<{ response: unknown; message: InboundMessage }> {
  assert.ok(env !== undefined);
  const { kernel } = env;
  const body = commandInteraction({ channel: SAMPLE.channelId, user: SAMPLE.userId, name: 'aof', options: [{ name: 'request', value: text }], ...fields });
  const response = await env.deliver(signedInteraction(JSON.stringify(body)));
  assert.equal(response.status, 200);
  const message = await waitFor(text, () => kernel.inbound.find((candidate) => candidate.event === '/aof' && candidate.text === text));
  return { response: JSON.parse(response.body), message };
}

function reply(message: InboundMessage, text: string): Promise<unknown> {
  assert.ok(env !== undefined);
  return env.platform.send({ platform: 'discord', channelId: message.channel.id, ...(message.thread !== undefined && { thread: message.thread }), text, replyTo: message.id });
}

describe('Discord slash commands', () => {
  it('answers with a deferred response before the kernel has taken the command', async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const taken: InboundMessage[] = [];
    env = await startDiscord({ kernel: { inbound: { submit: async (message): Promise<SubmitResult> => {
      await held;
      taken.push(message);
      return { status: 'accepted', requestId: 'held' };
    } } } });
    const body = commandInteraction({ channel: SAMPLE.channelId, user: SAMPLE.userId, name: 'aof', options: [{ name: 'request', value: 'get pods' }] });
    const response = await env.deliver(signedInteraction(JSON.stringify(body)));
    assert.deepEqual([response.status, JSON.parse(response.body)], [200, { type: 5 }]);
    assert.deepEqual(taken, []);
    release();
    const message = await waitFor<InboundMessage>('the command', () => taken[0]);
    assert.equal(message.kind, 'command');
    assert.equal(message.text, 'get pods');
    assert.equal(message.event, '/aof');
    assert.deepEqual(message.channel, { id: SAMPLE.channelId, type: 'channel', name: 'production' });
  });

  it('replaces "thinking..." with the answer, then adds follow-ups; nothing goes to the channel', async () => {
    env = await startDiscord();
    const { message } = await command('status');
    await reply(message, 'first answer');
    await reply(message, `second answer\n${'x'.repeat(2_500)}`);
    const webhookCalls = env.api.calls.filter((call) => call.route.includes('/webhooks/'));
    assert.deepEqual(webhookCalls.map((call) => call.route), [
      'PATCH /webhooks/:id/:token/messages/@original',
      'POST /webhooks/:id/:token',
      'POST /webhooks/:id/:token',
    ]);
    assert.equal(webhookCalls[0]?.body?.content, 'first answer');
    const { token, application_id: applicationId } = message.raw as { token: string; application_id: string };
    assert.ok(webhookCalls.every((call) => call.path.startsWith(`/webhooks/${applicationId}/${token}`)));
    assert.ok(webhookCalls.every((call) => call.authorization === undefined), 'follow-ups authenticate with the interaction token alone');
    assert.deepEqual(env.api.sentMessages(), []);
    assert.ok(!env.kernel.logs.some((line) => line.includes(token)), 'the interaction token is not logged');
  });

  it('waits out a 429 on the follow-up, delivers once, and logs the route without the token', async () => {
    env = await startDiscord();
    const { message } = await command('busy');
    env.api.failNextWith429(1);
    await reply(message, 'answer after the limit');
    assert.equal(env.api.rateLimitedCount(), 1);
    const patches = env.api.callsTo('PATCH /webhooks/:id/:token/messages/@original');
    assert.deepEqual(patches.map((call) => call.body?.content), ['answer after the limit', 'answer after the limit']);
    const token = (message.raw as { token: string }).token;
    assert.ok(env.kernel.logs.some((line) => line.includes('Discord rate limit') && line.includes('/:token')));
    assert.ok(!env.kernel.logs.some((line) => line.includes(token)), 'the interaction token is not logged');
  });

  it('answers in the channel once the interaction token no longer works', async () => {
    env = await startDiscord();
    const { message } = await command('late');
    env.api.failNext('PATCH /webhooks/:id/:token/messages/@original', 404, 10015);
    await reply(message, 'answer after the token expired');
    assert.deepEqual(env.api.sentMessages().map((sent) => [sent.channelId, sent.text]), [[SAMPLE.channelId, 'answer after the token expired']]);
  });

  it('places a command in a thread from the channel Discord sends with it', async () => {
    env = await startDiscord();
    const channelObject = { id: SAMPLE.thread, type: 11, name: 'incident-42', parent_id: SAMPLE.channelId };
    const { message } = await command('in a thread', { channel: SAMPLE.thread, channelObject });
    assert.deepEqual([message.channel, message.thread], [{ id: SAMPLE.channelId, type: 'channel', name: 'production' }, SAMPLE.thread]);
    assert.deepEqual(env.api.callsTo('GET /channels/:id').map((call) => call.path), [`/channels/${SAMPLE.channelId}`]);
  });

  it('takes a command in a DM, where the user is not a guild member', async () => {
    env = await startDiscord();
    const { message } = await command('from a dm', { guild: null, channel: '1500000000000000001' });
    assert.deepEqual([message.workspace, message.channel, message.user], [undefined, { id: '1500000000000000001', type: 'dm' }, { id: SAMPLE.userId, name: 'alice' }]);
  });

  it('tells a guild it does not serve so, and clicks there are dropped', async () => {
    env = await startDiscord({ config: { guilds: ['1900000000000000001'] } });
    const body = commandInteraction({ channel: SAMPLE.channelId, user: SAMPLE.userId, name: 'aof', options: [{ name: 'request', value: 'x' }] });
    const refused = await env.deliver(signedInteraction(JSON.stringify(body)));
    assert.deepEqual(JSON.parse(refused.body), { type: 4, data: { content: 'This bot does not serve this server.', flags: 64 } });
    const click = await env.deliver(signedInteraction(JSON.stringify(buttonInteraction({ channel: SAMPLE.channelId, user: SAMPLE.userId, customId: 'aof_approve:a1', messageId: '1300000000000000001' }))));
    assert.deepEqual(JSON.parse(click.body), { type: 6 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.deepEqual(env.kernel.inbound, []);
  });
});

describe('Discord slash commands that cannot be read', () => {
  it('says so at once instead of "thinking..." when the command has no name or no channel', async () => {
    env = await startDiscord();
    const unreadable = 'I could not read this command (it lacks its user, channel or name). Try it again.';
    const nameless = commandInteraction({ channel: SAMPLE.channelId, user: SAMPLE.userId, name: 'aof' });
    delete (nameless.data as Record<string, unknown>).name;
    const channelless = commandInteraction({ channel: SAMPLE.channelId, user: SAMPLE.userId, name: 'aof' });
    delete channelless.channel_id;
    for (const body of [nameless, channelless]) {
      const response = await env.deliver(signedInteraction(JSON.stringify(body)));
      assert.equal(response.status, 200);
      assert.deepEqual(JSON.parse(response.body), { type: 4, data: { content: unreadable, flags: 64 } });
    }
    const { message } = await command('still read after them');
    assert.equal(message.text, 'still read after them');
    assert.equal(env.kernel.inbound.length, 1);
  });

  it('reads options three levels deep and no deeper, so a hostile nesting cannot exhaust the stack', async () => {
    env = await startDiscord();
    // Written as text: JSON.stringify itself recurses and would overflow first.
    const levels = 20_000;
    const nesting = `${'{"type":1,"name":"sub","options":['.repeat(levels)}{"type":3,"name":"leaf","value":"too deep"}${']}'.repeat(levels)}`;
    const deep = commandInteraction({ channel: SAMPLE.channelId, user: SAMPLE.userId, name: 'deep' });
    (deep.data as Record<string, unknown>).options = 'NESTING';
    const group = commandInteraction({ channel: SAMPLE.channelId, user: SAMPLE.userId, name: 'deploy' });
    (group.data as Record<string, unknown>).options = [
      { type: 2, name: 'app', options: [{ type: 1, name: 'web', options: [{ type: 3, name: 'env', value: 'staging' }] }] },
    ];
    for (const body of [JSON.stringify(deep).replace('"NESTING"', `[${nesting}]`), JSON.stringify(group)]) {
      const response = await env.deliver(signedInteraction(body));
      assert.deepEqual(JSON.parse(response.body), { type: 5 });
    }
    const { kernel } = env;
    const deployed = await waitFor('/deploy', () => kernel.inbound.find((message) => message.event === '/deploy'));
    assert.equal(deployed.text, 'app web staging');
    const nested = await waitFor('/deep', () => kernel.inbound.find((message) => message.event === '/deep'));
    assert.equal(nested.text, 'sub sub sub');
  });
});

describe('Discord interactions over the gateway', () => {
  it('acknowledges through the callback endpoint, then hands the command over', async () => {
    env = await startDiscord({ config: { public_key: undefined } });
    const body = commandInteraction({ channel: SAMPLE.channelId, user: SAMPLE.userId, name: 'aof', options: [{ name: 'request', value: 'over the gateway' }] });
    await env.deliver(gatewayEvent('INTERACTION_CREATE', body));
    const { kernel } = env;
    const message = await waitFor('the command', () => kernel.inbound.find((candidate) => candidate.text === 'over the gateway'));
    assert.equal(message.id, body.id);
    const callbacks = env.api.callsTo('POST /interactions/:id/:token/callback');
    assert.deepEqual(callbacks.map((call) => [call.path, call.body]), [[`/interactions/${String(body.id)}/${String(body.token)}/callback`, { type: 5 }]]);
  });

  it('drops an interaction whose acknowledgement Discord refused (another session took it)', async () => {
    env = await startDiscord({ config: { public_key: undefined } });
    env.api.failNext('POST /interactions/:id/:token/callback', 400, 40060);
    await env.deliver(gatewayEvent('INTERACTION_CREATE', buttonInteraction({ channel: SAMPLE.channelId, user: SAMPLE.userId, customId: 'aof_deny:a1', messageId: '1300000000000000001', guild: GUILD_ID })));
    const { kernel } = env;
    await waitFor('the refused acknowledgement', () => kernel.logs.find((line) => line.includes('could not acknowledge a Discord interaction')));
    assert.deepEqual(env.kernel.inbound, []);
  });
});
