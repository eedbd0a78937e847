import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SAMPLE, startSlack, type SlackTestEnv } from './harness.js';
import { BOT_TOKEN } from './slack-requests.js';

/** Replies go out through the plugin's own delivery client (not WebClient): what it promises. */
describe('Slack reply delivery', () => {
  let env: SlackTestEnv;

  before(async () => {
    env = await startSlack();
  });
  after(() => env.stop());

  const send = (text: string) => env.platform.send({ platform: 'slack', channelId: SAMPLE.channelId, thread: SAMPLE.thread, text });
  const delivered = (text: string) => env.api.sentMessages().filter((sent) => sent.text === text).length;

  it('posts JSON with the bot token, in the thread, without previews', async () => {
    const sent = await send('json reply');
    const call = env.api.callsTo('chat.postMessage').at(-1);
    assert.equal(call?.token, BOT_TOKEN);
    assert.deepEqual(
      { channel: call?.params.channel, thread_ts: call?.params.thread_ts, text: call?.params.text, unfurl_links: call?.params.unfurl_links, mrkdwn: call?.params.mrkdwn },
      { channel: SAMPLE.channelId, thread_ts: SAMPLE.thread, text: 'json reply', unfurl_links: false, mrkdwn: true },
    );
    assert.equal(sent.channelId, SAMPLE.channelId);
    assert.equal(sent.messageId, env.api.sentMessages().at(-1)?.messageId);
  });

  it('waits out a 429 for Retry-After, holds the other replies to that channel as long, and delivers each once', async () => {
    const limitedBefore = env.api.rateLimitedCount();
    env.api.failNextWith429(1);
    const started = Date.now();
    const first = send('limited first');
    // Sent once the 429 is in: it must wait for the same Retry-After rather than hit Slack again at once.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const second = send('limited second');
    await Promise.all([first, second]);
    assert.ok(Date.now() - started >= 950, `both replies waited for Retry-After (${Date.now() - started} ms)`);
    assert.equal(env.api.rateLimitedCount(), limitedBefore + 1);
    assert.equal(delivered('limited first'), 1);
    assert.equal(delivered('limited second'), 1);
  });

  it('lets replies to another channel through while one channel waits out its 429', async () => {
    env.api.failNextWith429(1);
    const started = Date.now();
    const limited = send('limited channel').then(() => Date.now() - started);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const other = env.platform.send({ platform: 'slack', channelId: 'C0OTHER0001', text: 'other channel' }).then(() => Date.now() - started);
    const [limitedMs, otherMs] = await Promise.all([limited, other]);
    assert.ok(otherMs < 900, `the other channel's reply did not wait for the Retry-After (${otherMs} ms)`);
    assert.ok(limitedMs >= 950, `the limited channel's reply waited for it (${limitedMs} ms)`);
    assert.equal(delivered('other channel'), 1);
    assert.equal(delivered('limited channel'), 1);
  });

  it('retries a 5xx (Slack having a bad moment) and delivers once', async () => {
    const callsBefore = env.api.callsTo('chat.postMessage').length;
    env.api.failNextWithStatus('chat.postMessage', 503);
    await send('after an outage');
    assert.equal(env.api.callsTo('chat.postMessage').length, callsBefore + 2);
    assert.equal(delivered('after an outage'), 1);
  });

  it('does not retry a refusal (ok: false): the caller hears Slack\'s error code at once', async () => {
    const callsBefore = env.api.callsTo('chat.postMessage').length;
    env.api.failNext('chat.postMessage', 'not_in_channel');
    await assert.rejects(send('refused'), /not_in_channel/);
    assert.equal(env.api.callsTo('chat.postMessage').length, callsBefore + 1);
  });
});

describe('Slack delivery connections', () => {
  it('are kept alive between replies and closed when the plugin stops', async () => {
    const env = await startSlack();
    try {
      const send = (text: string) => env.platform.send({ platform: 'slack', channelId: SAMPLE.channelId, text });
      await send('one');
      const open = env.api.openConnections();
      await send('two');
      assert.ok(open >= 1, 'a connection is open after a reply');
      assert.equal(env.api.openConnections(), open, 'the second reply reused a kept-alive connection');
      await env.kernel.stop();
      const deadline = Date.now() + 2_000;
      while (env.api.openConnections() > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
      assert.equal(env.api.openConnections(), 0);
    } finally {
      await env.api.close();
    }
  });
});
