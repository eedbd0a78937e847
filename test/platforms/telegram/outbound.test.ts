import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ErrorCode, isAofError } from '@aof/api';
import { TELEGRAM_MESSAGE_LIMIT } from '@aof/plugin-telegram';
import { deliverHttp, waitFor } from '@aof/testkit';
import { SAMPLE, startTelegram, type TelegramTestEnv } from './harness.js';
import { messageUpdate, webhookRequest } from './telegram-requests.js';

const { channelId, userId } = SAMPLE;

describe('Telegram replies', () => {
  let env: TelegramTestEnv;
  before(async () => {
    env = await startTelegram();
  });
  after(() => env.stop());

  const lastSend = (): Record<string, unknown> => env.api.callsTo('sendMessage').at(-1)?.params ?? {};
  const send = (text: string, thread?: string): Promise<unknown> => env.platform.send({ platform: 'telegram', channelId, ...(thread !== undefined && { thread }), text });

  async function inbound(update: Record<string, unknown>): Promise<string | undefined> {
    await deliverHttp(env.kernel.url, webhookRequest(update));
    return (await waitFor('the message', () => env.kernel.inbound.find((message) => message.id === String(update.update_id)))).thread;
  }

  it('posts into a forum topic with message_thread_id, and into any other thread as a reply', async () => {
    const forum = { id: Number(channelId), title: 'production', type: 'supergroup', is_forum: true };
    const topicThread = await inbound(messageUpdate({ chatId: channelId, userId, text: 'in topic', chat: forum, extra: { message_thread_id: 77, is_topic_message: true } }));
    const chainThread = await inbound(messageUpdate({ chatId: channelId, userId, text: 'in chain', thread: '510', extra: { message_thread_id: 500 } }));
    assert.deepEqual([topicThread, chainThread], ['77', '500']);
    await send('to the topic', '77');
    assert.equal(lastSend().message_thread_id, 77);
    assert.equal(lastSend().reply_parameters, undefined);
    await send('to the chain', '500');
    assert.deepEqual(lastSend().reply_parameters, { message_id: 500, allow_sending_without_reply: true });
    assert.equal(lastSend().message_thread_id, undefined);
    await send('no thread');
    assert.deepEqual([lastSend().reply_parameters, lastSend().message_thread_id], [undefined, undefined]);
  });

  it('falls back to a reply when the topic is gone, and to a message of its own when the root is', async () => {
    env.api.failNext('sendMessage', { error_code: 400, description: 'Bad Request: message thread not found' });
    await send('topic closed', '77');
    assert.deepEqual(lastSend().reply_parameters, { message_id: 77, allow_sending_without_reply: true });
    assert.equal(env.api.sentMessages().filter((sent) => sent.text === 'topic closed').length, 1);
    env.api.failNext('sendMessage', { error_code: 400, description: 'Bad Request: message to be replied not found' });
    await send('root deleted', '500');
    assert.deepEqual([lastSend().reply_parameters, lastSend().message_thread_id], [undefined, undefined]);
    assert.equal(env.api.sentMessages().filter((sent) => sent.text === 'root deleted').length, 1);
  });

  it('sends HTML without link previews, and plain text when Telegram cannot parse it', async () => {
    await send('**ok** <script> & ```not a fence``` https://grafana/d/1');
    assert.equal(lastSend().parse_mode, 'HTML');
    assert.deepEqual(lastSend().link_preview_options, { is_disabled: true });
    assert.match(String(lastSend().text), /^<b>ok<\/b> &lt;script&gt; &amp; /);
    env.api.failNext('sendMessage', { error_code: 400, description: "Bad Request: can't parse entities: unsupported start tag" });
    await send('**still** delivered');
    assert.deepEqual([lastSend().parse_mode, lastSend().text], [undefined, 'still delivered']);
  });

  it('retries a 5xx and honors retry_after on a 429; gives up at once on a 403', async () => {
    env.api.failNext('sendMessage', { error_code: 502, description: 'Bad Gateway' });
    await send('after a 502');
    assert.equal(env.api.sentMessages().filter((sent) => sent.text === 'after a 502').length, 1);
    env.api.failNextWith429(1);
    const started = Date.now();
    await send('after a 429');
    assert.ok(Date.now() - started >= 900, 'waited for retry_after');
    env.api.failNext('sendMessage', { error_code: 403, description: 'Forbidden: bot was kicked from the supergroup chat' });
    const before = env.api.callsTo('sendMessage').length;
    await assert.rejects(send('kicked'), /403/);
    assert.equal(env.api.callsTo('sendMessage').length, before + 1);
    for (const line of env.kernel.logs) assert.doesNotMatch(line, /AAH-test-token/, 'no log line carries the bot token');
  });

  it('splits a long code answer into valid messages that each render as code', async () => {
    const code = Array.from({ length: 400 }, (_unused, index) => `pod-${index} Running 0 3d <none>`).join('\n');
    const before = env.api.sentMessages().length;
    await send(`Pods:\n\`\`\`\n${code}\n\`\`\``, '4321');
    const posted = env.api.sentMessages().slice(before);
    assert.ok(posted.length >= 3);
    assert.ok(posted.slice(1).every((sent) => sent.text.startsWith('<pre><code>') && sent.text.endsWith('</code></pre>') && sent.thread === '4321'));
  });

  it('posts approvals as two buttons carrying the approval id, in whatever mode they were asked for', async () => {
    const sent = await env.platform.postApprovalRequest?.({ channelId, thread: '4321', text: 'Run `kubectl delete pod api-1`?', approvalId: 'apr-1', mode: 'reaction' });
    assert.ok(sent !== undefined);
    const posted = env.api.sentMessages().find((candidate) => candidate.messageId === sent.messageId);
    assert.deepEqual(posted?.buttons, [{ id: 'aof_approve', value: 'apr-1' }, { id: 'aof_deny', value: 'apr-1' }]);
    assert.deepEqual([posted?.text, posted?.thread], ['Run <code>kubectl delete pod api-1</code>?', '4321']);
    assert.deepEqual(env.platform.approvalModes, ['button']);
  });

  it('posts an approval request of 4,096 characters whole, and refuses one of 4,097, posting nothing: a cut one would hide what runs', async () => {
    const request = (length: number): string => `${'x'.repeat(length - 10)} tail-end!`;
    const sent = await env.platform.postApprovalRequest?.({ channelId, text: request(TELEGRAM_MESSAGE_LIMIT), approvalId: 'apr-2', mode: 'button' });
    assert.equal(env.api.sentMessages().find((candidate) => candidate.messageId === sent?.messageId)?.text, request(TELEGRAM_MESSAGE_LIMIT));
    const before = env.api.callsTo('sendMessage').length;
    await assert.rejects(env.platform.postApprovalRequest?.({ channelId, text: request(TELEGRAM_MESSAGE_LIMIT + 1), approvalId: 'apr-3', mode: 'reaction' }) ?? Promise.resolve(), (error: unknown) => {
      assert.ok(isAofError(error, ErrorCode.APPROVAL_TOO_LONG), String(error));
      assert.deepEqual(error.details, { platform: 'Telegram', mode: 'button', length: TELEGRAM_MESSAGE_LIMIT + 1, limit: TELEGRAM_MESSAGE_LIMIT });
      return true;
    });
    // Measured as Telegram gets it: 1,000 `&` are 5,000 characters of HTML (`&amp;`).
    await assert.rejects(env.platform.postApprovalRequest?.({ channelId, text: '&'.repeat(1_000), approvalId: 'apr-4', mode: 'button' }) ?? Promise.resolve(), /is 5000 characters in Telegram's format, more than the 4096 /);
    assert.equal(env.api.callsTo('sendMessage').length, before);
  });

  it('refuses an approval id that does not fit in callback data, posting nothing', async () => {
    const before = env.api.callsTo('sendMessage').length;
    await assert.rejects(env.platform.postApprovalRequest?.({ channelId, text: 'Approve?', approvalId: 'x'.repeat(60), mode: 'button' }) ?? Promise.resolve(), /callback data/);
    assert.equal(env.api.callsTo('sendMessage').length, before);
  });
});
