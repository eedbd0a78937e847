import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, it } from 'node:test';
import type { InboundMessage } from '@aof/api';
import { deliverHttp, waitFor } from '@aof/testkit';
import { sharedFixturesDir } from '../../helpers/paths.js';
import { startSlack, type SlackTestEnv } from './harness.js';
import { FORM, interactionBody, nextEventId, signedRequest } from './slack-requests.js';

const slackDir = path.join(sharedFixturesDir, 'platforms', 'slack');
const aofDir = path.join(sharedFixturesDir, 'aof');

type Expected = Omit<InboundMessage, 'receivedAt' | 'raw'>;

/** What each official payload becomes; `ignored` where the fixture README says a bot must ignore it. */
const EXPECTED: Record<string, Expected | 'ignored' | { challenge: string } | 'signature vector'> = {
  'platforms/slack/event_callback_app_mention.json': {
    id: 'Ev123ABC456', platform: 'slack', workspace: 'T123ABC456',
    channel: { id: 'C123ABC456', type: 'channel', name: 'general' }, user: { id: 'U061F7AUR' },
    thread: '1515449522.000016', text: 'is it everything a river should be?', kind: 'mention', event: 'app_mention',
  },
  'platforms/slack/event_callback_message_channel.json': {
    id: 'Ev123ABC456', platform: 'slack', workspace: 'T123ABC456',
    channel: { id: 'C123ABC456', type: 'channel', name: 'general' }, user: { id: 'U123ABC456' },
    thread: '1355517523.000005', text: 'Live long and prospect.', kind: 'message', event: 'message',
  },
  'platforms/slack/event_callback_message_thread_reply.json': {
    id: 'Ev123ABC457', platform: 'slack', workspace: 'T123ABC456',
    channel: { id: 'C123ABC456', type: 'channel', name: 'general' }, user: { id: 'U222222222' },
    thread: '1355517523.000005', text: 'Replying in the thread.', kind: 'message', event: 'message',
  },
  'platforms/slack/event_callback_reaction_added.json': {
    id: 'Ev123ABC456', platform: 'slack', workspace: 'T123ABC456',
    channel: { id: 'C123ABC456', type: 'channel', name: 'general' }, user: { id: 'U123ABC456' },
    text: '', kind: 'reaction', event: 'reaction_added', reaction: { name: 'thumbsup', messageId: '1360782400.498405', removed: false },
  },
  'platforms/slack/event_callback_message_bot.json': 'ignored',
  'platforms/slack/event_callback_message_app_bot.json': 'ignored',
  'platforms/slack/event_callback_message_replied.json': 'ignored',
  'platforms/slack/url_verification.json': { challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P' },
  'platforms/slack/block_actions.json': {
    id: '12321423423.333649436676.d8c1bb837935619ccad0f624c448ffb3', platform: 'slack', workspace: 'T9TK3CUKW',
    channel: { id: 'CBR2V3XEX', type: 'channel', name: 'review-updates' }, user: { id: 'UA8RXUSPL', name: 'jtorrance' },
    text: '', kind: 'button', event: 'block_actions', action: { id: 'WaXA', value: 'click_me_123', messageId: '1548261231.000200' },
  },
  'platforms/slack/slash_command.txt': {
    id: '13345224609.738474920.8088930838d88f008e0', platform: 'slack', workspace: 'T0001',
    channel: { id: 'C2147483705', type: 'channel', name: 'test' }, user: { id: 'U2147483697', name: 'Steve' },
    // The command is the event; the text is its argument, what the agent reads.
    text: '94070', kind: 'command', event: '/weather',
  },
  'platforms/slack/signature_vector.json': 'signature vector',
  'aof/slack_message.json': {
    id: 'Ev1234567890', platform: 'slack', workspace: 'T12345678',
    channel: { id: 'C1234567890', type: 'channel' }, user: { id: 'U1234567890' },
    thread: '1638360000.000100', text: '/agent run test-bot hello', kind: 'message', event: 'message',
  },
  'aof/slack_url_verification.json': { challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P' },
};

function fixtureNames(): string[] {
  return [
    ...readdirSync(slackDir).map((file) => `platforms/slack/${file}`),
    ...readdirSync(aofDir).filter((file) => file.startsWith('slack_')).map((file) => `aof/${file}`),
  ].sort();
}

/**
 * The payload Slack posted, parsed: what `InboundMessage.raw` keeps for plugins. For an event it
 * is the whole Events API envelope (team, authorizations, event_id), not only the inner event.
 */
function payloadOf(name: string): Record<string, unknown> {
  const source = readFileSync(path.join(sharedFixturesDir, name), 'utf8');
  return name.endsWith('.txt') ? Object.fromEntries(new URLSearchParams(source)) : JSON.parse(source) as Record<string, unknown>;
}

/** How Slack would post the fixture: JSON events, the interactivity form, the slash-command form. */
function requestFor(name: string): { body: string; contentType: string } {
  const raw = readFileSync(path.join(sharedFixturesDir, name), 'utf8');
  if (name.endsWith('block_actions.json')) return { body: interactionBody(payloadOf(name)), contentType: FORM };
  if (name.endsWith('.txt')) return { body: raw, contentType: FORM };
  return { body: raw, contentType: 'application/json' };
}

function comparable(message: InboundMessage): Expected {
  const { receivedAt: _receivedAt, raw: _raw, ...rest } = message;
  return rest;
}

describe('Slack fixtures through the webhook', () => {
  let env: SlackTestEnv | undefined;
  afterEach(async () => {
    await env?.stop();
    env = undefined;
  });

  it('has an expectation for every Slack fixture', () => {
    assert.deepEqual(fixtureNames(), Object.keys(EXPECTED).sort());
  });

  for (const name of fixtureNames()) {
    const expected = EXPECTED[name];
    if (expected === undefined || expected === 'signature vector') continue;
    it(`${name} -> ${typeof expected === 'string' ? 'ignored' : 'challenge' in expected ? 'challenge answered' : `a ${expected.kind} InboundMessage`}`, async () => {
      // A kernel per fixture: several official payloads share one event_id, which dedupe would drop.
      env = await startSlack();
      const { body, contentType } = requestFor(name);
      const response = await deliverHttp(env.kernel.url, signedRequest(body, { contentType }));
      assert.equal(response.status, 200);
      if (typeof expected === 'object' && 'challenge' in expected) {
        assert.deepEqual(JSON.parse(response.body), expected);
        return;
      }
      if (expected === 'ignored') {
        await sendBarrier(env);
        assert.equal(env.kernel.inbound.length, 1, 'only the barrier message arrives');
        return;
      }
      const message = await waitFor('the fixture message', () => env?.kernel.inbound[0]);
      assert.deepEqual(comparable(message), expected);
      assert.equal(typeof message.receivedAt, 'number');
      assert.deepEqual(message.raw, payloadOf(name));
    });
  }
});

/** A fresh message whose arrival shows the one before it had its chance. */
async function sendBarrier(env: SlackTestEnv): Promise<void> {
  const body = JSON.stringify({
    type: 'event_callback', team_id: 'T123ABC456', event_id: nextEventId(),
    event: { type: 'message', channel: 'C123ABC456', user: 'U123ABC456', text: 'barrier', ts: '1.000001', channel_type: 'channel' },
  });
  await deliverHttp(env.kernel.url, signedRequest(body));
  await waitFor('the barrier', () => env.kernel.inbound.find((message) => message.text === 'barrier'));
}
