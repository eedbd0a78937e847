import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { markdownToMrkdwn, SLACK_MESSAGE_LIMIT, splitMessage } from '@aof/plugin-slack';
import { SAMPLE, startSlack, type SlackTestEnv } from './harness.js';

describe('Markdown to Slack mrkdwn', () => {
  const cases: Array<[string, string, string]> = [
    ['bold', 'this is **important** and __this__ too', 'this is *important* and *this* too'],
    ['italics', 'an *aside* and _another_', 'an _aside_ and _another_'],
    ['bold and italics together', '**Status**: *degraded*', '*Status*: _degraded_'],
    ['strikethrough', '~~old~~ new', '~old~ new'],
    ['links and images', 'see [the runbook](https://wiki/run?a=1&b=2) ![graph](https://g/1.png)', 'see <https://wiki/run?a=1&amp;b=2|the runbook> <https://g/1.png|graph>'],
    ['headings', '## Pods in *prod*', '*Pods in _prod_*'],
    ['bullets', '- one\n* two\n  + nested', '• one\n• two\n  • nested'],
    ['quotes keep their marker', '> careful: a < b', '>careful: a &lt; b'],
    ['escapes control characters, so no <!channel> pings', 'ping <!channel> & <@U123>', 'ping &lt;!channel&gt; &amp; &lt;@U123&gt;'],
    // A link to anything but a web or mail address would be a ping in Slack's syntax: left as written.
    ['links only to web and mail addresses, never a ping',
      'web-1 [ok](!channel) [oncall](!subteam^S0ONCALL|@oncall) [alice](@U0ALICE0001) [x](!here) [c](#C0PROD) [m](mailto:sre@example.com)',
      'web-1 [ok](!channel) [oncall](!subteam^S0ONCALL|@oncall) [alice](@U0ALICE0001) [x](!here) [c](#C0PROD) <mailto:sre@example.com|m>'],
    ['a label that reads as an address shows the real one beside it',
      '[https://grafana.corp.example/d/1](https://evil.example/login) [grafana.corp.example](https://evil.example) [https://a.example](https://a.example)',
      'https://grafana.corp.example/d/1 (<https://evil.example/login>) grafana.corp.example (<https://evil.example>) <https://a.example|https://a.example>'],
    ['leaves inline code alone', 'run `kubectl get **pods** -o wide` now', 'run `kubectl get **pods** -o wide` now'],
    ['horizontal rules are not bullets', '***\n---', '***\n---'],
  ];
  for (const [label, markdown, mrkdwn] of cases) {
    it(label, () => assert.equal(markdownToMrkdwn(markdown), mrkdwn));
  }

  it('keeps fenced code verbatim (escaped) and drops the language tag Slack would print', () => {
    const markdown = ['Output:', '```bash', 'kubectl get pods | grep -v **Running**', 'echo "a<b" && exit', '```', 'done **now**'].join('\n');
    assert.equal(markdownToMrkdwn(markdown), ['Output:', '```', 'kubectl get pods | grep -v **Running**', 'echo "a&lt;b" &amp;&amp; exit', '```', 'done *now*'].join('\n'));
  });
});

describe('Splitting long Slack messages', () => {
  it('leaves a short message whole', () => {
    assert.deepEqual(splitMessage('short\nmessage'), ['short\nmessage']);
    assert.deepEqual(splitMessage(''), []);
  });

  it('splits on line boundaries under the limit, in order, losing nothing', () => {
    const lines = Array.from({ length: 500 }, (_unused, index) => `line ${index} ${'x'.repeat(index % 70)}`);
    const chunks = splitMessage(lines.join('\n'), 1_000);
    assert.ok(chunks.length > 5);
    for (const chunk of chunks) assert.ok(chunk.length <= 1_000, `chunk of ${chunk.length}`);
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
    const body = chunks.join('\n').split('\n').filter((line) => line !== '```');
    assert.deepEqual(body, ['Pods:', ...code, 'All running.']);
  });

  it('moves a block that would open on the last line of a message to the next one', () => {
    const chunks = splitMessage(['a'.repeat(40), '```', 'b'.repeat(40), '```'].join('\n'), 50);
    assert.deepEqual(chunks, ['a'.repeat(40), ['```', 'b'.repeat(40), '```'].join('\n')]);
  });

  it('cuts a single line longer than the limit', () => {
    const chunks = splitMessage('y'.repeat(2_500), 1_000);
    assert.ok(chunks.length === 3 && chunks.every((chunk) => chunk.length <= 1_000));
    assert.equal(chunks.join(''), 'y'.repeat(2_500));
  });
});

describe('Slack replies on the wire', () => {
  let env: SlackTestEnv;
  before(async () => {
    env = await startSlack();
  });
  after(() => env.stop());

  it('posts mrkdwn in the thread, without link previews, split under the limit', async () => {
    const sent = await env.platform.send({ platform: 'slack', channelId: SAMPLE.channelId, thread: SAMPLE.thread, text: `**Done**\n${'row\n'.repeat(2_000)}` });
    const calls = env.api.callsTo('chat.postMessage');
    assert.ok(calls.length >= 2);
    assert.equal(sent.messageId, env.api.sentMessages()[0]?.messageId);
    assert.equal(sent.channelId, SAMPLE.channelId);
    assert.match(String(calls[0]?.params.text), /^\*Done\*\nrow/);
    for (const call of calls) {
      assert.equal(call.params.thread_ts, SAMPLE.thread);
      assert.equal(String(call.params.unfurl_links), 'false');
      assert.ok(String(call.params.text).length <= SLACK_MESSAGE_LIMIT);
    }
  });

  it('refuses to post an empty reply', async () => {
    await assert.rejects(env.platform.send({ platform: 'slack', channelId: SAMPLE.channelId, text: '  \n' }), /empty/);
  });

  it('reports a Slack error to the caller', async () => {
    env.api.failNext('chat.postMessage', 'channel_not_found');
    await assert.rejects(env.platform.send({ platform: 'slack', channelId: 'C0GONE00001', text: 'hello' }), /channel_not_found/);
  });
});
