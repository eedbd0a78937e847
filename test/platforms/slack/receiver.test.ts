import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { InboundMessage, SubmitResult } from '@aof/api';
import { deliverHttp, waitFor } from '@aof/testkit';
import { SAMPLE, startSlack, type SlackTestEnv } from './harness.js';
import {
  BOT_TOKEN,
  BOT_USER_ID,
  eventEnvelope,
  messageEvent,
  nowSecs,
  SIGNING_SECRET,
  signedRequest,
  unsignedRequest,
  WEBHOOK_PATH,
} from './slack-requests.js';

let env: SlackTestEnv | undefined;

afterEach(async () => {
  await env?.stop();
  env = undefined;
});

async function post(request: Parameters<typeof deliverHttp>[1]): Promise<{ status: number; body: string }> {
  assert.ok(env !== undefined);
  return deliverHttp(env.kernel.url, request);
}

describe('Slack webhook', () => {
  it('answers url_verification only when it is signed', async () => {
    env = await startSlack();
    const body = JSON.stringify({ token: 'legacy', challenge: 'challenge-123', type: 'url_verification' });
    assert.deepEqual(await post(unsignedRequest(body)), { status: 401, body: JSON.stringify({ error: 'invalid_signature' }) });
    const verified = await post(signedRequest(body));
    assert.equal(verified.status, 200);
    assert.deepEqual(JSON.parse(verified.body), { challenge: 'challenge-123' });
  });

  it('counts each rejection by reason, logs one warn line and never the body or a secret', async () => {
    env = await startSlack();
    const marker = 'rejected-body-marker-5d1e';
    const body = eventEnvelope(messageEvent({ channel: SAMPLE.channelId, user: SAMPLE.userId, text: marker }));
    assert.equal((await post(unsignedRequest(body))).status, 401);
    assert.equal((await post(signedRequest(body, { timestamp: nowSecs() - 301 }))).status, 401);
    assert.equal((await post(signedRequest(body, { secret: 'wrong' }))).status, 401);
    assert.equal((await post(signedRequest(body, { secret: 'wrong' }))).status, 401);
    const metrics = await (await fetch(`${env.kernel.url}/metrics`)).text();
    assert.match(metrics, /^agentflow_webhook_rejections_total\{platform="slack",reason="missing"\} 1$/m);
    assert.match(metrics, /^agentflow_webhook_rejections_total\{platform="slack",reason="stale"\} 1$/m);
    assert.match(metrics, /^agentflow_webhook_rejections_total\{platform="slack",reason="mismatch"\} 2$/m);
    const warnings = env.kernel.logs.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line.msg === 'Slack webhook rejected: invalid signature');
    assert.deepEqual(warnings.map((line) => [line.level, line.reason]), [['warn', 'missing'], ['warn', 'stale'], ['warn', 'mismatch'], ['warn', 'mismatch']]);
    for (const secret of [marker, SIGNING_SECRET, BOT_TOKEN, 'v0=']) {
      assert.ok(!env.kernel.logs.some((line) => line.includes(secret)), `a log line contains ${secret}`);
    }
    assert.deepEqual(env.kernel.inbound, []);
  });

  it('refuses an oversized body with 413 before reading it as Slack', async () => {
    env = await startSlack({ kernel: { bodyLimitBytes: 1024 } });
    const body = eventEnvelope(messageEvent({ channel: SAMPLE.channelId, user: SAMPLE.userId, text: 'x'.repeat(2048) }));
    const response = await post(signedRequest(body));
    assert.equal(response.status, 413);
    assert.equal((JSON.parse(response.body) as { error: string }).error, 'payload_too_large');
    const metrics = await (await fetch(`${env.kernel.url}/metrics`)).text();
    assert.doesNotMatch(metrics, /agentflow_webhook_rejections_total\{/);
  });

  it('answers 400 to a signed body that is not a Slack payload', async () => {
    env = await startSlack();
    assert.equal((await post(signedRequest('{"type": "event_callback", '))).status, 400);
    assert.equal((await post(signedRequest('[1, 2]'))).status, 400);
  });

  it('ignores a signed payload whose type is an object, with a debug line and no error', async () => {
    env = await startSlack();
    // String() throws on an object with a non-callable toString; the reason for ignoring it must not.
    for (const body of ['{"type": {"toString": 1}}', 'payload={"type": {"toString": 1}}']) {
      const contentType = body.startsWith('payload=') ? 'application/x-www-form-urlencoded' : 'application/json';
      assert.equal((await post(signedRequest(body, { contentType }))).status, 200);
    }
    const { logs } = env.kernel;
    await waitFor('both ignored', () => (logs.filter((line) => line.includes('(an object)')).length === 2 ? true : undefined));
    assert.deepEqual(logs.filter((line) => /"level":"(error|warn)"/.test(line)), []);
  });

  it('acks before the kernel has taken the message', async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const submitted: InboundMessage[] = [];
    const inbound = {
      async submit(message: InboundMessage): Promise<SubmitResult> {
        submitted.push(message);
        await held;
        return { status: 'accepted', requestId: 'held' };
      },
    };
    env = await startSlack({ kernel: { inbound } });
    const response = await post(signedRequest(eventEnvelope(messageEvent({ channel: SAMPLE.channelId, user: SAMPLE.userId, text: 'slow kernel' }))));
    assert.equal(response.status, 200);
    await waitFor('the submission', () => submitted[0]);
    release();
  });
});

