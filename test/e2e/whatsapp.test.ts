/**
 * WhatsApp end to end: a Cloud API webhook signed with X-Hub-Signature-256 reaches the real
 * daemon, is acked at once, routed by the group's name (`chat_names`), runs the fake kubectl in
 * the flow's sandbox and is answered from the receiving number, quoting the message the question
 * quoted, through the fake Graph API.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { WebhookRequest } from '@aof/testkit';
import { startFakeWhatsAppApi, type FakeWhatsAppApi } from '../fakes/whatsapp-api.js';
import {
  ACCESS_TOKEN,
  APP_SECRET,
  DISPLAY_NUMBER,
  PHONE_NUMBER_ID,
  signedRequest,
  textMessage,
  VERIFY_TOKEN,
  webhookBody,
} from '../platforms/whatsapp/whatsapp-requests.js';
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

/** Groups API groups, named in the fixture's `chat_names`. */
const GROUPS = { production: 'Y2FwaV9ncm91cDpwcm9kdWN0aW9u', staging: 'Y2FwaV9ncm91cDpzdGFnaW5n' } as const;
const USER = '16505550100';
/** The earlier message the question quotes: its thread. */
const THREAD = 'wamid.HBgLMTY1MDU1NTAxMDAVAgASGBQzQUJDMDAwMDAwMDAwMDAwMDAwMAA=';

/** `@<business number> kubectl get pods -n staging`, quoting THREAD, in `group`. */
function mentionIn(group: keyof typeof GROUPS, secret?: string): WebhookRequest {
  const body = webhookBody({ from: USER, groupId: GROUPS[group] }, [textMessage(`@${DISPLAY_NUMBER} ${COMMAND}`, { quoting: THREAD })]);
  return signedRequest(body, secret === undefined ? {} : { secret });
}

describe('WhatsApp end to end through the daemon', () => {
  let api: FakeWhatsAppApi;
  let t: E2eDaemon;
  const replies = (): number => api.sentMessages().length;

  before(async () => {
    api = await startFakeWhatsAppApi({ accessToken: ACCESS_TOKEN });
    t = await startE2eDaemon('whatsapp', {
      WHATSAPP_ACCESS_TOKEN: ACCESS_TOKEN,
      WHATSAPP_APP_SECRET: APP_SECRET,
      WHATSAPP_VERIFY_TOKEN: VERIFY_TOKEN,
      FAKE_WHATSAPP_URL: api.url,
    });
  });
  after(async () => {
    await t?.stop();
    await api?.close();
  });

  it('acks a mention in the production group at once, runs kubectl with the flow\'s KUBECONFIG and answers quoting the thread', async () => {
    const start = progress(t, replies);
    const ack = await deliverTimed(t, mentionIn('production'), replies);
    assertFastAck(ack, start);
    await assertKubectlRan(t, start, kubeconfigOf('whatsapp', 'production'));
    const reply = await waitForReply(() => api.sentMessages(), (sent) => sent.channelId === GROUPS.production);
    assert.equal(reply.thread, THREAD);
    const call = api.calls.at(-1);
    assert.equal(call?.phoneNumberId, PHONE_NUMBER_ID);
    assert.equal(call?.body.recipient_type, 'group');
    await assertRequestLine(t, start, { flow: 'whatsapp-prod-flow', platform: 'whatsapp', channel: 'production' });
  });

  it('refuses a forged X-Hub-Signature-256 with 401 and runs nothing; the next delivery, in the staging group, runs in the staging flow', async () => {
    const start = progress(t, replies);
    const forged = await deliverTimed(t, mentionIn('production', 'not-the-app-secret'), replies);
    assert.equal(forged.status, 401);
    assert.deepEqual(forged.atAck, start);
    assertFastAck(await deliverTimed(t, mentionIn('staging'), replies), start);
    await assertKubectlRan(t, start, kubeconfigOf('whatsapp', 'staging'));
    const reply = await waitForReply(() => api.sentMessages(), (sent) => sent.channelId === GROUPS.staging);
    assert.equal(reply.thread, THREAD);
    await assertRequestLine(t, start, { flow: 'whatsapp-staging-flow', platform: 'whatsapp', channel: 'staging' });
    assertOnlyBarrierRan(t, start, kubeconfigOf('whatsapp', 'staging'));
    assert.equal(api.sentMessages().length, start.replies + 1, 'one reply: the staging one');
  });
});
