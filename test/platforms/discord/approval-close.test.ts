import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ApprovalMode, SentMessage } from '@aof/api';
import { DISCORD_MESSAGE_LIMIT } from '@aof/plugin-discord';
import { SAMPLE, startDiscord, type DiscordTestEnv } from './harness.js';

const EDIT = 'PATCH /channels/:id/messages/:id';

describe('Closing a Discord approval request', () => {
  let env: DiscordTestEnv;
  let approvals = 0;
  before(async () => {
    env = await startDiscord();
  });
  after(() => env.stop());

  async function post(options: { thread?: string; mode?: ApprovalMode } = {}): Promise<SentMessage> {
    approvals += 1;
    const sent = await env.platform.postApprovalRequest?.({
      channelId: SAMPLE.channelId,
      ...(options.thread !== undefined && { thread: options.thread }),
      text: 'Run `kubectl delete pod api-1`?',
      approvalId: `ap-${approvals}`,
      mode: options.mode ?? 'button',
    });
    assert.ok(sent !== undefined);
    return sent;
  }
  const close = (sent: SentMessage, text: string, mode: ApprovalMode = 'button', thread?: string, summary = text): Promise<void> =>
    env.platform.closeApprovalRequest?.({ channelId: sent.channelId, messageId: sent.messageId, ...(thread !== undefined && { thread }), text, summary, mode })
      ?? Promise.reject(new Error('no closeApprovalRequest'));
  const record = (sent: SentMessage): unknown => env.api.sentMessages().find((candidate) => candidate.messageId === sent.messageId);

  it('replaces the content and takes the buttons away, pinging nobody', async () => {
    const sent = await post();
    await close(sent, '✅ **Approved** by alice');
    const edit = env.api.callsTo(EDIT).at(-1);
    assert.equal(edit?.path, `/channels/${SAMPLE.channelId}/messages/${sent.messageId}`);
    assert.deepEqual(edit?.body, { content: '✅ **Approved** by alice', allowed_mentions: { parse: [], replied_user: true }, flags: 4, components: [] });
    assert.deepEqual(record(sent), { messageId: sent.messageId, channelId: SAMPLE.channelId, text: '✅ **Approved** by alice', buttons: [] });
  });

  it('edits a request posted in a thread in that thread (the channel is its parent)', async () => {
    const sent = await post({ thread: SAMPLE.thread });
    assert.equal(sent.channelId, SAMPLE.channelId);
    await close(sent, 'Denied by bob', 'button', SAMPLE.thread);
    assert.equal(env.api.callsTo(EDIT).at(-1)?.path, `/channels/${SAMPLE.thread}/messages/${sent.messageId}`);
    assert.deepEqual(record(sent), { messageId: sent.messageId, channelId: SAMPLE.channelId, thread: SAMPLE.thread, text: 'Denied by bob', buttons: [] });
  });

  it('closes a reaction-mode request the same way; a decision too long for one message says its summary instead, formatted as replies are', async () => {
    const sent = await post({ mode: 'reaction' });
    await close(sent, `Run \`${'y'.repeat(2_500)}\`\n#### Expired`, 'reaction', undefined, '#### Expired\nRequest ap-x expired.');
    assert.equal(env.api.callsTo(EDIT).at(-1)?.body?.content, '**Expired**\nRequest ap-x expired.');
    assert.equal((record(sent) as { text: string }).text, '**Expired**\nRequest ap-x expired.');
  });

  it('cuts the summary to one message only when even that does not fit: the request is decided, nothing on it still votes', async () => {
    const sent = await post();
    await close(sent, `Run \`${'y'.repeat(2_500)}\``, 'button', undefined, `#### Expired\n${'z'.repeat(2_500)}`);
    const content = String(env.api.callsTo(EDIT).at(-1)?.body?.content);
    assert.equal(content.length, DISCORD_MESSAGE_LIMIT);
    assert.ok(content.startsWith('**Expired**\nzzz') && content.endsWith('…'), content.slice(0, 20));
    assert.deepEqual(env.api.callsTo(EDIT).at(-1)?.body?.components, []);
  });

  it('waits out a 429 and edits once', async () => {
    const sent = await post();
    const before = env.api.callsTo(EDIT).length;
    const limited = env.api.rateLimitedCount();
    env.api.failNextWith429(0.01);
    await close(sent, 'Approved after the limit');
    assert.equal(env.api.rateLimitedCount(), limited + 1);
    assert.equal(env.api.callsTo(EDIT).length, before + 2);
    assert.deepEqual(record(sent), { messageId: sent.messageId, channelId: SAMPLE.channelId, text: 'Approved after the limit', buttons: [] });
    assert.ok(env.kernel.logs.some((line) => line.includes('Discord rate limit') && line.includes(`/channels/${SAMPLE.channelId}/messages/${sent.messageId}`)));
  });

  it('rejects with Discord 404 Unknown Message for a message that is not there, and refuses an id that is not one', async () => {
    await assert.rejects(close({ channelId: SAMPLE.channelId, messageId: '1300000000000000777' }, 'Approved'), /PATCH \/channels\/:id\/messages\/:id failed \(404, code 10008\): Unknown Message/);
    await assert.rejects(close({ channelId: SAMPLE.channelId, messageId: 'not-an-id' }, 'Approved'), /not a Discord message id/);
  });
});
