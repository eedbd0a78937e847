import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ErrorCode, isAofError, type ApprovalMode } from '@aof/api';
import { DISCORD_MESSAGE_LIMIT } from '@aof/plugin-discord';
import { SAMPLE, startDiscord, type DiscordTestEnv } from './harness.js';

/** An approval request is posted whole or not at all: cut, the hidden end of the command would run on approval. */
describe('Discord approval requests too long for a message', () => {
  let env: DiscordTestEnv;
  before(async () => {
    env = await startDiscord();
  });
  after(() => env.stop());

  const post = (text: string, mode: ApprovalMode) => env.platform.postApprovalRequest?.({ channelId: SAMPLE.channelId, thread: SAMPLE.thread, text, approvalId: 'apr-discordlong', mode }) ?? Promise.reject(new Error('no postApprovalRequest'));
  /** `length` characters ending in a tail that a cut would lose. */
  const request = (length: number): string => `${'x'.repeat(length - 10)} tail-end!`;
  const posts = (): number => env.api.callsTo('POST /channels/:id/messages').length;

  for (const mode of ['button', 'reaction'] as const) {
    it(`posts a ${mode} request of ${DISCORD_MESSAGE_LIMIT} characters whole`, async () => {
      const sent = await post(request(DISCORD_MESSAGE_LIMIT), mode);
      assert.equal(env.api.sentMessages().find((message) => message.messageId === sent.messageId)?.text, request(DISCORD_MESSAGE_LIMIT));
    });

    it(`refuses a ${mode} request of ${DISCORD_MESSAGE_LIMIT + 1} characters and posts nothing`, async () => {
      const before = posts();
      const reactions = env.api.callsTo('PUT /channels/:id/messages/:id/reactions/:emoji/@me').length;
      await assert.rejects(post(request(DISCORD_MESSAGE_LIMIT + 1), mode), (error: unknown) => {
        assert.ok(isAofError(error, ErrorCode.APPROVAL_TOO_LONG), String(error));
        assert.match(error.message, /is 2001 characters in Discord's format, more than the 2000 /);
        assert.deepEqual(error.details, { platform: 'Discord', mode, length: DISCORD_MESSAGE_LIMIT + 1, limit: DISCORD_MESSAGE_LIMIT });
        return true;
      });
      assert.equal(posts(), before);
      assert.equal(env.api.callsTo('PUT /channels/:id/messages/:id/reactions/:emoji/@me').length, reactions);
    });
  }
});
