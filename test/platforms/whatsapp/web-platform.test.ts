import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { ErrorCode, isAofError } from '@aof/api';
import { APPROVAL_REACTIONS, WHATSAPP_MESSAGE_LIMIT } from '@aof/plugin-whatsapp';
import { waitFor } from '@aof/testkit';
import { SELF, startWeb, webMessage, type WebTestEnv } from './fake-web-client.js';
import { nowSecs } from './whatsapp-requests.js';

let env: WebTestEnv | undefined;

afterEach(async () => {
  await env?.stop();
  env = undefined;
});

async function connected(config: Parameters<typeof startWeb>[0] = {}): Promise<WebTestEnv> {
  env = await startWeb(config);
  env.current().connect();
  return env;
}

describe('WhatsApp web mode', () => {
  it('prints the login QR through the terminal seam and logs only that one is waiting', async () => {
    env = await startWeb();
    const qr = '2@Yx9kLoginSecretQrPayload==,aBcD,eFgH';
    env.current().emit('qr', qr);
    assert.deepEqual(env.qrs, [qr]);
    const lines = env.logs.map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.ok(lines.some((line) => line.level === 'info' && String(line.msg).includes('scan the QR code')));
    assert.ok(!env.logs.some((line) => line.includes('LoginSecret')), 'the QR string reached the log');
  });

  it('hands received messages to the kernel, with the group subject as title, the quoted message as thread, once', async () => {
    const { current, recording } = await connected();
    const client = current();
    client.chats['120363000000000001@g.us'] = { name: 'prod-oncall', isGroup: true };
    const message = webMessage({
      from: '120363000000000001@g.us',
      author: '16505550101@c.us',
      body: `@${SELF} rollout status`,
      mentionedIds: [`${SELF}@c.us`],
      hasQuotedMsg: true,
      getQuotedMessage: async () => ({ id: { _serialized: 'true_120363000000000001@g.us_QUOTED', fromMe: true } }),
    });
    client.emit('message', message);
    client.emit('message', message);
    const got = await waitFor('the web message', () => recording.messages[0]);
    // Anyone can create a group with any subject and add the number: shown, never a name flows match.
    assert.deepEqual(got.channel, { id: '120363000000000001@g.us', type: 'group', title: 'prod-oncall' });
    assert.deepEqual([got.text, got.kind, got.thread, got.workspace], ['rollout status', 'mention', 'true_120363000000000001@g.us_QUOTED', SELF]);
    client.emit('message', webMessage({ body: 'barrier' }));
    await waitFor('the barrier', () => recording.messages.find((candidate) => candidate.text === 'barrier'));
    assert.equal(recording.messages.filter((candidate) => candidate.id === message.id._serialized).length, 1, 'the duplicate was dropped');
  });

  it('names a group by chat_names, the operator\'s, whatever its subject says', async () => {
    const { current, recording } = await connected({ chat_names: { '120363000000000002@g.us': 'prod-oncall' } });
    current().chats['120363000000000002@g.us'] = { name: 'something else', isGroup: true };
    current().emit('message', webMessage({ from: '120363000000000002@g.us', author: '16505550101@c.us', body: 'status' }));
    const got = await waitFor('the web message', () => recording.messages.find((message) => message.text === 'status'));
    assert.deepEqual(got.channel, { id: '120363000000000002@g.us', type: 'group', name: 'prod-oncall' });
  });

  it('honours allowed_chats given as bare numbers', async () => {
    const { current, recording } = await connected({ allowed_chats: ['16505550100'] });
    current().emit('message', webMessage({ from: '16505559999@c.us', body: 'stranger' }));
    current().emit('message', webMessage({ body: 'friend' }));
    await waitFor('the allowed message', () => recording.messages.find((message) => message.text === 'friend'));
    assert.equal(recording.messages.some((message) => message.text === 'stranger'), false);
  });

  it('replies in the chat quoting the thread, split under the limit, without link previews', async () => {
    const { current, platform } = await connected();
    const sent = await platform.send({ platform: 'whatsapp', channelId: '16505550100', thread: 'false_16505550100@c.us_ASK', text: `**Done**\n${'row\n'.repeat(2_500)}` });
    const posts = current().sent;
    assert.ok(posts.length >= 2);
    assert.equal(sent.messageId, 'true_16505550100@c.us_SENT1');
    assert.equal(sent.channelId, '16505550100');
    for (const post of posts) {
      assert.equal(post.chatId, '16505550100@c.us');
      assert.deepEqual(post.options, { linkPreview: false, quotedMessageId: 'false_16505550100@c.us_ASK' });
      assert.ok(post.content.length <= WHATSAPP_MESSAGE_LIMIT);
    }
    assert.match(posts[0]?.content ?? '', /^\*Done\*\nrow/);
  });

  it('waits for the session to be ready before sending', async () => {
    env = await startWeb();
    const pending = env.platform.send({ platform: 'whatsapp', channelId: '120363000000000001@g.us', text: 'queued' });
    env.current().connect();
    await pending;
    assert.deepEqual(env.current().sent.map((post) => post.chatId), ['120363000000000001@g.us']);
  });

  it('posts reaction approvals and reports the vote and its removal, naming the emoji', async () => {
    const { current, platform, recording } = await connected();
    assert.deepEqual(platform.approvalModes, ['reaction']);
    const sent = await platform.postApprovalRequest?.({ channelId: '16505550100', text: 'Approve `kubectl delete pod x`?', approvalId: 'ap-1', mode: 'reaction' });
    assert.ok(sent !== undefined);
    assert.deepEqual(current().reactions, [
      { messageId: sent.messageId, reaction: APPROVAL_REACTIONS.approve[0] },
      { messageId: sent.messageId, reaction: APPROVAL_REACTIONS.deny[0] },
    ]);
    const vote = (emoji: string) => ({
      id: { _serialized: 'false_16505550100@c.us_3EB0VOTE', fromMe: false },
      msgId: { _serialized: sent.messageId, fromMe: true, remote: '16505550100@c.us' },
      reaction: emoji, senderId: '16505550100@c.us', timestamp: nowSecs(),
    });
    current().emit('message_reaction', vote('✅'));
    await waitFor('the vote', () => recording.messages.find((message) => message.reaction?.removed === false));
    current().emit('message_reaction', vote(''));
    const removal = await waitFor('the removal', () => recording.messages.find((message) => message.reaction?.removed === true));
    assert.deepEqual(removal.reaction, { name: '✅', messageId: sent.messageId, removed: true });
  });

  it('posts a reaction approval of 4,096 characters whole, and refuses one of 4,097, sending nothing: a cut one would hide what runs', async () => {
    const { current, platform } = await connected();
    const request = (length: number): string => `${'x'.repeat(length - 10)} tail-end!`;
    await platform.postApprovalRequest?.({ channelId: '16505550100', text: request(WHATSAPP_MESSAGE_LIMIT), approvalId: 'ap-2', mode: 'reaction' });
    assert.deepEqual(current().sent.map((post) => post.content), [request(WHATSAPP_MESSAGE_LIMIT)]);
    const reactions = current().reactions.length;
    await assert.rejects(platform.postApprovalRequest?.({ channelId: '16505550100', text: request(WHATSAPP_MESSAGE_LIMIT + 1), approvalId: 'ap-3', mode: 'reaction' }) ?? Promise.resolve(), (error: unknown) => {
      assert.ok(isAofError(error, ErrorCode.APPROVAL_TOO_LONG), String(error));
      assert.deepEqual(error.details, { platform: 'WhatsApp', mode: 'reaction', length: WHATSAPP_MESSAGE_LIMIT + 1, limit: WHATSAPP_MESSAGE_LIMIT });
      return true;
    });
    assert.equal(current().sent.length, 1);
    assert.equal(current().reactions.length, reactions);
  });
});
