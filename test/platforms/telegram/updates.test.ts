import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { InboundMessage } from '@aof/api';
import { deliverHttp, waitFor } from '@aof/testkit';
import { SAMPLE, startTelegram, type TelegramTestEnv } from './harness.js';
import { BOT_ID, BOT_USER, callbackUpdate, messageUpdate, nextId, person, reactionUpdate, webhookRequest } from './telegram-requests.js';

const { channelId: chatId, userId } = SAMPLE;

describe('Telegram updates -> InboundMessage', () => {
  let env: TelegramTestEnv;
  before(async () => {
    env = await startTelegram();
  });
  after(() => env.stop());

  async function deliver(update: Record<string, unknown>): Promise<void> {
    assert.equal((await deliverHttp(env.kernel.url, webhookRequest(update))).status, 200);
  }

  async function arrival(update: Record<string, unknown>): Promise<InboundMessage> {
    await deliver(update);
    return waitFor(`update ${String(update.update_id)}`, () => env.kernel.inbound.find((message) => message.id === String(update.update_id)));
  }

  /** Delivers `update`, then a fresh message; once that one is in, `update` has had its chance. */
  async function assertIgnored(update: Record<string, unknown>): Promise<void> {
    await deliver(update);
    await arrival(messageUpdate({ chatId, userId, text: 'barrier' }));
    const id = String(update.update_id);
    assert.deepEqual(env.kernel.inbound.filter((message) => message.id === id || message.id.startsWith(`${id}:`)), []);
  }

  it('strips a leading @bot mention (any case, with punctuation) and reports a mention', async () => {
    const first = await arrival(messageUpdate({ chatId, userId, text: '@TestChatOpsBot, restart the api' }));
    const second = await arrival(messageUpdate({ chatId, userId, text: '@testchatopsbot status' }));
    assert.deepEqual([first.text, first.kind, second.text, second.kind], ['restart the api', 'mention', 'status', 'mention']);
  });

  it('keeps an inline mention in the text but still reports a mention; another name is a plain message', async () => {
    const inline = await arrival(messageUpdate({ chatId, userId, text: 'hey @TestChatOpsBot look at this' }));
    const other = await arrival(messageUpdate({ chatId, userId, text: '@TestChatOpsBotter hi @TestChatOpsBot_ too' }));
    assert.deepEqual([inline.text, inline.kind], ['hey @TestChatOpsBot look at this', 'mention']);
    assert.deepEqual([other.text, other.kind], ['@TestChatOpsBotter hi @TestChatOpsBot_ too', 'message']);
  });

  it('treats a reply to the bot as a mention in the thread of the replied message', async () => {
    const update = messageUpdate({ chatId, userId, text: 'and staging?', extra: { reply_to_message: { message_id: 880, from: BOT_USER, chat: { id: Number(chatId), type: 'supergroup' }, date: 0, text: 'done' } } });
    const message = await arrival(update);
    assert.deepEqual([message.kind, message.thread], ['mention', '880']);
  });

  it('ignores a command addressed to another bot, messages of other bots, automatic forwards and service messages', async () => {
    await assertIgnored(messageUpdate({ chatId, userId, text: '/deploy@OtherOpsBot prod' }));
    await assertIgnored(messageUpdate({ chatId, userId, text: 'I am a bot too', from: { id: 999, is_bot: true, first_name: 'Other', username: 'OtherOpsBot' } }));
    await assertIgnored(messageUpdate({ chatId, userId, text: 'channel post copy', extra: { is_automatic_forward: true } }));
    await assertIgnored(messageUpdate({ chatId, userId, text: '', extra: { text: undefined, new_chat_members: [person('4444')] } }));
    await assertIgnored({ update_id: nextId(), my_chat_member: { chat: { id: Number(chatId), type: 'supergroup' } } });
  });

  it('reads a caption as the text and a channel post as sent by the channel', async () => {
    const photo = await arrival(messageUpdate({ chatId, userId, text: '', extra: { text: undefined, caption: 'what is this graph?', photo: [{ file_id: 'f' }] } }));
    assert.equal(photo.text, 'what is this graph?');
    const channel = { id: -1009999, title: 'Ops alerts', username: 'ops_alerts', type: 'channel' };
    const post = await arrival(messageUpdate({ chatId, userId, text: 'disk full on db-1', field: 'channel_post', chat: channel, from: undefined, extra: { from: undefined, sender_chat: channel } }));
    // Public: named by its @username (unique, set by its admins); the title anyone could give a chat is only shown.
    assert.deepEqual([post.channel, post.user, post.event], [{ id: '-1009999', type: 'channel', name: '@ops_alerts', title: 'Ops alerts' }, { id: '-1009999', name: 'ops_alerts' }, 'channel_post']);
    // A group titled like that chat's handle is still only a title.
    const lookalike = await arrival(messageUpdate({ chatId: '-1004242', userId, text: 'hi', chat: { id: -1004242, title: '@ops_alerts', type: 'supergroup' } }));
    assert.deepEqual(lookalike.channel, { id: '-1004242', type: 'group', title: '@ops_alerts' });
  });

  it('answers a private chat in reply to the message, and names it nothing (its @username is the user\'s)', async () => {
    const dm = { id: Number(userId), first_name: 'Alice', username: 'alice', type: 'private' };
    const message = await arrival(messageUpdate({ chatId: userId, userId, text: 'hi', chat: dm }));
    assert.deepEqual(message.channel, { id: userId, type: 'dm' });
    assert.deepEqual(message.user, { id: userId, name: 'alice' });
    assert.equal(message.thread, String(message.id), 'update and message ids coincide in these updates');
  });

  it('splits a changed reaction into one removal and one addition', async () => {
    const update = reactionUpdate({ chatId, userId, messageId: '1367', old: ['👍'], emoji: ['👎'] });
    await deliver(update);
    const id = String(update.update_id);
    const changes = await waitFor('both changes', () => {
      const found = env.kernel.inbound.filter((message) => message.id.startsWith(`${id}:`));
      return found.length === 2 ? found : undefined;
    });
    assert.deepEqual(changes.map((message) => [message.id, message.kind, message.reaction]), [
      [`${id}:0`, 'reaction', { name: '👎', messageId: '1367', removed: false }],
      [`${id}:1`, 'reaction', { name: '👍', messageId: '1367', removed: true }],
    ]);
  });

  it('ignores reactions of anonymous admins and of bots, and updates that change nothing', async () => {
    const anonymous = reactionUpdate({ chatId, userId, messageId: '1367', emoji: ['👍'] });
    const reaction = anonymous.message_reaction as Record<string, unknown>;
    await assertIgnored({ ...anonymous, message_reaction: { ...reaction, user: undefined, actor_chat: { id: Number(chatId), type: 'supergroup' } } });
    await assertIgnored(reactionUpdate({ chatId, userId: String(BOT_ID), messageId: '1367', emoji: ['👍'] }));
    await assertIgnored(reactionUpdate({ chatId, userId, messageId: '1367', old: ['👍'], emoji: ['👍'] }));
  });

  it('reads callback data without a colon as the action id and keeps the thread of the clicked message', async () => {
    const click = await arrival(callbackUpdate({ chatId, userId, messageId: '990', data: 'refresh', thread: '4321' }));
    assert.deepEqual([click.kind, click.action, click.thread], ['button', { id: 'refresh', messageId: '990' }, '4321']);
  });
});

describe('Telegram group titles as names (platforms.telegram.match_titles)', () => {
  it('names a group by its title, with its @username as the handle, only when the operator opts in', async () => {
    const env = await startTelegram({ config: { match_titles: true } });
    try {
      const chat = { id: -1009999, title: 'Ops alerts', username: 'ops_alerts', type: 'supergroup' };
      await deliverHttp(env.kernel.url, webhookRequest(messageUpdate({ chatId: '-1009999', userId, text: 'disk full', chat })));
      const message = await waitFor('the message', () => env.kernel.inbound.find((m) => m.text === 'disk full'));
      assert.deepEqual(message.channel, { id: '-1009999', type: 'group', name: 'Ops alerts', handle: '@ops_alerts' });
    } finally {
      await env.stop();
    }
  });
});
