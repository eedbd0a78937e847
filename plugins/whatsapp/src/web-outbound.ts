import { wholeApprovalText, type ApprovalRequestMessage, type Logger, type OutboundReply, type SentMessage } from '@aof/api';
import { APPROVAL_REACTIONS } from './approval.js';
import { markdownToWhatsApp } from './format.js';
import { splitMessage, WHATSAPP_MESSAGE_LIMIT } from './split.js';
import { chatJid } from './web-events.js';
import type { WhatsAppWebSession } from './web-session.js';

/** Posts replies and reaction approvals through the linked WhatsApp Web session. */
export class WebOutbound {
  readonly #session: WhatsAppWebSession;
  readonly #logger: Logger;

  constructor(options: { session: WhatsAppWebSession; logger: Logger }) {
    this.#session = options.session;
    this.#logger = options.logger;
  }

  /** Long replies go out as several messages, in order, each quoting the same message; resolves with the first. */
  async send(reply: OutboundReply): Promise<SentMessage> {
    const [head, ...rest] = splitMessage(markdownToWhatsApp(reply.text), WHATSAPP_MESSAGE_LIMIT);
    if (head === undefined) throw new Error('refusing to post an empty WhatsApp message');
    const quoted = reply.thread ?? reply.replyTo;
    const first = await this.#post(reply.channelId, quoted, head);
    for (const chunk of rest) await this.#post(reply.channelId, quoted, chunk);
    return first;
  }

  /** Reactions only: WhatsApp no longer delivers buttons sent from a personal account. */
  async postApprovalRequest(request: ApprovalRequestMessage): Promise<SentMessage> {
    const text = wholeApprovalText(markdownToWhatsApp(request.text), WHATSAPP_MESSAGE_LIMIT, { platform: 'WhatsApp', mode: 'reaction' });
    const sent = await this.#post(request.channelId, request.thread, text);
    const client = await this.#session.ready();
    for (const emoji of [APPROVAL_REACTIONS.approve[0], APPROVAL_REACTIONS.deny[0]]) {
      try {
        await client.sendReaction(sent.messageId, emoji);
      } catch (error) {
        // The request is posted and approvers can still react by hand.
        this.#logger.warn({ reaction: emoji, error: error instanceof Error ? error.message : String(error) }, 'could not add the approval reaction');
      }
    }
    return sent;
  }

  async #post(chatId: string, quoted: string | undefined, text: string): Promise<SentMessage> {
    const client = await this.#session.ready();
    const sent = await client.sendMessage(chatJid(chatId), text, { linkPreview: false, ...(quoted !== undefined && { quotedMessageId: quoted }) });
    return { messageId: sent.id._serialized, channelId: chatId };
  }
}
