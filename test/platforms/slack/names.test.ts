import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { InboundMessage } from '@aof/api';
import { deliverHttp, waitFor } from '@aof/testkit';
import { SAMPLE, startSlack, type SlackTestEnv } from './harness.js';
import { eventEnvelope, messageEvent, signedRequest } from './slack-requests.js';

let env: SlackTestEnv | undefined;

afterEach(async () => {
  await env?.stop();
  env = undefined;
});

async function say(channel: string, text: string): Promise<InboundMessage> {
  assert.ok(env !== undefined);
  const { kernel } = env;
  await deliverHttp(kernel.url, signedRequest(eventEnvelope(messageEvent({ channel, user: SAMPLE.userId, text }))));
  return waitFor(text, () => kernel.inbound.find((message) => message.text === text));
}

describe('Slack channel and user names', () => {
  it('resolves names through conversations.info and users.info once, then from the cache', async () => {
    env = await startSlack();
    const first = await say(SAMPLE.channelId, 'first');
    const second = await say(SAMPLE.channelId, 'second');
    for (const message of [first, second]) {
      assert.deepEqual(message.channel, { id: SAMPLE.channelId, type: 'channel', name: 'production' });
      assert.deepEqual(message.user, { id: SAMPLE.userId, name: 'alice' });
    }
    assert.equal(env.api.callsTo('conversations.info').length, 1);
    assert.equal(env.api.callsTo('users.info').length, 1);
    assert.equal(env.api.callsTo('auth.test').length, 1);
  });

  it('keeps the id when the lookup fails, and does not retry at once', async () => {
    env = await startSlack();
    env.api.failNext('conversations.info', 'missing_scope');
    const first = await say(SAMPLE.channelId, 'no scope');
    const second = await say(SAMPLE.channelId, 'still no scope');
    assert.deepEqual(first.channel, { id: SAMPLE.channelId, type: 'channel' });
    assert.deepEqual(second.channel, { id: SAMPLE.channelId, type: 'channel' });
    assert.equal(env.api.callsTo('conversations.info').length, 1);
    const unknown = await say('C0UNKNOWN01', 'unknown channel');
    assert.deepEqual(unknown.channel, { id: 'C0UNKNOWN01', type: 'channel' });
    const warnings = env.kernel.logs.filter((line) => line.includes('Slack lookup failed'));
    assert.equal(warnings.length, 2);
    assert.ok(warnings.every((line) => !line.includes('xoxb-')), 'the token is not logged');
  });

  it('makes no lookups with resolve_names: false', async () => {
    env = await startSlack({ config: { resolve_names: false } });
    const message = await say(SAMPLE.channelId, 'plain');
    assert.deepEqual(message.channel, { id: SAMPLE.channelId, type: 'channel' });
    assert.equal(env.api.callsTo('conversations.info').length + env.api.callsTo('users.info').length, 0);
  });
});
