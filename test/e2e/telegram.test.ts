/**
 * Telegram end to end: a webhook update with the secret-token header reaches the real daemon, is
 * acked at once, routed by the group's public @username (never by a title, which anyone can
 * give a group), runs the fake kubectl in the flow's sandbox and is answered as a reply to the
 * message the question replied to, through the fake Bot API.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { waitFor, type WebhookRequest } from '@aof/testkit';
import { startFakeTelegramApi, type FakeTelegramApi } from '../fakes/telegram-api.js';
import { BOT_ID, BOT_TOKEN, BOT_USERNAME, messageUpdate, supergroup, WEBHOOK_SECRET, webhookRequest } from '../platforms/telegram/telegram-requests.js';
import {
  assertFastAck,
  assertKubectlRan,
  assertOnlyBarrierRan,
  assertRequestLine,
  COMMAND,
  deliverTimed,
  kubeconfigOf,
  progress,
  requestLines,
  startE2eDaemon,
  waitForReply,
  type E2eDaemon,
} from './support.js';

const CHATS = { production: '-1001000000001', staging: '-1001000000002' } as const;
const USER = '1111111';
/** The message the question replies to: its thread. */
const THREAD = '4321';

/** `@bot kubectl get pods -n staging` replying to THREAD in the public group @`name` (titled otherwise). */
function mentionIn(name: keyof typeof CHATS, secret?: string): WebhookRequest {
  const chatId = CHATS[name];
  const update = messageUpdate({ chatId, userId: USER, text: COMMAND, mention: true, thread: THREAD, chat: supergroup(chatId, `${name} team`, name) });
  return webhookRequest(update, secret === undefined ? {} : { secret });
}

describe('Telegram end to end through the daemon', () => {
  let api: FakeTelegramApi;
  let t: E2eDaemon;
  const replies = (): number => api.sentMessages().length;

  before(async () => {
    api = await startFakeTelegramApi({ token: BOT_TOKEN, bot: { id: BOT_ID, username: BOT_USERNAME } });
    t = await startE2eDaemon('telegram', { TELEGRAM_BOT_TOKEN: BOT_TOKEN, TELEGRAM_WEBHOOK_SECRET: WEBHOOK_SECRET, FAKE_TELEGRAM_URL: api.url });
  });
  after(async () => {
    await t?.stop();
    await api?.close();
  });

  it('acks a mention in the production group at once, runs kubectl with the flow\'s KUBECONFIG and replies to the thread', async () => {
    const start = progress(t, replies);
    const ack = await deliverTimed(t, mentionIn('production'), replies);
    assertFastAck(ack, start);
    await assertKubectlRan(t, start, kubeconfigOf('telegram', 'production'));
    const reply = await waitForReply(() => api.sentMessages(), (sent) => sent.channelId === CHATS.production);
    assert.equal(reply.thread, THREAD);
    const call = api.callsTo('sendMessage').at(-1);
    assert.deepEqual(call?.params.reply_parameters, { message_id: Number(THREAD), allow_sending_without_reply: true });
    await assertRequestLine(t, start, { flow: 'telegram-prod-flow', platform: 'telegram', channel: '@production' });
  });

  it('runs a bot command\'s argument text as the command: /aof@bot kubectl get pods -n staging runs kubectl get pods -n staging', async () => {
    const start = progress(t, replies);
    const chatId = CHATS.production;
    const update = messageUpdate({ chatId, userId: USER, text: `/aof@${BOT_USERNAME} ${COMMAND}`, thread: THREAD, chat: supergroup(chatId, 'production team', 'production') });
    assertFastAck(await deliverTimed(t, webhookRequest(update), replies), start);
    await assertKubectlRan(t, start, kubeconfigOf('telegram', 'production'));
    await waitForReply(() => api.sentMessages(), (sent) => sent.channelId === chatId && api.sentMessages().indexOf(sent) >= start.replies);
    await assertRequestLine(t, start, { flow: 'telegram-prod-flow', platform: 'telegram', channel: '@production' });
  });

  it('refuses a wrong secret token with 401 and runs nothing; the next update, in the staging group, runs in the staging flow', async () => {
    const start = progress(t, replies);
    const forged = await deliverTimed(t, mentionIn('production', 'not-the-webhook-secret'), replies);
    assert.equal(forged.status, 401);
    assert.deepEqual(forged.atAck, start);
    assertFastAck(await deliverTimed(t, mentionIn('staging'), replies), start);
    await assertKubectlRan(t, start, kubeconfigOf('telegram', 'staging'));
    const reply = await waitForReply(() => api.sentMessages(), (sent) => sent.channelId === CHATS.staging);
    assert.equal(reply.thread, THREAD);
    await assertRequestLine(t, start, { flow: 'telegram-staging-flow', platform: 'telegram', channel: '@staging' });
    assertOnlyBarrierRan(t, start, kubeconfigOf('telegram', 'staging'));
    assert.equal(api.sentMessages().length, start.replies + 1, 'one reply: the staging one');
  });

  it('drops a message in a group anyone titled "production": titles are not names', async () => {
    const start = progress(t, replies);
    const chatId = '-1009999999999';
    const impostor = messageUpdate({ chatId, userId: USER, text: COMMAND, mention: true, thread: THREAD, chat: supergroup(chatId, 'production') });
    assert.equal((await deliverTimed(t, webhookRequest(impostor), replies)).status, 200);
    const line = await waitFor('the request line', () => requestLines(t)[start.requests]);
    assert.deepEqual([line.status, line.flow, line.channel], ['dropped', null, 'production']);
    const barrier = progress(t, replies);
    assertFastAck(await deliverTimed(t, mentionIn('staging'), replies), barrier);
    await waitForReply(() => api.sentMessages(), (sent) => sent.channelId === CHATS.staging && api.sentMessages().indexOf(sent) >= start.replies);
    assertOnlyBarrierRan(t, start, kubeconfigOf('telegram', 'staging'));
  });
});
