import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { markdownToWhatsApp, splitMessage, WHATSAPP_MESSAGE_LIMIT } from '@aof/plugin-whatsapp';
import { SAMPLE, startWhatsApp, type WhatsAppTestEnv } from './harness.js';
import { ACCESS_TOKEN, PHONE_NUMBER_ID } from './whatsapp-requests.js';

/** A high surrogate not followed by a low one, or a low one without its high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

describe('Markdown to WhatsApp formatting', () => {
  const cases: Array<[string, string, string]> = [
    ['bold', 'this is **important** and __this__ too', 'this is *important* and *this* too'],
    ['italics', 'an *aside* and _another_', 'an _aside_ and _another_'],
    ['bold and italics together', '**Status**: *degraded*', '*Status*: _degraded_'],
    ['strikethrough', '~~old~~ new', '~old~ new'],
    ['links show label and url', 'see [the runbook](https://wiki/run?a=1&b=2) or [https://x.io](https://x.io)', 'see the runbook (https://wiki/run?a=1&b=2) or https://x.io'],
    ['headings become bold', '## Pods in *prod*', '*Pods in _prod_*'],
    ['bullets become dashes', '- one\n* two\n  + nested', '- one\n- two\n  - nested'],
    ['quotes and numbered lists pass', '> careful: a < b\n1. first', '> careful: a < b\n1. first'],
    ['leaves inline code alone', 'run `kubectl get **pods** -o wide` now', 'run `kubectl get **pods** -o wide` now'],
    ['horizontal rules are not bullets', '***\n---', '***\n---'],
  ];
  for (const [label, markdown, whatsapp] of cases) {
    it(label, () => assert.equal(markdownToWhatsApp(markdown), whatsapp));
  }

  it('keeps fenced code verbatim as a ``` block and drops the language tag WhatsApp would print', () => {
    const markdown = ['Output:', '```bash', 'kubectl get pods | grep -v **Running**', 'echo "a<b" && exit', '```', 'done **now**'].join('\n');
    assert.equal(markdownToWhatsApp(markdown), ['Output:', '```', 'kubectl get pods | grep -v **Running**', 'echo "a<b" && exit', '```', 'done *now*'].join('\n'));
  });
});

describe('Splitting long WhatsApp messages', () => {
  it('uses the 4,096-character text limit', () => {
    assert.equal(WHATSAPP_MESSAGE_LIMIT, 4_096);
    assert.deepEqual(splitMessage('short\nmessage'), ['short\nmessage']);
    assert.deepEqual(splitMessage(''), []);
  });

  it('splits on line boundaries under the limit, in order, losing nothing', () => {
    const lines = Array.from({ length: 800 }, (_unused, index) => `line ${index} ${'x'.repeat(index % 70)}`);
    const chunks = splitMessage(lines.join('\n'));
    assert.ok(chunks.length > 5);
    for (const chunk of chunks) assert.ok(chunk.length <= WHATSAPP_MESSAGE_LIMIT, `chunk of ${chunk.length}`);
    assert.deepEqual(chunks.join('\n').split('\n'), lines);
  });

  it('closes a code block at a split and reopens it in the next message', () => {
    const code = Array.from({ length: 120 }, (_unused, index) => `pod-${index}   1/1   Running   0   5d`);
    const chunks = splitMessage(['Pods:', '```', ...code, '```', 'All running.'].join('\n'), 1_000);
    assert.ok(chunks.length >= 4);
    for (const chunk of chunks) {
      assert.ok(chunk.length <= 1_000);
      assert.equal((chunk.match(/```/g) ?? []).length % 2, 0, `unbalanced fences in:\n${chunk}`);
    }
    assert.deepEqual(chunks.join('\n').split('\n').filter((line) => line !== '```'), ['Pods:', ...code, 'All running.']);
  });

  it('cuts a single overlong line without splitting an emoji in half', () => {
    const line = `${'y'.repeat(999)}${'🚀'.repeat(20)}`;
    const chunks = splitMessage(line, 1_000);
    assert.ok(chunks.every((chunk) => chunk.length <= 1_000 && !LONE_SURROGATE.test(chunk)));
    assert.equal(chunks.join(''), line);
  });
});

describe('WhatsApp replies on the wire', () => {
  let env: WhatsAppTestEnv;
  before(async () => {
    env = await startWhatsApp();
  });
  after(() => env.stop());

  it('posts formatted text to /{version}/{phone_number_id}/messages with the bearer token, quoting the thread, split under the limit', async () => {
    const before = env.api.calls.length;
    const sent = await env.platform.send({ platform: 'whatsapp', channelId: SAMPLE.channelId, thread: SAMPLE.thread, text: `**Done**\n${'row\n'.repeat(2_500)}` });
    const calls = env.api.calls.slice(before);
    assert.ok(calls.length >= 2);
    assert.deepEqual(sent, { messageId: env.api.sentMessages().at(-calls.length)?.messageId, channelId: SAMPLE.channelId });
    for (const call of calls) {
      assert.equal(call.version, 'v21.0');
      assert.equal(call.phoneNumberId, PHONE_NUMBER_ID);
      assert.equal(call.token, ACCESS_TOKEN);
      assert.equal(call.body.messaging_product, 'whatsapp');
      assert.equal(call.body.recipient_type, 'individual');
      assert.equal(call.body.to, SAMPLE.channelId);
      assert.deepEqual(call.body.context, { message_id: SAMPLE.thread });
      const text = call.body.text as { body: string; preview_url: boolean };
      assert.equal(text.preview_url, false);
      assert.ok(text.body.length <= WHATSAPP_MESSAGE_LIMIT);
    }
    assert.match(String((calls[0]?.body.text as { body?: string } | undefined)?.body), /^\*Done\*\nrow/);
  });

  it('answers from the number that received the message, quotes replyTo without a thread, and sends to a group as a group', async () => {
    const before = env.api.calls.length;
    await env.platform.send({ platform: 'whatsapp', workspace: '200000000000001', channelId: 'Y2FwaV9ncm91cDox', replyTo: 'wamid.ASKED', text: 'hi group' });
    const call = env.api.calls[before];
    assert.equal(call?.phoneNumberId, '200000000000001');
    assert.equal(call?.body.recipient_type, 'group');
    assert.deepEqual(call?.body.context, { message_id: 'wamid.ASKED' });
  });

  it("retries Meta's 130429 throughput error (HTTP 400, no Retry-After) with backoff and delivers once", async () => {
    env.api.failNext({ status: 400, code: 130429, message: '(#130429) Rate limit hit' });
    await env.platform.send({ platform: 'whatsapp', channelId: SAMPLE.channelId, text: 'after the limit' });
    const attempts = env.api.calls.filter((call) => (call.body.text as { body?: string } | undefined)?.body === 'after the limit');
    assert.deepEqual(attempts.map((call) => call.status), [400, 200]);
    assert.equal(env.api.sentMessages().filter((sent) => sent.text === 'after the limit').length, 1);
  });

  it('retries a server error and reports a refusal at once, with its Graph code and no token', async () => {
    env.api.failNext({ status: 500, code: 1, message: 'An unknown error occurred' });
    await env.platform.send({ platform: 'whatsapp', channelId: SAMPLE.channelId, text: 'after a 500' });
    assert.equal(env.api.sentMessages().filter((sent) => sent.text === 'after a 500').length, 1);
    env.api.failNext({ status: 400, code: 131047, message: 'Re-engagement message' });
    const before = env.api.calls.length;
    await assert.rejects(env.platform.send({ platform: 'whatsapp', channelId: SAMPLE.channelId, text: 'outside the window' }), (error: Error) => {
      assert.match(error.message, /400 \(code 131047\): Re-engagement message/);
      assert.ok(!error.message.includes(ACCESS_TOKEN));
      return true;
    });
    assert.equal(env.api.calls.length, before + 1, 'a refusal is not retried');
  });

  it('refuses to post an empty reply', async () => {
    await assert.rejects(env.platform.send({ platform: 'whatsapp', channelId: SAMPLE.channelId, text: '  \n' }), /empty/);
  });

  it('never logs the access token or the reply text', () => {
    assert.ok(!env.kernel.logs.some((line) => line.includes(ACCESS_TOKEN) || line.includes('after the limit')));
  });
});

describe('WhatsApp send without a sender', () => {
  it('needs phone_number_id when the reply names no workspace', async () => {
    const env = await startWhatsApp({ config: { phone_number_id: undefined, graph_version: 'v22.0' } });
    try {
      await assert.rejects(env.platform.send({ platform: 'whatsapp', channelId: SAMPLE.channelId, text: 'hello' }), /phone_number_id/);
      await env.platform.send({ platform: 'whatsapp', workspace: '106540352242922', channelId: SAMPLE.channelId, text: 'hello' });
      assert.equal(env.api.calls.at(-1)?.version, 'v22.0');
    } finally {
      await env.stop();
    }
  });
});
