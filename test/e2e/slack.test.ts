/**
 * Slack end to end: a signed Events API delivery reaches the real daemon, is acked at once,
 * routed by channel name (resolved through the fake Web API's conversations.info), runs the
 * fake kubectl in the flow's sandbox and is answered in the thread through chat.postMessage.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { WebhookRequest } from '@aof/testkit';
import { startFakeSlackApi, type FakeSlackApi } from '../fakes/slack-api.js';
import { BOT_TOKEN, BOT_USER_ID, eventEnvelope, messageEvent, SIGNING_SECRET, signedRequest, TEAM_ID } from '../platforms/slack/slack-requests.js';
import {
  assertFastAck,
  assertKubectlRan,
  assertOnlyBarrierRan,
  assertRequestLine,
  COMMAND,
  deliverTimed,
  kubeconfigOf,
  progress,
  startE2eDaemon,
  waitForReply,
  type E2eDaemon,
} from './support.js';

const CHANNELS = { production: 'C0PROD00001', staging: 'C0STAG00001' } as const;
const USER = 'U0ALICE0001';
/** The thread the question is asked in: the ts of an earlier message. */
const THREAD = '1700000000.000100';

/** `@bot kubectl get pods -n staging` in a thread of `channel`, as Slack posts an app_mention. */
function mentionIn(channel: string, secret?: string): WebhookRequest {
  const event = messageEvent({ type: 'app_mention', channel, user: USER, text: `<@${BOT_USER_ID}> ${COMMAND}`, thread: THREAD });
  return signedRequest(eventEnvelope(event), secret === undefined ? {} : { secret });
}

describe('Slack end to end through the daemon', () => {
  let api: FakeSlackApi;
  let t: E2eDaemon;
  const replies = (): number => api.sentMessages().length;

  before(async () => {
    api = await startFakeSlackApi({
      channels: { [CHANNELS.production]: 'production', [CHANNELS.staging]: 'staging' },
      users: { [USER]: 'alice' },
      bots: { [BOT_TOKEN]: { userId: BOT_USER_ID, teamId: TEAM_ID } },
    });
    t = await startE2eDaemon('slack', { SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, FAKE_SLACK_URL: api.url });
  });
  after(async () => {
    await t?.stop();
    await api?.close();
  });

  it('acks a mention in a #production thread at once, runs kubectl with the flow\'s KUBECONFIG and answers in the thread', async () => {
    const start = progress(t, replies);
    const ack = await deliverTimed(t, mentionIn(CHANNELS.production), replies);
    assertFastAck(ack, start);
    await assertKubectlRan(t, start, kubeconfigOf('slack', 'production'));
    const reply = await waitForReply(() => api.sentMessages(), (sent) => sent.channelId === CHANNELS.production);
    assert.equal(reply.thread, THREAD);
    assert.equal(api.callsTo('chat.postMessage').at(-1)?.token, BOT_TOKEN);
    await assertRequestLine(t, start, { flow: 'slack-prod-flow', platform: 'slack', channel: 'production' });
  });

  it('refuses a forged signature with 401 and runs nothing; the next signed mention, in #staging, runs in the staging flow', async () => {
    const start = progress(t, replies);
    const forged = await deliverTimed(t, mentionIn(CHANNELS.production, 'not-the-signing-secret'), replies);
    assert.equal(forged.status, 401);
    assert.deepEqual(forged.atAck, start);
    assertFastAck(await deliverTimed(t, mentionIn(CHANNELS.staging), replies), start);
    await assertKubectlRan(t, start, kubeconfigOf('slack', 'staging'));
    const reply = await waitForReply(() => api.sentMessages(), (sent) => sent.channelId === CHANNELS.staging);
    assert.equal(reply.thread, THREAD);
    await assertRequestLine(t, start, { flow: 'slack-staging-flow', platform: 'slack', channel: 'staging' });
    assertOnlyBarrierRan(t, start, kubeconfigOf('slack', 'staging'));
    assert.equal(api.sentMessages().length, start.replies + 1, 'one reply: the staging one');
  });
});
