import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, it } from 'node:test';
import type { InboundMessage } from '@aof/api';
import { deliverHttp, waitFor } from '@aof/testkit';
import { sharedFixturesDir } from '../../helpers/paths.js';
import { startTelegram, type TelegramTestEnv } from './harness.js';
import { messageUpdate, webhookRequest } from './telegram-requests.js';

type Expected = Omit<InboundMessage, 'receivedAt' | 'raw'>;

/** A group without a public @username: its title is shown, never matched by flows. */
const testGroup = { id: '-987654321', type: 'group', title: 'Test group' } as const;
const testUser = { id: '1111111', name: 'Testusername' };

/** What each official payload becomes; `ignored` where the fixture README says a bot must ignore it. */
const EXPECTED: Record<string, Expected | 'ignored'> = {
  // Inline mode: inline_message_id and no message, so no chat to answer in.
  'platforms/telegram/update_callback_query.json': 'ignored',
  'platforms/telegram/update_callback_query_message.json': {
    id: '10002', platform: 'telegram', channel: testGroup, user: testUser,
    text: '', kind: 'button', event: 'callback_query', action: { id: 'approve', value: '42', messageId: '1367' },
  },
  // ignore_edits is true by default; tested with false below.
  'platforms/telegram/update_edited_message.json': 'ignored',
  'platforms/telegram/update_message_group.json': {
    id: '10001', platform: 'telegram', channel: testGroup, user: testUser,
    thread: '1366', text: 'staging', kind: 'command', event: '/deploy',
  },
  'platforms/telegram/update_message_private.json': {
    id: '10000', platform: 'telegram', channel: { id: '1111111', type: 'dm' }, user: testUser,
    thread: '1365', text: '', kind: 'command', event: '/start',
  },
  'platforms/telegram/update_message_reaction.json': {
    id: '10003', platform: 'telegram', channel: testGroup, user: testUser,
    text: '', kind: 'reaction', event: 'message_reaction', reaction: { name: '👍', messageId: '1367', removed: false },
  },
  'aof/telegram_text.json': {
    id: '123456789', platform: 'telegram', channel: { id: '987654321', type: 'dm' }, user: { id: '987654321', name: 'johndoe' },
    thread: '1001', text: 'run test-bot hello', kind: 'command', event: '/agent',
  },
};

function fixtureNames(): string[] {
  return [
    ...readdirSync(path.join(sharedFixturesDir, 'platforms', 'telegram')).map((file) => `platforms/telegram/${file}`),
    ...readdirSync(path.join(sharedFixturesDir, 'aof')).filter((file) => file.startsWith('telegram_')).map((file) => `aof/${file}`),
  ].sort();
}

function readFixture(name: string): string {
  return readFileSync(path.join(sharedFixturesDir, name), 'utf8');
}

function comparable(message: InboundMessage): Expected {
  const { receivedAt: _receivedAt, raw: _raw, ...rest } = message;
  return rest;
}

describe('Telegram fixtures through the webhook', () => {
  let env: TelegramTestEnv | undefined;
  afterEach(async () => {
    await env?.stop();
    env = undefined;
  });

  it('has an expectation for every Telegram fixture', () => {
    assert.deepEqual(fixtureNames(), Object.keys(EXPECTED).sort());
  });

  for (const name of fixtureNames()) {
    const expected = EXPECTED[name];
    if (expected === undefined) continue;
    it(`${name} -> ${expected === 'ignored' ? 'ignored' : `a ${expected.kind} InboundMessage`}`, async () => {
      // A kernel per fixture: several official payloads share update_id 10000, which dedupe would drop.
      env = await startTelegram();
      const response = await deliverHttp(env.kernel.url, webhookRequest(readFixture(name)));
      assert.equal(response.status, 200);
      if (expected === 'ignored') {
        await sendBarrier(env);
        assert.equal(env.kernel.inbound.length, 1, 'only the barrier message arrives');
        assert.deepEqual(env.api.callsTo('answerCallbackQuery'), []);
        return;
      }
      const message = await waitFor('the fixture message', () => env?.kernel.inbound[0]);
      assert.deepEqual(comparable(message), expected);
      assert.equal(typeof message.receivedAt, 'number');
      assert.deepEqual(message.raw, JSON.parse(readFixture(name)));
    });
  }

  it('answers the button click of update_callback_query_message.json so the client stops its spinner', async () => {
    env = await startTelegram();
    await deliverHttp(env.kernel.url, webhookRequest(readFixture('platforms/telegram/update_callback_query_message.json')));
    const answer = await waitFor('answerCallbackQuery', () => env?.api.callsTo('answerCallbackQuery')[0]);
    assert.equal(answer.params.callback_query_id, '4382bfdwdsb323b2e0');
  });

  it('handles update_edited_message.json as a message when ignore_edits is false', async () => {
    env = await startTelegram({ config: { ignore_edits: false } });
    await deliverHttp(env.kernel.url, webhookRequest(readFixture('platforms/telegram/update_edited_message.json')));
    const message = await waitFor('the edit', () => env?.kernel.inbound[0]);
    assert.deepEqual(comparable(message), {
      id: '10000', platform: 'telegram', channel: { id: '1111111', type: 'dm' }, user: testUser,
      thread: '1365', text: 'Edited text', kind: 'message', event: 'edited_message',
    });
  });
});

/** A fresh message whose arrival shows the one before it had its chance. */
async function sendBarrier(env: TelegramTestEnv): Promise<void> {
  await deliverHttp(env.kernel.url, webhookRequest(messageUpdate({ chatId: '-987654321', userId: '1111111', text: 'barrier' })));
  await waitFor('the barrier', () => env.kernel.inbound.find((message) => message.text === 'barrier'));
}
