import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, it } from 'node:test';
import type { InboundMessage } from '@aof/api';
import { deliverHttp, waitFor } from '@aof/testkit';
import { sharedFixturesDir } from '../../helpers/paths.js';
import { startWhatsApp, type WhatsAppTestEnv } from './harness.js';
import { handshakeRequest, signedRequest, textMessage, webhookBody } from './whatsapp-requests.js';

const whatsappDir = path.join(sharedFixturesDir, 'platforms', 'whatsapp');
const aofDir = path.join(sharedFixturesDir, 'aof');

type Expected = Omit<InboundMessage, 'receivedAt' | 'raw'>;

/** The profile name is the sender's own: shown, never matched. */
const SHEENA = { id: '16505551234', displayName: 'Sheena Nelson' };
const SHEENA_CHAT = { id: '16505551234', type: 'dm' } as const;
const REACTED_TO = 'wamid.HBgLMTQxMjU1NTA4MjkVAgASGBQzQUNCNjk5RDUwNUZGMUZEM0VBRAA=';
const BUTTONS_MESSAGE = 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI3MEM2RUJFNkI0RENGQTVDRjUA';

/** What each official payload becomes; `ignored` where the fixture README says a bot must ignore it. */
const EXPECTED: Record<string, Expected | 'ignored' | { challenge: string }> = {
  'platforms/whatsapp/webhook_text_message.json': {
    id: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=', platform: 'whatsapp', workspace: '106540352242922',
    channel: SHEENA_CHAT, user: SHEENA, thread: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=',
    text: 'Does it come in another color?', kind: 'message', event: 'text',
  },
  'platforms/whatsapp/webhook_reaction.json': {
    id: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0NDEzNDdFODU3MUMxMAA=', platform: 'whatsapp', workspace: '106540352242922',
    channel: SHEENA_CHAT, user: SHEENA, thread: REACTED_TO,
    text: '', kind: 'reaction', event: 'reaction', reaction: { name: '👍', messageId: REACTED_TO, removed: false },
  },
  'platforms/whatsapp/webhook_reaction_removed.json': {
    id: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0NDEzNDdFODU3MUMxMAA=:removed', platform: 'whatsapp', workspace: '106540352242922',
    channel: SHEENA_CHAT, user: SHEENA, thread: REACTED_TO,
    // Alone, the removal cannot say which emoji went (see the reaction-memory test for the pair).
    text: '', kind: 'reaction', event: 'reaction', reaction: { name: '', messageId: REACTED_TO, removed: true },
  },
  'platforms/whatsapp/webhook_interactive_button_reply.json': {
    id: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTZBQzg0MzQ4QjRCM0NGNkVGOAA=', platform: 'whatsapp', workspace: '106540352242922',
    channel: SHEENA_CHAT, user: SHEENA, thread: BUTTONS_MESSAGE,
    text: '', kind: 'button', event: 'interactive', action: { id: 'cancel-button', messageId: BUTTONS_MESSAGE },
  },
  'platforms/whatsapp/webhook_status_update.json': 'ignored',
  'platforms/whatsapp/verify_request.txt': { challenge: '1158201444' },
  'aof/whatsapp_message.json': {
    id: 'wamid.HBgNMTU1NTk4NzY1NDMVAgARGBI5OTZFMUE4RjRGQUIzRUQ3MTQA', platform: 'whatsapp', workspace: '987654321098765',
    channel: { id: '15559876543', type: 'dm' }, user: { id: '15559876543', displayName: 'John Doe' },
    thread: 'wamid.HBgNMTU1NTk4NzY1NDMVAgARGBI5OTZFMUE4RjRGQUIzRUQ3MTQA', text: '/agent run test-bot hello', kind: 'message', event: 'text',
  },
};

function fixtureNames(): string[] {
  return [
    ...readdirSync(whatsappDir).map((file) => `platforms/whatsapp/${file}`),
    ...readdirSync(aofDir).filter((file) => file.startsWith('whatsapp_')).map((file) => `aof/${file}`),
  ].sort();
}

function comparable(message: InboundMessage): Expected {
  const { receivedAt: _receivedAt, raw: _raw, ...rest } = message;
  return rest;
}

describe('WhatsApp fixtures through the webhook', () => {
  let env: WhatsAppTestEnv | undefined;
  afterEach(async () => {
    await env?.stop();
    env = undefined;
  });

  it('has an expectation for every WhatsApp fixture', () => {
    assert.deepEqual(fixtureNames(), Object.keys(EXPECTED).sort());
  });

  for (const name of fixtureNames()) {
    const expected = EXPECTED[name];
    if (expected === undefined) continue;
    const label = expected === 'ignored' ? 'ignored' : 'challenge' in expected ? 'the challenge answered' : `a ${expected.kind} InboundMessage`;
    it(`${name} -> ${label}`, async () => {
      // A kernel per fixture: two official payloads share one message id, which dedupe would drop.
      // The documented payloads are years old, so the age limit is off here.
      env = await startWhatsApp({ config: { verify_token: 'vibecoding', max_age_secs: 0 } });
      const raw = readFileSync(path.join(sharedFixturesDir, name), 'utf8');
      if (typeof expected === 'object' && 'challenge' in expected) {
        const response = await deliverHttp(env.kernel.url, handshakeRequest(raw.trim()));
        assert.deepEqual(response, { status: 200, body: expected.challenge });
        return;
      }
      const response = await deliverHttp(env.kernel.url, signedRequest(raw));
      assert.equal(response.status, 200);
      if (expected === 'ignored') {
        await sendBarrier(env);
        assert.equal(env.kernel.inbound.length, 1, 'only the barrier message arrives');
        return;
      }
      const message = await waitFor('the fixture message', () => env?.kernel.inbound[0]);
      assert.deepEqual(comparable(message), expected);
      assert.equal(typeof message.receivedAt, 'number');
      assert.ok(message.raw !== undefined, 'the payload is kept as raw');
    });
  }
});

/** A fresh message whose arrival shows the one before it had its chance. */
async function sendBarrier(env: WhatsAppTestEnv): Promise<void> {
  await deliverHttp(env.kernel.url, signedRequest(webhookBody({ from: '16505551234' }, [textMessage('barrier')])));
  await waitFor('the barrier', () => env.kernel.inbound.find((message) => message.text === 'barrier'));
}
