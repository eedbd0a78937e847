import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { InboundMessage } from '@aof/api';
import { deliverHttp, waitFor } from '@aof/testkit';
import { SAMPLE, startWhatsApp, type StartWhatsAppOptions, type WhatsAppTestEnv } from './harness.js';
import { DISPLAY_NUMBER, nextWamid, nowSecs, reactionMessage, signedRequest, textMessage, webhookBody, type Sender } from './whatsapp-requests.js';

let env: WhatsAppTestEnv | undefined;

afterEach(async () => {
  await env?.stop();
  env = undefined;
});

async function start(options: StartWhatsAppOptions = {}): Promise<void> {
  env = await startWhatsApp(options);
}

/** Delivers one webhook body, then a barrier, and returns what the first one submitted. */
async function deliver(body: string): Promise<InboundMessage[]> {
  assert.ok(env !== undefined);
  const inbound = env.kernel.inbound;
  const before = inbound.length;
  const marker = `barrier-${nextWamid()}`;
  assert.equal((await deliverHttp(env.kernel.url, signedRequest(body))).status, 200);
  await deliverHttp(env.kernel.url, signedRequest(webhookBody({ from: SAMPLE.userId }, [textMessage(marker)])));
  await waitFor('the barrier', () => inbound.find((message) => message.text === marker));
  return inbound.slice(before).filter((message) => message.text !== marker);
}

const alice: Sender = { from: SAMPLE.userId, name: 'Alice Example' };

describe('WhatsApp message normalization', () => {
  it('strips a leading mention of the business number and reports a mention', async () => {
    await start();
    const [message] = await deliver(webhookBody(alice, [textMessage(`@${DISPLAY_NUMBER}, kubectl get pods`)]));
    assert.equal(message?.text, 'kubectl get pods');
    assert.equal(message?.kind, 'mention');
    // The profile name is whatever the sender typed: shown, never a name flows match.
    assert.deepEqual(message?.user, { id: SAMPLE.userId, displayName: 'Alice Example' });
  });

  it('keeps a mention of someone else', async () => {
    await start();
    const [message] = await deliver(webhookBody(alice, [textMessage('@16505559999 can you look?')]));
    assert.equal(message?.text, '@16505559999 can you look?');
    assert.equal(message?.kind, 'message');
  });

  it('threads on the quoted message, else on the message itself', async () => {
    await start();
    const quoting = nextWamid();
    const own = nextWamid();
    const messages = await deliver(webhookBody(alice, [textMessage('first', { quoting }), textMessage('second', { id: own })]));
    assert.deepEqual(messages.map((message) => [message.text, message.thread]), [['first', quoting], ['second', own]]);
  });

  it('reports a Groups API message in the group, written by its member', async () => {
    await start();
    const [message] = await deliver(webhookBody({ from: SAMPLE.userId, groupId: 'Y2FwaV9ncm91cDoxNzA1NTU1MDEzOTox' }, [textMessage('hello group')]));
    assert.deepEqual(message?.channel, { id: 'Y2FwaV9ncm91cDoxNzA1NTU1MDEzOTox', type: 'group' });
    assert.equal(message?.user.id, SAMPLE.userId);
  });

  it('ignores delivery statuses, other webhook fields and message types it does not handle', async () => {
    await start();
    const statuses = JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [{ id: '1', changes: [
        { field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: DISPLAY_NUMBER, phone_number_id: '1' }, statuses: [{ id: nextWamid(), status: 'read', recipient_id: SAMPLE.userId }] } },
        { field: 'account_update', value: { event: 'VERIFIED_ACCOUNT' } },
      ] }],
    });
    assert.deepEqual(await deliver(statuses), []);
    assert.deepEqual(await deliver(webhookBody(alice, [{ id: nextWamid(), type: 'image', image: { id: 'media-1', mime_type: 'image/jpeg' } }])), []);
    assert.deepEqual(await deliver(JSON.stringify({ object: 'page', entry: [] })), []);
  });

  it('keeps the messages of a delivery whose other items are malformed in any way JSON allows', async () => {
    await start();
    const body = JSON.parse(webhookBody(alice, [textMessage('kept despite its neighbours')])) as { entry: Array<{ changes: unknown[] }> };
    // String() throws on an object with a non-callable toString: one such field once cost the whole delivery.
    body.entry[0]?.changes.push({ field: { toString: 1 }, value: {} }, { field: ['messages'], value: null }, null, 'messages');
    body.entry.push({ changes: { toString: 1 } } as unknown as { changes: unknown[] });
    assert.deepEqual((await deliver(JSON.stringify(body))).map((message) => message.text), ['kept despite its neighbours']);
    assert.deepEqual(await deliver(JSON.stringify({ object: { toString: 1 }, entry: [] })), []);
  });

  it("ignores the business number's own messages", async () => {
    await start();
    assert.deepEqual(await deliver(webhookBody({ from: DISPLAY_NUMBER }, [textMessage('echo of our reply')])), []);
  });

  it('drops messages older than max_age_secs (a replay outlives the dedupe window) and keeps fresh ones', async () => {
    await start({ config: { max_age_secs: 600 } });
    const old = textMessage('two hours old', { timestamp: nowSecs() - 7_200 });
    const fresh = textMessage('just now');
    assert.deepEqual((await deliver(webhookBody(alice, [old, fresh]))).map((message) => message.text), ['just now']);
  });

  it('lets only allowed_chats through and names chats from chat_names', async () => {
    await start({ config: { allowed_chats: [Number(SAMPLE.channelId)], chat_names: { [SAMPLE.channelId]: 'oncall' } } });
    assert.deepEqual(await deliver(webhookBody({ from: '16505559999' }, [textMessage('not allowed')])), []);
    const [message] = await deliver(webhookBody(alice, [textMessage('allowed')]));
    assert.deepEqual(message?.channel, { id: SAMPLE.channelId, type: 'dm', name: 'oncall' });
  });
});

