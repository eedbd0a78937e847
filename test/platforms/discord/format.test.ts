import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DISCORD_MESSAGE_LIMIT, markdownToDiscord, splitMessage } from '@aof/plugin-discord';
import { BOT_TOKEN } from './discord-requests.js';
import { SAMPLE, startDiscord, type DiscordTestEnv } from './harness.js';

describe('Markdown for Discord', () => {
  const cases: Array<[string, string, string]> = [
    ['leaves what Discord renders alone', '## Pods\n**bold** *it* ~~old~~ `code` [runbook](https://wiki/run)\n- item\n> quote', '## Pods\n**bold** *it* ~~old~~ `code` [runbook](https://wiki/run)\n- item\n> quote'],
    ['turns headings Discord does not render into bold lines', '#### Details', '**Details**'],
    ['turns images into links', 'graph: ![p99](https://g/1.png) and ![](https://g/2.png)', 'graph: [p99](https://g/1.png) and https://g/2.png'],
    ['boxes a table in a code block', 'Pods:\n| name | ready |\n|---|:---:|\n| api | 1/1 |\ndone', 'Pods:\n```\n| name | ready |\n|---|:---:|\n| api | 1/1 |\n```\ndone'],
    ['leaves a line with pipes that is no table', '| not a table |', '| not a table |'],
    ['keeps fenced code verbatim with its language tag', '```yaml\n#### not a heading\n![x](y)\n```', '```yaml\n#### not a heading\n![x](y)\n```'],
  ];
  for (const [label, markdown, expected] of cases) {
    it(label, () => assert.equal(markdownToDiscord(markdown), expected));
  }
});

describe('Splitting long Discord messages', () => {
  it('leaves a short message whole and posts nothing for an empty one', () => {
    assert.deepEqual(splitMessage('short\nmessage'), ['short\nmessage']);
    assert.deepEqual(splitMessage(''), []);
  });

  it('splits on line boundaries under 2,000 characters, in order, losing nothing', () => {
    const lines = Array.from({ length: 400 }, (_unused, index) => `line ${index} ${'x'.repeat(index % 90)}`);
    const chunks = splitMessage(lines.join('\n'));
    assert.ok(chunks.length > 5);
    for (const chunk of chunks) assert.ok(chunk.length <= DISCORD_MESSAGE_LIMIT, `chunk of ${chunk.length}`);
    assert.equal(chunks.join('\n'), lines.join('\n'));
  });

  it('closes a code block at the cut and reopens it with its language', () => {
    const code = Array.from({ length: 120 }, (_unused, index) => `  replicas: ${index} # ${'y'.repeat(20)}`);
    const chunks = splitMessage(['Manifest:', '```yaml', ...code, '```', 'Applied.'].join('\n'));
    assert.ok(chunks.length >= 2);
    for (const [index, chunk] of chunks.entries()) {
      assert.ok(chunk.length <= DISCORD_MESSAGE_LIMIT);
      assert.equal((chunk.match(/```/g) ?? []).length % 2, 0, `chunk ${index} balances its fences`);
      if (index > 0) assert.ok(chunk.startsWith('```yaml\n'), `chunk ${index} reopens the yaml block`);
    }
    assert.ok(chunks.at(-1)?.endsWith('```\nApplied.'));
  });

  it('cuts an overlong line hard, but never through an emoji', () => {
    const line = '🔥'.repeat(1_500);
    const chunks = splitMessage(line);
    assert.ok(chunks.length >= 2);
    assert.equal(chunks.join(''), line);
    for (const chunk of chunks) assert.ok(!/[\uD800-\uDBFF]$/.test(chunk) && chunk.length <= DISCORD_MESSAGE_LIMIT);
  });
});

describe('What the plugin posts to Discord', () => {
  let env: DiscordTestEnv;
  before(async () => {
    env = await startDiscord();
  });
  after(() => env.stop());

  it('replies to the message, pings nobody but its author, and suppresses link previews', async () => {
    const replyTo = '1300000000000009999';
    await env.platform.send({ platform: 'discord', channelId: SAMPLE.channelId, text: `@everyone <@&1> answer\n${'z'.repeat(2_100)}`, replyTo });
    const posts = env.api.callsTo('POST /channels/:id/messages').slice(-2);
    assert.deepEqual(posts.map((call) => call.path), [`/channels/${SAMPLE.channelId}/messages`, `/channels/${SAMPLE.channelId}/messages`]);
    assert.deepEqual(posts[0]?.body?.message_reference, { message_id: replyTo, fail_if_not_exists: false });
    assert.equal(posts[1]?.body?.message_reference, undefined, 'only the first part is a reply');
    for (const post of posts) {
      assert.deepEqual(post.body?.allowed_mentions, { parse: [], replied_user: true });
      assert.equal(post.body?.flags, 4);
      assert.equal(post.authorization, `Bot ${BOT_TOKEN}`);
    }
  });

  it('answers a reaction by replying to the message reacted to', async () => {
    await env.platform.send({ platform: 'discord', channelId: SAMPLE.channelId, text: 'noted', replyTo: `1300000000000000042:${SAMPLE.userId}:✅:add` });
    assert.deepEqual(env.api.callsTo('POST /channels/:id/messages').at(-1)?.body?.message_reference, { message_id: '1300000000000000042', fail_if_not_exists: false });
  });

  it('posts approval buttons as one action row, and the approval reactions by their URL-encoded emoji', async () => {
    const buttons = await env.platform.postApprovalRequest?.({ channelId: SAMPLE.channelId, text: 'Approve **delete pod**?', approvalId: 'ap-1', mode: 'button' });
    assert.ok(buttons !== undefined);
    assert.deepEqual(env.api.callsTo('POST /channels/:id/messages').at(-1)?.body?.components, [{
      type: 1,
      components: [
        { type: 2, style: 3, label: 'Approve', custom_id: 'aof_approve:ap-1' },
        { type: 2, style: 4, label: 'Deny', custom_id: 'aof_deny:ap-1' },
      ],
    }]);
    const reactions = await env.platform.postApprovalRequest?.({ channelId: SAMPLE.channelId, thread: SAMPLE.thread, text: 'Approve?', approvalId: 'ap-2', mode: 'reaction' });
    assert.deepEqual(env.api.callsTo('PUT /channels/:id/messages/:id/reactions/:emoji/@me').map((call) => call.path), [
      `/channels/${SAMPLE.thread}/messages/${reactions?.messageId ?? ''}/reactions/%E2%9C%85/@me`,
      `/channels/${SAMPLE.thread}/messages/${reactions?.messageId ?? ''}/reactions/%E2%9D%8C/@me`,
    ]);
    assert.deepEqual(reactions?.channelId, SAMPLE.channelId);
  });

  it('refuses an approval id too long for a button', async () => {
    await assert.rejects(env.platform.postApprovalRequest?.({ channelId: SAMPLE.channelId, text: 'x', approvalId: 'a'.repeat(95), mode: 'button' }) ?? Promise.resolve(), /too long for a Discord button/);
  });

  it('logs a rate limit by route, never with the token, and still delivers', async () => {
    env.api.failNextWith429(1);
    await env.platform.send({ platform: 'discord', channelId: SAMPLE.channelId, text: 'after the limit' });
    assert.equal(env.api.sentMessages().at(-1)?.text, 'after the limit');
    const line = env.kernel.logs.find((entry) => entry.includes('Discord rate limit'));
    assert.ok(line !== undefined && line.includes(`/channels/${SAMPLE.channelId}/messages`), line);
    assert.ok(!env.kernel.logs.some((entry) => entry.includes(BOT_TOKEN)), 'the bot token is not logged');
  });
});
