import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { SentMessage } from '@aof/api';
import { TELEGRAM_MESSAGE_LIMIT } from '@aof/plugin-telegram';
import { SAMPLE, startTelegram, type TelegramTestEnv } from './harness.js';

const { channelId } = SAMPLE;

describe('Closing a Telegram approval request', () => {
  let env: TelegramTestEnv;
  let approvals = 0;
  before(async () => {
    env = await startTelegram();
  });
  after(() => env.stop());

  async function post(): Promise<SentMessage> {
    approvals += 1;
    const sent = await env.platform.postApprovalRequest?.({ channelId, thread: SAMPLE.thread, text: 'Run `kubectl delete pod api-1`?', approvalId: `apr-${approvals}`, mode: 'button' });
    assert.ok(sent !== undefined);
    return sent;
  }
  const close = (sent: SentMessage, text: string, summary = text): Promise<void> =>
    env.platform.closeApprovalRequest?.({ channelId: sent.channelId, messageId: sent.messageId, text, summary, mode: 'button' }) ?? Promise.reject(new Error('no closeApprovalRequest'));
  const record = (sent: SentMessage): unknown => env.api.sentMessages().find((candidate) => candidate.messageId === sent.messageId);

  it('replaces the text in HTML, as replies are formatted, and drops the buttons', async () => {
    const sent = await post();
    await close(sent, '✅ **Approved** by alice: `kubectl delete pod api-1`');
    const edit = env.api.callsTo('editMessageText').at(-1)?.params;
    assert.deepEqual([edit?.chat_id, edit?.message_id, edit?.parse_mode, edit?.reply_markup], [channelId, Number(sent.messageId), 'HTML', undefined]);
    assert.deepEqual(record(sent), {
      messageId: sent.messageId,
      channelId,
      thread: SAMPLE.thread,
      text: '✅ <b>Approved</b> by alice: <code>kubectl delete pod api-1</code>',
      buttons: [],
    });
  });

  it('says the summary when the decided request does not fit one message', async () => {
    const sent = await post();
    await close(sent, `Run:\n\`\`\`\n${'x <y> & z\n'.repeat(600)}\`\`\`\n❌ Denied by bob`, '**Approval request** (apr-9)\n❌ Denied by bob');
    assert.equal((record(sent) as { text: string }).text, '<b>Approval request</b> (apr-9)\n❌ Denied by bob');
  });

  it('cuts the summary only when even that does not fit, with an ellipsis, keeping the HTML valid', async () => {
    const sent = await post();
    const long = `Denied:\n\`\`\`\n${'x <y> & z\n'.repeat(600)}\`\`\``;
    await close(sent, long, long);
    const text = String(env.api.callsTo('editMessageText').at(-1)?.params.text);
    assert.ok(text.length <= TELEGRAM_MESSAGE_LIMIT);
    assert.ok(text.endsWith('</code></pre>\n…'), text.slice(-40));
    assert.equal((record(sent) as { text: string }).text, text, 'the fake accepted the edit');
  });

  it('counts "message is not modified" as closed: a second close of the same decision resolves', async () => {
    const sent = await post();
    await close(sent, 'Expired');
    const before = env.api.callsTo('editMessageText').length;
    await close(sent, 'Expired');
    assert.equal(env.api.callsTo('editMessageText').length, before + 1, 'asked once, not retried');
    assert.equal((record(sent) as { text: string }).text, 'Expired');
  });

  it('waits out a 429 and edits once', async () => {
    const sent = await post();
    const before = env.api.callsTo('editMessageText').length;
    const limited = env.api.rateLimitedCount();
    env.api.failNextWith429(0);
    await close(sent, 'Approved');
    assert.equal(env.api.rateLimitedCount(), limited + 1);
    assert.equal(env.api.callsTo('editMessageText').length, before + 2);
    assert.ok(env.kernel.logs.some((line) => line.includes('editMessageText') && line.includes('retrying')));
    assert.deepEqual(record(sent), { messageId: sent.messageId, channelId, thread: SAMPLE.thread, text: 'Approved', buttons: [] });
    assert.equal(env.api.sentMessages().filter((candidate) => candidate.text === 'Approved').length, 1);
  });

  it('falls back to plain text when Telegram cannot parse the HTML', async () => {
    const sent = await post();
    env.api.failNext('editMessageText', { error_code: 400, description: "Bad Request: can't parse entities: unsupported start tag" });
    await close(sent, '**Denied** by bob');
    const edits = env.api.callsTo('editMessageText').slice(-2).map((call) => [call.params.parse_mode, call.params.text]);
    assert.deepEqual(edits, [['HTML', '<b>Denied</b> by bob'], [undefined, 'Denied by bob']]);
    assert.equal((record(sent) as { text: string }).text, 'Denied by bob');
  });

  it('rejects, with what Telegram said, for a message that is not there or an id that is not one', async () => {
    await assert.rejects(close({ channelId, messageId: '999999' }, 'Approved'), /400: Bad Request: message to edit not found/);
    await assert.rejects(close({ channelId, messageId: 'not-an-id' }, 'Approved'), /not a Telegram message id/);
  });
});
