import { APPROVAL_ACTION_IDS, wholeApprovalText, type ApprovalRequestMessage, type Logger, type OutboundReply, type SentMessage } from '@aof/api';
import { APPROVAL_REACTIONS, approvalButtonId } from './approval.js';
import { markdownToWhatsApp } from './format.js';
import type { GraphClient } from './graph-client.js';
import { splitMessage, WHATSAPP_MESSAGE_LIMIT } from './split.js';

/** The body of an interactive message holds at most 1,024 characters. */
const INTERACTIVE_BODY_LIMIT = 1_024;

type Payload = Readonly<Record<string, unknown>>;

/** Posts replies and approval requests through the Graph API. */
export class CloudOutbound {
  readonly #graph: GraphClient;
  readonly #phoneNumberId: string | undefined;
  readonly #logger: Logger;

  constructor(options: { graph: GraphClient; phoneNumberId: string | undefined; logger: Logger }) {
    this.#graph = options.graph;
    this.#phoneNumberId = options.phoneNumberId;
    this.#logger = options.logger;
  }

  /** Long replies go out as several messages, in order, each quoting the same message; resolves with the first. */
  async send(reply: OutboundReply): Promise<SentMessage> {
    const from = this.#sender(reply.workspace);
    const quoted = reply.thread ?? reply.replyTo;
    const [head, ...rest] = splitMessage(markdownToWhatsApp(reply.text), WHATSAPP_MESSAGE_LIMIT);
    if (head === undefined) throw new Error('refusing to post an empty WhatsApp message');
    const first = await this.#post(from, reply.channelId, quoted, textPayload(head));
    for (const chunk of rest) await this.#post(from, reply.channelId, quoted, textPayload(chunk));
    return first;
  }

  async postApprovalRequest(request: ApprovalRequestMessage): Promise<SentMessage> {
    const from = this.#sender(request.workspace);
    const limit = request.mode === 'button' ? INTERACTIVE_BODY_LIMIT : WHATSAPP_MESSAGE_LIMIT;
    const text = wholeApprovalText(markdownToWhatsApp(request.text), limit, { platform: 'WhatsApp', mode: request.mode });
    if (request.mode === 'button') return this.#post(from, request.channelId, request.thread, buttonsPayload(text, request.approvalId));
    const sent = await this.#post(from, request.channelId, request.thread, textPayload(text));
    for (const emoji of [APPROVAL_REACTIONS.approve[0], APPROVAL_REACTIONS.deny[0]]) {
      try {
        await this.#graph.sendMessage(from, { ...recipient(request.channelId), type: 'reaction', reaction: { message_id: sent.messageId, emoji } });
      } catch (error) {
        // The request is posted and approvers can still react by hand; losing it over a missing emoji would be worse.
        this.#logger.warn({ reaction: emoji, error: error instanceof Error ? error.message : String(error) }, 'could not add the approval reaction');
      }
    }
    return sent;
  }

  async #post(from: string, to: string, quoted: string | undefined, payload: Payload): Promise<SentMessage> {
    const messageId = await this.#graph.sendMessage(from, {
      ...recipient(to),
      ...payload,
      // WhatsApp has no threads; quoting the message is how an answer shows what it answers.
      ...(quoted !== undefined && { context: { message_id: quoted } }),
    });
    return { messageId, channelId: to };
  }

  /** The number that received the message answers it; the configured one speaks first. */
  #sender(workspace: string | undefined): string {
    const from = workspace ?? this.#phoneNumberId;
    if (from === undefined) throw new Error('no WhatsApp phone_number_id to send from: configure phone_number_id');
    return from;
  }
}

/** A phone number (digits, optionally `+`) is a person; anything else is a Groups API group id. */
function recipient(chatId: string): Payload {
  return /^\+?\d+$/.test(chatId) ? { recipient_type: 'individual', to: chatId } : { recipient_type: 'group', to: chatId };
}

function textPayload(body: string): Payload {
  // Agents quote many URLs (dashboards, runbooks); a preview of the first would push the answer off screen.
  return { type: 'text', text: { body, preview_url: false } };
}

function buttonsPayload(body: string, approvalId: string): Payload {
  const button = (title: string, action: string): Payload => ({ type: 'reply', reply: { id: approvalButtonId(action, approvalId), title } });
  return {
    type: 'interactive',
    interactive: {
      type: 'button',
      body: { text: body },
      action: { buttons: [button('Approve', APPROVAL_ACTION_IDS.approve), button('Deny', APPROVAL_ACTION_IDS.deny)] },
    },
  };
}
