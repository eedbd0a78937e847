import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, it } from 'node:test';
import type { InboundMessage } from '@aof/api';
import { waitFor } from '@aof/testkit';
import { sharedFixturesDir } from '../../helpers/paths.js';
import { gatewayEvent, messageCreate, signedInteraction } from './discord-requests.js';
import { SAMPLE, startDiscord, type DiscordTestEnv } from './harness.js';

const discordDir = path.join(sharedFixturesDir, 'platforms', 'discord');
const aofDir = path.join(sharedFixturesDir, 'aof');

type Expected = Omit<InboundMessage, 'receivedAt' | 'raw'>;
interface Case {
  /** The HTTP answer Discord gets; absent for gateway events. */
  response?: Record<string, unknown>;
  /** What reaches the kernel; `ignored` where the fixture README says a bot must ignore it. */
  inbound: Expected | 'ignored' | 'nothing';
}

const GUILD = '290926798626357999';
const MASON = { id: '53908232506183680', name: 'Mason' };

/** What each payload becomes. Gateway fixtures go through the fake gateway, interactions through the signed endpoint. */
const EXPECTED: Record<string, Case> = {
  'platforms/discord/gateway_message_create.json': {
    inbound: {
      id: '334385199974967042', platform: 'discord', workspace: GUILD,
      channel: { id: '290926798999357250', type: 'channel', name: 'general' }, user: { id: '53908099506183680', name: 'Mason' },
      text: 'Supa Hot', kind: 'message', event: 'MESSAGE_CREATE',
    },
  },
  'platforms/discord/gateway_message_create_bot.json': { inbound: 'ignored' },
  'platforms/discord/gateway_message_reaction_add.json': {
    inbound: {
      id: '334385199974967042:53908232506183680:🔥:add', platform: 'discord', workspace: GUILD,
      channel: { id: '290926798999357250', type: 'channel', name: 'general' }, user: MASON,
      text: '', kind: 'reaction', event: 'MESSAGE_REACTION_ADD', reaction: { name: '🔥', messageId: '334385199974967042', removed: false },
    },
  },
  'platforms/discord/interaction_ping.json': { response: { type: 1 }, inbound: 'nothing' },
  'platforms/discord/interaction_application_command.json': {
    response: { type: 5 },
    inbound: {
      id: '786008729715212338', platform: 'discord', workspace: GUILD,
      channel: { id: '645027906669510667', type: 'channel', name: 'card-games' }, user: MASON,
      text: 'The Gitrog Monster', kind: 'command', event: '/cardsearch',
    },
  },
  'platforms/discord/interaction_message_component.json': {
    response: { type: 6 },
    inbound: {
      id: '846462639134605312', platform: 'discord', workspace: GUILD,
      channel: { id: '345626669114982999', type: 'channel', name: 'buttons' }, user: MASON,
      text: '', kind: 'button', event: 'MESSAGE_COMPONENT', action: { id: 'click_one', messageId: '844397162624450620' },
    },
  },
  'aof/discord_interaction.json': {
    response: { type: 5 },
    inbound: {
      // The channel is unknown to the fake API: the lookup fails and the id stays.
      id: '1234567890123456789', platform: 'discord', workspace: '2222222222222222222',
      channel: { id: '3333333333333333333', type: 'channel' }, user: { id: '4444444444444444444', name: 'testuser' },
      text: 'test-bot hello', kind: 'command', event: '/agent',
    },
  },
};

function fixtureNames(): string[] {
  return [
    ...readdirSync(discordDir).map((file) => `platforms/discord/${file}`),
    ...readdirSync(aofDir).filter((file) => file.startsWith('discord_')).map((file) => `aof/${file}`),
  ].sort();
}

function comparable(message: InboundMessage): Expected {
  const { receivedAt: _receivedAt, raw: _raw, ...rest } = message;
  return rest;
}

describe('Discord fixtures through the gateway and the interactions endpoint', () => {
  let env: DiscordTestEnv | undefined;
  afterEach(async () => {
    await env?.stop();
    env = undefined;
  });

  it('has an expectation for every Discord fixture', () => {
    assert.deepEqual(fixtureNames(), Object.keys(EXPECTED).sort());
  });

  for (const name of fixtureNames()) {
    const expected = EXPECTED[name];
    if (expected === undefined) continue;
    const outcome = typeof expected.inbound === 'string' ? expected.inbound : `a ${expected.inbound.kind} InboundMessage`;
    it(`${name} -> ${outcome}`, async () => {
      env = await startDiscord();
      const raw = readFileSync(path.join(sharedFixturesDir, name), 'utf8');
      if (expected.response === undefined) {
        const packet = JSON.parse(raw) as { t: string; d: unknown };
        await env.deliver(gatewayEvent(packet.t, packet.d));
      } else {
        // The endpoint verifies the exact bytes: the fixture is posted as it is on disk.
        const response = await env.deliver(signedInteraction(raw));
        assert.equal(response.status, 200);
        assert.deepEqual(JSON.parse(response.body), expected.response);
      }
      if (typeof expected.inbound === 'string') {
        await sendBarrier(env);
        assert.deepEqual(env.kernel.inbound.map((message) => message.text), ['barrier'], 'only the barrier message arrives');
        return;
      }
      const message = await waitFor('the fixture message', () => env?.kernel.inbound[0]);
      assert.deepEqual(comparable(message), expected.inbound);
      assert.equal(typeof message.receivedAt, 'number');
      assert.ok(message.raw !== undefined, 'the payload is kept');
    });
  }
});

/** A fresh message whose arrival shows the one before it had its chance. */
async function sendBarrier(env: DiscordTestEnv): Promise<void> {
  await env.deliver(gatewayEvent('MESSAGE_CREATE', messageCreate({ channel: SAMPLE.channelId, user: SAMPLE.userId, text: 'barrier' })));
  await waitFor('the barrier', () => env.kernel.inbound.find((message) => message.text === 'barrier'));
  await new Promise((resolve) => setTimeout(resolve, 50));
}
