import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ErrorCode, isAofError, type ApprovalMode } from '@aof/api';
import { WHATSAPP_MESSAGE_LIMIT } from '@aof/plugin-whatsapp';
import { SAMPLE, startWhatsApp, type WhatsAppTestEnv } from './harness.js';

/** The most an interactive (button) message's body holds. */
const INTERACTIVE_BODY_LIMIT = 1_024;

/** An approval request is posted whole or not at all: cut, the hidden end of the command would run on approval. */
describe('WhatsApp Cloud approval requests too long for a message', () => {
  let env: WhatsAppTestEnv;
  before(async () => {
    env = await startWhatsApp();
  });
  after(() => env.stop());

  const post = (text: string, mode: ApprovalMode) => env.platform.postApprovalRequest?.({ channelId: SAMPLE.channelId, thread: SAMPLE.thread, text, approvalId: 'apr-whatsapplong', mode }) ?? Promise.reject(new Error('no postApprovalRequest'));
  /** `length` characters ending in a tail that a cut would lose. */
  const request = (length: number): string => `${'x'.repeat(length - 10)} tail-end!`;

  for (const [mode, limit] of [['button', INTERACTIVE_BODY_LIMIT], ['reaction', WHATSAPP_MESSAGE_LIMIT]] as const) {
    it(`posts a ${mode} request of ${limit} characters whole`, async () => {
      const sent = await post(request(limit), mode);
      const posted = env.api.sentMessages().find((message) => message.messageId === sent.messageId);
      assert.equal(posted?.text, request(limit));
      assert.equal(posted?.buttons.length, mode === 'button' ? 2 : 0);
    });

    it(`refuses a ${mode} request of ${limit + 1} characters and sends nothing, not even a reaction`, async () => {
      const before = env.api.calls.length;
      await assert.rejects(post(request(limit + 1), mode), (error: unknown) => {
        assert.ok(isAofError(error, ErrorCode.APPROVAL_TOO_LONG), String(error));
        assert.match(error.message, new RegExp(`is ${limit + 1} characters in WhatsApp's format, more than the ${limit} `));
        assert.deepEqual(error.details, { platform: 'WhatsApp', mode, length: limit + 1, limit });
        return true;
      });
      assert.equal(env.api.calls.length, before);
    });
  }
});
