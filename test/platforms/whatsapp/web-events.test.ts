import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normalizeWebMessage, normalizeWebReaction, type WebReaction } from '@aof/plugin-whatsapp';
import { SELF, webMessage } from './fake-web-client.js';
import { nowSecs } from './whatsapp-requests.js';

const context = { self: SELF, receivedAt: Date.now(), maxAgeMs: 3_600_000 };

describe('web-mode message normalization', () => {
  it('turns a direct text message into the InboundMessage Cloud API mode would give', () => {
    const message = webMessage({ body: '  kubectl get pods  ' });
    const result = normalizeWebMessage(message, undefined, context);
    assert.ok('message' in result);
    const { raw, ...rest } = result.message;
    assert.deepEqual(rest, {
      id: message.id._serialized, platform: 'whatsapp', workspace: SELF,
      channel: { id: '16505550100', type: 'dm' }, user: { id: '16505550100', displayName: 'Alice Example' },
      thread: message.id._serialized, text: 'kubectl get pods', kind: 'message', event: 'chat', receivedAt: context.receivedAt,
    });
    assert.deepEqual(raw, { notifyName: 'Alice Example' }, 'raw is the plain message data, not the client object');
  });

  it('in a group: the group is the channel, the author the user, a mention of the linked number is stripped, a quote is the thread', () => {
    const message = webMessage({
      from: '120363000000000001@g.us',
      author: '16505550101@c.us',
      body: `@${SELF} restart api`,
      mentionedIds: [`${SELF}@c.us`],
    });
    const result = normalizeWebMessage(message, 'true_120363000000000001@g.us_QUOTED', context);
    assert.ok('message' in result);
    assert.deepEqual(result.message.channel, { id: '120363000000000001@g.us', type: 'group' });
    assert.equal(result.message.user.id, '16505550101');
    assert.equal(result.message.text, 'restart api');
    assert.equal(result.message.kind, 'mention');
    assert.equal(result.message.thread, 'true_120363000000000001@g.us_QUOTED');
  });

  it('keeps a leading @number that is not a mention of the linked account', () => {
    const result = normalizeWebMessage(webMessage({ body: `@${SELF} hi`, mentionedIds: ['16505559999@c.us'] }), undefined, context);
    assert.ok('message' in result);
    assert.equal(result.message.text, `@${SELF} hi`);
    assert.equal(result.message.kind, 'message');
  });

  const ignored: Array<[string, Parameters<typeof webMessage>[0], string]> = [
    ['own messages', { body: 'sent by us', fromMe: true }, 'own message'],
    ['status updates', { body: 'my status', from: 'status@broadcast', isStatus: true }, 'status or broadcast'],
    ['media and other types', { body: '', type: 'image' }, 'message type image'],
    ['messages from a backlog older than max_age_secs', { body: 'old', timestamp: nowSecs() - 7_200 }, 'older than max_age_secs'],
    ['messages written from the linked phone in a group', { body: 'me', from: '120363000000000001@g.us', author: `${SELF}@c.us` }, 'own message'],
  ];
  for (const [label, fields, reason] of ignored) {
    it(`ignores ${label}`, () => assert.deepEqual(normalizeWebMessage(webMessage(fields), undefined, context), { ignored: reason }));
  }
});

describe('web-mode reaction normalization', () => {
  const reaction = (emoji: string, fields: Partial<WebReaction> = {}): WebReaction => ({
    id: { _serialized: 'false_16505550100@c.us_3EB0REACT', fromMe: false },
    msgId: { _serialized: 'true_16505550100@c.us_SENT1', fromMe: true, remote: '16505550100@c.us' },
    reaction: emoji,
    senderId: '16505550100@c.us',
    timestamp: nowSecs(),
    ...fields,
  });

  it('reports who reacted with which emoji on which message', () => {
    const result = normalizeWebReaction(reaction('👍🏻'), context);
    assert.ok('message' in result);
    assert.equal(result.message.kind, 'reaction');
    assert.deepEqual(result.message.reaction, { name: '👍', messageId: 'true_16505550100@c.us_SENT1', removed: false });
    assert.deepEqual(result.message.channel, { id: '16505550100', type: 'dm' });
    assert.equal(result.message.user.id, '16505550100');
  });

  it('reports an empty emoji as a removal with its own id, and reads a wid-object chat', () => {
    const result = normalizeWebReaction(reaction('', { msgId: { _serialized: 'x_1', fromMe: true, remote: { _serialized: '120363000000000001@g.us' } } }), context);
    assert.ok('message' in result);
    assert.equal(result.message.id, 'false_16505550100@c.us_3EB0REACT:removed');
    assert.equal(result.message.reaction?.removed, true);
    assert.deepEqual(result.message.channel, { id: '120363000000000001@g.us', type: 'group' });
  });

  it("ignores the bot's own approval reactions", () => {
    assert.deepEqual(normalizeWebReaction(reaction('✅', { id: { _serialized: 'true_x_R', fromMe: true } }), context), { ignored: 'own reaction' });
    assert.deepEqual(normalizeWebReaction(reaction('✅', { senderId: `${SELF}@c.us` }), context), { ignored: 'own reaction' });
  });
});
