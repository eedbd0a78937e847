import assert from 'node:assert/strict';
import { it } from 'node:test';
import { APPROVAL_ACTION_IDS, ErrorCode, isAofError } from '@aof/api';
import type { ContractContext } from './contract-context.js';

/** Cases about what the plugin posts: threading, splitting, rate limits, approval requests (whole or not at all) and their answers. */
export function outboundCases(context: ContractContext): void {
  const { harness } = context;

  it('posts the reply in the thread of the message it answers', async () => {
    const text = context.marker('ask');
    const { channelId, userId, thread } = harness.sample;
    await context.deliver(harness.signedEvent('message', { text, channelId, userId, thread }));
    const message = await context.waitForInbound('the message to answer', (candidate) => candidate.text === text);
    const answer = context.marker('answer');
    const { platform, fakeApi } = context.started;
    await platform.send({
      platform: message.platform,
      ...(message.workspace !== undefined && { workspace: message.workspace }),
      channelId: message.channel.id,
      ...(message.thread !== undefined && { thread: message.thread }),
      text: answer,
      replyTo: message.id,
    });
    const posted = fakeApi.sentMessages().filter((sent) => sent.text.includes(answer));
    assert.equal(posted.length, 1);
    assert.equal(posted[0]?.channelId, channelId);
    assert.equal(posted[0]?.thread, thread);
  });

  it('splits a long reply into several messages under the limit, in order', async () => {
    const { platform, fakeApi } = context.started;
    const tag = context.marker('long');
    const lineCount = Math.ceil((harness.maxMessageLength * 3) / 40);
    const lines = Array.from({ length: lineCount }, (_unused, index) => `${tag} line ${String(index).padStart(5, '0')} of the answer`);
    const before = fakeApi.sentMessages().length;
    await platform.send({ platform: harness.platform, channelId: harness.sample.channelId, thread: harness.sample.thread, text: lines.join('\n') });
    const posted = fakeApi.sentMessages().slice(before);
    assert.ok(posted.length >= 3, `expected several messages, got ${posted.length}`);
    for (const sent of posted) {
      assert.ok(sent.text.length <= harness.maxMessageLength, `a message of ${sent.text.length} characters exceeds ${harness.maxMessageLength}`);
      assert.equal(sent.thread, harness.sample.thread);
    }
    const numbers = posted.flatMap((sent) => [...sent.text.matchAll(/ line (\d{5}) of/g)].map((match) => Number(match[1])));
    assert.deepEqual(numbers, lines.map((_line, index) => index));
  });

  it('retries a reply the platform rate-limited (429) and delivers it once', async () => {
    const { platform, fakeApi } = context.started;
    const text = context.marker('limited');
    const limitedBefore = fakeApi.rateLimitedCount();
    fakeApi.failNextWith429(1);
    await platform.send({ platform: harness.platform, channelId: harness.sample.channelId, thread: harness.sample.thread, text });
    assert.equal(fakeApi.rateLimitedCount(), limitedBefore + 1);
    assert.equal(fakeApi.sentMessages().filter((sent) => sent.text.includes(text)).length, 1);
  });

  it('offers the approval modes the harness expects', () => {
    const { platform } = context.started;
    assert.deepEqual([...(platform.approvalModes ?? [])].sort(), [...harness.approvalModes].sort());
    assert.equal(platform.postApprovalRequest !== undefined, harness.approvalModes.length > 0, 'postApprovalRequest exactly when there are approval modes');
  });

  for (const mode of harness.approvalModes) {
    it(`posts a ${mode} approval request and delivers the answer as a ${mode} event on that message`, async () => {
      const { platform, fakeApi } = context.started;
      assert.ok(platform.postApprovalRequest !== undefined, 'a platform with approval modes posts approval requests');
      const { channelId, userId, thread } = harness.sample;
      const approvalId = context.marker('approval');
      const sent = await platform.postApprovalRequest({ channelId, thread, text: `Approve ${approvalId}?`, approvalId, mode });
      const posted = fakeApi.sentMessages().find((candidate) => candidate.messageId === sent.messageId);
      assert.ok(posted !== undefined, 'the approval message is on the fake API');
      assert.equal(posted.thread, thread);
      if (mode === 'reaction') {
        const reactions = platform.approvalReactions;
        assert.ok(reactions !== undefined, 'a platform with reaction approvals declares approvalReactions');
        const approve = reactions.approve[0] ?? '';
        assert.deepEqual(fakeApi.reactionsOn(sent.messageId), [approve, reactions.deny[0]]);
        await context.deliver(harness.signedEvent('reaction', { channelId, userId, messageId: sent.messageId, reaction: approve }));
        const vote = await context.waitForInbound('the reaction', (message) => message.kind === 'reaction' && message.reaction?.messageId === sent.messageId);
        assert.equal(vote.reaction?.name, approve);
        assert.ok(vote.reaction?.removed !== true);
        assert.equal(vote.user.id, userId);
        assert.equal(vote.channel.id, channelId);
      } else {
        assert.deepEqual(posted.buttons, [{ id: APPROVAL_ACTION_IDS.approve, value: approvalId }, { id: APPROVAL_ACTION_IDS.deny, value: approvalId }]);
        await context.deliver(harness.signedEvent('button', { channelId, userId, messageId: sent.messageId, actionId: APPROVAL_ACTION_IDS.approve, value: approvalId }));
        const click = await context.waitForInbound('the button click', (message) => message.kind === 'button' && message.action?.messageId === sent.messageId);
        assert.deepEqual(click.action, { id: APPROVAL_ACTION_IDS.approve, value: approvalId, messageId: sent.messageId });
        assert.equal(click.user.id, userId);
      }
      if (platform.closeApprovalRequest !== undefined) {
        // Decided: the message says so and keeps no buttons.
        await platform.closeApprovalRequest({ channelId, messageId: sent.messageId, thread, text: `Closed ${approvalId}`, summary: `Closed ${approvalId}`, mode });
        const closed = fakeApi.sentMessages().find((candidate) => candidate.messageId === sent.messageId);
        assert.ok(closed?.text.includes(`Closed ${approvalId}`), `the approval message now says it is closed: ${closed?.text}`);
        assert.deepEqual(closed?.buttons ?? [], []);
        // A decided request too long for one message says its summary, which keeps the outcome.
        const text = `${'request line\n'.repeat(Math.ceil(harness.maxMessageLength / 13) + 1)}Denied ${approvalId}`;
        await platform.closeApprovalRequest({ channelId, messageId: sent.messageId, thread, text, summary: `Summary: denied ${approvalId}`, mode });
        const summarized = fakeApi.sentMessages().find((candidate) => candidate.messageId === sent.messageId);
        assert.ok(summarized?.text.includes(`Summary: denied ${approvalId}`), `the approval message says the summary: ${summarized?.text.slice(0, 80)}`);
      }
    });

    it(`refuses a ${mode} approval request too long for one message, and posts nothing: never a cut request`, async () => {
      const { platform, fakeApi } = context.started;
      assert.ok(platform.postApprovalRequest !== undefined, 'a platform with approval modes posts approval requests');
      const { channelId, thread } = harness.sample;
      const approvalId = context.marker('overlong');
      // Longer than any message, in lines a person would read: the last ones are what a cut would hide.
      const lines: string[] = [];
      while (lines.join('\n').length <= harness.maxMessageLength) lines.push(`${approvalId} line ${String(lines.length).padStart(5, '0')}`);
      const text = lines.join('\n');
      const before = fakeApi.sentMessages().length;
      await assert.rejects(platform.postApprovalRequest({ channelId, thread, text, approvalId, mode }), (error: unknown) => {
        assert.ok(isAofError(error, ErrorCode.APPROVAL_TOO_LONG), `expected ${ErrorCode.APPROVAL_TOO_LONG}, got ${String(error)}`);
        return true;
      });
      assert.equal(fakeApi.sentMessages().length, before, 'nothing was posted');
    });
  }
}