describe('Slack event normalization', () => {
  async function deliver(event: Record<string, unknown>): Promise<InboundMessage | undefined> {
    assert.ok(env !== undefined);
    const marker = `barrier-${Math.random()}`;
    const inbound = env.kernel.inbound;
    const before = inbound.length;
    await post(signedRequest(eventEnvelope(event)));
    await post(signedRequest(eventEnvelope(messageEvent({ channel: SAMPLE.channelId, user: SAMPLE.userId, text: marker }))));
    await waitFor('the barrier', () => inbound.find((message) => message.text === marker));
    return inbound.slice(before).find((message) => message.text !== marker);
  }

  it('strips the leading bot mention from a message and undoes Slack escapes', async () => {
    env = await startSlack();
    const message = await deliver(messageEvent({ channel: SAMPLE.channelId, user: SAMPLE.userId, text: `<@${BOT_USER_ID}|aof>: kubectl get pods &gt; out &amp;&amp; echo &lt;ok&gt;` }));
    assert.equal(message?.text, 'kubectl get pods > out && echo <ok>');
    assert.equal(message?.kind, 'message');
  });

  it('keeps a mention of someone else', async () => {
    env = await startSlack();
    const message = await deliver(messageEvent({ channel: SAMPLE.channelId, user: SAMPLE.userId, text: '<@U0BOB00001> can you look?' }));
    assert.equal(message?.text, '<@U0BOB00001> can you look?');
  });

  it('ignores a message by the bot user even without bot_id', async () => {
    env = await startSlack();
    assert.equal(await deliver(messageEvent({ channel: SAMPLE.channelId, user: BOT_USER_ID, text: 'my own words' })), undefined);
  });

  it('answers a direct message inline, and a thread in a DM in its thread', async () => {
    env = await startSlack();
    const dm = await deliver(messageEvent({ channel: 'D0DIRECT001', user: SAMPLE.userId, text: 'hi', extra: { channel_type: 'im' } }));
    assert.deepEqual(dm?.channel, { id: 'D0DIRECT001', type: 'dm' });
    assert.equal(dm?.thread, undefined);
    await env.stop();
    env = await startSlack();
    const threaded = await deliver(messageEvent({ channel: 'D0DIRECT001', user: SAMPLE.userId, text: 'more', thread: '1700000000.000001', extra: { channel_type: 'im' } }));
    assert.equal(threaded?.thread, '1700000000.000001');
  });

  it('takes a private channel and a group DM as a group by channel_type, and answers them in a thread', async () => {
    env = await startSlack();
    // C ids, as Slack gives private channels and group DMs today: the id prefix alone would say "channel".
    for (const [channelType, channel] of [['group', 'C0PRIVATE01'], ['mpim', 'C0GROUPDM01']] as const) {
      const event = messageEvent({ channel, user: SAMPLE.userId, text: `in a ${channelType}`, extra: { channel_type: channelType } });
      const message = await deliver(event);
      assert.deepEqual(message?.channel, { id: channel, type: 'group' }, channelType);
      assert.equal(message?.thread, event.ts, channelType);
    }
  });

  it('ignores edits by default and handles them as messages with ignore_edits: false', async () => {
    const edit = (): Record<string, unknown> => ({
      type: 'message', subtype: 'message_changed', channel: SAMPLE.channelId, channel_type: 'channel', ts: '1700000001.000200',
      message: { type: 'message', user: SAMPLE.userId, text: 'edited text', ts: '1700000001.000100', edited: { user: SAMPLE.userId, ts: '1700000001.000200' } },
      previous_message: { type: 'message', user: SAMPLE.userId, text: 'first text', ts: '1700000001.000100' },
    });
    env = await startSlack();
    assert.equal(await deliver(edit()), undefined);
    await env.stop();
    env = await startSlack({ config: { ignore_edits: false } });
    const edited = await deliver(edit());
    assert.equal(edited?.text, 'edited text');
    assert.equal(edited?.thread, '1700000001.000100');
  });

  it('ignores system subtypes such as channel_join and message_deleted', async () => {
    env = await startSlack();
    assert.equal(await deliver(messageEvent({ channel: SAMPLE.channelId, user: SAMPLE.userId, text: 'joined', extra: { subtype: 'channel_join' } })), undefined);
    assert.equal(await deliver({ type: 'message', subtype: 'message_deleted', channel: SAMPLE.channelId, ts: '1.2', deleted_ts: '1.1', hidden: true }), undefined);
  });

  it('reports a removed reaction and ignores the reactions the bot adds itself', async () => {
    env = await startSlack();
    const item = { type: 'message', channel: SAMPLE.channelId, ts: '1700000000.000500' };
    assert.equal(await deliver({ type: 'reaction_added', user: BOT_USER_ID, reaction: 'x', item, event_ts: '1700000001.000001' }), undefined);
    const removed = await deliver({ type: 'reaction_removed', user: SAMPLE.userId, reaction: 'white_check_mark', item, event_ts: '1700000001.000002' });
    assert.deepEqual(removed?.reaction, { name: 'white_check_mark', messageId: '1700000000.000500', removed: true });
    assert.equal(removed?.event, 'reaction_removed');
  });
});

describe('Slack webhook path', () => {
  it('serves the configured path only', async () => {
    env = await startSlack({ config: { path: '/hooks/slack-events' } });
    const body = eventEnvelope(messageEvent({ channel: SAMPLE.channelId, user: SAMPLE.userId, text: 'moved' }));
    assert.equal((await post(signedRequest(body))).status, 404);
    assert.equal((await post({ ...signedRequest(body), path: '/hooks/slack-events' })).status, 200);
    assert.equal(WEBHOOK_PATH, '/webhooks/slack');
  });
});
