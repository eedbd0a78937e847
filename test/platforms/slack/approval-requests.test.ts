import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ErrorCode, isAofError, type ApprovalMode } from '@aof/api';
import { SLACK_MESSAGE_LIMIT } from '@aof/plugin-slack';
import { SAMPLE, startSlack, type SlackTestEnv } from './harness.js';

/** Slack's limit on a section's text, which holds a request with buttons. */
const SECTION_TEXT_LIMIT = 3_000;

/** An approval request is posted whole or not at all: cut, the hidden end of the command would run on approval. */
describe('Slack approval requests too long for a message', () => {
  let env: SlackTestEnv;
  before(async () => {
    env = await startSlack();
  });
  after(() => env.stop());

  const post = (text: string, mode: ApprovalMode) => env.platform.postApprovalRequest?.({ channelId: SAMPLE.channelId, thread: SAMPLE.thread, text, approvalId: 'apr-slacklong', mode }) ?? Promise.reject(new Error('no postApprovalRequest'));
  /** `length` characters ending in a tail that a cut would lose. */
  const request = (length: number): string => `${'x'.repeat(length - 10)} tail-end!`;

  for (const [mode, limit] of [['button', SECTION_TEXT_LIMIT], ['reaction', SLACK_MESSAGE_LIMIT]] as const) {
    it(`posts a ${mode} request of ${limit} characters whole`, async () => {
      const sent = await post(request(limit), mode);
      const posted = env.api.sentMessages().find((message) => message.messageId === sent.messageId);
      assert.equal(posted?.text, request(limit));
      if (mode === 'button') {
        const blocks = env.api.callsTo('chat.postMessage').at(-1)?.params.blocks as Array<{ text?: { text?: string } }>;
        assert.equal(blocks[0]?.text?.text, request(limit));
      }
    });

    it(`refuses a ${mode} request of ${limit + 1} characters and posts nothing`, async () => {
      const before = env.api.callsTo('chat.postMessage').length;
      const reactions = env.api.callsTo('reactions.add').length;
      await assert.rejects(post(request(limit + 1), mode), (error: unknown) => {
        assert.ok(isAofError(error, ErrorCode.APPROVAL_TOO_LONG), String(error));
        assert.match(error.message, new RegExp(`is ${limit + 1} characters in Slack's format, more than the ${limit} `));
        assert.deepEqual(error.details, { platform: 'Slack', mode, length: limit + 1, limit });
        return true;
      });
      assert.equal(env.api.callsTo('chat.postMessage').length, before);
      assert.equal(env.api.callsTo('reactions.add').length, reactions);
    });
  }

  it('measures the request as Slack gets it: escaped characters count as their entities', async () => {
    // 700 characters of Markdown are 3,500 of mrkdwn: `&` is sent as `&amp;`.
    await assert.rejects(post('&'.repeat(700), 'button'), /is 3500 characters in Slack's format, more than the 3000 /);
  });
});