describe('WhatsApp reactions', () => {
  it('normalizes skin tones and names the emoji a removal takes back', async () => {
    await start();
    const target = nextWamid();
    const reactionId = nextWamid();
    const [added] = await deliver(webhookBody(alice, [reactionMessage(target, '👍🏽', reactionId)]));
    assert.deepEqual(added?.reaction, { name: '👍', messageId: target, removed: false });
    // Meta documents the removal with the same message id as the reaction.
    const [removed] = await deliver(webhookBody(alice, [reactionMessage(target, undefined, reactionId)]));
    assert.deepEqual(removed?.reaction, { name: '👍', messageId: target, removed: true });
    assert.equal(removed?.id, `${reactionId}:removed`);
  });

  it('takes back the emoji a new reaction replaces, first, since WhatsApp keeps one reaction per person and message', async () => {
    await start();
    const target = nextWamid();
    // Two people in one group, reacting to the same message.
    const group = 'Y2FwaV9ncm91cDoxNzA1NTU1MDEzOTox';
    const carol: Sender = { from: SAMPLE.userId, groupId: group };
    const bob: Sender = { from: '16505550199', groupId: group };
    assert.deepEqual((await deliver(webhookBody(carol, [reactionMessage(target, '✅')]))).map((message) => message.reaction), [
      { name: '✅', messageId: target, removed: false },
    ]);
    assert.equal((await deliver(webhookBody(bob, [reactionMessage(target, '👍')]))).length, 1, "bob's reaction replaces none of carol's");
    // Changing ✅ to 🎉 arrives as one new reaction: it must withdraw the approval ✅ gave.
    const replacing = nextWamid();
    const replaced = await deliver(webhookBody(carol, [reactionMessage(target, '🎉', replacing)]));
    assert.deepEqual(replaced.map((message) => [message.id, message.user.id, message.reaction]), [
      [`${replacing}:replaced`, SAMPLE.userId, { name: '✅', messageId: target, removed: true }],
      [replacing, SAMPLE.userId, { name: '🎉', messageId: target, removed: false }],
    ]);
    // The same emoji again (a skin tone is the same emoji) replaces nothing.
    assert.equal((await deliver(webhookBody(carol, [reactionMessage(target, '🎉')]))).length, 1);
    assert.equal((await deliver(webhookBody(bob, [reactionMessage(target, '👍🏽')]))).length, 1);
    const [removed] = await deliver(webhookBody(carol, [reactionMessage(target, undefined, replacing)]));
    assert.deepEqual(removed?.reaction, { name: '🎉', messageId: target, removed: true });
  });

  it('drops a redelivered reaction', async () => {
    await start();
    const body = webhookBody(alice, [reactionMessage(nextWamid(), '✅')]);
    assert.equal((await deliver(body)).length, 1);
    assert.equal((await deliver(body)).length, 0);
  });
});
